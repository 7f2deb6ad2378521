/**
 * The simulator as an unmodified @stoqey/ib sees it, over real TCP: IBApi events and IBApiNext
 * promises, exactly as application code uses them against a paper IB Gateway.
 */
import { BarSizeSetting, EventName, IBApi, IBApiNext, SecType, WhatToShow, type Contract, type ContractDetails } from '@stoqey/ib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './simulator.ts';

let sim: Simulator;
const apis: Array<IBApi | IBApiNext> = [];

beforeEach(async () => {
  sim = await startSimulator({ port: 0, profile: 'instant', seed: 7 });
});
afterEach(async () => {
  for (const api of apis.splice(0)) api.disconnect();
  await sim.close();
});

/** Connect an IBApi and resolve once nextValidId arrived (the point where stoqey starts sending). */
function connectApi(clientId: number): Promise<IBApi> {
  const api = new IBApi({ host: '127.0.0.1', port: sim.port });
  apis.push(api);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no nextValidId')), 5000);
    api.once(EventName.nextValidId, () => {
      clearTimeout(t);
      resolve(api);
    });
    api.connect(clientId);
  });
}

function contractDetails(api: IBApi, reqId: number, contract: Contract): Promise<{ details: ContractDetails[]; error?: number }> {
  return new Promise((resolve) => {
    const details: ContractDetails[] = [];
    const onDetails = (id: number, d: ContractDetails) => id === reqId && details.push(d);
    const onEnd = (id: number) => {
      if (id !== reqId) return;
      cleanup();
      resolve({ details });
    };
    const onError = (_err: Error, code: number, id: number) => {
      if (id !== reqId) return;
      cleanup();
      resolve({ details, error: code });
    };
    const cleanup = () => {
      api.off(EventName.contractDetails, onDetails);
      api.off(EventName.contractDetailsEnd, onEnd);
      api.off(EventName.error, onError);
    };
    api.on(EventName.contractDetails, onDetails);
    api.on(EventName.contractDetailsEnd, onEnd);
    api.on(EventName.error, onError);
    api.reqContractDetails(reqId, contract);
  });
}

describe('@stoqey/ib IBApi against the simulator', () => {
  it('connects, reports the paper account and farm notices on `info`', async () => {
    const api = new IBApi({ host: '127.0.0.1', port: sim.port });
    apis.push(api);
    const accounts = new Promise<string>((r) => api.once(EventName.managedAccounts, r));
    const infos: number[] = [];
    api.on(EventName.info, (_m: string, code: number) => infos.push(code));
    const ready = new Promise<number>((r) => api.once(EventName.nextValidId, r));
    api.connect(3);
    expect(await ready).toBeGreaterThan(0);
    expect(await accounts).toBe('DU0118471');
    await new Promise((r) => setTimeout(r, 50));
    expect(infos).toEqual(expect.arrayContaining([2104, 2106, 2158]));
  });

  it('qualifies the five incident symbols; TTE without currency is two listings; unknown is error 200', async () => {
    const api = await connectApi(999);
    const decodeErrors: number[] = [];
    api.on(EventName.error, (_e: Error, code: number) => code === 505 && decodeErrors.push(code));
    const five: Array<[string, string, number | undefined]> = [
      ['AAPL', 'USD', 265598],
      ['TSLA', 'USD', 76792991],
      ['MSFT', 'USD', 272093],
      ['TTE', 'EUR', undefined],
      ['WLN', 'EUR', undefined],
    ];
    const results = await Promise.all(
      five.map(([symbol, currency], i) => contractDetails(api, 100 + i, { symbol, secType: SecType.STK, exchange: 'SMART', currency })),
    );
    results.forEach((r, i) => {
      expect(r.error).toBeUndefined();
      expect(r.details).toHaveLength(1);
      expect(r.details[0]!.contract.symbol).toBe(five[i]![0]);
      expect(r.details[0]!.contract.currency).toBe(five[i]![1]);
      if (five[i]![2]) expect(r.details[0]!.contract.conId).toBe(five[i]![2]);
    });
    expect(results[3]!.details[0]!.contract.primaryExch).toBe('SBF');

    const tte = await contractDetails(api, 200, { symbol: 'TTE', secType: SecType.STK, exchange: 'SMART' });
    expect(tte.details.map((d) => d.contract.currency).sort()).toEqual(['EUR', 'USD']);

    const unknown = await contractDetails(api, 201, { symbol: 'XXXX', secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
    expect(unknown).toEqual({ details: [], error: 200 });
    expect(decodeErrors).toEqual([]);
  });

  it('a second connection with a live client id gets 326 on `info`, is closed, and the first session carries on', async () => {
    const first = await connectApi(1);
    const second = new IBApi({ host: '127.0.0.1', port: sim.port });
    apis.push(second);
    const seen: string[] = [];
    second.on(EventName.connected, () => seen.push('connected'));
    second.on(EventName.info, (_m: string, code: number) => seen.push(`info ${code}`));
    second.on(EventName.error, (_e: Error, code: number) => seen.push(`error ${code}`));
    const closed = new Promise<void>((r) => second.once(EventName.disconnected, () => r()));
    second.connect(1);
    await closed;
    expect(seen).toEqual(['connected', 'info 326']);

    const still = await contractDetails(first, 1, { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
    expect(still.details[0]!.contract.conId).toBe(265598);
  });
});

describe('@stoqey/ib IBApiNext against the simulator', () => {
  it('getContractDetails, getHistoricalData, and a rejection with code 200', async () => {
    const next = new IBApiNext({ host: '127.0.0.1', port: sim.port });
    apis.push(next);
    next.connect(11);
    const details = await next.getContractDetails({ symbol: 'MSFT', secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
    expect(details).toHaveLength(1);
    expect(details[0]!.contract.conId).toBe(272093);
    expect(details[0]!.timeZoneId).toBe('US/Eastern');

    const bars = await next.getHistoricalData(details[0]!.contract, '20251110 16:00:00 US/Eastern', '1 D', BarSizeSetting.HOURS_ONE, WhatToShow.TRADES, 1, 1);
    expect(bars.length).toBeGreaterThanOrEqual(6);
    for (const b of bars) {
      expect(b.time).toMatch(/^20251110 \d\d:\d\d:\d\d US\/Eastern$/);
      expect(b.high!).toBeGreaterThanOrEqual(Math.max(b.open!, b.close!));
      expect(b.low!).toBeLessThanOrEqual(Math.min(b.open!, b.close!));
    }
    const again = await next.getHistoricalData(details[0]!.contract, '20251110 16:00:00 US/Eastern', '1 D', BarSizeSetting.HOURS_ONE, WhatToShow.TRADES, 1, 1);
    expect(again).toEqual(bars);

    await expect(next.getContractDetails({ symbol: 'NOPE', secType: SecType.STK, exchange: 'SMART', currency: 'USD' })).rejects.toMatchObject({ code: 200 });
  });
});
