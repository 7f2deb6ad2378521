/**
 * The regression gate: a rerun on the same seeds passes; an injected regression fails, with the
 * seed and figure named; the report command exits 1 and shows the deltas.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { report } from '../cli/report.ts';
import { compareResults } from './compare.ts';
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

describe('compareResults on the simulator (scaled clock: statistical)', () => {
  const asSim = <T extends { environment: { target: string; timeScale: number } }>(r: T): T => ({
    ...r,
    environment: { ...r.environment, target: 'sim', timeScale: 0.02 },
  });

  it('judges the current mean against the baseline interval', async () => {
    const base = asSim(await tinyResults());
    const same = compareResults(base, structuredClone(base));
    expect(same.mode).toBe('statistical');
    expect(same.regressions).toEqual([]);
    // Within the interval and tolerance: pass. Doubled: regression.
    expect(compareResults(base, alter(base, 'pooled', scaleP99(1.05))).regressions).toEqual([]);
    const doubled = compareResults(base, alter(base, 'pooled', scaleP99(2)));
    expect(doubled.regressions.map((d) => d.figure)).toEqual(['p99', 'p99']);
    expect(doubled.regressions[0]!.why).toMatch(/^mean \d+ > baseline 95% high \d+ \+ 10%$/);
  });
});

describe('ibkr-harness report', () => {
  it('exits 0 on the same results and 1 on a regression, with the deltas in report.md', async () => {
    const base = await tinyResults();
    const baseline = save('baseline.json', base);
    const same = save('same.json', base);
    const worse = save('worse.json', alter(base, 'pooled', scaleP99(3)));
    expect(await report({ baseline, current: same, out: path.join(dir, 'ok'), modelTolerance: 0.01, statTolerance: 0.1, wallTolerance: 0.2 }, quiet)).toBe(0);
    expect(readFileSync(path.join(dir, 'ok', 'report.md'), 'utf8')).toContain('✅ **No regression**');
    expect(await report({ baseline, current: worse, out: path.join(dir, 'bad'), modelTolerance: 0.01, statTolerance: 0.1, wallTolerance: 0.2 }, quiet)).toBe(1);
    const md = readFileSync(path.join(dir, 'bad', 'report.md'), 'utf8');
    expect(md).toContain('❌ **2 regression(s)**');
    expect(md).toMatch(/- 2sym-1p1t \/ pooled p99: seed 1: \d+ → \d+ \(\+200\.0% > 1%\)/);
    expect(md).toMatch(/\| pooled \| [\d.]+ s ±0% \| \*\*[\d.]+ s \+200\.0%\*\* \|/);
  });
});
