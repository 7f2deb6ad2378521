/**
 * The TICK_OPTION_COMPUTATION ticks of a top-of-book line on an option: the analytics at its bid
 * (tick 10), ask (11), last (12) and at TWS's model (13), each sent again when what it depends on
 * changed. Pure: the handler sends what `optionTicksBetween` returns.
 * docs/wire-facts/market-data.md#option-computations
 *
 * Units: instants in model epoch ms; prices per share in the option's currency; see
 * option-greeks.ts for the greeks' units.
 */
import { delayedTickType, TickType } from '../../common/ib/tick-types.ts';
import { blackScholes, derivedPrice, type DerivedTerms, yearsTo } from './derived-price.ts';
import { computationForPrice, greeksAt, type OptionComputation, type OptionInputs } from './option-greeks.ts';
import type { Instrument } from './instrument.ts';
import type { InstrumentQuotes } from './quotes.ts';
import type { LineFields } from './top-of-book.ts';

/** The pricing terms of an option (derived-price.ts). */
export type OptionTerms = Extract<DerivedTerms, { kind: 'option' }>;

/** An option line's inputs: the option's pricing terms, its own quote model and its underlying's. */
export interface OptionLineSource {
  terms: OptionTerms;
  option: InstrumentQuotes;
  underlying: InstrumentQuotes;
}

/** What an option line last sent analytics for: the prices and the underlying price they assumed. */
export interface OptionLineState {
  bid: number;
  ask: number;
  last: number | undefined;
  undPrice: number;
}

/** One TICK_OPTION_COMPUTATION to send (tickType already the delayed kind on a delayed line). */
export interface OptionTick {
  tickType: number;
  computation: OptionComputation;
}

/** The pricing source of a generated option, or undefined for anything else (stocks, futures, a listed option without a model). */
export function optionSourceOf(quotes: InstrumentQuotes, quotesOf: (underlying: Instrument) => InstrumentQuotes): OptionLineSource | undefined {
  const from = quotes.instrument.pricedFrom;
  if (from?.terms.kind !== 'option') return undefined;
  return { terms: from.terms, option: quotes, underlying: quotesOf(from.underlying) };
}

/**
 * The analytics ticks that bring a client from `prev` (undefined: none sent yet) to the line's
 * `fields` at instant `at` (the instant the line shows: a delayed line's lagged one). The bid,
 * ask and last analytics go when their price or the underlying's changed, and only with a shown
 * price (> 0: a shut market's hidden −1 has none); the model's when the underlying's changed,
 * which includes the first round. The underlying price is its MIDPOINT at `at`, the price the
 * option's own quote was derived from (to within half a tick). `open`: the option's market is open
 * at `at` (the line already knows, from line-steps.ts). Returns the ticks and the new state.
 */
export function optionTicksBetween(
  source: OptionLineSource,
  prev: OptionLineState | undefined,
  fields: LineFields,
  at: number,
  delayed: boolean,
  open: boolean,
): { ticks: OptionTick[]; state: OptionLineState } {
  const { terms } = source;
  // A shut option's quote is frozen at its last step (quotes.ts): its analytics are of that
  // instant too, not of an underlying still trading in extended hours.
  const t = open ? at : source.option.quoteAt(at).time;
  const undPrice = source.underlying.quoteAt(t).mid;
  const inputs = inputsAt(terms, t);
  const type = (live: number) => (delayed ? delayedTickType(live) : live);
  const ticks: OptionTick[] = [];
  const moved = undPrice !== prev?.undPrice;
  const atPrice = (live: number, price: number | undefined, old: number | undefined) => {
    if (price === undefined || !(price > 0) || (price === old && !moved)) return;
    ticks.push({ tickType: type(live), computation: computationForPrice(inputs, undPrice, price) });
  };
  atPrice(TickType.BID_OPTION, fields.bid, prev?.bid);
  atPrice(TickType.ASK_OPTION, fields.ask, prev?.ask);
  atPrice(TickType.LAST_OPTION, fields.last, prev?.last);
  if (moved) ticks.push({ tickType: type(TickType.MODEL_OPTION), computation: modelComputation(terms, undPrice, t) });
  return { ticks, state: { bid: fields.bid, ask: fields.ask, last: fields.last, undPrice } };
}

/** What an option's analytics depend on at instant `at` (model epoch ms). */
export function inputsAt(terms: OptionTerms, at: number): OptionInputs {
  return { right: terms.right, strike: terms.strike, years: yearsTo(terms.expiryMs, at), rate: terms.rate };
}

/**
 * The model's computation at volatility `sigma` (the option's own by default): the price
 * derived-price.ts gives and the greeks at it. An American option at its exercise floor (worth
 * more exercised than Black–Scholes says) moves one for one with its underlying: delta ±1, no
 * gamma, vega or theta.
 */
export function modelComputation(terms: OptionTerms, undPrice: number, at: number, sigma = terms.volatility): OptionComputation {
  const inputs = inputsAt(terms, at);
  const price = derivedPrice({ ...terms, volatility: sigma }, undPrice, at);
  const european = blackScholes(terms.right, undPrice, terms.strike, inputs.years, sigma, terms.rate);
  if (price > european + 1e-9) {
    return { impliedVol: sigma, delta: terms.right === 'C' ? 1 : -1, optPrice: price, pvDividend: 0, gamma: 0, vega: 0, theta: 0, undPrice };
  }
  return greeksAt(inputs, undPrice, sigma, price);
}
