/**
 * The REQ_EXECUTIONS filter: client id, account, time, symbol, secType, exchange, side, each
 * ignored when empty. Without a client id a client sees its own executions, client 0 everyone's
 * (docs/wire-facts/orders.md#reqexecutions-filter).
 */
import { formatZoned } from '../../../common/ib/time-zones.ts';
import type { Execution } from '../../orders/order-types.ts';
import type { ClientMessageOf } from '../../protocol/index.ts';

/** `yyyyMMdd-HH:mm:ss` or `yyyyMMdd HH:mm:ss` → the same text in the comparable `yyyyMMdd HH:mm:ss` form. */
function filterTime(text: string): string {
  return text.trim().replace('-', ' ').slice(0, 17);
}

export function executionFilter(f: ClientMessageOf<'REQ_EXECUTIONS'>, requesterClientId: number, timeZone: string): (e: Execution) => boolean {
  const clientId = f.filterClientId !== undefined && f.filterClientId !== 0 ? f.filterClientId : requesterClientId === 0 ? undefined : requesterClientId;
  const since = f.time ? filterTime(f.time) : '';
  const side = f.side.toUpperCase();
  return (e) =>
    (clientId === undefined || e.clientId === clientId) &&
    (!f.acctCode || e.account === f.acctCode) &&
    (!f.symbol || e.instrument.symbol.toUpperCase() === f.symbol.toUpperCase()) &&
    (!f.secType || e.instrument.secType.toUpperCase() === f.secType.toUpperCase()) &&
    (!f.exchange || f.exchange.toUpperCase() === 'SMART' || e.instrument.primaryExchange === f.exchange.toUpperCase()) &&
    (!side || (side === 'BUY' ? 'BOT' : side === 'SELL' ? 'SLD' : side) === e.side) &&
    (!since || formatZoned(e.time, timeZone) >= since);
}
