import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AFTER_CLOSE, CONID } from '../../common/testing/fixtures.ts';
import { loadUniverse } from './market-data.ts';
import { GRID_MS, MINUTE_MS } from './minute-path.ts';
import { synthesizeBar } from './price-path.ts';
import { QuoteBook } from './quotes.ts';
import { aggregateSteps } from './tick-bars.ts';

const universe = loadUniverse({});
const aapl = universe.byConId(CONID.AAPL)!;
/** Wed 2025-11-12 10:00 New York: regular hours. */
const OPEN_MS = Date.UTC(2025, 10, 12, 15, 0);
const minuteBar = (book: QuoteBook, start: number, series: 'TRADES' | 'BID' | 'ASK' | 'MIDPOINT') =>
  synthesizeBar(book.of(aapl).model, { start, end: start + MINUTE_MS, sizeSeconds: 60, days: 0, liquid: true }, series);

describe('InstrumentQuotes (the quote API)', () => {
  it('gives a quote inside the historical 1-minute bars of its instant, on the tick grid', () => {
    const book = new QuoteBook(7);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 * 3600_000 - 1 }), (offset) => {
        const at = Date.UTC(2025, 10, 12, 14, 30) + offset; // 09:30–15:30 New York
        const q = book.of(aapl).quoteAt(at);
        const start = Math.floor(at / MINUTE_MS) * MINUTE_MS;
        const trades = minuteBar(book, start, 'TRADES');
        const bid = minuteBar(book, start, 'BID');
        const ask = minuteBar(book, start, 'ASK');
        expect(q.open && q.liquid).toBe(true);
        expect(q.time).toBe(Math.floor(at / GRID_MS) * GRID_MS);
        expect(q.last).toBeGreaterThanOrEqual(trades.low);
        expect(q.last).toBeLessThanOrEqual(trades.high);
        expect(q.bid).toBeGreaterThanOrEqual(bid.low);
        expect(q.bid).toBeLessThanOrEqual(bid.high);
        expect(q.ask).toBeGreaterThanOrEqual(ask.low);
        expect(q.ask).toBeLessThanOrEqual(ask.high);
        expect(q.bid).toBeLessThan(q.ask);
        expect(Math.abs(q.bid / aapl.minTick - Math.round(q.bid / aapl.minTick))).toBeLessThan(1e-6);
        expect(q.dayLow).toBeLessThanOrEqual(q.last);
        expect(q.dayHigh).toBeGreaterThanOrEqual(q.last);
        expect(q.lastTime).toBeLessThanOrEqual(q.time);
      }),
      { numRuns: 40 },
    );
  });

  it('aggregates a whole minute of steps to exactly the historical 1-minute bar', () => {
    const book = new QuoteBook(7);
    for (const start of [OPEN_MS, OPEN_MS + 37 * MINUTE_MS]) {
      for (const series of ['TRADES', 'MIDPOINT', 'BID', 'ASK'] as const) {
        const agg = aggregateSteps(book.of(aapl), start, start + MINUTE_MS, series)!;
        const bar = minuteBar(book, start, series);
        expect([agg.open, agg.high, agg.low, agg.close]).toEqual([bar.open, bar.high, bar.low, bar.close]);
        if (series === 'TRADES') expect(agg.volume).toBe(Math.max(bar.volume, 4));
      }
    }
  });

  it('is a function of (seed, instrument, instant) whatever was asked before', () => {
    const a = new QuoteBook(7).of(aapl);
    const b = new QuoteBook(7).of(aapl);
    const at = OPEN_MS + 123_456;
    b.quoteAt(at - 3 * 86_400_000);
    b.tradesBetween(OPEN_MS, OPEN_MS + 5 * MINUTE_MS);
    expect(b.quoteAt(at)).toEqual(a.quoteAt(at));
    expect(new QuoteBook(8).of(aapl).quoteAt(at)).not.toEqual(a.quoteAt(at));
  });

  it('freezes the last quote of the session when the market is shut', () => {
    const q = new QuoteBook(7).of(aapl);
    const shut = q.quoteAt(AFTER_CLOSE + 3600_000); // 18:00 New York: extended hours, still open
    expect(shut.open).toBe(true);
    const night = q.quoteAt(Date.UTC(2025, 10, 13, 2, 30)); // 21:30 New York: shut
    expect(night.open).toBe(false);
    const lastStep = q.quoteAt(Date.UTC(2025, 10, 13, 1, 0) - 1); // 19:59:59.999 New York
    expect({ ...night, at: 0 }).toEqual({ ...lastStep, open: false, liquid: false, at: 0 });
    expect(night.day).toBe('20251112');
  });

  it('lists trades in time order, at most one per 250 ms step, skipping the closed night', () => {
    const q = new QuoteBook(7).of(aapl);
    const from = Date.UTC(2025, 10, 13, 0, 58); // 19:58 New York
    const trades = q.tradesBetween(from, from + 9.5 * 3600_000); // into the next pre-market (04:00 New York)
    expect(trades.length).toBeGreaterThan(0);
    for (let i = 1; i < trades.length; i++) expect(trades[i]!.time).toBeGreaterThan(trades[i - 1]!.time);
    const night = trades.filter((t) => t.time >= Date.UTC(2025, 10, 13, 1) && t.time < Date.UTC(2025, 10, 13, 9));
    expect(night).toEqual([]);
    expect(q.tradesBetween(from, from + 3600_000, 5)).toHaveLength(5);
  });
});

describe('the close and open of a shut market', () => {
  /** SPX (416904): an index with regular hours only, so it is shut until 09:30 New York. */
  const spx = universe.byConId(416904)!;
  const closeOf = (book: QuoteBook, day: [number, number, number]) => {
    const end = Date.UTC(day[0], day[1], day[2], 21, 0); // 16:00 New York (EST)
    return synthesizeBar(book.of(spx).model, { start: end - MINUTE_MS, end, sizeSeconds: 60, days: 0, liquid: true }, 'TRADES').close;
  };

  it("before the open of a new day the close is the last session's and there is no open; on the evening of a trading day, still that day's own", () => {
    const book = new QuoteBook(1);
    // Friday 2025-11-28 closed early (13:00); Monday 2025-12-01 08:00 New York: shut, a new date.
    const monday = book.of(spx).quoteAt(Date.UTC(2025, 11, 1, 13, 0));
    expect(monday.open).toBe(false);
    expect(monday.dayOpen).toBeUndefined();
    const fridayEnd = Date.UTC(2025, 10, 28, 18, 0);
    expect(monday.prevClose).toBe(
      synthesizeBar(book.of(spx).model, { start: fridayEnd - MINUTE_MS, end: fridayEnd, sizeSeconds: 60, days: 0, liquid: true }, 'TRADES').close,
    );
    // Tuesday 2025-11-25 18:00 New York: shut, same date as its session; the close is Monday's, the open Tuesday's.
    const tuesdayEvening = book.of(spx).quoteAt(Date.UTC(2025, 10, 25, 23, 0));
    expect(tuesdayEvening.prevClose).toBe(closeOf(book, [2025, 10, 24]));
    expect(tuesdayEvening.dayOpen).toBeDefined();
    // Once Monday opens, the close stays Friday's and the open is Monday's.
    const mondayOpen = book.of(spx).quoteAt(Date.UTC(2025, 11, 1, 14, 31));
    expect(mondayOpen.prevClose).toBe(monday.prevClose);
    expect(mondayOpen.dayOpen).toBeDefined();
  });
});
