import { describe, expect, it } from 'vitest';
import { barSizeSeconds } from '../../common/ib/bar-sizes.ts';
import { DEFAULT_PACING_RULES, earliestAllowed, type PacedRequest, type PacingRules, type SentRecord } from './index.ts';

const exact: PacingRules = { ...DEFAULT_PACING_RULES, marginMs: 0 };
const T0 = 1_000_000;

const req = (key: string, contract = 'C1@SMART', whatToShow = 'TRADES', barSize = '1 min'): PacedRequest => ({
  identityKey: key,
  contractKey: `${contract}|${whatToShow}`,
  whatToShow,
  barSeconds: barSizeSeconds(barSize),
});
const sent = (at: number, r: PacedRequest, weight = 1): SentRecord => ({ at, identityKey: r.identityKey, contractKey: r.contractKey, weight });

describe('earliestAllowed', () => {
  it('allows anything at once with no history', () => {
    expect(earliestAllowed([], req('a'), T0, exact)).toBe(T0);
  });

  it('holds an identical request for 15 s', () => {
    const history = [sent(T0, req('a'))];
    expect(earliestAllowed(history, req('a'), T0 + 1000, exact)).toBe(T0 + 15_000);
    expect(earliestAllowed(history, req('a'), T0 + 20_000, exact)).toBe(T0 + 20_000);
  });

  it('allows 5 requests per contract and whatToShow within 2 s, not 6', () => {
    const history = [0, 100, 200, 300, 400].map((dt, i) => sent(T0 + dt, req(`r${i}`)));
    expect(earliestAllowed(history.slice(0, 4), req('x'), T0 + 400, exact)).toBe(T0 + 400);
    expect(earliestAllowed(history, req('x'), T0 + 500, exact)).toBe(T0 + 2000);
    // Other whatToShow or another contract are not affected.
    expect(earliestAllowed(history, req('x', 'C1@SMART', 'MIDPOINT'), T0 + 500, exact)).toBe(T0 + 500);
    expect(earliestAllowed(history, req('x', 'C2@SMART'), T0 + 500, exact)).toBe(T0 + 500);
  });

  it('counts BID_ASK twice', () => {
    const ba = (k: string) => req(k, 'C1@SMART', 'BID_ASK');
    const history = [sent(T0, ba('a'), 2), sent(T0 + 100, ba('b'), 2)];
    // 4 used of 5: another BID_ASK (2) does not fit until the first leaves the window.
    expect(earliestAllowed(history, ba('c'), T0 + 200, exact)).toBe(T0 + 2000);
  });

  it('allows 60 requests per 10 minutes', () => {
    const history = Array.from({ length: 60 }, (_, i) => sent(T0 + i * 1000, req(`r${i}`, `C${i}@SMART`)));
    expect(earliestAllowed(history, req('x', 'Cx@SMART'), T0 + 60_000, exact)).toBe(T0 + 600_000);
    expect(earliestAllowed(history.slice(1), req('x', 'Cx@SMART'), T0 + 60_000, exact)).toBe(T0 + 60_000);
  });

  it('adds the safety margin to every window', () => {
    const rules = { ...exact, marginMs: 250 };
    expect(earliestAllowed([sent(T0, req('a'))], req('a'), T0, rules)).toBe(T0 + 15_250);
  });

  it('can leave bar sizes above 30 secs unpaced', () => {
    const rules: PacingRules = { ...exact, maxBarSeconds: 30 };
    const history = [sent(T0, req('a', 'C1@SMART', 'TRADES', '5 secs'))];
    expect(earliestAllowed(history, req('a', 'C1@SMART', 'TRADES', '1 min'), T0, rules)).toBe(T0);
    expect(earliestAllowed(history, req('a', 'C1@SMART', 'TRADES', '5 secs'), T0, rules)).toBe(T0 + 15_000);
  });
});
