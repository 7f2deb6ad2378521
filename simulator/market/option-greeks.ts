/**
 * Option analytics the way TICK_OPTION_COMPUTATION carries them: an implied volatility, delta,
 * gamma, vega, theta, the option price they belong to and the underlying price they assume.
 * Black–Scholes without dividends, the same model derived-price.ts prices the options with, so a
 * client that recomputes a model price from the model volatility gets the option's fair value back.
 * docs/wire-facts/market-data.md#option-computations
 *
 * Units: prices in the option's currency (per share, not per contract); volatility per year as a
 * fraction (0.27 = 27 %); time to expiry in years; delta and gamma per 1.00 of the underlying;
 * vega per volatility point (σ + 0.01); theta per calendar day (both IB's display convention,
 * see the wire facts).
 */
import { blackScholes, normalCdf } from './derived-price.ts';

/**
 * IB's "not computed" values: −1 for impliedVol, optPrice, pvDividend and undPrice, −2 for delta,
 * gamma, vega and theta. docs/wire-facts/market-data.md#replies
 */
export const NOT_COMPUTED = -1;
export const GREEK_NOT_COMPUTED = -2;

/** One TICK_OPTION_COMPUTATION's values (without reqId, tickType and tickAttrib). */
export interface OptionComputation {
  impliedVol: number;
  delta: number;
  optPrice: number;
  pvDividend: number;
  gamma: number;
  vega: number;
  theta: number;
  undPrice: number;
}

/** What an option's analytics depend on besides its price: `years` to expiry, `rate` per year. */
export interface OptionInputs {
  right: 'C' | 'P';
  strike: number;
  years: number;
  rate: number;
}

const CALENDAR_DAYS_PER_YEAR = 365;
/** The implied volatilities searched: 0.1 % to 1,000 % a year. */
const MIN_VOL = 0.001;
const MAX_VOL = 10;

const normalPdf = (x: number): number => Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);

/**
 * The analytics of an option priced `optPrice` when its underlying is at `undPrice`, at volatility
 * `sigma`. Past expiry (or with no volatility left) the option is its intrinsic value: delta is 1,
 * −1 or 0 and the other greeks 0. pvDividend is 0: the simulator models no dividends.
 */
export function greeksAt(o: OptionInputs, undPrice: number, sigma: number, optPrice: number): OptionComputation {
  const { right, strike: k, years, rate } = o;
  const base = { impliedVol: sigma, optPrice, pvDividend: 0, undPrice };
  const sd = sigma * Math.sqrt(years);
  if (sd < 1e-9 || undPrice <= 0) {
    const inTheMoney = right === 'C' ? undPrice > k : undPrice < k;
    return { ...base, delta: inTheMoney ? (right === 'C' ? 1 : -1) : 0, gamma: 0, vega: 0, theta: 0 };
  }
  const discount = Math.exp(-rate * years);
  const d1 = (Math.log(undPrice / k) + rate * years) / sd + sd / 2;
  const d2 = d1 - sd;
  const pdf = normalPdf(d1);
  const decay = (-undPrice * pdf * sigma) / (2 * Math.sqrt(years));
  const carry = rate * k * discount;
  const thetaPerYear = right === 'C' ? decay - carry * normalCdf(d2) : decay + carry * normalCdf(-d2);
  return {
    ...base,
    delta: right === 'C' ? normalCdf(d1) : normalCdf(d1) - 1,
    gamma: pdf / (undPrice * sd),
    vega: (undPrice * pdf * Math.sqrt(years)) / 100,
    theta: thetaPerYear / CALENDAR_DAYS_PER_YEAR,
  };
}

/**
 * The volatility at which Black–Scholes prices the option at `price`, or undefined when no
 * volatility between 0.1 % and 1,000 % does (a price below the zero-volatility value — a deep
 * in-the-money American option at its exercise floor, a stale bid — or above the underlying's).
 * Bisection to 1e-6 of volatility: prices move monotonically with it.
 */
export function impliedVolatility(o: OptionInputs, undPrice: number, price: number): number | undefined {
  if (!(price > 0) || !(undPrice > 0) || o.years <= 0) return undefined;
  const value = (sigma: number) => blackScholes(o.right, undPrice, o.strike, o.years, sigma, o.rate);
  let lo = MIN_VOL;
  let hi = MAX_VOL;
  if (price < value(lo) || price > value(hi)) return undefined;
  while (hi - lo > 1e-6) {
    const mid = (lo + hi) / 2;
    if (value(mid) < price) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The computation TWS reports for a market price of the option (bid, ask, last; or a client's
 * price in REQ_CALC_IMPLIED_VOLAT): its implied volatility and the greeks at it, or, when no
 * volatility reproduces the price, "not computed" for the volatility and the greeks (−1 / −2)
 * with the price and underlying as given.
 */
export function computationForPrice(o: OptionInputs, undPrice: number, price: number): OptionComputation {
  const sigma = impliedVolatility(o, undPrice, price);
  if (sigma === undefined) {
    return {
      impliedVol: NOT_COMPUTED,
      delta: GREEK_NOT_COMPUTED,
      optPrice: price,
      pvDividend: 0,
      gamma: GREEK_NOT_COMPUTED,
      vega: GREEK_NOT_COMPUTED,
      theta: GREEK_NOT_COMPUTED,
      undPrice,
    };
  }
  return greeksAt(o, undPrice, sigma, price);
}
