/**
 * The instruments the project's scenarios, examples and tests talk about, defined once so that
 * `AAPL` means one thing everywhere: a contract as a collector asks for it (symbol and currency),
 * and, separately, the conId the simulator's bundled universe gives it.
 *
 * conIds: AAPL, TSLA, MSFT and AMD are IB's real ones (docs/wire-facts/contracts.md); TTE and WLN
 * are the bundled universe's synthetic ids (900000001+), marked as such in
 * simulator/data/contracts.json.
 */

export const AAPL = { symbol: 'AAPL', currency: 'USD' } as const;
export const MSFT = { symbol: 'MSFT', currency: 'USD' } as const;
export const TSLA = { symbol: 'TSLA', currency: 'USD' } as const;
export const AMD = { symbol: 'AMD', currency: 'USD' } as const;
/** TotalEnergies on Euronext Paris (SBF). A bare `TTE` is ambiguous: it also trades on NYSE in USD. */
export const TTE = { symbol: 'TTE', currency: 'EUR' } as const;
/** Worldline on Euronext Paris (SBF). */
export const WLN = { symbol: 'WLN', currency: 'EUR' } as const;

/** The incident's five symbols, in the order its watchlist had them. */
export const WATCHLIST = [TTE, WLN, AAPL, TSLA, MSFT] as const;

/** conIds in the simulator's bundled universe. */
export const CONID = {
  AAPL: 265598,
  TSLA: 76792991,
  MSFT: 272093,
  AMD: 4391,
  TTE_SBF: 900000001,
  TTE_NYSE: 900000002,
  WLN: 900000003,
} as const;
