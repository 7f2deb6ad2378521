/**
 * IB's historical pacing rules are defined once: the simulator's profiles enforce those values
 * (a profile may differ), the collector's scheduler paces by them, and both judge a request by the
 * same identity. docs/wire-facts/pacing.md#historical-pacing-162
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PACING_RULES } from '../../collector/pacing/index.ts';
import { getProfile, PROFILES } from '../../simulator/model/profile.ts';
import { IB_HISTORICAL_PACING, pacedRequest, pacingWeight, windowRulesApply, type HistoricalRequestFields } from './pacing.ts';

const spec: HistoricalRequestFields = {
  conId: 29612193,
  exchange: 'smart',
  endDateTime: '',
  duration: '1 D',
  barSize: '1 min',
  whatToShow: 'trades',
  useRTH: true,
};

describe('the rule values', () => {
  it("are IB's documented ones", () => {
    expect(IB_HISTORICAL_PACING).toEqual({
      identicalWindowMs: 15_000,
      sameContractWindowMs: 2_000,
      sameContractMax: 5,
      windowMs: 600_000,
      windowMax: 60,
      maxOpen: 50,
      bidAskWeight: 2,
      maxBarSeconds: 30,
    });
  });

  it("are what the simulator's paper profiles enforce, and what the collector paces by (every bar size, with a margin)", () => {
    for (const name of ['ibkr-paper', 'lynx-paper']) expect(getProfile(name).history.pacing, name).toEqual({ enabled: true, ...IB_HISTORICAL_PACING });
    expect(PROFILES.instant!.history.pacing).toEqual({ enabled: false, ...IB_HISTORICAL_PACING });
    expect(DEFAULT_PACING_RULES).toEqual({ ...IB_HISTORICAL_PACING, maxBarSeconds: null, marginMs: 250 });
  });
});

describe('the identity of a request', () => {
  it('is equal for identical requests and groups by contract, exchange and whatToShow, case aside', () => {
    const a = pacedRequest(spec);
    expect(a).toEqual({ identityKey: '29612193@SMART|TRADES||1 D|1 min|1', contractKey: '29612193@SMART|TRADES', whatToShow: 'TRADES', barSeconds: 60 });
    expect(pacedRequest({ ...spec, exchange: 'SMART', whatToShow: 'TRADES' })).toEqual(a);
    expect(pacedRequest({ ...spec, exchange: '' })).toEqual(a); // "" is SMART
    expect(pacedRequest({ ...spec, duration: '2 D' }).identityKey).not.toBe(a.identityKey);
    expect(pacedRequest({ ...spec, duration: '2 D' }).contractKey).toBe(a.contractKey);
    expect(pacedRequest({ ...spec, useRTH: false }).identityKey).not.toBe(a.identityKey);
    expect(pacedRequest({ ...spec, whatToShow: 'MIDPOINT' }).contractKey).not.toBe(a.contractKey);
    expect(pacedRequest({ ...spec, exchange: 'ISLAND' }).contractKey).not.toBe(a.contractKey);
  });

  it('weighs BID_ASK twice and applies the window rules up to maxBarSeconds', () => {
    expect(pacingWeight('BID_ASK', IB_HISTORICAL_PACING)).toBe(2);
    expect(pacingWeight('bid_ask', IB_HISTORICAL_PACING)).toBe(2);
    expect(pacingWeight('TRADES', IB_HISTORICAL_PACING)).toBe(1);
    expect(windowRulesApply(30, IB_HISTORICAL_PACING)).toBe(true);
    expect(windowRulesApply(60, IB_HISTORICAL_PACING)).toBe(false);
    expect(windowRulesApply(86_400, { maxBarSeconds: null })).toBe(true);
    expect(windowRulesApply(Number.NaN, IB_HISTORICAL_PACING)).toBe(false);
  });
});
