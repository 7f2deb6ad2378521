/**
 * Reading journal entries for the verdict: where a connection comes from, what contract a request
 * is about, and which error frames mean what. Every IB fact used here is cited; the verdict's own
 * choices are in docs/wire-facts/verdicts.md.
 */
import { IbCode } from '../../common/ib/errors.ts';

type Message = { type: string; [field: string]: unknown };

/**
 * The host part of a remote address: `127.0.0.1` of `127.0.0.1:53122`, `::1` of `::1:53122`,
 * `ui` of the in-process `ui:3`; IPv4-mapped IPv6 (`::ffff:10.0.0.5`) reads as the IPv4 address.
 * An address without a `:port` tail is its own host.
 *
 * The host is what the verdict calls a *remote process* by default: a TCP source port names a
 * connection, not a process, and one process may open many connections (docs/wire-facts/verdicts.md#remote-process).
 */
export function hostOf(remote: string): string {
  const m = /^(.*):(\d+)$/.exec(remote);
  const host = m ? m[1]! : remote;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  return mapped ? mapped[1]! : host || remote;
}

/** A field of a message, looked for at the top level first, then inside the nested objects named. */
export function field(m: Message, name: string, ...nested: string[]): unknown {
  if (m[name] !== undefined) return m[name];
  for (const n of nested) {
    const inner = m[n];
    if (inner !== null && typeof inner === 'object' && (inner as Record<string, unknown>)[name] !== undefined) return (inner as Record<string, unknown>)[name];
  }
  return undefined;
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/**
 * What contract a request asks about, as one line (`TTE STK SBF EUR`, `conId 265598 SMART`): the
 * fields IB matches a contract by (docs/wire-facts/contracts.md#how-the-gateway-matches-a-query).
 */
export function contractText(m: Message): string {
  const conId = Number(field(m, 'conId', 'contract'));
  const parts = [
    conId > 0 ? `conId ${conId}` : '',
    text(field(m, 'symbol', 'contract')),
    text(field(m, 'localSymbol', 'contract')),
    text(field(m, 'secType', 'contract')),
    text(field(m, 'lastTradeDateOrContractMonth', 'contract')),
    Number(field(m, 'strike', 'contract')) > 0 ? text(field(m, 'strike', 'contract')) : '',
    text(field(m, 'right', 'contract')),
    text(field(m, 'exchange', 'contract')),
    text(field(m, 'primaryExchange', 'contract')),
    text(field(m, 'currency', 'contract')),
  ];
  return parts.filter((p) => p !== '').join(' ') || '(no contract fields)';
}

/** What makes two historical requests the same query beyond the contract (docs/wire-facts/pacing.md#identical-requests-within-15-s). */
function historyQueryText(m: Message): string {
  return [m.endDateTime, m.duration, m.barSize, m.whatToShow, m.useRTH ? 'RTH' : 'all hours'].map(text).join(' · ');
}

/**
 * The identity of a request for spotting re-sends and duplicates, or undefined for requests that
 * are not about one contract: the type, the contract, and for history the query.
 */
export function requestKey(m: Message): string | undefined {
  if (m.type === 'REQ_CONTRACT_DATA') return `${m.type} ${contractText(m)}`;
  if (m.type === 'REQ_HISTORICAL_DATA') return `${m.type} ${contractText(m)} · ${historyQueryText(m)}`;
  return undefined;
}

/** Client messages that withdraw a request by its reqId (the cancels the protocol declares for answered requests). */
export const CANCELS: Readonly<Record<string, string>> = {
  CANCEL_HISTORICAL_DATA: 'REQ_HISTORICAL_DATA',
  CANCEL_HEAD_TIMESTAMP: 'REQ_HEAD_TIMESTAMP',
  CANCEL_ACCOUNT_SUMMARY: 'REQ_ACCOUNT_SUMMARY',
  CANCEL_ACCOUNT_UPDATES_MULTI: 'REQ_ACCOUNT_UPDATES_MULTI',
  CANCEL_POSITIONS_MULTI: 'REQ_POSITIONS_MULTI',
};

/**
 * An error that confirms a cancel rather than serving the request: 162 `… query cancelled` or 366
 * (no such query any more). docs/wire-facts/history.md#cancel_historical_data-25
 */
export function isCancelConfirmation(code: number, message: string): boolean {
  return (code === IbCode.HMDS_ERROR && /cancel/i.test(message)) || code === IbCode.NO_HISTORICAL_QUERY;
}

/**
 * A message-rate warning: TWS sends `Warning: Approaching max rate of 50 messages per second (n)`
 * with code 0 before it starts refusing with 100 (docs/wire-facts/verdicts.md#message-rate-warning);
 * `extraCodes` are codes a configuration adds.
 */
export function isRateWarning(code: number, message: string, extraCodes: readonly number[]): boolean {
  if (code === IbCode.RATE_EXCEEDED) return false;
  return extraCodes.includes(code) || /approaching max rate/i.test(message);
}

/** A number field, or undefined when it is missing or not a number. */
export function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}
