/**
 * Generic tick values of REQ_MKT_DATA in virtual time: RTVolume / RTTrdVolume follow the quote
 * model's trades, Misc. Stats and historical volatility the 1-day bars REQ_HISTORICAL_DATA serves,
 * implied volatility the σ of the simulator's options, shortable our fixed choice.
 * docs/wire-facts/market-data.md#generic-tick-values
 */
import { describe, expect, it } from 'vitest';
import { TickType } from '../../common/ib/tick-types.ts';
import { optionVolatility } from '../market/derived-price.ts';
import { DailyBarsMemo, historicalVolatility, SHORTABLE_EASY, shortableShares } from '../market/generic-ticks.ts';
import { minuteOf } from '../market/minute-path.ts';
import { formingAccumulator } from '../market/tick-bars.ts';
import { historyRequest, mktDataRequest } from '../protocol/requests.ts';
import { CONID, harness, market } from '../testing/model-harness.ts';

/** Wed 2025-11-12 10:00 New York: regular hours. */
const OPEN = Date.UTC(2025, 10, 12, 15, 0);
const AAPL = { conId: CONID.AAPL, symbol: 'AAPL', localSymbol: 'AAPL', secType: 'STK' };
const aaplQuotes = () => market().quotes(AAPL);
const live = { marketData: { permissions: { live: ['*'], delayed: ['*'] } } };

/** The 1-day TRADES bars a client's REQ_HISTORICAL_DATA with `duration` gets at `at` (lines read them at the start of a model minute). */
function dailyBars(duration: string, at: number) {
  const reply = market().historical(historyRequest(99, { conId: CONID.AAPL, exchange: 'SMART', barSize: '1 day', duration }), AAPL, at);
  if (!reply.ok) throw new Error(reply.message);
  return reply.bars;
}

async function stream(genericTickList: string, ms: number) {
  const h = harness({ start: OPEN, overrides: live });
  const c = await h.login(1);
  const t0 = h.clock.now();
  c.send(mktDataRequest(1, { genericTickList }));
  await h.advance(ms);
  return { c, t0 };
}

describe('generic tick values', () => {
  it('233 and 375: one RTVolume per trade of the quote model, with the day volume and VWAP so far', async () => {
    const { c, t0 } = await stream('233,375', 5_000);
    const rt = c.of('TICK_STRING').filter((m) => m.msg.tickType === TickType.RT_VOLUME);
    const rtTrd = c.of('TICK_STRING').filter((m) => m.msg.tickType === TickType.RT_TRD_VOLUME);
    expect(rtTrd.map((m) => m.msg.value)).toEqual(rt.map((m) => m.msg.value));
    const q = aaplQuotes();
    const first = q.quoteAt(t0);
    // The first is the last trade at the request; then every trade up to the last interval's step.
    const trades = [first.lastTime, ...q.tradesBetween(first.lastTime + 1, rt.at(-1)!.at + 1).map((t) => t.time)];
    expect(rt.map((m) => Number(m.msg.value.split(';')[2]))).toEqual(trades);
    expect(rt.length).toBeGreaterThan(5);
    const sessionStart = q.sessions.on(q.sessions.latest(t0, 'trading')!.day, 'trading')[0]!.start;
    for (const m of rt) {
      const [price, size, time, volume, vwap, single] = m.msg.value.split(';');
      const at = Number(time);
      expect(at).toBeLessThanOrEqual(m.at);
      const [trade] = q.tradesBetween(at, at + 1);
      expect([Number(price), Number(size), single]).toEqual([trade!.price, trade!.size, String(trade!.count === 1)]);
      expect(Number(volume)).toBe(q.quoteAt(at).dayVolume);
      const day = formingAccumulator(q, sessionStart, at, 'TRADES');
      expect(Number(vwap)).toBeCloseTo(day.notional / day.volume, 6);
    }
  });

  it('165: 13/26/52-week lows and highs and average volume from the daily bars REQ_HISTORICAL_DATA serves, sent once', async () => {
    const { c, t0 } = await stream('165', 3_000);
    const prices = c.of('TICK_PRICE');
    const one = (tickType: number) => {
      const got = prices.filter((m) => m.msg.tickType === tickType);
      expect(got).toHaveLength(1);
      return got[0]!.msg.price;
    };
    for (const [duration, low, high] of [
      ['13 W', TickType.LOW_13_WEEK, TickType.HIGH_13_WEEK],
      ['26 W', TickType.LOW_26_WEEK, TickType.HIGH_26_WEEK],
      ['52 W', TickType.LOW_52_WEEK, TickType.HIGH_52_WEEK],
    ] as const) {
      const bars = dailyBars(duration, minuteOf(t0));
      expect(one(low)).toBe(Math.min(...bars.map((b) => b.low)));
      expect(one(high)).toBe(Math.max(...bars.map((b) => b.high)));
    }
    expect(one(TickType.LOW_52_WEEK)).toBeLessThanOrEqual(one(TickType.LOW_13_WEEK));
    const today = aaplQuotes().quoteAt(t0).day;
    const complete = dailyBars('90 D', minuteOf(t0)).filter((b) => b.date < today);
    expect(complete.length).toBeGreaterThan(55);
    const avg = c.of('TICK_SIZE').filter((m) => m.msg.tickType === TickType.AVG_VOLUME);
    expect(avg.map((m) => m.msg.size)).toEqual([Math.round(complete.reduce((s, b) => s + b.volume, 0) / complete.length)]);
  });

  it("165 while the market is shut: the average volume counts the last session's finished bar (Saturday: Friday's)", async () => {
    const saturday = Date.UTC(2025, 10, 15, 15, 0);
    const h = harness({ start: saturday, overrides: live });
    const c = await h.login(1);
    const t0 = h.clock.now();
    c.send(mktDataRequest(1, { genericTickList: '165' }));
    await h.advance(2_000);
    const bars = dailyBars('90 D', minuteOf(t0));
    expect(bars.at(-1)!.date).toBe('20251114');
    const mean = Math.round(bars.reduce((sum, b) => sum + b.volume, 0) / bars.length);
    expect(
      c
        .of('TICK_SIZE')
        .filter((m) => m.msg.tickType === TickType.AVG_VOLUME)
        .map((m) => m.msg.size),
    ).toEqual([mean]);
  });

  it('236, 106, 411: shortable indicator and shares, the options σ and the 30-day historical volatility, once each', async () => {
    const { c, t0 } = await stream('236,106,411', 3_000);
    const generic = c.of('TICK_GENERIC').filter((m) => m.msg.tickType !== TickType.HALTED);
    const q = aaplQuotes();
    expect(generic.map((m) => [m.msg.tickType, m.msg.value])).toEqual([
      [TickType.OPTION_IMPLIED_VOL, optionVolatility(q.instrument.dailyVolatility)],
      [TickType.RT_HISTORICAL_VOL, historicalVolatility(dailyBars('30 D', minuteOf(t0)))],
      [TickType.SHORTABLE, SHORTABLE_EASY],
    ]);
    expect(SHORTABLE_EASY).toBeGreaterThan(2.5);
    expect(
      c
        .of('TICK_SIZE')
        .filter((m) => m.msg.tickType === TickType.SHORTABLE_SHARES)
        .map((m) => m.msg.size),
    ).toEqual([shortableShares(q)]);
    expect(shortableShares(q) % 100).toBe(0);
  });

  it('a delayed line sends RTVolume with its live id, for the trades of 15 minutes before', async () => {
    const h = harness({ start: OPEN });
    const c = await h.login(1);
    c.send({ type: 'REQ_MARKET_DATA_TYPE', marketDataType: 3 });
    c.send(mktDataRequest(1, { genericTickList: '233' }));
    await h.advance(3_000);
    expect(c.errors(10167).length).toBe(1);
    const rt = c.of('TICK_STRING').filter((m) => m.msg.tickType === TickType.RT_VOLUME);
    expect(rt.length).toBeGreaterThan(3);
    for (const m of rt) {
      const time = Number(m.msg.value.split(';')[2]);
      expect(m.at - time).toBeGreaterThanOrEqual(15 * 60_000);
      expect(m.at - time).toBeLessThan(15 * 60_000 + 60_000);
      expect(Number(m.msg.value.split(';')[3])).toBe(aaplQuotes().quoteAt(time).dayVolume);
    }
  });

  it('RTVolume starts the day volume and VWAP over at the first trade of a new trading day', async () => {
    // 03:59:58 New York: shut; the last trade is yesterday's, then the pre-market opens at 04:00.
    const h = harness({ start: Date.UTC(2025, 10, 12, 8, 59, 58), overrides: live });
    const c = await h.login(1);
    c.send(mktDataRequest(1, { genericTickList: '233' }));
    await h.advance(4_000);
    const rt = c.of('TICK_STRING').filter((m) => m.msg.tickType === TickType.RT_VOLUME);
    const parsed = rt.map((m) => m.msg.value.split(';').map(Number));
    expect(parsed[0]![2]).toBeLessThan(Date.UTC(2025, 10, 12, 9));
    expect(parsed.slice(1).every((p) => p[2]! >= Date.UTC(2025, 10, 12, 9))).toBe(true);
    expect(parsed.length).toBeGreaterThan(2);
    for (const [price, , time, volume, vwap] of parsed) {
      expect(volume).toBe(aaplQuotes().quoteAt(time!).dayVolume);
      if (time! >= Date.UTC(2025, 10, 12, 9)) expect(volume).toBeLessThan(parsed[0]![3]!);
      expect(Math.abs(vwap! - price!)).toBeLessThan(price! * 0.05);
    }
  });

  it('EUR.USD: no RTVolume (forex has no trades), no stock-only values; its historical volatility is left out (no TRADES bars)', async () => {
    const h = harness({ start: OPEN, overrides: live });
    const c = await h.login(1);
    c.send(mktDataRequest(1, { conId: 12087792, symbol: '', secType: '', exchange: 'IDEALPRO', genericTickList: '233,165,236,106,411' }));
    await h.advance(2_000);
    expect(c.of('TICK_PRICE').filter((m) => m.msg.tickType === TickType.BID).length).toBeGreaterThan(0);
    const valued = new Set<number>([48, 77, 15, 16, 17, 18, 19, 20, 21, 24, 46, 58, 89]);
    expect(c.forReq(1).filter((m) => 'tickType' in m.msg && valued.has(m.msg.tickType as number))).toEqual([]);
    expect(c.errors()).toEqual([]);
  });

  it('the shared daily-bars memo answers what a fresh REQ_HISTORICAL_DATA gets at the minute, through a trading day', () => {
    const memo = new DailyBarsMemo();
    let fetched = 0;
    const fetch = (duration: string, at: number) => {
      fetched++;
      return dailyBars(duration, at);
    };
    for (const hour of [9, 14.5, 17, 20.9, 23])
      for (const duration of ['13 W', '52 W', '90 D', '30 D']) {
        const at = Date.UTC(2025, 10, 12) + hour * 3_600_000;
        expect(memo.bars(CONID.AAPL, duration, at + 30_000, fetch)).toEqual(dailyBars(duration, at));
        // A second line in the same minute is served from the memo.
        expect(memo.bars(CONID.AAPL, duration, at + 59_000, fetch)).toEqual(dailyBars(duration, at));
      }
    expect(fetched).toBe(5 * 4);
  });

  it('a line without generic ticks sends none of these values', async () => {
    const { c } = await stream('', 2_000);
    const valued = new Set<number>([TickType.RT_VOLUME, TickType.RT_TRD_VOLUME, TickType.LOW_52_WEEK, TickType.AVG_VOLUME, TickType.SHORTABLE]);
    expect(c.forReq(1).filter((m) => 'tickType' in m.msg && valued.has(m.msg.tickType as number))).toEqual([]);
  });
});
