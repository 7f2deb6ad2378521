/**
 * The wider universe as the unmodified @stoqey/ib IBApiNext sees it over TCP (issue #9, "done
 * when"): a conId-only AAPL qualifies to one contract; EUR.USD, the ES front month, SPX and an
 * AAPL option from secDefOptParams qualify. Facts: docs/wire-facts/contracts.md.
 */
import { IBApiNext, OptionType, SecType } from '@stoqey/ib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './simulator.ts';

let sim: Simulator;
let next: IBApiNext;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, profile: 'instant', seed: 7 });
  next = new IBApiNext({ host: '127.0.0.1', port: sim.port });
  next.connect(21);
});
afterAll(async () => {
  next?.disconnect();
  await sim?.close();
});

describe('@stoqey/ib IBApiNext qualifies the wider universe', () => {
  it('a conId alone gives one AAPL contract (docs/wire-facts/contracts.md#a-conid-alone)', async () => {
    const details = await next.getContractDetails({ conId: 265598 });
    expect(details.map((d) => [d.contract.conId, d.contract.symbol, d.contract.exchange])).toEqual([[265598, 'AAPL', 'SMART']]);
  });

  it('EUR.USD on IDEALPRO and SPX on CBOE', async () => {
    const fx = await next.getContractDetails({ symbol: 'EUR', secType: SecType.CASH, exchange: 'IDEALPRO', currency: 'USD' });
    expect(fx.map((d) => [d.contract.conId, d.contract.localSymbol])).toEqual([[12087792, 'EUR.USD']]);
    const spx = await next.getContractDetails({ symbol: 'SPX', secType: SecType.IND, exchange: 'CBOE', currency: 'USD' });
    expect(spx.map((d) => d.contract.conId)).toEqual([416904]);
  });

  it('ES: the front month is the first listed, not yet expired, multiplier 50', async () => {
    const es = await next.getContractDetails({ symbol: 'ES', secType: SecType.FUT, exchange: 'CME', currency: 'USD' });
    expect(es.length).toBeGreaterThanOrEqual(4);
    const dates = es.map((d) => d.contract.lastTradeDateOrContractMonth!);
    expect(dates).toEqual([...dates].sort());
    const front = es[0]!;
    expect(front.contract.multiplier).toBe(50);
    // A day of slack: the exchange's date can lag the UTC date by a few hours.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    expect(dates[0]! >= yesterday).toBe(true);
    const byConId = await next.getContractDetails({ conId: front.contract.conId });
    expect(byConId.map((d) => d.contract.localSymbol)).toEqual([front.contract.localSymbol]);
  });

  it('an AAPL option named by secDefOptParams qualifies to one contract', async () => {
    const chains = await next.getSecDefOptParams('AAPL', '', SecType.STK, 265598);
    const smart = chains.find((c) => c.exchange === 'SMART')!;
    expect(smart.multiplier).toBe(100);
    const expiry = smart.expirations[0]!;
    const listed = await next.getContractDetails({
      symbol: 'AAPL',
      secType: SecType.OPT,
      exchange: 'SMART',
      currency: 'USD',
      lastTradeDateOrContractMonth: expiry,
      right: OptionType.Call,
    });
    expect(listed.length).toBeGreaterThan(0);
    const strike = listed[Math.floor(listed.length / 2)]!.contract.strike!;
    expect(smart.strikes).toContain(strike);
    const one = await next.getContractDetails({
      symbol: 'AAPL',
      secType: SecType.OPT,
      exchange: 'SMART',
      currency: 'USD',
      lastTradeDateOrContractMonth: expiry,
      strike,
      right: OptionType.Call,
    });
    expect(one).toHaveLength(1);
    expect(one[0]!.contract).toMatchObject({ symbol: 'AAPL', strike, right: 'C', multiplier: 100 });
  });
});

describe('a strike that cannot be, over TCP (docs/wire-facts/contracts.md#a-strike-that-cannot-be)', () => {
  it('an AAPL call with strike −5 in reqContractDetails gets error 200, not a list of every strike', async () => {
    const query = { symbol: 'AAPL', secType: SecType.OPT, exchange: 'SMART', currency: 'USD', right: OptionType.Call, strike: -5 };
    await expect(next.getContractDetails(query)).rejects.toMatchObject({
      code: 200,
      error: { message: 'No security definition has been found for the request' },
    });
  });
});

describe('any-symbol mode over TCP (docs/wire-facts/contracts.md#any-symbol-mode)', () => {
  it('startSimulator({ anySymbol: true }) qualifies an unknown US symbol to one synthetic contract', async () => {
    const anySim = await startSimulator({ port: 0, profile: 'instant', seed: 7, anySymbol: true });
    const api = new IBApiNext({ host: '127.0.0.1', port: anySim.port });
    try {
      api.connect(22);
      const details = await api.getContractDetails({ symbol: 'ZZQX', secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
      expect(details).toHaveLength(1);
      expect(details[0]!.longName).toMatch(/synthetic/i);
      const brk = await api.getContractDetails({ symbol: 'BRK B', secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
      expect(brk.map((d) => d.contract.symbol)).toEqual(['BRK B']);
      await expect(api.getContractDetails({ symbol: 'BRK.B', secType: SecType.STK, exchange: 'SMART', currency: 'USD' })).rejects.toMatchObject({
        code: 200,
        error: { message: expect.stringContaining('ask for "BRK B"') },
      });
      await expect(api.getContractDetails({ symbol: 'BRK$', secType: SecType.STK, exchange: 'SMART', currency: 'USD' })).rejects.toMatchObject({
        code: 200,
        error: { message: expect.stringContaining('any-symbol mode makes contracts only for US stock symbols') },
      });
      await expect(next.getContractDetails({ symbol: 'ZZQX', secType: SecType.STK, exchange: 'SMART', currency: 'USD' })).rejects.toMatchObject({ code: 200 });
    } finally {
      api.disconnect();
      await anySim.close();
    }
  });
});
