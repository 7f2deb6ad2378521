/**
 * The regression gate: a rerun on the same seeds passes; an injected regression fails, with the
 * seed and figure named; the report command exits 1 and shows the deltas.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { report } from '../cli/report.ts';
import { exitCodeOf } from '../../common/exit-codes.ts';
import { summarizeRuns } from './aggregate.ts';
import { compareResults, IncomparableRuns } from './compare.ts';
import type { BenchResults } from './schema.ts';
import { runBench } from './run.ts';
import { alter, tinyResults } from '../testing/bench-fixtures.ts';
import { findWorkloads } from './workload.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'compare-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const save = (name: string, r: unknown) => {
  const f = path.join(dir, name);
  writeFileSync(f, JSON.stringify(r));
  return f;
};
const quiet = () => {};
const scaleP99 = (k: number) => (run: { metrics: { latency: { p99: number } | null } }) => {
  if (run.metrics.latency) run.metrics.latency.p99 *= k;
};

/**
 * A virtual run dressed up as a simulator run with `repeats` runs per seed: every repeat keeps the
 * counts, and its timings move by a few percent, as host noise moves them over TCP (`salt` picks
 * the noise, so two calls give two different-looking runs of one commit).
 */
function asSim(r: BenchResults, repeats: number, salt: number): BenchResults {
  const out = structuredClone(r);
  out.environment = { ...out.environment, target: 'sim', timeScale: 0.02, repeats };
  out.runs = out.runs.flatMap((run) =>
    Array.from({ length: repeats }, (_, repeat) => {
      const copy = structuredClone(run);
      copy.repeat = repeat;
      const k = 1 + 0.03 * Math.sin(salt * 7 + repeat * 3 + run.seed);
      copy.metrics.makespanMs *= k;
      copy.metrics.wallMs *= k;
      if (copy.metrics.latency) for (const p of ['p50', 'p90', 'p99', 'max', 'mean'] as const) copy.metrics.latency[p] *= k;
      return copy;
    }),
  );
  out.summary = summarizeRuns(out.runs, out.workloads, out.strategies);
  return out;
}

describe('compareResults in virtual time (deterministic: seed by seed)', () => {
  it('passes a fresh run on the same seeds', async () => {
    const base = await tinyResults();
    const again = await runBench({ workloads: findWorkloads(['2sym-1p1t', '3sym-2p1t']), seeds: [1, 2, 3], target: 'virtual', timeScale: 0 });
    const cmp = compareResults(base, again);
    expect(cmp.mode).toBe('per-seed');
    expect(cmp.regressions).toEqual([]);
    expect(cmp.deltas.filter((d) => d.kind !== 'wall').every((d) => d.rel === null || d.rel === 0)).toBe(true);
  });

  it('fails a p99 multiplied by 1.5 on one seed, naming the seed', async () => {
    const base = await tinyResults();
    const cmp = compareResults(base, alter(base, 'pooled', scaleP99(1.5), [2]));
    expect(cmp.regressions.map((d) => `${d.workload}/${d.strategy}/${d.figure}`)).toEqual(['2sym-1p1t/pooled/p99', '3sym-2p1t/pooled/p99']);
    expect(cmp.regressions[0]!.why).toMatch(/^seed 2: \d+ → \d+ \(\+50\.0% > 1%\)$/);
  });

  it('lets a 0.5% change through and stops a 2% one', async () => {
    const base = await tinyResults();
    const grow = (k: number) => (run: { metrics: { makespanMs: number } }) => void (run.metrics.makespanMs *= k);
    expect(compareResults(base, alter(base, 'per-page', grow(1.005))).regressions).toEqual([]);
    expect(compareResults(base, alter(base, 'per-page', grow(1.02))).regressions.map((d) => d.figure)).toEqual(['makespanMs', 'makespanMs']);
  });

  it('fails on any extra error, however small', async () => {
    const base = await tinyResults();
    const cmp = compareResults(
      base,
      alter(base, 'pooled', (run) => void (run.metrics.errors['326'] += 1), [3]),
    );
    expect(cmp.regressions.map((d) => d.figure)).toEqual(['e326', 'e326']);
  });
});

describe('compareResults on the simulator (scaled clock: only what is stable is gated)', () => {
  it('gates the figures that held still over the repeats, shows the noisy ones, and measures its false-alarm rate', async () => {
    const base = asSim(await tinyResults(), 3, 1);
    const same = compareResults(base, asSim(await tinyResults(), 3, 2));
    expect(same.mode).toBe('stable-only');
    expect(same.regressions).toEqual([]);
    const gatedFigures = new Set(same.deltas.filter((d) => d.gated).map((d) => d.figure));
    expect(gatedFigures.has('e326')).toBe(true);
    expect(gatedFigures.has('connections')).toBe(true);
    for (const f of ['p50', 'p99', 'makespanMs', 'wallMs'] as const) expect(gatedFigures.has(f), f).toBe(false);
    expect(same.falseAlarms).toEqual({ comparisons: 6, alarms: 0 });
    expect(same.notes.join('\n')).toMatch(/not gated \(.*\): p50, p99, makespanMs, wallMs\. Gate latencies with --target virtual/);
  });

  it('fails an extra 326 in every run of a seed, naming the seed; a doubled p99 alone is noise, not a regression', async () => {
    const base = asSim(await tinyResults(), 3, 1);
    const cur = asSim(await tinyResults(), 3, 2);
    const always = alter(cur, 'pooled', (run) => void (run.metrics.errors['326'] += run.seed === 2 ? 1 : 0));
    const cmp = compareResults(base, always);
    expect(cmp.regressions.map((d) => `${d.workload}/${d.strategy}/${d.figure}`)).toEqual(['2sym-1p1t/pooled/e326', '3sym-2p1t/pooled/e326']);
    expect(cmp.regressions[0]!.why).toBe('seed 2: 0.00 → 1.00, 1.00, 1.00 (the baseline had 0.00 in all 3 runs; this run is worse in all 3)');
    expect(cmp.falseAlarms).toEqual({ comparisons: 6, alarms: 0 });
    expect(compareResults(base, alter(cur, 'pooled', scaleP99(2))).regressions).toEqual([]);
  });

  it('an extra 326 in one run of three is reported as instability, and its single-run false alarms are counted', async () => {
    const base = asSim(await tinyResults(), 3, 1);
    const once = alter(asSim(await tinyResults(), 3, 2), 'pooled', (run) => void (run.metrics.errors['326'] += run.seed === 2 && run.repeat === 1 ? 1 : 0));
    const cmp = compareResults(base, once);
    expect(cmp.regressions).toEqual([]);
    expect(cmp.notes).toContain(
      '2sym-1p1t / pooled e326 changed in some runs only, not a regression verdict: seed 2: 0.00 in all 3 baseline runs, 0.00, 1.00, 0.00 now (worse in 1 of 3 runs)',
    );
    // Judged run against run, the current repeats disagree: runs 1→2 and 3→2 alarm.
    expect(cmp.falseAlarms).toEqual({ comparisons: 6, alarms: 2 });
  });

  it('refuses a baseline that ran each seed once: its noise is unknown, nothing could be gated', async () => {
    const base = asSim(await tinyResults(), 1, 1);
    const cur = asSim(await tinyResults(), 3, 2);
    expect(() => compareResults(base, cur)).toThrow(/^cannot compare these runs: environment.repeats is 1 in the baseline/);
  });
});

describe('runs that must not be compared', () => {
  it.each([
    ['environment.target', (r: BenchResults) => void (r.environment.target = 'sim')],
    ['environment.profiles', (r: BenchResults) => void (r.environment.profiles = ['ibkr-paper'])],
    ['workloads', (r: BenchResults) => void (r.workloads[1]!.name = '9sym-9p9t')],
    ['workloads[2sym-1p1t].pages', (r: BenchResults) => void (r.workloads[0]!.pages = 3)],
    ['environment.seeds', (r: BenchResults) => void (r.environment.seeds = [7, 8])],
  ])('%s differs: IncomparableRuns naming it (exit 2)', async (field, change) => {
    const base = await tinyResults();
    const cur = structuredClone(base);
    change(cur);
    let thrown: unknown;
    try {
      compareResults(base, cur);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(IncomparableRuns);
    expect((thrown as IncomparableRuns).field).toBe(field);
    expect((thrown as Error).message).toMatch(new RegExp(`^cannot compare these runs: ${field.replace(/[[\].]/g, '\\$&')} `));
    expect(exitCodeOf(thrown)).toBe(2);
  });
});

describe('ibkr-harness report', () => {
  it('exits 0 on the same results and 1 on a regression, with the deltas in report.md', async () => {
    const base = await tinyResults();
    const baseline = save('baseline.json', base);
    const same = save('same.json', base);
    const worse = save('worse.json', alter(base, 'pooled', scaleP99(3)));
    expect(await report({ baseline, current: same, out: path.join(dir, 'ok'), modelTolerance: 0.01 }, quiet)).toBe(0);
    expect(readFileSync(path.join(dir, 'ok', 'report.md'), 'utf8')).toContain('✅ **No regression**');
    expect(await report({ baseline, current: worse, out: path.join(dir, 'bad'), modelTolerance: 0.01 }, quiet)).toBe(1);
    const md = readFileSync(path.join(dir, 'bad', 'report.md'), 'utf8');
    expect(md).toContain('❌ **2 regression(s)**');
    expect(md).toMatch(/- 2sym-1p1t \/ pooled p99: seed 1: \d+ → \d+ \(\+200\.0% > 1%\)/);
    expect(md).toMatch(/\| pooled \| [\d.]+ s ±0% \| \*\*[\d.]+ s \+200\.0%\*\* \|/);
  });
});
