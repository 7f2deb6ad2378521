/**
 * The whatToShow values TWS accepts in REQ_HISTORICAL_DATA: one list for the simulator (which
 * serves a subset and names the rest as not simulated) and the collector's input checks.
 * docs/wire-facts/history.md#whattoshow-values
 */
export const WHAT_TO_SHOW = [
  'TRADES',
  'MIDPOINT',
  'BID',
  'ASK',
  'BID_ASK',
  'ADJUSTED_LAST',
  'HISTORICAL_VOLATILITY',
  'OPTION_IMPLIED_VOLATILITY',
  'FEE_RATE',
  'SCHEDULE',
  'YIELD_BID',
  'YIELD_ASK',
  'YIELD_BID_ASK',
  'YIELD_LAST',
  'AGGTRADES',
] as const;

export type WhatToShowValue = (typeof WHAT_TO_SHOW)[number];

/** The legal value `text` names (blanks and case ignored), or undefined. */
export function findWhatToShow(text: string): WhatToShowValue | undefined {
  const t = text.trim().toUpperCase();
  return (WHAT_TO_SHOW as readonly string[]).includes(t) ? (t as WhatToShowValue) : undefined;
}

/**
 * What IB documents about the values the collector cannot use as asked: SCHEDULE answers with
 * trading sessions (HISTORICAL_SCHEDULE, 106), not bars; AGGTRADES is served for cryptocurrencies
 * only. docs/wire-facts/history.md#whattoshow-values
 */
const NOT_BARS: ReadonlySet<WhatToShowValue> = new Set(['SCHEDULE']);
const ONLY_FOR: Partial<Record<WhatToShowValue, readonly string[]>> = { AGGTRADES: ['CRYPTO'] };

/**
 * Why a historical-bar request for `what` on a contract of `secType` cannot give bars, or
 * undefined when IB serves it (as far as its documentation says).
 */
export function whatToShowRefusal(what: WhatToShowValue, secType: string): string | undefined {
  if (NOT_BARS.has(what)) return `${what} answers with trading sessions, not bars (use TRADES, MIDPOINT, BID, ASK, …)`;
  const only = ONLY_FOR[what];
  if (only && !only.includes(secType.toUpperCase())) return `${what} is served for ${only.join(', ')} contracts only, not ${secType.toUpperCase()}`;
  return undefined;
}
