/**
 * An index (SPX) prints its value at every 250 ms step, following the same mid its options and ES
 * are priced from (docs/wire-facts/market-data.md#index-lines), while its steps still aggregate to
 * its 1-minute TRADES bar (docs/wire-facts/market-data.md#one-price-path).
 */
import { describe, expect, it } from 'vitest';
import { ContractUniverse } from './contracts.ts';
import { GRID_MS, MINUTE_MS, STEPS } from './minute-path.ts';
import { midPriceAt, synthesizeBar } from './price-path.ts';
import { QuoteBook } from './quotes.ts';
import { aggregateSteps } from './tick-bars.ts';

const SEED = 1;
const spx = ContractUniverse.default().byConId(416904)!;
const quotes = new QuoteBook(SEED).of(spx);
/** Mon 2026-11-30 10:00 New York: regular hours, the day the issue was reported on. */
const TEN = Date.UTC(2026, 10, 30, 15, 0);
const MINUTES = 5;

describe('an index prints at every step (SPX, regular hours)', () => {
  it('its last changes at most steps and stays within a tick of the mid its options use', () => {
    const tick = spx.minTick;
    let changes = 0;
    let steps = 0;
    let prev: number | undefined;
    for (let at = TEN; at < TEN + MINUTES * MINUTE_MS; at += GRID_MS) {
      const q = quotes.quoteAt(at);
      expect(q.lastTime).toBe(at);
      // The quote's mid is the path options and ES follow inside a minute (minute-path.ts: their knots and noise are SPX's) …
      expect(Math.abs(q.last - q.mid)).toBeLessThanOrEqual(tick + 1e-9);
      // … pinned at each minute's start to midPriceAt, from which the derived bars are priced (price-path.ts).
      if (at % MINUTE_MS === 0) expect(Math.abs(q.last - midPriceAt(quotes.model, at))).toBeLessThanOrEqual(tick / 2 + 1e-9);
      if (prev !== undefined && q.last !== prev) changes++;
      prev = q.last;
      steps++;
    }
    expect(changes).toBeGreaterThan(0.5 * steps);
  });

  it('aggregates its steps to exactly its 1-minute TRADES bar, volume included', () => {
    for (const start of [TEN, TEN + 3 * MINUTE_MS]) {
      const bar = synthesizeBar(quotes.model, { start, end: start + MINUTE_MS, sizeSeconds: 60, days: 0, liquid: true }, 'TRADES');
      const agg = aggregateSteps(quotes, start, start + MINUTE_MS, 'TRADES')!;
      expect([agg.open, agg.high, agg.low, agg.close, agg.volume, agg.barCount]).toEqual([bar.open, bar.high, bar.low, bar.close, bar.volume, bar.barCount]);
      expect(quotes.tradesBetween(start, start + MINUTE_MS)).toHaveLength(STEPS);
    }
  });

  it('has a TRADES real-time bar for every 5 s, each the 20 steps it covers', () => {
    for (let t = TEN; t < TEN + MINUTE_MS; t += 5000) {
      const bar = aggregateSteps(quotes, t, t + 5000, 'TRADES');
      expect(bar).toBeDefined();
      expect(bar!.volume).toBe(5000 / GRID_MS);
    }
  });
});
