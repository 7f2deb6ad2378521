/**
 * Deterministic synthetic prices. The mid price is a pure function of (seed, conId, instant): a
 * sum of smoothed value-noise layers whose periods run from seconds to a year, with amplitudes
 * growing like a random walk's (√period). Because it is a function of time rather than a walk
 * that has to be replayed from some origin, any bar can be computed on its own, overlapping
 * requests agree, and a bar's close equals the next bar's open. A derived instrument (an option,
 * an index future) has no layers of its own: its mid is its underlying's mid at the same instant put
 * through its pricing formula (derived-price.ts, docs/wire-facts/market-data.md#derived-prices).
 */
import { hashInts, rngFor } from '../../common/rng.ts';
import { derivedPrice, type DerivedTerms } from './derived-price.ts';
import type { Instrument } from './instrument.ts';
import { PriceLadder, type Rounding } from './price-ladder.ts';

export interface PriceModel {
  seed: number;
  conId: number;
  basePrice: number;
  dailyVolatility: number;
  /** The smallest price increment (the ladder's lowest): the unit of the path's wiggles. */
  minTick: number;
  /** The prices trades and quotes land on (price-ladder.ts); mids use its halved form. */
  ladder: PriceLadder;
  avgDailyVolume: number;
  /**
   * Options and index futures: priced from `underlying`'s mid at each instant (derived-price.ts)
   * instead of a path of their own; `basePrice` and `dailyVolatility` are then unused.
   * Undefined for everything else (kept as a property so that every model has one shape).
   */
  derived: { terms: DerivedTerms; underlying: PriceModel } | undefined;
  /**
   * An index (secType IND): its value is computed, not traded, and disseminated at every 250 ms
   * step. Its TRADES series is its mid on the tick grid (no jitter inside a spread) and a TRADES
   * bar's volume and count are the number of steps it covers (one value per step), not traded
   * quantity. docs/wire-facts/market-data.md#index-lines
   */
  computed: boolean;
}

/** The price model of an instrument under a run's seed (a derived one's with its underlying's). */
export function priceModelOf(instrument: Instrument, seed: number): PriceModel {
  const { pricedFrom } = instrument;
  return {
    seed,
    conId: instrument.conId,
    basePrice: instrument.basePrice,
    dailyVolatility: instrument.dailyVolatility,
    minTick: instrument.minTick,
    ladder: PriceLadder.of(instrument),
    avgDailyVolume: instrument.avgDailyVolume,
    derived: pricedFrom && { terms: pricedFrom.terms, underlying: priceModelOf(pricedFrom.underlying, seed) },
    computed: instrument.secType === 'IND',
  };
}

export type PriceSeries = 'TRADES' | 'MIDPOINT' | 'BID' | 'ASK' | 'BID_ASK';

export interface RawBar {
  open: number;
  high: number;
  low: number;
  close: number;
  /** -1 for quote series, as TWS sends. */
  volume: number;
  wap: number;
  barCount: number;
}

/** What a bar covers, beyond its instants. */
export interface BarSpan {
  start: number;
  end: number;
  /** Nominal bar size in seconds (1 day = 86400 …): part of the bar's identity. */
  sizeSeconds: number;
  /** Trading days a period bar (day/week/month) covers; 0 for intraday bars. */
  days: number;
  /** Whether the bar lies in regular hours (extended-hours bars trade far less). */
  liquid: boolean;
}

const LAYER_PERIODS_S = [3, 15, 60, 300, 1800, 7200, 86_400, 5 * 86_400, 20 * 86_400, 90 * 86_400, 365 * 86_400];
/** Seconds in a regular US session: the yardstick that turns bar length into "fraction of a day". */
const REGULAR_DAY_S = 23_400;
const TRADE_JITTER_SALT = 7;
/**
 * Trades a minute holds at least: its open, high, low and close are trades at four steps of its
 * 250 ms grid (minute-path.ts), so a 1-minute TRADES bar's volume is never below 4 (the bar of a
 * thin instrument, an option, included).
 */
export const KNOT_TRADES = 4;
/** Values an index disseminates per second of a session: one per 250 ms step (minute-path.ts's grid). */
const INDEX_VALUES_PER_S = 4;

/** Uniform in [-1, 1], fixed per (seed, conId, layer, knot). */
function knot(m: PriceModel, layer: number, index: number): number {
  return (hashInts(m.seed, m.conId, layer, index) / 4294967296) * 2 - 1;
}

/**
 * The simulated mid price at an instant (unrounded; > 0, except a derived instrument's, which is
 * ≥ 0: a worthless option).
 */
export function midPriceAt(m: PriceModel, ms: number): number {
  if (m.derived !== undefined) return derivedPrice(m.derived.terms, midPriceAt(m.derived.underlying, ms), ms);
  let logOffset = 0;
  for (let layer = 0; layer < LAYER_PERIODS_S.length; layer++) {
    const period = LAYER_PERIODS_S[layer]!;
    const u = ms / (period * 1000);
    const i = Math.floor(u);
    const f = u - i;
    const smooth = f * f * (3 - 2 * f);
    const a = knot(m, layer, i);
    const b = knot(m, layer, i + 1);
    logOffset += m.dailyVolatility * Math.sqrt(period / 86_400) * 0.6 * (a + (b - a) * smooth);
  }
  return m.basePrice * Math.exp(logOffset);
}

/**
 * `x` on the grid of `step`, rounded as asked; exact decimals (no 0.30000000000000004). The same
 * values as a one-increment PriceLadder gives.
 */
export function toStep(x: number, step: number, how: Rounding = 'nearest'): number {
  return PriceLadder.constant(step).round(x, how);
}

/** Quoted spread of a stock or index as a fraction of its price (at least one tick). */
const SPREAD_FRACTION = 0.0002;
/**
 * A one-tick market (a derived instrument with spreadFraction 0: an index future): the bid is the
 * mid rounded down to the tick and the ask one tick above it, always (minute-path.ts keeps that
 * inside a minute by rounding its ask path down too).
 */
export const isOneTickMarket = (m: PriceModel): boolean => m.derived !== undefined && m.derived.terms.spreadFraction === 0;

/** Half the quoted spread at `mid`: a fraction of the price, at least one tick of the ladder at that price. */
function halfSpread(m: PriceModel, mid: number): number {
  if (isOneTickMarket(m)) return 0;
  const fraction = m.derived === undefined ? SPREAD_FRACTION : m.derived.terms.spreadFraction;
  const tick = m.ladder.tickAt(mid);
  return Math.max(tick, toStep(mid * fraction, tick)) / 2;
}

/** The ask for a raw price `p` (half spread `hs`): rounded up, or, in a one-tick market, the ladder price above the bid's. */
function askOf(m: PriceModel, p: number, hs: number): number {
  return isOneTickMarket(m) ? m.ladder.above(m.ladder.round(p, 'down')) : m.ladder.round(p + hs, 'up');
}

/** Last-trade price: the mid plus a deterministic jitter inside the spread; an index's value is its mid. */
function tradeAt(m: PriceModel, ms: number): number {
  const mid = midPriceAt(m, ms);
  if (m.computed) return mid;
  const jitter = (hashInts(m.seed, m.conId, TRADE_JITTER_SALT, ms) / 4294967296) * 2 - 1;
  return mid + halfSpread(m, mid) * jitter;
}

/**
 * A derived instrument's raw high and low over a bar: its price at the underlying's raw high and
 * low of the same bar (the extremes the underlying's MIDPOINT bar is built from), so that an option
 * peaks when its underlying does (or bottoms, for a put).
 */
function derivedExtremes(d: NonNullable<PriceModel['derived']>, span: BarSpan, dayFraction: number, o: number, c: number): [number, number] {
  const u = d.underlying;
  const uo = midPriceAt(u, span.start);
  const uc = midPriceAt(u, span.end);
  const rng = rngFor(u.seed, u.conId, span.start, span.sizeSeconds);
  const excursion = ((uo + uc) / 2) * u.dailyVolatility * Math.sqrt(dayFraction) * 0.5;
  const at = (span.start + span.end) / 2;
  const a = derivedPrice(d.terms, Math.max(uo, uc) + excursion * Math.abs(rng.normal()), at);
  const b = derivedPrice(d.terms, Math.min(uo, uc) - excursion * Math.abs(rng.normal()), at);
  return [Math.max(o, c, a, b), Math.min(o, c, a, b)];
}

/** Synthesize one bar; every random draw is keyed by (seed, conId, start, size). */
export function synthesizeBar(m: PriceModel, span: BarSpan, series: PriceSeries): RawBar {
  const rng = rngFor(m.seed, m.conId, span.start, span.sizeSeconds);
  const ladder = m.ladder;
  const tick = ladder.minTick;
  const half = ladder.halved();
  const dayFraction = span.days > 0 ? span.days : Math.max(1, (span.end - span.start) / 1000) / REGULAR_DAY_S;
  const trades = series === 'TRADES';
  const o = trades ? tradeAt(m, span.start) : midPriceAt(m, span.start);
  const c = trades ? tradeAt(m, span.end) : midPriceAt(m, span.end);
  let hiRaw: number, loRaw: number;
  if (m.derived === undefined) {
    const excursion = ((o + c) / 2) * m.dailyVolatility * Math.sqrt(dayFraction) * 0.5;
    hiRaw = Math.max(o, c) + excursion * Math.abs(rng.normal());
    loRaw = Math.min(o, c) - excursion * Math.abs(rng.normal());
  } else [hiRaw, loRaw] = derivedExtremes(m.derived, span, dayFraction, o, c);
  const hs = halfSpread(m, (o + c) / 2);

  let open: number, high: number, low: number, close: number;
  switch (series) {
    case 'TRADES':
      [open, high, low, close] = [ladder.round(o), ladder.round(hiRaw, 'up'), ladder.round(loRaw, 'down'), ladder.round(c)];
      break;
    case 'MIDPOINT': // mids can sit on half ticks
      [open, high, low, close] = [half.round(o), half.round(hiRaw, 'up'), half.round(loRaw, 'down'), half.round(c)];
      break;
    case 'BID':
      [open, high, low, close] = [o, hiRaw, loRaw, c].map((p) => ladder.round(p - hs, 'down')) as [number, number, number, number];
      break;
    case 'ASK':
      [open, high, low, close] = [o, hiRaw, loRaw, c].map((p) => askOf(m, p, hs)) as [number, number, number, number];
      break;
    case 'BID_ASK': // IB: open = average bid, high = max ask, low = min bid, close = average ask
      open = ladder.round((o + c) / 2 - hs, 'down');
      close = askOf(m, (o + c) / 2, hs);
      high = askOf(m, hiRaw, hs);
      low = ladder.round(loRaw - hs, 'down');
      break;
  }
  // Prices stay positive; a derived instrument's bid may be 0 (a worthless option: no bid, offered at a tick).
  const floor = m.derived === undefined ? tick : series === 'BID' || series === 'BID_ASK' ? 0 : series === 'MIDPOINT' ? tick / 2 : tick;
  open = Math.max(open, floor);
  close = Math.max(close, floor);
  high = Math.max(high, open, close);
  low = Math.max(Math.min(low, open, close), Math.min(floor, open, close));

  if (!trades) return { open, high, low, close, volume: -1, wap: -1, barCount: -1 };

  const activity = span.liquid ? 1 : 0.08;
  // A minute's ticks trade at least at its four knots (minute-path.ts): its bar says so, so that the
  // bar is exactly the sum of its ticks, and bars built from minutes sum to the minutes' bars.
  const least = span.days === 0 && span.sizeSeconds === 60 ? KNOT_TRADES : 1;
  const volume = m.computed
    ? Math.round(dayFraction * REGULAR_DAY_S * INDEX_VALUES_PER_S)
    : Math.max(least, Math.round(m.avgDailyVolume * dayFraction * activity * rng.lognormal(1, 0.4)));
  const mid = (open + close) / 2 + (rng.next() - 0.5) * (high - low) * 0.5;
  const wap = Math.min(high, Math.max(low, Number(mid.toFixed(4))));
  const perTrade = rng.int(60, 140);
  const barCount = m.computed ? volume : Math.max(1, Math.min(volume, Math.round(volume / perTrade)));
  return { open, high, low, close, volume, wap, barCount };
}
