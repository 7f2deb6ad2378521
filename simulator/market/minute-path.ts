/**
 * The ticks inside one minute, derived from that minute's historical bars so that they agree by
 * construction. The 1-minute TRADES, MIDPOINT, BID and ASK bars of price-path.ts are the primary
 * objects (a historical request has always returned them); inside a minute the price moves on a
 * grid of 250 ms steps along a path pinned to the bar: step 0 is the bar's open, two steps hold
 * its high and its low, the last step its close, and every other step lies between low and high
 * (a straight line between those knots plus bounded noise, rounded to the tick). So the minute bar
 * is exactly the aggregate of its ticks, every tick lies inside every bar of the minute, and a
 * minute's close equals the next minute's open (price-path.ts: a bar closes at the price its
 * successor opens at).
 *
 * Units: instants in epoch ms (model time), prices in the instrument's currency on its tick grid
 * (midpoints on half ticks), sizes and volumes in the unit of the bars' volume (shares in the
 * bundled universe).
 */
import { hashInts } from '../../common/rng.ts';
import { risesWithUnderlying } from './derived-price.ts';
import { isOneTickMarket, KNOT_TRADES, synthesizeBar, type BarSpan, type PriceModel, type RawBar } from './price-path.ts';

/** The tick grid: IB samples stock quotes every 250 ms (docs/wire-facts/market-data.md#tick-rates). */
export const GRID_MS = 250;
export const MINUTE_MS = 60_000;
export const STEPS = MINUTE_MS / GRID_MS;

const NOISE_SALT = 11;
const KNOT_SALT = 12;
const PICK_SALT = 13;
const WEIGHT_SALT = 14;
const U32 = 4294967296;

/** The start of the minute holding `ms`. */
export const minuteOf = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
/** The grid step holding `ms` (the instant it stands for is `minuteOf(ms) + step × GRID_MS`). */
export const stepOf = (ms: number): number => Math.floor((ms - minuteOf(ms)) / GRID_MS);

/** One series' values at the 240 steps of a minute. */
export type StepValues = Float64Array;

/** A minute of an open market: its bars and the state of every grid step. */
export interface MinutePath {
  start: number;
  /** The minute's historical bars (exactly what REQ_HISTORICAL_DATA returns for it). */
  trades: RawBar;
  mid: RawBar;
  bid: RawBar;
  ask: RawBar;
  /** Prices by step. */
  last: StepValues;
  midpoint: StepValues;
  bidPrice: StepValues;
  askPrice: StepValues;
  /** Size traded at each step (0 = no trade at that step; the four knot steps always trade). */
  size: Int32Array;
  /** Trade count each step stands for (IB aggregates; ≥ 1 where size > 0). */
  count: Int32Array;
  /** Running sums and extremes from step 0 to step k (inclusive), of the steps that traded. */
  cumSize: Float64Array;
  cumHigh: Float64Array;
  cumLow: Float64Array;
  /** Steps of the minute's high and low. */
  highStep: number;
  lowStep: number;
}

const u = (seed: number, conId: number, salt: number, a: number, b = 0) => hashInts(seed, conId, salt, a, b) / U32;

/** The two inner knot steps (1..STEPS-2, distinct): where the high and the low are reached. */
function knots(m: PriceModel, start: number): [number, number] {
  const a = 1 + Math.floor(u(m.seed, m.conId, KNOT_SALT, start) * (STEPS - 2));
  let b = 1 + Math.floor(u(m.seed, m.conId, KNOT_SALT, start, 1) * (STEPS - 3));
  if (b >= a) b++;
  return [a, b];
}

/**
 * Whose knots and noise a minute follows, and in which direction: a derived instrument's those of
 * its underlying (a put mirrored: its high where the underlying's low is), so that inside a minute
 * an option or a future moves with its underlying, not on a path of its own (derived-price.ts).
 */
function driverOf(m: PriceModel): { driver: PriceModel; sign: 1 | -1 } {
  if (m.derived === undefined) return { driver: m, sign: 1 };
  return { driver: m.derived.underlying, sign: risesWithUnderlying(m.derived.terms) ? 1 : -1 };
}

/**
 * Fill `out` with a path pinned to the bar at the knots (open at 0, high at `hi`, low at `lo`, close
 * at the last step), noise of at most `amp` in between, clamped to [low, high] and rounded with
 * `round` (`up` at the high, `down` at the low, so the knots hit the bar's values exactly).
 */
function pinnedPath(out: Float64Array, bar: RawBar, hi: number, lo: number, noise: Float64Array, amp: number, round: (x: number) => number): void {
  const pts: Array<[number, number]> = [
    [0, bar.open],
    [hi, bar.high],
    [lo, bar.low],
    [STEPS - 1, bar.close],
  ];
  pts.sort((x, y) => x[0] - y[0]);
  for (let s = 0; s < 3; s++) {
    const [ka, va] = pts[s]!;
    const [kb, vb] = pts[s + 1]!;
    out[ka] = va;
    for (let k = ka + 1; k < kb; k++) {
      const v = va + ((vb - va) * (k - ka)) / (kb - ka) + noise[k]! * amp;
      out[k] = Math.min(bar.high, Math.max(bar.low, round(Math.min(bar.high, Math.max(bar.low, v)))));
    }
  }
  out[STEPS - 1] = bar.close;
  out[hi] = bar.high;
  out[lo] = bar.low;
}

/**
 * A derived instrument's noise amplitude for a bar: its underlying's, scaled by how far the bar
 * moves per unit of the underlying's move (about |delta|), so that inside a minute the derived path
 * is the underlying's path mapped through its price, not a wider or narrower wiggle of its own.
 */
function derivedAmplitude(underlying: PriceModel, span: BarSpan): (bar: RawBar) => number {
  const u = synthesizeBar(underlying, span, 'MIDPOINT');
  const range = u.high - u.low;
  const ampU = Math.min(2 * underlying.minTick, range / 4);
  return (bar) => (range > 0 ? (ampU * (bar.high - bar.low)) / range : 0);
}

/**
 * Build the minute starting at `start` (a multiple of 60,000). `liquid`: inside regular hours (the
 * bars' volume depends on it). Pure: the same (model, start, liquid) always give the same minute.
 */
export function buildMinute(m: PriceModel, start: number, liquid: boolean): MinutePath {
  const span = { start, end: start + MINUTE_MS, sizeSeconds: 60, days: 0, liquid };
  const trades = synthesizeBar(m, span, 'TRADES');
  const mid = synthesizeBar(m, span, 'MIDPOINT');
  const bid = synthesizeBar(m, span, 'BID');
  const ask = synthesizeBar(m, span, 'ASK');
  const { driver, sign } = driverOf(m);
  const [up, down] = knots(driver, start);
  const [hi, lo] = sign === 1 ? [up, down] : [down, up];

  const noise = new Float64Array(STEPS);
  for (let k = 0; k < STEPS; k++) noise[k] = sign * (u(driver.seed, driver.conId, NOISE_SALT, start + k * GRID_MS) * 2 - 1);
  const tick = m.minTick;
  const amp = m.derived === undefined ? (bar: RawBar) => Math.min(2 * tick, (bar.high - bar.low) / 4) : derivedAmplitude(driver, span);
  const last = new Float64Array(STEPS);
  const midpoint = new Float64Array(STEPS);
  const bidPrice = new Float64Array(STEPS);
  const askPrice = new Float64Array(STEPS);
  const ladder = m.ladder;
  const half = ladder.halved();
  pinnedPath(last, trades, hi, lo, noise, amp(trades), (x) => ladder.round(x, 'nearest'));
  pinnedPath(midpoint, mid, hi, lo, noise, amp(mid), (x) => half.round(x, 'nearest'));
  // Bid and ask move by the same noise, so the spread between their knots carries over to every step.
  const quoteAmp = Math.min(amp(bid), amp(ask));
  pinnedPath(bidPrice, bid, hi, lo, noise, quoteAmp, (x) => ladder.round(x, 'down'));
  // A one-tick market's ask knots are its bid knots plus a tick: rounding both the same way keeps every step one tick wide.
  const askRounding = isOneTickMarket(m) ? 'down' : 'up';
  pinnedPath(askPrice, ask, hi, lo, noise, quoteAmp, (x) => ladder.round(x, askRounding));

  // A derived instrument's trades and quotes come from paths with different noise amplitudes: keep each trade
  // between its step's bid and ask (the knots already are, and stay exactly the bar's values).
  if (m.derived !== undefined) {
    for (let k = 1; k < STEPS - 1; k++) if (k !== hi && k !== lo) last[k] = Math.min(askPrice[k]!, Math.max(bidPrice[k]!, last[k]!));
  }
  const { size, count } = tradeSizes(m, start, trades, hi, lo);
  const cumSize = new Float64Array(STEPS);
  const cumHigh = new Float64Array(STEPS);
  const cumLow = new Float64Array(STEPS);
  let sum = 0;
  let h = -Infinity;
  let l = Infinity;
  for (let k = 0; k < STEPS; k++) {
    if (size[k]! > 0) {
      sum += size[k]!;
      h = Math.max(h, last[k]!);
      l = Math.min(l, last[k]!);
    }
    cumSize[k] = sum;
    cumHigh[k] = h;
    cumLow[k] = l;
  }
  return { start, trades, mid, bid, ask, last, midpoint, bidPrice, askPrice, size, count, cumSize, cumHigh, cumLow, highStep: hi, lowStep: lo };
}

/**
 * Which steps trade and how much. A busy minute trades at every step (an index's always does: its
 * bar's volume is its 240 published values, price-path.ts `computed`); a thin one (bar volume under
 * 240) at `volume` steps, the four knots among them (a bar's volume is at least KNOT_TRADES, so the
 * steps' sizes sum to exactly the bar's volume). The bar's volume and trade count are shared out by
 * random weights, at least 1 per trading step.
 */
function tradeSizes(m: PriceModel, start: number, bar: RawBar, hi: number, lo: number): { size: Int32Array; count: Int32Array } {
  const n = Math.max(KNOT_TRADES, Math.min(STEPS, bar.volume));
  const trading = new Uint8Array(STEPS);
  if (n === STEPS) trading.fill(1);
  else {
    for (const k of [0, hi, lo, STEPS - 1]) trading[k] = 1;
    const rest: Array<[number, number]> = [];
    for (let k = 1; k < STEPS - 1; k++) if (!trading[k]) rest.push([u(m.seed, m.conId, PICK_SALT, start + k * GRID_MS), k]);
    rest.sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < n - 4; i++) trading[rest[i]![1]] = 1;
  }
  const weights = new Float64Array(STEPS);
  let total = 0;
  for (let k = 0; k < STEPS; k++) {
    if (!trading[k]) continue;
    weights[k] = 0.5 + u(m.seed, m.conId, WEIGHT_SALT, start + k * GRID_MS);
    total += weights[k]!;
  }
  return { size: share(Math.max(bar.volume, n), n, trading, weights, total), count: share(Math.max(bar.barCount, n), n, trading, weights, total) };
}

/**
 * Share `amount` over the trading steps: 1 each, the rest by weight. Cumulative rounding (each part
 * is the step in the rounded running total) makes the parts sum to `amount` exactly, without a sort.
 */
function share(amount: number, n: number, trading: Uint8Array, weights: Float64Array, total: number): Int32Array {
  const out = new Int32Array(STEPS);
  const extra = amount - n;
  let running = 0;
  let given = 0;
  for (let k = 0; k < STEPS; k++) {
    if (!trading[k]) continue;
    running += weights[k]!;
    const upTo = Math.round((extra * running) / total);
    out[k] = 1 + upTo - given;
    given = upTo;
  }
  return out;
}
