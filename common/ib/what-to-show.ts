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
