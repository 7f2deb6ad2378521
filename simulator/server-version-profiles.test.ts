/**
 * A gateway's highest server version is a profile field (`maxServerVersion`): 178 by default, up to
 * 193 for clients that speak it. @stoqey/ib 1.6.10 announces up to 193, so against a 193 profile it
 * runs on the 193 layouts, over real TCP. docs/wire-facts/server-versions.md#server-version-profiles
 */
import { BarSizeSetting, EventName, IBApi, SecType, WhatToShow } from '@stoqey/ib';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './simulator.ts';

const sims: Simulator[] = [];
const apis: IBApi[] = [];
afterEach(async () => {
  for (const api of apis.splice(0)) api.disconnect();
  for (const sim of sims.splice(0)) await sim.close();
});

async function negotiated(maxServerVersion: number | undefined): Promise<{ api: IBApi; version: number }> {
  const sim = await startSimulator({ port: 0, profile: 'instant', seed: 7, ...(maxServerVersion ? { overrides: { maxServerVersion } } : {}) });
  sims.push(sim);
  const api = new IBApi({ host: '127.0.0.1', port: sim.port });
  apis.push(api);
  const ready = new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no nextValidId')), 5000);
    api.once(EventName.nextValidId, () => {
      clearTimeout(t);
      resolve();
    });
  });
  api.connect(5);
  await ready;
  return { api, version: api.serverVersion };
}

describe('server version profiles', () => {
  it('178 by default, the highest ib_async 2.0.1 decodes', async () => {
    expect((await negotiated(undefined)).version).toBe(178);
  });

  it('193 when the profile allows it: @stoqey/ib qualifies and gets history on the 193 layouts without a decode error', async () => {
    const { api, version } = await negotiated(193);
    expect(version).toBe(193);
    const errors: number[] = [];
    api.on(EventName.error, (_e: Error, code: number) => errors.push(code));
    const conId = await new Promise<number>((resolve) => {
      api.on(EventName.contractDetails, (id: number, d) => id === 1 && resolve(d.contract.conId ?? 0));
      api.reqContractDetails(1, { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
    });
    expect(conId).toBe(265598);
    const bars = await new Promise<number>((resolve) => {
      let n = 0;
      api.on(EventName.historicalData, (id: number, time: string) => {
        if (id !== 2) return;
        if (time.startsWith('finished')) resolve(n);
        else n++;
      });
      api.reqHistoricalData(2, { conId, exchange: 'SMART' }, '', '1 D', BarSizeSetting.HOURS_ONE, WhatToShow.TRADES, 1, 1, false);
    });
    expect(bars).toBeGreaterThan(0);
    expect(errors.filter((c) => c === 505 || c === 321)).toEqual([]);
  });

  it('a profile cannot claim a version no declared layout covers', async () => {
    await expect(startSimulator({ port: 0, overrides: { maxServerVersion: 194 } })).rejects.toThrow(/maxServerVersion.*at most 193/);
  });
});
