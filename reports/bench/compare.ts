/**
 * The regression gate between two bench results.
 *
 * - Virtual time (the default target) is deterministic: a seed replays exactly, on any machine
 *   load, so model-time figures are compared seed by seed and any increase past a 1% tolerance
 *   (or any extra error) is a regression.
 * - On the simulator over TCP the clock is scaled real time: host CPU time reads as model time
 *   (at scale 0.02 one millisecond of CPU is 50 model ms), so latencies move from run to run on
 *   one commit. There the gate compares only what is stable: a figure is gated when it took the
 *   same value in every repeated run of every seed of the baseline (connections, errors, the
 *   share answered, typically), and it regresses only when every current run of a seed is worse;
 *   everything else is shown with its measured noise, not gated. The gate also measures its own
 *   false-alarm rate, by judging the current run's repeats against each other.
 *
 * Runs of different targets, profiles, workloads or time scales, or without a seed in common,
 * are not compared at all: IncomparableRuns (exit 2) names the field that differs.
 */
import { UsageError } from '../../common/exit-codes.ts';
import { figure, groupBySeed } from './aggregate.ts';
import type { BenchResults, BenchRun, FigureName, StrategySummary } from './schema.ts';

export interface Thresholds {
  /** Per-seed relative increase allowed in model-time figures when runs are deterministic (virtual time). */
  modelRel: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { modelRel: 0.01 };

type Kind = 'model' | 'count' | 'share' | 'wall';
export const GATED: ReadonlyArray<[FigureName, Kind]> = [
  ['p50', 'model'],
  ['p99', 'model'],
  ['makespanMs', 'model'],
  ['answeredShare', 'share'],
  ['connections', 'count'],
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
  /** Whether this figure is judged at all (on the simulator: only figures stable in the baseline). */
  gated: boolean;
  regression: boolean;
  why?: string;
}

export interface Comparison {
  mode: 'per-seed' | 'stable-only';
  thresholds: Thresholds;
  deltas: Delta[];
  regressions: Delta[];
  /** Figures judged (workload × strategy × figure); never 0, or the runs would have been refused. */
  gated: number;
  /**
   * Stable-only mode: the gate's rule applied between single runs of the current run's own
   * repeats (same commit, same machine, same hour), every ordered pair: how many alarmed. A
   * single-run gate would false-alarm at this rate; the real gate, which needs every repeat of a
   * seed to agree on a change, does so less often.
   */
  falseAlarms?: { comparisons: number; alarms: number };
  notes: string[];
}

/** Two bench runs that must not be compared: `field` names what differs. Exit 2. */
export class IncomparableRuns extends UsageError {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`cannot compare these runs: ${field} ${detail}`);
  }
}

export function isDeterministic(a: BenchResults, b: BenchResults): boolean {
  return a.environment.target === 'virtual' && b.environment.target === 'virtual';
}

type Plan = Pick<BenchResults, 'environment' | 'workloads'>;

/**
 * Throws IncomparableRuns when the two runs differ in target, profiles, workloads, time scale
 * (simulator) or share no seed. Takes only the plan of a run, so `bench --baseline` can check
 * before it spends minutes running.
 */
export function assertComparable(baseline: Plan, current: Plan): void {
  const be = baseline.environment;
  const ce = current.environment;
  const differ = (field: string, b: unknown, c: unknown) => {
    throw new IncomparableRuns(field, `differs: baseline ${String(b)}, current ${String(c)}`);
  };
  if (be.target !== ce.target) differ('environment.target', be.target, ce.target);
  const sorted = (xs: readonly string[]) => [...xs].sort().join(', ');
  if (sorted(be.profiles) !== sorted(ce.profiles)) differ('environment.profiles', sorted(be.profiles), sorted(ce.profiles));
  const names = (p: Plan) => sorted(p.workloads.map((w) => w.name));
  if (names(baseline) !== names(current)) differ('workloads', names(baseline), names(current));
  for (const b of baseline.workloads) {
    const c = current.workloads.find((w) => w.name === b.name)!;
    for (const k of ['profile', 'symbols', 'pages', 'tasks'] as const) if (b[k] !== c[k]) differ(`workloads[${b.name}].${k}`, b[k], c[k]);
  }
  // On a scaled clock host overhead grows as the scale shrinks: different scales measure different things.
  if (be.target !== 'virtual' && be.timeScale !== ce.timeScale) differ('environment.timeScale', be.timeScale, ce.timeScale);
  if (!ce.seeds.some((s) => be.seeds.includes(s)))
    throw new IncomparableRuns('environment.seeds', `have nothing in common (baseline ${be.seeds.join(', ')}; current ${ce.seeds.join(', ')})`);
}

export function compareResults(baseline: BenchResults, current: BenchResults, thresholds: Thresholds = DEFAULT_THRESHOLDS): Comparison {
  assertComparable(baseline, current);
  const mode = isDeterministic(baseline, current) ? 'per-seed' : 'stable-only';
  const notes: string[] = [];
  const seeds = current.environment.seeds.filter((s) => baseline.environment.seeds.includes(s));
  if (current.environment.overrides)
    notes.push(`the current run overrides the gateway profile (${JSON.stringify(current.environment.overrides)}): a change injected on purpose`);
  if (mode === 'per-seed') notes.push('wall-clock time of virtual-time runs (a few ms of CPU each) is shown but not gated');
  const deltas: Delta[] = [];
  for (const cur of current.summary) {
    const base = baseline.summary.find((s) => s.workload === cur.workload && s.strategy === cur.strategy);
    if (!base) {
      notes.push(`${cur.workload} / ${cur.strategy}: not in the baseline`);
      continue;
    }
    const b = runsOf(baseline, cur, seeds);
    const c = runsOf(current, cur, seeds);
    for (const [f, kind] of GATED) {
      if (mode === 'per-seed') {
        // In virtual time a run's wall time is a few ms of CPU: shown, but too noisy to gate.
        const gated = kind !== 'wall';
        deltas.push(delta(base, cur, f, kind, gated, gated ? perSeedWhy(b, c, f, kind, thresholds) : undefined));
      } else {
        const gated = isStable(b, f);
        const unstable = (why: string) => notes.push(`${cur.workload} / ${cur.strategy} ${f} changed in some runs only, not a regression verdict: ${why}`);
        deltas.push(delta(base, cur, f, kind, gated, gated ? stableWhy(b, c, f, kind, unstable) : undefined));
      }
    }
  }
  for (const base of baseline.summary) {
    if (!current.summary.some((s) => s.workload === base.workload && s.strategy === base.strategy))
      notes.push(`${base.workload} / ${base.strategy}: in the baseline but not measured now`);
  }
  const gated = deltas.filter((d) => d.gated).length;
  if (deltas.length === 0)
    throw new IncomparableRuns('strategies', `have nothing in common (baseline ${baseline.strategies.join(', ')}; current ${current.strategies.join(', ')})`);
  if (gated === 0) {
    const repeats = baseline.environment.repeats ?? 1;
    throw new IncomparableRuns(
      'environment.repeats',
      repeats < 2
        ? `is ${repeats} in the baseline: on the ${baseline.environment.target} target one run per seed says nothing about run-to-run noise, so no figure can be gated; run the baseline with --repeats 2 or more, or use --target virtual`
        : 'leaves nothing stable to gate: every figure of the baseline changed between its repeats; use --target virtual',
    );
  }
  let falseAlarms: Comparison['falseAlarms'];
  if (mode === 'stable-only') {
    falseAlarms = selfComparison(current, deltas, seeds);
    const ungated = (all: boolean) =>
      [...new Set(deltas.map((d) => d.figure))].filter((f) => {
        const mine = deltas.filter((d) => d.figure === f);
        return all ? mine.every((d) => !d.gated) : mine.some((d) => !d.gated) && mine.some((d) => d.gated);
      });
    const partly = ungated(false);
    notes.push(
      `on the ${current.environment.target} target only figures that did not change between the baseline's repeats are gated, and a regression needs every run of a seed to agree; not gated (they vary from run to run on one commit, their noise is in the tables): ${ungated(true).join(', ')}${partly.length ? `; gated for some strategies only: ${partly.join(', ')}` : ''}. Gate latencies with --target virtual.`,
    );
    if (!falseAlarms) notes.push('the current run has one run per seed, so the false-alarm rate could not be measured on it');
  }
  return { mode, thresholds, deltas, regressions: deltas.filter((d) => d.regression), gated, ...(falseAlarms ? { falseAlarms } : {}), notes };
}

/** The runs of one (workload, strategy) on the given seeds, grouped by seed. */
function runsOf(r: BenchResults, s: Pick<StrategySummary, 'workload' | 'strategy'>, seeds: readonly number[]): Map<number, BenchRun[]> {
  const groups = groupBySeed(r.runs.filter((x) => x.workload === s.workload && x.strategy === s.strategy && seeds.includes(x.seed)));
  return new Map(groups.map((g) => [g[0]!.seed, g]));
}

function delta(base: StrategySummary, cur: StrategySummary, f: FigureName, kind: Kind, gated: boolean, why: string | undefined): Delta {
  const b = base.figures[f].mean;
  const c = cur.figures[f].mean;
  const rel = Number.isFinite(b) && Number.isFinite(c) && b !== 0 ? (c - b) / Math.abs(b) : null;
  return {
    workload: cur.workload,
    strategy: cur.strategy,
    figure: f,
    kind,
    base: b,
    current: c,
    rel,
    gated,
    regression: why !== undefined,
    ...(why ? { why } : {}),
  };
}

/** Worse means higher, except for the share of operations answered. */
const worse = (kind: Kind, base: number, cur: number) => (kind === 'share' ? base - cur : cur - base);
const valuesOf = (runs: readonly BenchRun[], f: FigureName) => runs.map((r) => figure(r.metrics, f));
const meanOf = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

function perSeedWhy(baseline: Map<number, BenchRun[]>, current: Map<number, BenchRun[]>, f: FigureName, kind: Kind, t: Thresholds): string | undefined {
  for (const [seed, b] of baseline) {
    const c = current.get(seed);
    if (!c) continue;
    // Repeats of a virtual run are identical; their mean is the run.
    const bv = meanOf(valuesOf(b, f));
    const cv = meanOf(valuesOf(c, f));
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

/** Stable: the same value in every repeat of every seed, and at least one seed ran more than once. */
function isStable(runs: Map<number, BenchRun[]>, f: FigureName): boolean {
  let repeated = false;
  for (const rs of runs.values()) {
    const v = valuesOf(rs, f);
    if (v.length > 1) repeated = true;
    if (v.some((x) => !sameValue(x, v[0]!))) return false;
  }
  return repeated;
}

const sameValue = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9;

/** Worse than `base`, or present where it was absent (or the other way round). */
const isWorse = (kind: Kind, base: number, cur: number) =>
  Number.isFinite(base) !== Number.isFinite(cur) || (Number.isFinite(base) && worse(kind, base, cur) > 1e-9);

/**
 * A stable figure regresses when every current run of a seed is worse than the baseline's one
 * value: a change the current run agrees on. A change in only some of its runs is host noise as
 * far as this run can tell, and is reported (`unstable`) instead.
 */
function stableWhy(
  baseline: Map<number, BenchRun[]>,
  current: Map<number, BenchRun[]>,
  f: FigureName,
  kind: Kind,
  unstable: (why: string) => void,
): string | undefined {
  for (const [seed, b] of baseline) {
    const bv = valuesOf(b, f)[0]!;
    const cvs = valuesOf(current.get(seed) ?? [], f);
    const worseRuns = cvs.filter((cv) => isWorse(kind, bv, cv));
    if (cvs.length > 0 && worseRuns.length === cvs.length)
      return `seed ${seed}: ${fmt(bv)} → ${cvs.map(fmt).join(', ')} (the baseline had ${fmt(bv)} in all ${b.length} runs; this run is worse in all ${cvs.length})`;
    if (worseRuns.length > 0)
      unstable(
        `seed ${seed}: ${fmt(bv)} in all ${b.length} baseline runs, ${cvs.map(fmt).join(', ')} now (worse in ${worseRuns.length} of ${cvs.length} runs)`,
      );
  }
  return undefined;
}

/**
 * The stable-only gate between the current run's own repeats: for every ordered pair of repeat
 * indices (i, j), repeat i of every seed stands in for the baseline and repeat j for the current
 * run, over the figures gated in the real comparison. Each pair alarming is a false alarm: both
 * sides are the same commit.
 */
function selfComparison(current: BenchResults, deltas: readonly Delta[], seeds: readonly number[]): Comparison['falseAlarms'] {
  const repeats = current.environment.repeats ?? 1;
  if (repeats < 2) return undefined;
  const gated = deltas.filter((d) => d.gated);
  let comparisons = 0;
  let alarms = 0;
  for (let i = 0; i < repeats; i++) {
    for (let j = 0; j < repeats; j++) {
      if (i === j) continue;
      comparisons++;
      const alarmed = gated.some((d) => {
        const groups = runsOf(current, d, seeds);
        return [...groups.values()].some((rs) => {
          const a = rs.find((r) => (r.repeat ?? 0) === i);
          const b = rs.find((r) => (r.repeat ?? 0) === j);
          if (!a || !b) return false;
          return isWorse(d.kind, figure(a.metrics, d.figure), figure(b.metrics, d.figure));
        });
      });
      if (alarmed) alarms++;
    }
  }
  return { comparisons, alarms };
}

const fmt = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(Math.abs(x) >= 10 ? 1 : 2)) : '—');
