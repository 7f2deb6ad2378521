/**
 * From per-seed runs to one row per (workload, strategy): 95% intervals over the seeds, and a
 * rank. A strategy that leaves work undone (a worker refused with 326 never asks for anything)
 * finishes sooner, so ranking by makespan alone would reward failure: the share of operations
 * answered comes first.
 */
import type { RunMetrics } from './metrics.ts';
import { FIGURES, type BenchRun, type FigureName, type StrategySummary } from './schema.ts';
import { interval, mean } from './stats.ts';
import { concurrencyOf, type Workload } from './workload.ts';

export function figure(m: RunMetrics, f: FigureName): number {
  switch (f) {
    case 'p50':
    case 'p90':
    case 'p99':
    case 'max':
      return m.latency ? m.latency[f] : Number.NaN;
    case 'firstReadyMs':
      return m.firstReadyMs ?? Number.NaN;
    case 'e326':
    case 'e100':
    case 'e162':
    case 'e200':
      return m.errors[f.slice(1) as '326'];
    case 'timeouts':
      return m.errors.timeouts;
    default:
      return m[f];
  }
}

/**
 * One row per (workload, strategy). The seed is the unit of the interval: a seed's repeats are
 * averaged first (they differ only by host noise), and that noise is reported on its own as the
 * pooled standard deviation between repeats of a seed.
 */
export function summarizeRuns(runs: readonly BenchRun[], workloads: readonly Workload[], strategies: readonly string[]): StrategySummary[] {
  const out: StrategySummary[] = [];
  for (const wl of workloads) {
    const rows = strategies.map((strategy): StrategySummary => {
      const bySeed = groupBySeed(runs.filter((r) => r.workload === wl.name && r.strategy === strategy));
      const values = (f: FigureName) => bySeed.map((rs) => rs.map((r) => figure(r.metrics, f)).filter(Number.isFinite));
      const figures = Object.fromEntries(FIGURES.map((f) => [f, interval(values(f).map(mean))])) as StrategySummary['figures'];
      const repeated = bySeed.some((rs) => rs.length > 1);
      const noise = repeated ? (Object.fromEntries(FIGURES.map((f) => [f, pooledSd(values(f))])) as Record<FigureName, number>) : undefined;
      return { workload: wl.name, strategy, rank: 0, concurrency: concurrencyOf(wl), figures, ...(noise ? { noise } : {}) };
    });
    for (const [i, r] of rank(rows).entries()) r.rank = i + 1;
    out.push(...rows.sort((a, b) => a.rank - b.rank));
  }
  return out;
}

/** Most answered first (to a thousandth), then shortest makespan, then lowest p99. */
export function rank<T extends Pick<StrategySummary, 'figures'>>(rows: readonly T[]): T[] {
  const key = (r: T) => [-Math.round(r.figures.answeredShare.mean * 1000), r.figures.makespanMs.mean, nanLast(r.figures.p99.mean)];
  return [...rows].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return 0;
  });
}

const nanLast = (x: number) => (Number.isFinite(x) ? x : Number.MAX_VALUE);

/** Runs grouped by seed, in seed order. */
export function groupBySeed(runs: readonly BenchRun[]): BenchRun[][] {
  const groups = new Map<number, BenchRun[]>();
  for (const r of runs) groups.set(r.seed, [...(groups.get(r.seed) ?? []), r]);
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, rs]) => rs);
}

/** Standard deviation within groups, pooled: √(Σ squared deviations from each group's mean / Σ (nᵢ − 1)); NaN without a group of two. */
export function pooledSd(groups: ReadonlyArray<readonly number[]>): number {
  let ss = 0;
  let df = 0;
  for (const g of groups) {
    if (g.length < 2) continue;
    const m = mean(g);
    ss += g.reduce((a, x) => a + (x - m) ** 2, 0);
    df += g.length - 1;
  }
  return df > 0 ? Math.sqrt(ss / df) : Number.NaN;
}
