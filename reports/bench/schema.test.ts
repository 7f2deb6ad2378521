/** results.json is checked by a hand-written validator before anything reads it. */
import { describe, expect, it } from 'vitest';
import { assertResults, BENCH_SCHEMA, validateResults } from './schema.ts';
import { tinyResults } from '../testing/bench-fixtures.ts';

const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('results.json schema', () => {
  it('accepts what the bench writes, after a trip through JSON', async () => {
    const r = roundTrip(await tinyResults());
    expect(r.schema).toBe(BENCH_SCHEMA);
    expect(validateResults(r)).toEqual([]);
    expect(r.environment).toMatchObject({ target: 'virtual', seeds: [1, 2, 3], profiles: ['lynx-paper'], quick: false });
    expect(typeof r.environment.date).toBe('string');
    expect(r.environment.gitSha === null || /^[0-9a-f]{40}$/.test(r.environment.gitSha)).toBe(true);
    // Raw per-request events are kept, one list per run.
    expect(r.runs).toHaveLength(2 * 3 * 5);
    expect(r.runs.every((x) => x.requests.length > 0)).toBe(true);
    // null (a NaN interval after JSON) comes back as NaN.
    const singletonNoReady = roundTrip(r);
    for (const s of singletonNoReady.summary) s.figures.firstReadyMs = { mean: null, lo: null, hi: null, n: 0, sd: null } as never;
    expect(Number.isNaN(assertResults(singletonNoReady).summary[0]!.figures.firstReadyMs.mean)).toBe(true);
  });

  it('names each problem by its path', async () => {
    const r = roundTrip(await tinyResults()) as unknown as Record<string, any>;
    r.schema = 'ibkr-harness/bench@2';
    delete r.environment.seeds;
    r.runs[3].metrics.latency.p99 = '12 ms';
    r.runs[4].requests[0].outcome = 'maybe';
    r.summary[1].figures.p50 = 7;
    expect(validateResults(r)).toEqual([
      'results.schema must be one of "ibkr-harness/bench@1"',
      'results.environment.seeds must be an array',
      'results.runs[3].metrics.latency.p99 must be a number',
      'results.runs[4].requests[0].outcome must be one of "ok", "fail", "info", "open"',
      'results.summary[1].figures.p50 must be an object',
    ]);
    expect(() => assertResults(r, 'old.json')).toThrow(/^old\.json is not an ibkr-harness\/bench@1 file:\n {2}results\.schema/);
    expect(validateResults([])).toEqual(['results must be an object']);
  });
});
