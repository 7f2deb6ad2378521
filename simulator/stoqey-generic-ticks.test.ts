/**
 * Generic tick values as an unmodified @stoqey/ib sees them over real TCP: RTVolume (48) as a
 * tickString, the 52-week low and high (19, 20) as tickPrice, shortable (46) as tickGeneric and
 * shortable shares (89) as tickSize, checked against the quote model and the daily bars.
 * docs/wire-facts/market-data.md#generic-tick-values
 */
import { EventName, SecType, type Contract, type IBApi } from '@stoqey/ib';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ScaledClock } from '../common/clock.ts';
import { TickType } from '../common/ib/tick-types.ts';
import { CONID } from '../common/testing/fixtures.ts';
import { SHORTABLE_EASY, shortableShares } from './market/generic-ticks.ts';
import { createMarketData } from './market/market-data.ts';
import { historyRequest } from './protocol/requests.ts';
import { startSimulator, type Simulator } from './simulator.ts';
import { connectIbApi } from './testing/stoqey-client.ts';

/** Wed 2025-11-12 10:00 New York. */
const OPEN = Date.UTC(2025, 10, 12, 15, 0);
const AAPL: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
const REF = { conId: CONID.AAPL, symbol: 'AAPL', localSymbol: 'AAPL', secType: 'STK' };
const market = createMarketData({ seed: 7 });
const quotes = market.quotes(REF);

let sim: Simulator;
let clock: ScaledClock;
const apis: IBApi[] = [];

beforeEach(async () => {
  clock = new ScaledClock(0.02, OPEN);
  sim = await startSimulator({ port: 0, profile: 'instant', seed: 7, clock, market });
});
afterEach(async () => {
  for (const api of apis.splice(0)) api.disconnect();
  await sim.close();
});

/** The 52-week [low, high] of the daily bars a REQ_HISTORICAL_DATA gets at `at`. */
function week52(at: number): [number, number] {
  const reply = market.historical(historyRequest(1, { conId: CONID.AAPL, exchange: 'SMART', barSize: '1 day', duration: '52 W' }), REF, at);
  if (!reply.ok) throw new Error(reply.message);
  return [Math.min(...reply.bars.map((b) => b.low)), Math.max(...reply.bars.map((b) => b.high))];
}

it('@stoqey/ib reqMktData with 233,165,236 receives RTVolume, 52-week extremes and shortable values', async () => {
  const api = await connectIbApi(sim.port, 1, apis);
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
  // Computed at most a model minute before it arrived (the values are recomputed once a minute).
  const seen = [prices.get(TickType.LOW_52_WEEK), prices.get(TickType.HIGH_52_WEEK)];
  expect([week52(at), week52(at - 60_000)]).toContainEqual(seen);
  expect(generics.get(TickType.SHORTABLE)).toBe(SHORTABLE_EASY);
  expect(sizes.get(TickType.SHORTABLE_SHARES)).toBe(shortableShares(quotes));
});
