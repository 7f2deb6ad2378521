/**
 * Live market data as an unmodified @stoqey/ib sees it over real TCP: a snapshot (IBApi and
 * IBApiNext.getMarketDataSnapshot, also of a generated future, an index and an option), a
 * streaming line and its cancel, 5-second real-time bars, and generic tick values
 * (docs/wire-facts/market-data.md#generic-tick-values).
 * The model runs at scale 0.02 (a 5 s bar every 100 ms of wall time) from a regular-hours instant;
 * every value is checked against the quote model it must come from.
 */
import { EventName, type IBApi, IBApiNext, IBApiNextTickType, IBApiTickType, OptionType, SecType, WhatToShow, type Contract } from '@stoqey/ib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../common/clock.ts';
import { TickType } from '../common/ib/tick-types.ts';
import { CONID } from '../common/testing/fixtures.ts';
import { SHORTABLE_EASY, shortableShares } from './market/generic-ticks.ts';
import { createMarketData } from './market/market-data.ts';
import { GRID_MS, minuteOf } from './market/minute-path.ts';
import { aggregateSteps } from './market/tick-bars.ts';
import { historyRequest } from './protocol/requests.ts';
import { startSimulator, type Simulator } from './simulator.ts';
import { connectIbApi } from './testing/stoqey-client.ts';

/** Wed 2025-11-12 10:00 New York. */
const OPEN = Date.UTC(2025, 10, 12, 15, 0);
const AAPL: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
const market = createMarketData({ seed: 7 });
const AAPL_REF = { conId: CONID.AAPL, symbol: 'AAPL', localSymbol: 'AAPL', secType: 'STK' };
const quotes = market.quotes(AAPL_REF);

let sim: Simulator;
let clock: ScaledClock;
const apis: Array<IBApi | IBApiNext> = [];

beforeEach(async () => {
  clock = new ScaledClock(0.02, OPEN);
  sim = await startSimulator({ port: 0, profile: 'instant', seed: 7, clock, market });
});
afterEach(async () => {
  for (const api of apis.splice(0)) api.disconnect();
  await sim.close();
});

const connectApi = (clientId: number) => connectIbApi(sim.port, clientId, apis);

/**
 * The bids the quote model had in the `ms` model ms before `at` (a tick was computed then and
 * received since). 10 s of model time is 200 ms of wall time at this scale: room for a loaded host.
 */
const recentBids = (at: number, ms = 10_000) => Array.from({ length: ms / GRID_MS + 1 }, (_, k) => quotes.quoteAt(at - k * GRID_MS).bid);

/** The 52-week [low, high] of the daily bars a REQ_HISTORICAL_DATA gets at `at`. */
function week52(at: number): [number, number] {
  const reply = market.historical(historyRequest(1, { conId: CONID.AAPL, exchange: 'SMART', barSize: '1 day', duration: '52 W' }), AAPL_REF, at);
  if (!reply.ok) throw new Error(reply.message);
  return [Math.min(...reply.bars.map((b) => b.low)), Math.max(...reply.bars.map((b) => b.high))];
}

describe('@stoqey/ib market data against the simulator', () => {
  it('IBApi snapshot: market data type 1, bid / ask / last from the quote model, then tickSnapshotEnd', async () => {
    const api = await connectApi(1);
    const prices = new Map<number, number>();
    api.on(EventName.tickPrice, (id: number, field: number, value: number) => id === 5 && prices.set(field, value));
    const type = new Promise<number>((r) => api.once(EventName.marketDataType, (_id: number, t: number) => r(t)));
    const end = new Promise<number>((r) => api.once(EventName.tickSnapshotEnd, () => r(clock.now())));
    api.reqMktData(5, AAPL, '', true, false);
    const at = await end;
    expect(await type).toBe(1);
    const bid = prices.get(IBApiTickType.BID)!;
    expect(recentBids(at)).toContain(bid);
    expect(prices.get(IBApiTickType.ASK)!).toBeGreaterThan(bid);
    expect(prices.get(IBApiTickType.LAST)).toBeGreaterThan(0);
  });

  it('IBApiNext.getMarketDataSnapshot resolves with bid and ask', async () => {
    const next = new IBApiNext({ host: '127.0.0.1', port: sim.port });
    apis.push(next);
    next.connect(2);
    const data = await next.getMarketDataSnapshot(AAPL, '', false);
    const bid = data.get(IBApiTickType.BID)!.value!;
    expect(recentBids(clock.now())).toContain(bid);
    expect(data.get(IBApiTickType.ASK)!.value!).toBeGreaterThan(bid);
  });

  it('IBApiNext.getMarketDataSnapshot of the ES front month (a generated future, by conId) resolves with bid and ask', async () => {
    const next = new IBApiNext({ host: '127.0.0.1', port: sim.port });
    apis.push(next);
    next.connect(5);
    const [front] = await next.getContractDetails({ symbol: 'ES', secType: SecType.FUT, exchange: 'CME', currency: 'USD' });
    const { conId, symbol, localSymbol } = front!.contract;
    const data = await next.getMarketDataSnapshot({ conId, exchange: 'CME' }, '', false);
    const bid = data.get(IBApiTickType.BID)!.value!;
    const es = market.quotes({ conId: conId!, symbol: symbol!, localSymbol: localSymbol!, secType: 'FUT' });
    const at = clock.now();
    expect(Array.from({ length: 10_000 / GRID_MS + 1 }, (_, k) => es.quoteAt(at - k * GRID_MS).bid)).toContain(bid);
    expect(data.get(IBApiTickType.ASK)!.value!).toBeGreaterThan(bid);
  });

  it('IBApi snapshot of SPX (an index): last, high, low and close, no bid, ask, sizes or volume (docs/wire-facts/market-data.md#index-lines)', async () => {
    const api = await connectApi(6);
    const prices = new Map<number, number>();
    const sizes = new Map<number, number>();
    api.on(EventName.tickPrice, (id: number, field: number, value: number) => id === 12 && prices.set(field, value));
    api.on(EventName.tickSize, (id: number, field?: number, value?: number) => id === 12 && field !== undefined && sizes.set(field, value ?? 0));
    const end = new Promise<number>((r) => api.once(EventName.tickSnapshotEnd, () => r(clock.now())));
    api.reqMktData(12, { symbol: 'SPX', secType: SecType.IND, exchange: 'CBOE', currency: 'USD' }, '', true, false);
    const at = await end;
    const spx = market.quotes({ conId: 416904, symbol: 'SPX', localSymbol: 'SPX', secType: 'IND' });
    const lasts = Array.from({ length: 10_000 / GRID_MS + 1 }, (_, k) => spx.quoteAt(at - k * GRID_MS).last);
    expect(lasts).toContain(prices.get(IBApiTickType.LAST));
    for (const field of [IBApiTickType.HIGH, IBApiTickType.LOW, IBApiTickType.CLOSE]) expect(prices.get(field)).toBeGreaterThan(0);
    for (const field of [IBApiTickType.BID, IBApiTickType.ASK]) expect(prices.has(field)).toBe(false);
    for (const field of [IBApiTickType.BID_SIZE, IBApiTickType.ASK_SIZE, IBApiTickType.VOLUME]) expect(sizes.has(field)).toBe(false);
  });

  it('IBApiNext.getMarketDataSnapshot of an in-the-money AAPL call: bid and ask from its quote model, priced at least at intrinsic over AAPL, with model greeks (docs/wire-facts/market-data.md#derived-prices, #option-computations)', async () => {
    const next = new IBApiNext({ host: '127.0.0.1', port: sim.port });
    apis.push(next);
    next.connect(7);
    const aapl = quotes.quoteAt(clock.now()).mid;
    const [chain] = (await next.getSecDefOptParams('AAPL', '', SecType.STK, CONID.AAPL)).filter((c) => c.exchange === 'SMART');
    const strike = Math.max(...chain!.strikes.filter((k) => k < aapl - 10));
    const [call] = await next.getContractDetails({
      ...AAPL,
      secType: SecType.OPT,
      lastTradeDateOrContractMonth: chain!.expirations[2]!,
      strike,
      right: OptionType.Call,
    });
    const { conId, symbol, localSymbol } = call!.contract;
    const data = await next.getMarketDataSnapshot({ conId, exchange: 'SMART' }, '', false);
    const at = clock.now();
    const option = market.quotes({ conId: conId!, symbol: symbol!, localSymbol: localSymbol!, secType: 'OPT' });
    const bid = data.get(IBApiTickType.BID)!.value!;
    const ask = data.get(IBApiTickType.ASK)!.value!;
    const steps = Array.from({ length: 10_000 / GRID_MS + 1 }, (_, k) => ({ o: option.quoteAt(at - k * GRID_MS), s: quotes.quoteAt(at - k * GRID_MS) }));
    const step = steps.find(({ o }) => o.bid === bid && o.ask === ask);
    expect(step).toBeDefined();
    expect(ask).toBeGreaterThan(bid);
    expect(step!.o.mid).toBeGreaterThanOrEqual(step!.s.mid - strike - 0.005);
    // The model's analytics came with the snapshot: an in-the-money call's delta lies in (0.5, 1),
    // its volatility is AAPL's, and its underlying price is AAPL's mid at a recent step.
    expect(data.get(IBApiNextTickType.MODEL_OPTION_DELTA)!.value!).toBeGreaterThan(0.5);
    expect(data.get(IBApiNextTickType.MODEL_OPTION_DELTA)!.value!).toBeLessThan(1);
    expect(data.get(IBApiNextTickType.MODEL_OPTION_IV)!.value!).toBeCloseTo(0.017 * Math.sqrt(252), 2);
    expect(data.get(IBApiNextTickType.MODEL_OPTION_GAMMA)!.value!).toBeGreaterThan(0);
  });

  it('IBApi calculateImpliedVolatility and calculateOptionPrice: one tickOptionComputation each, with the request id, that agree (docs/wire-facts/market-data.md#option-calculations)', async () => {
    const api = await connectApi(8);
    const got = new Map<number, { tickType: number; impliedVol: number; optPrice: number; delta: number }>();
    const both = new Promise<void>((resolve) =>
      api.on(EventName.tickOptionComputation, (reqId, tickType, _attrib, impliedVol, delta, optPrice) => {
        got.set(reqId, { tickType: tickType as number, impliedVol: impliedVol!, optPrice: optPrice!, delta: delta! });
        if (got.size === 2) resolve();
      }),
    );
    const expiry = new Date(OPEN + 60 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    const details = await new Promise<Contract>((resolve) => {
      api.once(EventName.contractDetails, (_id: number, d: { contract: Contract }) => resolve(d.contract));
      api.reqContractDetails(1, { ...AAPL, secType: SecType.OPT, right: OptionType.Call, lastTradeDateOrContractMonth: expiry.slice(0, 6) });
    });
    const option = { conId: details.conId, exchange: 'SMART' };
    api.calculateOptionPrice(2, option, 0.3, 270);
    const priced = await new Promise<number>((r) => api.on(EventName.tickOptionComputation, (id, _t, _a, _iv, _d, p) => id === 2 && r(p!)));
    api.calculateImpliedVolatility(3, option, priced, 270);
    await both;
    expect(got.get(2)).toMatchObject({ tickType: 53, impliedVol: 0.3 });
    expect(got.get(3)!.tickType).toBe(53);
    expect(got.get(3)!.impliedVol).toBeCloseTo(0.3, 5);
    expect(got.get(3)!.delta).toBeCloseTo(got.get(2)!.delta, 4);
  });

  it('IBApi reqMktDepth (SMART): ten inserted rows, the best ask above the best bid as the line shows them, then updates until cancelMktDepth (docs/wire-facts/market-data.md#market-depth)', async () => {
    const api = await connectApi(9);
    const rows: Array<{ position: number; operation: number; side: number; price: number; marketMaker: string; smart?: boolean }> = [];
    let done: () => void = () => {};
    const twenty = new Promise<void>((r) => (done = r));
    api.on(EventName.updateMktDepthL2, (id, position, marketMaker, operation, side, price, _size, isSmartDepth) => {
      if (id !== 9) return;
      rows.push({ position, operation, side, price, marketMaker, smart: isSmartDepth });
      if (rows.length === 20) done();
    });
    api.reqMktDepth(9, AAPL, 5, true, []);
    await twenty;
    const inserts = rows.slice(0, 10);
    expect(inserts.map((r) => [r.side, r.position, r.operation])).toEqual([0, 1].flatMap((side) => [0, 1, 2, 3, 4].map((p) => [side, p, 0])));
    expect(inserts[0]!.price).toBeGreaterThan(inserts[5]!.price);
    expect(inserts.every((r) => r.smart === true && r.marketMaker !== '')).toBe(true);
    expect(rows.slice(10).every((r) => r.operation === 1)).toBe(true);
    api.cancelMktDepth(9, true);
    await clock.sleep(2_000);
    const after = rows.length;
    await clock.sleep(5_000);
    expect(rows.length).toBe(after);
  });

  it('IBApi streaming line ticks until cancelMktData', async () => {
    const api = await connectApi(3);
    const bids: Array<{ at: number; bid: number }> = [];
    api.on(
      EventName.tickPrice,
      (id: number, field: number, value: number) => id === 6 && field === IBApiTickType.BID && bids.push({ at: clock.now(), bid: value }),
    );
    api.reqMktData(6, AAPL, '', false, false);
    await new Promise((r) => setTimeout(r, 400)); // 20 s of model time
    expect(bids.length).toBeGreaterThan(3);
    for (const b of bids) expect(recentBids(b.at)).toContain(b.bid);
    api.cancelMktData(6);
    await new Promise((r) => setTimeout(r, 50));
    const n = bids.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(bids.length).toBe(n);
  });

  it('IBApi real-time bars: one per 5 s of model time, each the aggregate of its 250 ms steps', async () => {
    const api = await connectApi(4);
    const bars: Array<{ time: number; ohlc: number[]; volume: number }> = [];
    const three = new Promise<void>((resolve) => {
      api.on(EventName.realtimeBar, (id: number, time: number, open: number, high: number, low: number, close: number, volume: number) => {
        if (id !== 8) return;
        bars.push({ time, ohlc: [open, high, low, close], volume });
        if (bars.length === 3) resolve();
      });
    });
    api.reqRealTimeBars(8, AAPL, 5, WhatToShow.TRADES, true);
    await three;
    api.cancelRealTimeBars(8);
    expect(bars[1]!.time - bars[0]!.time).toBe(5);
    expect(bars[2]!.time - bars[1]!.time).toBe(5);
    for (const b of bars) {
      const agg = aggregateSteps(quotes, b.time * 1000, b.time * 1000 + 5000, 'TRADES')!;
      expect(b.ohlc).toEqual([agg.open, agg.high, agg.low, agg.close]);
      expect(b.volume).toBe(agg.volume);
    }
  });

  it('delayed data on the paper profile: IBApi reqMarketDataType(3) gets 10167, then delayed bid / ask / last from 15 minutes before', async () => {
    const paperClock = new ScaledClock(0.02, OPEN);
    const paper = await startSimulator({ port: 0, profile: 'ibkr-paper', seed: 7, clock: paperClock, market });
    try {
      const api = await connectIbApi(paper.port, 9, apis);
      const codes: number[] = [];
      api.on(EventName.error, (_e: Error, code: number, id: number) => id === 11 && codes.push(code));
      api.on(EventName.info, (_m: string, code: number) => codes.push(code));
      const prices = new Map<number, number>();
      api.on(EventName.tickPrice, (id: number, field: number, value: number) => id === 11 && prices.set(field, value));
      const end = new Promise<number>((r) => api.once(EventName.tickSnapshotEnd, () => r(paperClock.now())));
      api.reqMarketDataType(3);
      api.reqMktData(11, AAPL, '', true, false);
      const at = await end;
      expect(codes).toContain(10167);
      const bid = prices.get(IBApiTickType.DELAYED_BID)!;
      expect(recentBids(at - 15 * 60_000)).toContain(bid);
      expect(prices.get(IBApiTickType.DELAYED_ASK)!).toBeGreaterThan(bid);
      expect(prices.has(IBApiTickType.BID)).toBe(false);
    } finally {
      for (const api of apis.splice(0)) api.disconnect();
      await paper.close();
    }
  });

  it('IBApi reqMktData with generic ticks 233,165,236 receives RTVolume, 52-week extremes and shortable values', async () => {
    const api = await connectApi(9);
    const strings: string[] = [];
    const prices = new Map<number, number>();
    const sizes = new Map<number, number>();
    const generics = new Map<number, number>();
    const done = new Promise<number>((resolve) => {
      const check = () => {
        if (strings.length >= 3 && prices.has(TickType.HIGH_52_WEEK) && generics.has(TickType.SHORTABLE) && sizes.has(TickType.SHORTABLE_SHARES))
          resolve(clock.now());
      };
      api.on(EventName.tickString, (_id: number, type: number, value: string) => {
        if (type === TickType.RT_VOLUME) strings.push(value);
        check();
      });
      api.on(EventName.tickPrice, (_id: number, type: number, value: number) => prices.set(type, value));
      api.on(EventName.tickSize, (_id: number, type?: number, value?: number) => {
        if (type !== undefined && value !== undefined) sizes.set(type, value);
        check();
      });
      api.on(EventName.tickGeneric, (_id: number, type: number, value: number) => {
        generics.set(type, value);
        check();
      });
    });
    api.reqMktData(9, AAPL, '233,165,236', false, false);
    const at = await done;
    for (const value of strings) {
      const [price, size, time, volume] = value.split(';').map(Number);
      const [trade] = quotes.tradesBetween(time!, time! + 1);
      expect([price, size]).toEqual([trade!.price, trade!.size]);
      expect(volume).toBe(quotes.quoteAt(time!).dayVolume);
    }
    // Computed at the start of the model minute it arrived in, or of the one before.
    const seen = [prices.get(TickType.LOW_52_WEEK), prices.get(TickType.HIGH_52_WEEK)];
    expect([week52(minuteOf(at)), week52(minuteOf(at) - 60_000)]).toContainEqual(seen);
    expect(generics.get(TickType.SHORTABLE)).toBe(SHORTABLE_EASY);
    expect(sizes.get(TickType.SHORTABLE_SHARES)).toBe(shortableShares(quotes));
  });
});
