/**
 * Which data a profile's market data permissions give for an instrument.
 * docs/wire-facts/market-data.md#permissions-354-and-10167
 */
import type { Instrument } from './instrument.ts';

export type Entitlement = 'live' | 'delayed' | 'none';

/**
 * `live` when an entry of `permissions.live` names the instrument, else `delayed` when one of
 * `permissions.delayed` does, else `none`. An entry is `*`, a secType (`STK`), or
 * `secType:exchange` naming the instrument's primary or a listing exchange (`STK:NASDAQ`); case is ignored.
 */
export function entitlementOf(permissions: { live: readonly string[]; delayed: readonly string[] }, instrument: Instrument): Entitlement {
  const secType = instrument.secType.toUpperCase();
  const exchanges = new Set([instrument.primaryExchange, ...instrument.listingExchanges].map((e) => e.toUpperCase()));
  const names = (entry: string) => {
    const [type, exchange] = entry.toUpperCase().split(':');
    if (type === '*') return true;
    if (type !== secType) return false;
    return exchange === undefined || exchanges.has(exchange);
  };
  if (permissions.live.some(names)) return 'live';
  if (permissions.delayed.some(names)) return 'delayed';
  return 'none';
}
