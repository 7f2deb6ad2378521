/**
 * From per-seed runs to one row per (workload, strategy): 95% intervals over the seeds, and a
 * rank. A strategy that leaves work undone (a worker refused with 326 never asks for anything)
 * finishes sooner, so ranking by makespan alone would reward failure: the share of operations
 * answered comes first.
 */
import type { RunMetrics } from './metrics.ts';
import { FIGURES, type BenchRun, type FigureName, type StrategySummary } from './schema.ts';
import { interval } from './stats.ts';
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

export function summarizeRuns(runs: readonly BenchRun[], workloads: readonly Workload[], strategies: readonly string[]): StrategySummary[] {
  const out: StrategySummary[] = [];
  for (const wl of workloads) {
    const rows = strategies.map((strategy) => {
      const mine = runs.filter((r) => r.workload === wl.name && r.strategy === strategy);
      const figures = Object.fromEntries(FIGURES.map((f) => [f, interval(mine.map((r) => figure(r.metrics, f)))])) as StrategySummary['figures'];
      return { workload: wl.name, strategy, rank: 0, concurrency: concurrencyOf(wl), figures };
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
