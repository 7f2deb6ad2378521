/**
 * benchmark.json for github-action-benchmark's `customSmallerIsBetter` tool: every figure is one
 * entry whose value should go down, with the 95% interval as its range.
 */
import type { BenchResults, FigureName } from './schema.ts';
import { halfWidth, interval, type Interval } from './stats.ts';

export interface BenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

const ENTRIES: ReadonlyArray<[string, FigureName, string]> = [
  ['qualify p50', 'p50', 'ms (model)'],
  ['qualify p99', 'p99', 'ms (model)'],
  ['makespan', 'makespanMs', 'ms (model)'],
  ['wall time per run', 'wallMs', 'ms (wall)'],
];

const round = (x: number) => Math.round(x * 100) / 100;

function entry(name: string, unit: string, i: Interval, extra: string): BenchmarkEntry {
  return { name, unit, value: round(i.mean), ...(i.n >= 2 ? { range: `± ${round(halfWidth(i))}` } : {}), extra };
}

export function githubBenchmark(r: BenchResults): BenchmarkEntry[] {
  const out: BenchmarkEntry[] = [];
  const how = `${r.environment.target}, ${r.environment.seeds.length} seeds; range = 95% t-interval half-width`;
  for (const s of r.summary) {
    const id = `${s.workload} / ${s.strategy}`;
    for (const [label, f, unit] of ENTRIES) if (Number.isFinite(s.figures[f].mean)) out.push(entry(`${id} — ${label}`, unit, s.figures[f], how));
    const runs = r.runs.filter((x) => x.workload === s.workload && x.strategy === s.strategy);
    const errors = interval(runs.map((x) => Object.values(x.metrics.errors).reduce((a, b) => a + b, 0)));
    out.push(entry(`${id} — errors (326, 100, 162, 200, timeouts)`, 'errors per run', errors, how));
    const unanswered = interval(runs.map((x) => 100 * (1 - x.metrics.answeredShare)));
    out.push(entry(`${id} — operations not answered`, '%', unanswered, how));
  }
  for (const h of r.http ?? []) {
    out.push({
      name: `http / ${h.strategy} — mean latency`,
      unit: 'ms (wall)',
      value: round(h.latencyMs.mean),
      extra: `autocannon, ${h.connections} connections, ${h.durationSec} s`,
    });
  }
  return out;
}
