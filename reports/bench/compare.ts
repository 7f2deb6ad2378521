/**
 * The regression gate between two bench results. In virtual time a seed replays exactly, so
 * model-time figures are compared seed by seed and any increase past a 1% tolerance (or any extra
 * error) is a regression. On the simulator over TCP the clock is scaled real time: host CPU time
 * reads as model time, so the same seed gives slightly different figures on every run, and
 * model figures are gated like wall-clock ones: the current mean must not leave the baseline's
 * 95% interval by more than a tolerance.
 */
import { figure } from './aggregate.ts';
import type { BenchResults, FigureName, StrategySummary } from './schema.ts';
import type { Interval } from './stats.ts';

export interface Thresholds {
  /** Per-seed relative increase allowed in model-time figures when runs are deterministic. */
  modelRel: number;
  /** How far past the baseline's interval the current mean may go (relative), model figures on a scaled clock. */
  statRel: number;
  /** The same for wall-clock figures. */
  wallRel: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { modelRel: 0.01, statRel: 0.1, wallRel: 0.2 };

type Kind = 'model' | 'count' | 'share' | 'wall';
export const GATED: ReadonlyArray<[FigureName, Kind]> = [
  ['p50', 'model'],
  ['p99', 'model'],
  ['makespanMs', 'model'],
  ['answeredShare', 'share'],
  ['e326', 'count'],
  ['e100', 'count'],
  ['e162', 'count'],
  ['e200', 'count'],
  ['timeouts', 'count'],
  ['wallMs', 'wall'],
];

export interface Delta {
  workload: string;
  strategy: string;
  figure: FigureName;
  kind: Kind;
  base: number;
  current: number;
  /** Relative change of the means; null when the baseline is 0 or missing. */
  rel: number | null;
  regression: boolean;
  why?: string;
}

export interface Comparison {
  mode: 'per-seed' | 'statistical';
  thresholds: Thresholds;
  deltas: Delta[];
  regressions: Delta[];
  notes: string[];
}

export function isDeterministic(a: BenchResults, b: BenchResults): boolean {
  return a.environment.target === 'virtual' && b.environment.target === 'virtual';
}

export function compareResults(baseline: BenchResults, current: BenchResults, thresholds: Thresholds = DEFAULT_THRESHOLDS): Comparison {
  const mode = isDeterministic(baseline, current) ? 'per-seed' : 'statistical';
  const notes: string[] = [];
  const be = baseline.environment;
  const ce = current.environment;
  if (be.target !== ce.target) notes.push(`targets differ (baseline ${be.target}, current ${ce.target}): figures are not comparable like for like`);
  if (be.timeScale !== ce.timeScale)
    notes.push(`time scales differ (baseline ${be.timeScale}, current ${ce.timeScale}): on a scaled clock host overhead grows as the scale shrinks`);
  const sharedSeeds = ce.seeds.filter((s) => be.seeds.includes(s));
  if (mode === 'per-seed' && sharedSeeds.length === 0) notes.push('no seed in common: nothing to compare seed by seed');
  if (mode === 'per-seed') notes.push('wall-clock time of virtual-time runs (a few ms of CPU each) is shown but not gated');
  const deltas: Delta[] = [];
  for (const cur of current.summary) {
    const base = baseline.summary.find((s) => s.workload === cur.workload && s.strategy === cur.strategy);
    if (!base) {
      notes.push(`${cur.workload} / ${cur.strategy}: not in the baseline`);
      continue;
    }
    for (const [f, kind] of GATED) {
      // In virtual time a run's wall time is a few ms of CPU: shown, but too noisy to gate.
      const why =
        mode === 'per-seed'
          ? kind === 'wall'
            ? undefined
            : perSeedWhy(baseline, current, cur, f, kind, sharedSeeds, thresholds)
          : statWhy(base.figures[f], cur.figures[f], kind, thresholds);
      deltas.push(delta(base, cur, f, kind, why));
    }
  }
  for (const base of baseline.summary) {
    if (!current.summary.some((s) => s.workload === base.workload && s.strategy === base.strategy))
      notes.push(`${base.workload} / ${base.strategy}: in the baseline but not measured now`);
  }
  return { mode, thresholds, deltas, regressions: deltas.filter((d) => d.regression), notes };
}

function delta(base: StrategySummary, cur: StrategySummary, f: FigureName, kind: Kind, why: string | undefined): Delta {
  const b = base.figures[f].mean;
  const c = cur.figures[f].mean;
  const rel = Number.isFinite(b) && Number.isFinite(c) && b !== 0 ? (c - b) / Math.abs(b) : null;
  return { workload: cur.workload, strategy: cur.strategy, figure: f, kind, base: b, current: c, rel, regression: why !== undefined, ...(why ? { why } : {}) };
}

/** Worse means higher, except for the share of operations answered. */
const worse = (kind: Kind, base: number, cur: number) => (kind === 'share' ? base - cur : cur - base);

function perSeedWhy(
  baseline: BenchResults,
  current: BenchResults,
  s: StrategySummary,
  f: FigureName,
  kind: Kind,
  seeds: readonly number[],
  t: Thresholds,
): string | undefined {
  const pick = (r: BenchResults, seed: number) => r.runs.find((x) => x.workload === s.workload && x.strategy === s.strategy && x.seed === seed);
  for (const seed of seeds) {
    const b = pick(baseline, seed);
    const c = pick(current, seed);
    if (!b || !c) continue;
    const bv = figure(b.metrics, f);
    const cv = figure(c.metrics, f);
    if (!Number.isFinite(bv) || !Number.isFinite(cv)) {
      if (Number.isFinite(bv) !== Number.isFinite(cv)) return `seed ${seed}: ${fmt(bv)} → ${fmt(cv)}`;
      continue;
    }
    const by = worse(kind, bv, cv);
    if (kind === 'model' ? by > t.modelRel * Math.abs(bv) : by > 1e-9)
      return `seed ${seed}: ${fmt(bv)} → ${fmt(cv)}${kind === 'model' ? ` (+${((by / Math.abs(bv)) * 100).toFixed(1)}% > ${t.modelRel * 100}%)` : ''}`;
  }
  return undefined;
}

function statWhy(base: Interval, cur: Interval, kind: Kind, t: Thresholds): string | undefined {
  if (!Number.isFinite(base.mean) || !Number.isFinite(cur.mean)) return undefined;
  if (kind === 'share') return cur.mean < base.lo - 1e-9 ? `answered ${fmt(cur.mean)} < baseline interval [${fmt(base.lo)}, ${fmt(base.hi)}]` : undefined;
  // Counts have no tolerance: the pooled strategy's 0 errors must stay 0.
  const tol = kind === 'count' ? 0 : kind === 'wall' ? t.wallRel : t.statRel;
  const limit = base.hi + tol * Math.abs(base.hi);
  return cur.mean > limit + 1e-9 ? `mean ${fmt(cur.mean)} > baseline 95% high ${fmt(base.hi)}${tol ? ` + ${tol * 100}%` : ''}` : undefined;
}

const fmt = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(Math.abs(x) >= 10 ? 1 : 2)) : '—');
