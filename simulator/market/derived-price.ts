/**
 * Prices of derived instruments (options, index futures) as functions of their underlying's mid at
 * the same instant, so that an option chain and a future agree with the stock or index they are
 * written on. price-path.ts calls `derivedPrice` wherever it would read an instrument's own path;
 * everything downstream (bars, the 250 ms steps, ticks, historical ticks) follows from there.
 * Design and its choices (rate, yields, volatility, spreads): docs/wire-facts/market-data.md#derived-prices.
 *
 * Units: prices in the instrument's currency, instants in epoch ms of model time, rates and
 * volatilities per year (continuously compounded), time to expiry in years of 365.25 days.
 */

/** The rate every derived price uses: 4 % a year, continuously compounded (a design choice, not market data). */
export const RISK_FREE_RATE = 0.04;
/** Trading days a year: turns an underlying's daily volatility into an annual one (σ = daily × √252). */
export const TRADING_DAYS_PER_YEAR = 252;
/**
 * The annual Black–Scholes σ of options written on an underlying with this daily volatility
 * (σ = daily × √252); also what generic tick 106 reports for the underlying
 * (docs/wire-facts/market-data.md#generic-tick-values).
 */
export const optionVolatility = (dailyVolatility: number): number => dailyVolatility * Math.sqrt(TRADING_DAYS_PER_YEAR);
/** An option's quoted spread: 1 % of its price, at least one tick (design choice). */
export const OPTION_SPREAD_FRACTION = 0.01;
const YEAR_MS = 365.25 * 86_400_000;

/** How a derived instrument's price follows from its underlying's. */
export type DerivedTerms =
  | {
      kind: 'option';
      right: 'C' | 'P';
      strike: number;
      /** When the option settles to its intrinsic value (epoch ms). */
      expiryMs: number;
      /**
       * `american`: never below intrinsic value (a put's early-exercise floor, max(BS, K − S); a
       * call without dividends is worth the same either way). `european`: Black–Scholes as is.
       */
      exercise: 'american' | 'european';
      /** Annual volatility of the underlying (Black–Scholes σ). */
      volatility: number;
      rate: number;
      /** Quoted spread as a fraction of the price (at least one tick). */
      spreadFraction: number;
    }
  | {
      kind: 'future';
      /** When the future settles to its index (epoch ms). */
      expiryMs: number;
      rate: number;
      /** The index's dividend yield (the q of F = S·e^{(r−q)T}). */
      carryYield: number;
      /** 0: one tick wide around the mid. */
      spreadFraction: number;
    };

/** Years from `ms` to `expiryMs`, 0 once expired. */
export const yearsTo = (expiryMs: number, ms: number): number => Math.max(0, expiryMs - ms) / YEAR_MS;

/**
 * The derived instrument's fair price when its underlying's mid is `s` at `ms` (unrounded, ≥ 0).
 * Options: Black–Scholes without dividends (so a European pair keeps put–call parity
 * C − P = S − K·e^{−rT}), an American one floored at its intrinsic value (so S − K ≤ C − P ≤
 * S − K·e^{−rT}); at and after expiry the intrinsic value. Futures: cost of carry, S·e^{(r−q)T}, equal to the
 * index at expiry.
 */
export function derivedPrice(t: DerivedTerms, s: number, ms: number): number {
  const years = yearsTo(t.expiryMs, ms);
  if (t.kind === 'future') return s * Math.exp((t.rate - t.carryYield) * years);
  const value = blackScholes(t.right, s, t.strike, years, t.volatility, t.rate);
  return t.exercise === 'american' ? Math.max(value, t.right === 'C' ? s - t.strike : t.strike - s) : value;
}

/** Whether the price rises with the underlying (calls, futures) or falls (puts). */
export const risesWithUnderlying = (t: DerivedTerms): boolean => t.kind === 'future' || t.right === 'C';

/** Black–Scholes price of a European option (no dividends); intrinsic value when no time or volatility is left. */
export function blackScholes(right: 'C' | 'P', s: number, k: number, years: number, sigma: number, rate: number): number {
  const discount = Math.exp(-rate * years);
  const sd = sigma * Math.sqrt(years);
  if (sd < 1e-9 || s <= 0) return Math.max(0, right === 'C' ? s - k * discount : k * discount - s);
  const d1 = (Math.log(s / k) + rate * years) / sd + sd / 2;
  const d2 = d1 - sd;
  const value = right === 'C' ? s * normalCdf(d1) - k * discount * normalCdf(d2) : k * discount * normalCdf(-d2) - s * normalCdf(-d1);
  return Math.max(0, value);
}

/** Standard normal CDF through erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: far below a tick). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
