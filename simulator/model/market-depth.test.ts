/**
 * Market depth in virtual time: a client that applies every MARKET_DEPTH_L2 / MARKET_DEPTH
 * operation as IB defines them holds, after each step, a book whose first rows are the top of book
 * of that instant; the book empties at the close; and the limits and refusals come with the
 * request's id. docs/wire-facts/market-data.md#market-depth
 */
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH_ROWS } from '../market/depth-book.ts';
import { AAPL_CONID, contractRequest, mktDataRequest } from '../protocol/requests.ts';
import type { ClientMessageOf } from '../protocol/index.ts';
import { harness, type TestClient } from '../testing/model-harness.ts';

/** Wed 2025-11-12 10:00 New York: regular hours. */
const OPEN = Date.UTC(2025, 10, 12, 15, 0);
/** The same day, 10 s before AAPL's extended hours end (20:00 New York). */
const BEFORE_CLOSE = Date.UTC(2025, 10, 13, 0, 59, 50);
const live = { marketData: { permissions: { live: ['*'], delayed: ['*'] } } };

function depthRequest(reqId: number, over: Partial<ClientMessageOf<'REQ_MKT_DEPTH'>> = {}): ClientMessageOf<'REQ_MKT_DEPTH'> {
  const { conId, symbol, secType, lastTradeDateOrContractMonth, strike, right, multiplier, exchange, primaryExchange, currency, localSymbol, tradingClass } =
    mktDataRequest(reqId);
  return {
    type: 'REQ_MKT_DEPTH',
    reqId,
    ...{ conId, symbol, secType, lastTradeDateOrContractMonth, strike, right, multiplier, exchange, primaryExchange, currency, localSymbol, tradingClass },
    numRows: 5,
    isSmartDepth: true,
    mktDepthOptions: '',
    ...over,
  };
}

interface Row {
  price: number;
  size: number;
  marketMaker: string;
}

/**
 * A client's book after each received operation, by IB's definitions: insert puts a row at the
 * position (rows behind it move down), update replaces it, delete removes it (rows behind move up).
 * Returns the book after the last operation of each instant.
 */
function replay(c: TestClient, reqId: number): Array<{ at: number; asks: Row[]; bids: Row[] }> {
  const book = { asks: [] as Row[], bids: [] as Row[] };
  const out: Array<{ at: number; asks: Row[]; bids: Row[] }> = [];
  for (const m of c.messages) {
    if ((m.msg.type !== 'MARKET_DEPTH' && m.msg.type !== 'MARKET_DEPTH_L2') || m.msg.reqId !== reqId) continue;
    const { position, operation, side, price, size } = m.msg;
    const rows = side === 1 ? book.bids : book.asks;
    const row = { price, size, marketMaker: m.msg.type === 'MARKET_DEPTH_L2' ? m.msg.marketMaker : '' };
    expect(position).toBeLessThanOrEqual(rows.length);
    if (operation === 0) rows.splice(position, 0, row);
    else if (operation === 1) rows[position] = row;
    else rows.splice(position, 1);
    if (out.at(-1)?.at !== m.at) out.push({ at: m.at, asks: [], bids: [] });
    out[out.length - 1] = { at: m.at, asks: [...book.asks], bids: [...book.bids] };
  }
  return out;
}

describe('REQ_MKT_DEPTH', () => {
  it('a SMART book: rows inserted at once, then updated each step; its first rows are the quote of each instant; sides ordered, one tick apart, venues named', async () => {
    const h = harness({ start: OPEN, overrides: live });
    const c = await h.login(1);
    c.send(depthRequest(1, { numRows: 8 }));
    await h.advance(5_000);
    const quotes = h.gw.market.quotes({ conId: AAPL_CONID, symbol: 'AAPL', localSymbol: 'AAPL', secType: 'STK' });
    const first = c.of('MARKET_DEPTH_L2').filter((m) => m.at === c.of('MARKET_DEPTH_L2')[0]!.at);
    // 8 asked, at most MAX_DEPTH_ROWS a side, inserted at positions 0…n−1 in order.
    expect(first.map((m) => [m.msg.side, m.msg.position, m.msg.operation, m.msg.isSmartDepth])).toEqual([
      ...Array.from({ length: MAX_DEPTH_ROWS }, (_, i) => [0, i, 0, true]),
      ...Array.from({ length: MAX_DEPTH_ROWS }, (_, i) => [1, i, 0, true]),
    ]);
    const books = replay(c, 1);
    expect(books.length).toBeGreaterThan(10); // the book moved during 5 s (20 steps)
    for (const { at, asks, bids } of books) {
      const q = quotes.quoteAt(at);
      expect([asks[0]!.price, asks[0]!.size, bids[0]!.price, bids[0]!.size]).toEqual([q.ask, q.askSize, q.bid, q.bidSize]);
      expect(asks).toHaveLength(MAX_DEPTH_ROWS);
      expect(bids).toHaveLength(MAX_DEPTH_ROWS);
      for (let i = 1; i < MAX_DEPTH_ROWS; i++) {
        expect(asks[i]!.price - asks[i - 1]!.price).toBeCloseTo(0.01, 9);
        expect(bids[i - 1]!.price - bids[i]!.price).toBeCloseTo(0.01, 9);
        expect(asks[i]!.size % 100).toBe(0);
      }
      for (const r of [...asks, ...bids]) expect(r.marketMaker).toMatch(/^[A-Z]{3,4}$/);
    }
    // After the first instant only updates: the rows stay while the market is open.
    expect(c.of('MARKET_DEPTH_L2').filter((m) => m.at > first[0]!.at && m.msg.operation !== 1)).toEqual([]);
    // Cancel: silent, and nothing follows.
    c.send({ type: 'CANCEL_MKT_DEPTH', reqId: 1, isSmartDepth: true });
    await h.advance(10);
    c.clear();
    await h.advance(2_000);
    expect(c.messages).toEqual([]);
  });

  it('a book on one exchange comes as MARKET_DEPTH without market makers; at the close every row is deleted, last first', async () => {
    const h = harness({ start: BEFORE_CLOSE, overrides: live });
    const c = await h.login(1);
    c.send(depthRequest(2, { exchange: 'NASDAQ', isSmartDepth: false, numRows: 3 }));
    await h.advance(15_000);
    expect(c.of('MARKET_DEPTH_L2')).toEqual([]);
    const ops = c.of('MARKET_DEPTH');
    expect(ops.slice(0, 6).map((m) => [m.msg.side, m.msg.position, m.msg.operation])).toEqual([
      [0, 0, 0],
      [0, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
      [1, 1, 0],
      [1, 2, 0],
    ]);
    expect(ops.slice(-6).map((m) => [m.msg.side, m.msg.position, m.msg.operation])).toEqual([
      [0, 2, 2],
      [0, 1, 2],
      [0, 0, 2],
      [1, 2, 2],
      [1, 1, 2],
      [1, 0, 2],
    ]);
    const end = replay(c, 2).at(-1)!;
    expect([end.asks, end.bids]).toEqual([[], []]);
    expect(ops.at(-1)!.at).toBeGreaterThanOrEqual(Date.UTC(2025, 10, 13, 1, 0));
  });

  it("a SMART book of an option names the option's own exchanges, not one exchange for every row", async () => {
    const h = harness({ start: OPEN, overrides: live });
    const c = await h.login(1);
    c.send(contractRequest(1, { symbol: 'AAPL', secType: 'OPT', exchange: 'SMART', right: 'C' }));
    await h.advance(5_000);
    const row = c.forReq(1).find((m) => m.msg.type === 'CONTRACT_DATA')!.msg as { conId: number; validExchanges: string };
    c.send(depthRequest(2, { conId: row.conId, symbol: '', secType: '', exchange: 'SMART' }));
    await h.advance(1_000);
    const venues = new Set(c.of('MARKET_DEPTH_L2').map((m) => m.msg.marketMaker));
    expect(venues.size).toBeGreaterThan(1);
    for (const v of venues) expect(row.validExchanges.split(',')).toContain(v);
  });

  it('refusals with the request id: 321 for no rows, 10092 for an index, 354 without live permission, 309 beyond the limit, 310 for a cancel of nothing', async () => {
    const h = harness({ start: OPEN, overrides: { marketData: { permissions: { live: ['STK'], delayed: ['*'] }, maxDepth: 3 } } });
    const c = await h.login(1);
    c.send(depthRequest(1, { numRows: 0 }));
    c.send(depthRequest(2, { symbol: 'SPX', secType: 'IND', exchange: 'CBOE' }));
    c.send(depthRequest(3, { symbol: 'EUR', secType: 'CASH', exchange: 'IDEALPRO' }));
    for (const reqId of [4, 5, 6, 7]) c.send(depthRequest(reqId));
    c.send({ type: 'CANCEL_MKT_DEPTH', reqId: 99, isSmartDepth: true });
    // Depth does not count against the 100 market data lines: a top-of-book line still opens.
    c.send(mktDataRequest(8));
    await h.advance(1_000);
    expect(c.errors().map((e) => [e.msg.id, e.msg.code])).toEqual([
      [1, 321],
      [2, 10092],
      [3, 354],
      [7, 309],
      [99, 310],
    ]);
    expect(c.errors(309)[0]!.msg.message).toBe('Max number (3) of market depth requests has been reached');
    expect(new Set(c.of('MARKET_DEPTH_L2').map((m) => m.msg.reqId))).toEqual(new Set([4, 5, 6]));
    expect(c.of('TICK_PRICE').some((m) => m.msg.reqId === 8)).toBe(true);
  });
});
