/**
 * Bars aggregated from the quote model's 250 ms steps (quotes.ts): real-time 5-second bars,
 * historical bars shorter than a minute, and the bar still forming at "now". Because they are
 * built from the same steps as the ticks, a tick, a 5-second bar and the historical bar of the same
 * instant agree; a complete minute aggregated this way is exactly price-path.ts's 1-minute bar.
 *
 * Units: epoch ms, prices in the instrument's currency, volumes in the bars' unit. Quote series
 * carry -1 for volume, WAP and count, as TWS sends them (docs/wire-facts/history.md#historical_data-17).
 */
import type { InstrumentQuotes } from './quotes.ts';
import { MINUTE_MS, minuteOf, type MinutePath } from './minute-path.ts';
import { synthesizeBar, type BarSpan, type RawBar } from './price-path.ts';
import type { PriceLadder } from './price-ladder.ts';

export type AggregateSeries = 'TRADES' | 'MIDPOINT' | 'BID' | 'ASK' | 'BID_ASK';

/** A bar being built: the OHLC so far and, for TRADES, volume, Σ price×size and count. */
export interface BarAccumulator {
  series: AggregateSeries;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  notional: number;
  count: number;
  /** BID_ASK only: Σ bid, Σ ask and the number of steps, for the averages IB reports as open and close. */
  bidSum: number;
  askSum: number;
  steps: number;
  empty: boolean;
}

export function newAccumulator(series: AggregateSeries): BarAccumulator {
  return { series, open: 0, high: -Infinity, low: Infinity, close: 0, volume: 0, notional: 0, count: 0, bidSum: 0, askSum: 0, steps: 0, empty: true };
}

/** Add one step of a minute. */
export function addStep(acc: BarAccumulator, m: MinutePath, k: number): void {
  if (acc.series === 'TRADES') {
    const size = m.size[k]!;
    if (size === 0) return;
    const price = m.last[k]!;
    push(acc, price, price, price, price);
    acc.volume += size;
    acc.notional += m.last[k]! * size;
    acc.count += m.count[k]!;
    return;
  }
  if (acc.series === 'BID_ASK') {
    push(acc, 0, m.askPrice[k]!, m.bidPrice[k]!, 0);
    acc.bidSum += m.bidPrice[k]!;
    acc.askSum += m.askPrice[k]!;
    acc.steps++;
    return;
  }
  const v = acc.series === 'MIDPOINT' ? m.midpoint[k]! : acc.series === 'BID' ? m.bidPrice[k]! : m.askPrice[k]!;
  push(acc, v, v, v, v);
}

/** Add a complete minute by its historical 1-minute bar (the aggregate of its steps, without walking them). */
export function addMinuteBar(acc: BarAccumulator, bar: RawBar, bidAsk?: { bid: RawBar; ask: RawBar }): void {
  if (acc.series === 'BID_ASK' && bidAsk) {
    // Averages over whole minutes are taken on the minute's own averages (IB's convention for BID_ASK).
    push(acc, 0, bidAsk.ask.high, bidAsk.bid.low, 0);
    acc.bidSum += (bidAsk.bid.open + bidAsk.bid.close) / 2;
    acc.askSum += (bidAsk.ask.open + bidAsk.ask.close) / 2;
    acc.steps++;
    return;
  }
  push(acc, bar.open, bar.high, bar.low, bar.close);
  if (acc.series === 'TRADES') {
    acc.volume += bar.volume;
    acc.notional += bar.wap * bar.volume;
    acc.count += bar.barCount;
  }
}

/** Merge the bar another accumulator (of the same series) stands for, as if its parts had been added here. */
export function addAccumulated(acc: BarAccumulator, part: BarAccumulator): void {
  if (part.empty) return;
  push(acc, part.open, part.high, part.low, part.close);
  acc.volume += part.volume;
  acc.notional += part.notional;
  acc.count += part.count;
  acc.bidSum += part.bidSum;
  acc.askSum += part.askSum;
  acc.steps += part.steps;
}

/** Merge a part with these open/high/low/close into the bar (BID_ASK passes 0 for the averaged open and close). */
function push(acc: BarAccumulator, open: number, hi: number, lo: number, close: number): void {
  if (acc.empty) {
    acc.open = open;
    acc.empty = false;
  }
  acc.high = Math.max(acc.high, hi);
  acc.low = Math.min(acc.low, lo);
  acc.close = close;
}

/** The bar an accumulator stands for, or undefined when it saw nothing (a TRADES window without trades). */
export function toBar(acc: BarAccumulator, ladder: PriceLadder): RawBar | undefined {
  if (acc.empty) return undefined;
  if (acc.series === 'TRADES') {
    const wap = Math.min(acc.high, Math.max(acc.low, Number((acc.notional / acc.volume).toFixed(4))));
    return { open: acc.open, high: acc.high, low: acc.low, close: acc.close, volume: acc.volume, wap, barCount: Math.max(1, Math.min(acc.count, acc.volume)) };
  }
  if (acc.series === 'BID_ASK') {
    const open = ladder.round(acc.bidSum / acc.steps, 'down');
    const close = ladder.round(acc.askSum / acc.steps, 'up');
    return { open, high: Math.max(acc.high, open, close), low: Math.min(acc.low, open, close), close, volume: -1, wap: -1, barCount: -1 };
  }
  return { open: acc.open, high: acc.high, low: acc.low, close: acc.close, volume: -1, wap: -1, barCount: -1 };
}

/**
 * The bar of the steps in [from, to): undefined when the market was shut throughout. A TRADES
 * window of an open market in which nothing traded is still a bar: flat at the last trade price,
 * volume 0, WAP that price, count 0, as IB reports a bar without trades
 * (docs/wire-facts/market-data.md#bars-without-trades).
 */
export function aggregateSteps(q: InstrumentQuotes, from: number, to: number, series: AggregateSeries): RawBar | undefined {
  const acc = newAccumulator(series);
  let first: { m: MinutePath; k: number } | undefined;
  q.eachStep(from, to, (m, k) => {
    first ??= { m, k };
    addStep(acc, m, k);
    return true;
  });
  if (acc.empty && first && series === 'TRADES') return idleTradesBar(first.m, first.k);
  return toBar(acc, q.model.ladder);
}

/**
 * A TRADES bar without trades whose first open step is step `k` of minute `m`: flat at the last
 * trade at or before that step (step 0 of a minute always trades, minute-path.ts, so it is found
 * in the same minute).
 */
function idleTradesBar(m: MinutePath, k: number): RawBar {
  let t = k;
  while (t > 0 && m.size[t] === 0) t--;
  const price = m.last[t]!;
  return { open: price, high: price, low: price, close: price, volume: 0, wap: price, barCount: 0 };
}

/**
 * A bar of a minute or longer that `now` cuts short: its complete minutes by their 1-minute bars,
 * then the current minute's steps up to `now`. So the bar a keepUpToDate subscription reports at
 * any moment is the aggregate of exactly the ticks sent until then.
 */
export function formingBar(q: InstrumentQuotes, from: number, now: number, series: AggregateSeries): RawBar | undefined {
  return toBar(formingAccumulator(q, from, now, series), q.model.ladder);
}

/**
 * What `formingBar` aggregates, before rounding: complete minutes from `from` by their 1-minute
 * bars, then the steps of `now`'s minute up to and including the one holding `now`. TRADES:
 * `volume` and `notional` (Σ price × size) give the unrounded VWAP.
 */
export function formingAccumulator(q: InstrumentQuotes, from: number, now: number, series: AggregateSeries): BarAccumulator {
  const acc = newAccumulator(series);
  const current = minuteOf(now);
  for (let t = minuteOf(from); t < current; t += MINUTE_MS) addWholeMinute(q, acc, t);
  q.eachStep(Math.max(from, current), now + 1, (m, k) => {
    addStep(acc, m, k);
    return true;
  });
  return acc;
}

/** Add minute `start` (skipped when the market was shut) by its bars. */
export function addWholeMinute(q: InstrumentQuotes, acc: BarAccumulator, start: number): void {
  if (!q.sessions.at(start, 'trading')) return;
  const liquid = q.sessions.at(start, 'liquid') !== undefined;
  addSynthesized(q, acc, { start, end: start + MINUTE_MS, sizeSeconds: 60, days: 0, liquid });
}

/** Add a whole bar of price-path.ts (a minute, or a completed trading date) by its bars of the accumulator's series. */
export function addSynthesized(q: InstrumentQuotes, acc: BarAccumulator, span: BarSpan): void {
  if (acc.series === 'BID_ASK') {
    const bid = synthesizeBar(q.model, span, 'BID');
    addMinuteBar(acc, bid, { bid, ask: synthesizeBar(q.model, span, 'ASK') });
    return;
  }
  addMinuteBar(acc, synthesizeBar(q.model, span, acc.series));
}
