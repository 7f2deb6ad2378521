/**
 * Live market data in virtual time: market data types, permissions (354 / 10167), snapshots,
 * streaming and cancel, the line limit (101), generic tick lists, and real-time bars — every value
 * checked against the quote model it must come from. docs/wire-facts/market-data.md
 */
import { describe, expect, it } from 'vitest';
import { TickType } from '../../common/ib/tick-types.ts';
import { aggregateSteps } from '../market/tick-bars.ts';
import { contractRequest, mktDataRequest, realTimeBarsRequest } from '../protocol/requests.ts';
import { CONID, harness, market } from '../testing/model-harness.ts';

/** Wed 2025-11-12 10:00 New York: regular hours. */
const OPEN = Date.UTC(2025, 10, 12, 15, 0);
const aaplQuotes = () => market().quotes({ conId: CONID.AAPL, symbol: 'AAPL', localSymbol: 'AAPL', secType: 'STK' });
const live = { marketData: { permissions: { live: ['*'], delayed: ['*'] } } };

describe('REQ_MKT_DATA', () => {
  it('without live permission: 354 naming the delayed feed for live data, 10167 and delayed ticks after REQ_MARKET_DATA_TYPE 3', async () => {
    const h = harness({ start: OPEN });
    const c = await h.login(1);
    c.send(mktDataRequest(1));
    await h.advance(1000);
    expect(c.forReq(1).map((m) => m.msg.type)).toEqual(['ERR_MSG']);
    expect(c.errors(354)[0]!.msg.message).toBe('Requested market data is not subscribed.Delayed market data is available.Error&BEST/STK/Top&BEST/STK/Top');

    c.send({ type: 'REQ_MARKET_DATA_TYPE', marketDataType: 3 });
    c.send(mktDataRequest(2, { snapshot: true }));
    await h.advance(2000);
    const got = c.forReq(2);
    expect(got[0]!.msg).toMatchObject({ type: 'ERR_MSG', code: 10167 });
    expect(c.of('MARKET_DATA_TYPE').map((m) => m.msg.marketDataType)).toEqual([3]);
    expect(got.at(-1)!.msg.type).toBe('TICK_SNAPSHOT_END');
    const prices = new Map(c.of('TICK_PRICE').map((m) => [m.msg.tickType, m.msg]));
    // A snapshot shows the quote of 15 minutes before its instant.
    const end = got.at(-1)!.at;
    const q = aaplQuotes().quoteAt(end - 15 * 60_000);
    expect(prices.get(TickType.DELAYED_BID)).toMatchObject({ price: q.bid, size: q.bidSize });
    expect(prices.get(TickType.DELAYED_ASK)).toMatchObject({ price: q.ask, size: q.askSize });
    expect(prices.get(TickType.DELAYED_LAST)).toMatchObject({ price: q.last, size: q.lastSize });
    expect(prices.has(TickType.BID)).toBe(false);
    // Cancelling an ended snapshot is silent.
    c.clear();
    c.send({ type: 'CANCEL_MKT_DATA', reqId: 2 });
    await h.advance(100);
    expect(c.forReq(2)).toEqual([]);
  });

  it('with no permission at all: 354 "not available"; an invalid generic tick list: 321', async () => {
    const h = harness({ start: OPEN, overrides: { marketData: { permissions: { live: [], delayed: ['STK:IBIS'] } } } });
    const c = await h.login(1);
    c.send({ type: 'REQ_MARKET_DATA_TYPE', marketDataType: 4 });
    c.send(mktDataRequest(1));
    c.send(mktDataRequest(2, { genericTickList: '233,999' }));
    await h.advance(500);
    expect(c.errors(354).map((e) => [e.msg.id, e.msg.message])).toEqual([
      [1, 'Requested market data is not subscribed. Delayed market data is not available.'],
    ]);
    expect(c.errors(321).map((e) => e.msg.id)).toEqual([2]);
    expect(c.errors(321)[0]!.msg.message).toContain('Incorrect generic tick list of 233,999.  Legal ones for (STK) are: 100(Option Volume)');
  });

  it('streams live ticks each 250 ms that follow the quote model, and stops on cancel', async () => {
    const h = harness({ start: OPEN, overrides: live });
    const c = await h.login(1);
    const t0 = h.clock.now();
    c.send(mktDataRequest(7));
    await h.advance(10_000);
    expect(c.of('MARKET_DATA_TYPE').map((m) => m.msg)).toEqual([expect.objectContaining({ reqId: 7, marketDataType: 1 })]);
    const bids = c.of('TICK_PRICE').filter((m) => m.msg.tickType === TickType.BID);
    expect(bids.length).toBeGreaterThan(5);
    for (const b of bids) expect(b.msg.price).toBe(aaplQuotes().quoteAt(b.at).bid);
    expect(bids.every((b) => (b.at - t0) % 250 === 0)).toBe(true);
    const volumes = c
      .of('TICK_SIZE')
      .filter((m) => m.msg.tickType === TickType.VOLUME)
      .map((m) => m.msg.size);
    expect(volumes).toEqual([...volumes].sort((a, b) => a - b));

    c.send({ type: 'CANCEL_MKT_DATA', reqId: 7 });
    await h.advance(1);
    c.clear();
    await h.advance(5_000);
    expect(c.forReq(7)).toEqual([]);
    c.send({ type: 'CANCEL_MKT_DATA', reqId: 99 });
    await h.advance(1);
    expect(c.errors(300).map((e) => e.msg.id)).toEqual([99]);
  });

  it('refuses a line beyond the limit with 101 and a running id with 322, over all clients', async () => {
    const h = harness({ start: OPEN, overrides: { marketData: { ...live.marketData, lines: 2 } } });
    const a = await h.login(1);
    const b = await h.login(2);
    a.send(mktDataRequest(1));
    a.send(mktDataRequest(1));
    b.send(mktDataRequest(1));
    b.send(realTimeBarsRequest(2));
    await h.advance(10);
    expect(a.errors().map((e) => [e.msg.id, e.msg.code])).toEqual([[1, 322]]);
    expect(b.errors().map((e) => [e.msg.id, e.msg.code])).toEqual([[2, 101]]);
    expect(b.errors(101)[0]!.msg.message).toBe('Max number of tickers has been reached');
    a.send({ type: 'CANCEL_MKT_DATA', reqId: 1 });
    b.send(realTimeBarsRequest(3));
    await h.advance(10);
    expect(b.errors().map((e) => e.msg.id)).toEqual([2]);
  });

  it('with type 1 while the market is shut sends bid and ask as -1; type 2 (frozen) sends the last quote', async () => {
    const h = harness({ start: Date.UTC(2025, 10, 13, 3, 0), overrides: live }); // 22:00 New York
    const c = await h.login(1);
    c.send(mktDataRequest(1, { snapshot: true }));
    c.send({ type: 'REQ_MARKET_DATA_TYPE', marketDataType: 2 });
    c.send(mktDataRequest(2, { snapshot: true }));
    await h.advance(1000);
    const bid = (reqId: number) => c.of('TICK_PRICE').find((m) => m.msg.reqId === reqId && m.msg.tickType === TickType.BID)!.msg.price;
    expect(bid(1)).toBe(-1);
    expect(bid(2)).toBe(aaplQuotes().quoteAt(h.clock.now()).bid);
    expect(c.of('MARKET_DATA_TYPE').map((m) => [m.msg.reqId, m.msg.marketDataType])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });
});

describe('REQ_REAL_TIME_BARS', () => {
  it('sends a bar every 5 s of model time, aggregated from the same steps as the ticks; cancel stops them', async () => {
    const h = harness({ start: OPEN + 1_234, overrides: live });
    const c = await h.login(1);
    c.send(realTimeBarsRequest(4, { whatToShow: 'MIDPOINT' }));
    await h.advance(21_000);
    const bars = c.of('REAL_TIME_BARS');
    expect(bars.length).toBe(3); // bars start on the next 5 s boundary: 10:00:05, :10 and :15
    for (const { at, msg } of bars) {
      expect(msg.time % 5).toBe(0);
      expect(at).toBe(msg.time * 1000 + 5000); // sent when its 5 seconds are over
      const agg = aggregateSteps(aaplQuotes(), msg.time * 1000, msg.time * 1000 + 5000, 'MIDPOINT')!;
      expect([msg.open, msg.high, msg.low, msg.close, msg.volume]).toEqual([agg.open, agg.high, agg.low, agg.close, -1]);
    }
    c.send({ type: 'CANCEL_REAL_TIME_BARS', reqId: 4 });
    await h.advance(20_000);
    expect(c.of('REAL_TIME_BARS').length).toBe(3);
    expect(c.errors()).toEqual([]);
  });

  it('ignores barSize as TWS does: barSize 30 still gets 5-second bars (docs/wire-facts/market-data.md#real-time-bars)', async () => {
    const h = harness({ start: OPEN, overrides: live });
    const c = await h.login(1);
    c.send(realTimeBarsRequest(4, { barSize: 30 }));
    await h.advance(16_000);
    const times = c.of('REAL_TIME_BARS').map((m) => m.msg.time);
    expect(times.length).toBeGreaterThanOrEqual(2);
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual(times.slice(1).map(() => 5));
    expect(c.errors()).toEqual([]);
  });

  it('needs live data: 420 on the delayed-only paper profile', async () => {
    const h = harness({ start: OPEN });
    const c = await h.login(1);
    c.send(realTimeBarsRequest(4));
    await h.advance(100);
    expect(c.errors(420).map((e) => e.msg.id)).toEqual([4]);
    expect(c.errors(420)[0]!.msg.message).toContain('Invalid Real-time Query:No market data permissions for NASDAQ STK');
  });

  it('the refusal names the listing exchange of a contract without a primary exchange (EUR.USD on IDEALPRO, an ES future on CME)', async () => {
    const h = harness({ start: OPEN });
    const c = await h.login(1);
    c.send(contractRequest(1, { symbol: 'ES', secType: 'FUT', exchange: 'CME' }));
    await h.advance(5_000);
    const es = (c.forReq(1).find((m) => m.msg.type === 'CONTRACT_DATA')!.msg as { conId: number }).conId;
    const eur = { conId: 12087792, symbol: '', secType: '', exchange: 'IDEALPRO' };
    c.send(realTimeBarsRequest(2, { ...eur, whatToShow: 'MIDPOINT' }));
    c.send(realTimeBarsRequest(3, { conId: es, symbol: '', secType: '', exchange: 'CME' }));
    const {
      type: _type,
      reqId: _reqId,
      barSize: _barSize,
      whatToShow: _what,
      useRTH: _useRTH,
      realTimeBarsOptions: _options,
      ...contract
    } = realTimeBarsRequest(0, eur);
    c.send({ type: 'REQ_TICK_BY_TICK_DATA', reqId: 4, ...contract, tickType: 'BidAsk', numberOfTicks: 0, ignoreSize: false });
    await h.advance(100);
    expect(c.errors().map((e) => [e.msg.id, e.msg.code, e.msg.message.replace(/\. Requested market data requires .*$/, '')])).toEqual([
      [2, 420, 'Invalid Real-time Query:No market data permissions for IDEALPRO CASH'],
      [3, 420, 'Invalid Real-time Query:No market data permissions for CME FUT'],
      [4, 10189, 'Failed to request tick-by-tick data. No market data permissions for IDEALPRO CASH'],
    ]);
  });
});

describe('REQ_REAL_TIME_BARS for forex (docs/wire-facts/market-data.md#forex-has-no-trades)', () => {
  it('TRADES bars of EUR.USD get 162 "No historical market data … Last 5" and no line; MIDPOINT bars stream', async () => {
    const h = harness({ start: OPEN, overrides: live });
    const c = await h.login(1);
    const eur = { conId: 12087792, symbol: '', secType: '', exchange: 'IDEALPRO' };
    c.send(realTimeBarsRequest(2, { ...eur, whatToShow: 'TRADES' }));
    c.send(realTimeBarsRequest(3, { ...eur, whatToShow: 'MIDPOINT' }));
    await h.advance(11_000);
    expect(c.errors().map((e) => [e.msg.id, e.msg.code, e.msg.message])).toEqual([
      [2, 162, 'Historical Market Data Service error message:No historical market data for EUR/CASH@FXSUBPIP Last 5'],
    ]);
    expect(c.forReq(2).filter((m) => m.msg.type === 'REAL_TIME_BARS')).toEqual([]);
    expect(c.forReq(3).filter((m) => m.msg.type === 'REAL_TIME_BARS').length).toBeGreaterThanOrEqual(1);
  });
});

describe('REQ_TICK_BY_TICK_DATA', () => {
  const tbt = (reqId: number, tickType: string) => ({
    type: 'REQ_TICK_BY_TICK_DATA' as const,
    reqId,
    ...contract,
    tickType,
    numberOfTicks: 0,
    ignoreSize: false,
  });
  const {
    type,
    reqId,
    comboLegs,
    deltaNeutralContract,
    deltaNeutralContractConId,
    deltaNeutralContractDelta,
    deltaNeutralContractPrice,
    genericTickList,
    snapshot,
    regulatorySnapshot,
    mktDataOptions,
    ...contract
  } = mktDataRequest(0);

  it('AllLast sends every trade of the quote model after the request, BidAsk every quote change; beyond the limit 10190; cancel stops', async () => {
    const h = harness({ start: OPEN, overrides: { marketData: { ...live.marketData, maxTickByTick: 2 } } });
    const c = await h.login(1);
    const t0 = h.clock.now();
    c.send(tbt(1, 'AllLast'));
    c.send(tbt(2, 'BidAsk'));
    c.send(tbt(3, 'MidPoint'));
    c.send(tbt(4, 'Bogus'));
    await h.advance(3_000);
    const q = aaplQuotes();
    const trades = q.tradesBetween(t0 + 1, t0 + 3_001);
    const got = c.of('TICK_BY_TICK').filter((m) => m.msg.reqId === 1);
    expect(got.map((m) => [m.msg.tickType, m.msg.time, m.msg.price, m.msg.size])).toEqual(trades.map((t) => [2, Math.floor(t.time / 1000), t.price, t.size]));
    expect(trades.length).toBeGreaterThan(0);
    const quotes = c.of('TICK_BY_TICK').filter((m) => m.msg.reqId === 2);
    expect(quotes.length).toBeGreaterThan(0);
    for (const { at, msg } of quotes) expect([msg.bidPrice, msg.askPrice]).toEqual([q.quoteAt(at).bid, q.quoteAt(at).ask]);
    expect(c.errors().map((e) => [e.msg.id, e.msg.code])).toEqual([
      [3, 10190],
      [4, 321],
    ]);
    c.send({ type: 'CANCEL_TICK_BY_TICK_DATA', reqId: 1 });
    c.send({ type: 'CANCEL_TICK_BY_TICK_DATA', reqId: 2 });
    await h.advance(1);
    c.clear();
    await h.advance(3_000);
    expect(c.of('TICK_BY_TICK')).toEqual([]);
  });
});

describe('generated contracts (futures, options)', () => {
  it('a snapshot and real-time bars for the ES front month and a snapshot for an AAPL option, asked by conId: served, the session stays open', async () => {
    const h = harness({ start: OPEN, overrides: live });
    const c = await h.login(1);
    c.send(contractRequest(1, { symbol: 'ES', secType: 'FUT', exchange: 'CME' }));
    c.send(contractRequest(2, { symbol: 'AAPL', secType: 'OPT', exchange: 'SMART', right: 'C' }));
    await h.advance(5_000);
    const firstRow = (reqId: number) => c.forReq(reqId).find((m) => m.msg.type === 'CONTRACT_DATA')!.msg as { conId: number };
    const es = firstRow(1).conId;
    const option = firstRow(2).conId;
    c.send(mktDataRequest(3, { conId: es, symbol: '', secType: '', exchange: 'CME', snapshot: true }));
    c.send(mktDataRequest(4, { conId: option, symbol: '', secType: '', exchange: 'SMART', snapshot: true }));
    c.send(realTimeBarsRequest(5, { conId: es, symbol: '', secType: '', exchange: 'CME', useRTH: false }));
    await h.advance(16_000);
    expect(c.closed).toBe(false);
    for (const reqId of [3, 4]) {
      const got = c.forReq(reqId);
      expect(got.at(-1)?.msg.type, `snapshot ${reqId}`).toBe('TICK_SNAPSHOT_END');
      const prices = new Map(
        c
          .of('TICK_PRICE')
          .filter((m) => m.msg.reqId === reqId)
          .map((m) => [m.msg.tickType, m.msg.price]),
      );
      expect(prices.get(TickType.BID)!, `snapshot ${reqId}`).toBeLessThan(prices.get(TickType.ASK)!);
    }
    expect(c.forReq(5).filter((m) => m.msg.type === 'REAL_TIME_BARS').length).toBeGreaterThanOrEqual(2);
  });

  it('TRADES bars of an AAPL option come every 5 s: 5 s without a trade are a flat bar at the last trade, volume 0 (docs/wire-facts/market-data.md#bars-without-trades)', async () => {
    const h = harness({ start: OPEN, overrides: live });
    const c = await h.login(1);
    c.send(contractRequest(1, { symbol: 'AAPL', secType: 'OPT', exchange: 'SMART', right: 'C' }));
    await h.advance(5_000);
    const option = (c.forReq(1).find((m) => m.msg.type === 'CONTRACT_DATA')!.msg as { conId: number }).conId;
    c.send(realTimeBarsRequest(2, { conId: option, symbol: '', secType: '', exchange: 'SMART' }));
    await h.advance(120_000);
    const bars = c.forReq(2).flatMap((m) => (m.msg.type === 'REAL_TIME_BARS' ? [m.msg] : []));
    expect(bars.length).toBeGreaterThanOrEqual(22); // 120 s from the first 5 s boundary after the request
    expect(bars.slice(1).map((b, i) => b.time - bars[i]!.time)).toEqual(bars.slice(1).map(() => 5));
    const idle = bars.filter((b) => Number(b.volume) === 0);
    expect(idle.length).toBeGreaterThan(0); // the bundled options trade about 15 times a minute
    for (const b of idle) {
      expect([b.high, b.low, b.close, Number(b.wap), b.count]).toEqual([b.open, b.open, b.open, b.open, 0]);
      const before = bars[bars.indexOf(b) - 1];
      if (before) expect(b.open).toBe(before.close);
    }
    expect(bars.filter((b) => Number(b.volume) > 0).every((b) => b.count > 0)).toBe(true);
    expect(c.errors()).toEqual([]);
  });
});

describe('a frozen line across the open and the close', () => {
  it('reports frozen (2) while SPX is shut and live (1) while it is open, with a MARKET_DATA_TYPE before the first ticks of each (docs/wire-facts/market-data.md#market-data-types-1-to-4)', async () => {
    // Wed 2025-11-12 09:29:58 New York; SPX (an index) trades 09:30–16:00 only.
    const h = harness({ start: Date.UTC(2025, 10, 12, 14, 29, 58), overrides: live });
    const c = await h.login(1);
    c.send({ type: 'REQ_MARKET_DATA_TYPE', marketDataType: 2 });
    c.send(mktDataRequest(1, { conId: 416904, symbol: '', secType: '', exchange: 'CBOE' }));
    c.send({ type: 'REQ_MARKET_DATA_TYPE', marketDataType: 1 });
    c.send(mktDataRequest(2, { conId: 416904, symbol: '', secType: '', exchange: 'CBOE' }));
    await h.advance(5_000);
    const types = (reqId: number) => c.of('MARKET_DATA_TYPE').filter((m) => m.msg.reqId === reqId);
    expect(types(1).map((m) => m.msg.marketDataType)).toEqual([2, 1]);
    // The switch came with the line's first update after the open (its phase: within 250 ms), before that update's ticks.
    const switched = types(1)[1]!;
    expect(switched.at).toBeGreaterThanOrEqual(Date.UTC(2025, 10, 12, 14, 30));
    expect(switched.at).toBeLessThan(Date.UTC(2025, 10, 12, 14, 30) + 250);
    const after = c.messages.filter((m) => m.at === switched.at && 'reqId' in m.msg && m.msg.reqId === 1);
    expect(after[0]!.msg.type).toBe('MARKET_DATA_TYPE');
    expect(after.length).toBeGreaterThan(1);
    // A live line says 1 once, shut or open.
    expect(types(2).map((m) => m.msg.marketDataType)).toEqual([1]);
    // And back to frozen at the close.
    c.clear();
    await h.advance(Date.UTC(2025, 10, 12, 21, 0, 5) - h.clock.now());
    expect(types(1).map((m) => m.msg.marketDataType)).toEqual([2]);
    expect(types(2)).toEqual([]);
  });
});
