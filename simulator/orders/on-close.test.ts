/**
 * MOC and LOC in the order engine (docs/wire-facts/orders.md#moc-and-loc): they rest until the
 * regular session's close — an early close included — and then trade in full at the closing price,
 * the same price the next day's quote reports as its previous close.
 */
import { describe, expect, it } from 'vitest';
import { createMarketData } from '../market/market-data.ts';
import { AAPL_ID, book, IN_RTH, run, ticket } from './testing/book.ts';

const MIN = 60_000;
/** Wed 2025-11-12 16:00 New York: the regular close of the IN_RTH day. */
const CLOSE = Date.UTC(2025, 10, 12, 21, 0, 0);
/** Fri 2025-11-28, the day after Thanksgiving: NYSE closes early, at 13:00 New York. */
const EARLY_DAY_10AM = Date.UTC(2025, 10, 28, 15, 0, 0);
const EARLY_CLOSE = Date.UTC(2025, 10, 28, 18, 0, 0);

function placeAcked(b: ReturnType<typeof book>['book'], v: ReturnType<typeof book>['venue'], over: Parameters<typeof ticket>[1], at: number) {
  const placed = b.place(ticket(1, over), v.instrument(AAPL_ID)!, at);
  if (!placed.ok) throw new Error(placed.error.message);
  b.acknowledge(placed.order, at);
  return placed.order;
}

describe('order book: market- and limit-on-close', () => {
  it('a MOC order rests Submitted until the close, then fills in full at the closing price, which the next day reports as its previous close', () => {
    const { book: b, venue: v, events } = book();
    const order = placeAcked(b, v, { orderType: 'MOC', totalQuantity: 5_000 }, IN_RTH);
    run(b, IN_RTH, CLOSE - 1_000);
    expect(order.status).toBe('Submitted');
    expect(b.executions()).toHaveLength(0);
    run(b, CLOSE - 1_000, CLOSE + MIN);
    const execs = b.executions();
    const closing = v.prices.quoteAt(AAPL_ID, CLOSE - 1)!.last;
    expect(execs.map((e) => [e.shares, e.price, e.time])).toEqual([[5_000, closing, CLOSE]]);
    expect(order.status).toBe('Filled');
    expect(events.filter((e) => e.kind === 'status').map((e) => e.status)).toEqual(['Submitted', 'Filled']);
    // The same closing price as market data's previous close of the next trading day.
    const market = createMarketData({ seed: 1 });
    const nextDay = Date.UTC(2025, 10, 13, 15, 0, 0);
    expect(market.quotes(market.universe.byConId(AAPL_ID)!).quoteAt(nextDay).prevClose).toBe(closing);
  });

  it('on an early-close day the auction is at the early close', () => {
    const { book: b, venue: v } = book();
    placeAcked(b, v, { orderType: 'MOC', action: 'SELL' }, EARLY_DAY_10AM);
    run(b, EARLY_DAY_10AM, EARLY_CLOSE - 1_000);
    expect(b.executions()).toHaveLength(0);
    run(b, EARLY_CLOSE - 1_000, EARLY_CLOSE + MIN);
    expect(b.executions().map((e) => [e.side, e.time, e.price])).toEqual([['SLD', EARLY_CLOSE, v.prices.quoteAt(AAPL_ID, EARLY_CLOSE - 1)!.last]]);
  });

  it('a LOC buy fills at the closing price when its limit is at or above it, and is cancelled when below', () => {
    const closing = book().venue.prices.quoteAt(AAPL_ID, CLOSE - 1)!.last;
    const above = book();
    const filled = placeAcked(above.book, above.venue, { orderType: 'LOC', lmtPrice: closing + 1 }, IN_RTH);
    const below = book();
    const missed = placeAcked(below.book, below.venue, { orderType: 'LOC', lmtPrice: closing - 0.01 }, IN_RTH);
    run(above.book, CLOSE - 2_000, CLOSE + MIN);
    run(below.book, CLOSE - 2_000, CLOSE + MIN);
    expect(filled.status).toBe('Filled');
    expect(above.book.executions().map((e) => e.price)).toEqual([closing]); // the closing price, not the limit
    expect(missed).toMatchObject({ status: 'Cancelled', cancelReason: 'closing price beyond the limit', filled: 0 });
  });

  it('a MOC placed after the close trades in the next regular session’s auction; outsideRth does not move it to the extended close', () => {
    const { book: b, venue: v } = book();
    const order = placeAcked(b, v, { orderType: 'MOC', outsideRth: true }, CLOSE + 30 * MIN);
    expect(order.expiresAt).toBe(CLOSE + 24 * 60 * MIN);
    expect(order.status).toBe('PreSubmitted');
  });
});
