/**
 * The versioned format of `results.json`, and a hand-written validator for it: `report` reads
 * files written by other versions and machines, and a clear "field x must be y" beats a crash
 * deep inside the comparison.
 */
import type { Target } from '../../scenarios/types.ts';
import type { ProfileOverrides } from '../../simulator/model/profile.ts';
import type { RequestEvent, RunMetrics } from './metrics.ts';
import type { Interval } from './stats.ts';
import type { Workload } from './workload.ts';

export const BENCH_SCHEMA = 'ibkr-harness/bench@1';

export interface BenchEnvironment {
  date: string;
  gitSha: string | null;
  gitDirty: boolean | null;
  node: string;
  platform: string;
  cpus: number;
  target: Target;
  timeScale: number;
  seeds: number[];
  profiles: string[];
  quick: boolean;
  /**
   * Runs of each (workload, strategy, seed). Virtual time replays a seed exactly, so 1; over TCP
   * host load leaks into model time and the repeats measure that noise. Absent in older files: 1.
   */
  repeats?: number;
  /** Profile fields overridden for every workload (`bench --set`): a "what if" injected into the gateway. */
  overrides?: ProfileOverrides;
}

export interface BenchRun {
  workload: string;
  strategy: string;
  seed: number;
  /** Which run of this seed (0-based); absent in older files: 0. */
  repeat?: number;
  metrics: RunMetrics;
  /** Raw per-operation events of the run (model ms from its start). */
  requests: RequestEvent[];
}

/** One strategy on one workload, over the seeds: means with 95% intervals. */
export interface StrategySummary {
  workload: string;
  strategy: string;
  /** 1 = best on this workload: most operations answered, then shortest makespan, then lowest p99. */
  rank: number;
  concurrency: number;
  /** Means over the seeds (each seed's repeats averaged first), with 95% t-intervals over the seeds. */
  figures: Record<FigureName, Interval>;
  /**
   * Run-to-run noise: the standard deviation of each figure between repeats of the same seed
   * (pooled over the seeds), in the figure's unit. Present when seeds ran more than once.
   */
  noise?: Record<FigureName, number>;
}

export const FIGURES = [
  'answeredShare',
  'p50',
  'p90',
  'p99',
  'max',
  'makespanMs',
  'throughputPerSec',
  'connections',
  'reconnects',
  'firstReadyMs',
  'e326',
  'e100',
  'e162',
  'e200',
  'timeouts',
  'wallMs',
] as const;
export type FigureName = (typeof FIGURES)[number];

export interface HttpResult {
  strategy: string;
  connections: number;
  durationSec: number;
  timeScale: number;
  /** autocannon, wall ms: percentiles are whole milliseconds, so the mean is given too. */
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  requestsPerSec: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** The collector's own account (op history): qualify latency in model ms from enqueue. */
  collector: { calls: number; p50: number | null; p99: number | null; connections: number; gatewayRequests: number };
}

export interface BenchResults {
  schema: typeof BENCH_SCHEMA;
  environment: BenchEnvironment;
  workloads: Array<Workload & { concurrency: number; expectedOps: number }>;
  strategies: string[];
  runs: BenchRun[];
  summary: StrategySummary[];
  http?: HttpResult[];
}

type Check = (v: unknown, path: string) => string[];
const num: Check = (v, p) => (typeof v === 'number' && !Number.isNaN(v) ? [] : [`${p} must be a number`]);
const numOrNull: Check = (v, p) => (v === null ? [] : num(v, p));
const str: Check = (v, p) => (typeof v === 'string' ? [] : [`${p} must be a string`]);
const bool: Check = (v, p) => (typeof v === 'boolean' ? [] : [`${p} must be true or false`]);
const nullable =
  (c: Check): Check =>
  (v, p) =>
    v === null ? [] : c(v, p);
const optional =
  (c: Check): Check =>
  (v, p) =>
    v === undefined ? [] : c(v, p);
const oneOf =
  (...xs: unknown[]): Check =>
  (v, p) =>
    xs.includes(v) ? [] : [`${p} must be one of ${xs.map((x) => JSON.stringify(x)).join(', ')}`];
const arrayOf =
  (c: Check): Check =>
  (v, p) =>
    Array.isArray(v) ? v.flatMap((x, i) => c(x, `${p}[${i}]`)) : [`${p} must be an array`];
const obj =
  (shape: Record<string, Check>): Check =>
  (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return [`${p} must be an object`];
    const o = v as Record<string, unknown>;
    return Object.entries(shape).flatMap(([k, c]) => c(o[k], `${p}.${k}`));
  };
const record = (keys: readonly string[], c: Check): Check => obj(Object.fromEntries(keys.map((k) => [k, c])));

const intervalCheck = obj({ mean: numOrNull, lo: numOrNull, hi: numOrNull, n: num, sd: numOrNull });
const latency = obj({ p50: num, p90: num, p99: num, max: num, mean: num });
const metricsCheck = obj({
  expected: num,
  answered: num,
  answeredShare: num,
  qualify: record(['invoked', 'ok', 'failed', 'timedOut', 'unfinished'], num),
  latency: nullable(latency),
  makespanMs: num,
  throughputPerSec: num,
  connections: num,
  reconnects: num,
  firstReadyMs: numOrNull,
  errors: record(['326', '100', '162', '200', 'timeouts'], num),
  wallMs: num,
});
const requestCheck = obj({
  op: str,
  actor: str,
  process: str,
  clientId: optional(num),
  start: num,
  end: numOrNull,
  outcome: oneOf('ok', 'fail', 'info', 'open'),
});

const resultsCheck = obj({
  schema: oneOf(BENCH_SCHEMA),
  environment: obj({
    date: str,
    gitSha: nullable(str),
    gitDirty: nullable(bool),
    node: str,
    platform: str,
    cpus: num,
    target: oneOf('sim', 'virtual', 'live'),
    timeScale: num,
    seeds: arrayOf(num),
    profiles: arrayOf(str),
    quick: bool,
    repeats: optional(num),
    overrides: optional(obj({})),
  }),
  workloads: arrayOf(obj({ name: str, profile: str, symbols: num, pages: num, tasks: num, concurrency: num, expectedOps: num })),
  strategies: arrayOf(str),
  runs: arrayOf(obj({ workload: str, strategy: str, seed: num, repeat: optional(num), metrics: metricsCheck, requests: arrayOf(requestCheck) })),
  summary: arrayOf(
    obj({ workload: str, strategy: str, rank: num, concurrency: num, figures: record(FIGURES, intervalCheck), noise: optional(record(FIGURES, numOrNull)) }),
  ),
  http: optional(
    arrayOf(
      obj({
        strategy: str,
        connections: num,
        durationSec: num,
        timeScale: num,
        latencyMs: obj({ mean: num, p50: num, p90: num, p99: num, max: num }),
        requestsPerSec: num,
        requests: num,
        non2xx: num,
        errors: num,
        timeouts: num,
        collector: obj({ calls: num, p50: numOrNull, p99: numOrNull, connections: num, gatewayRequests: num }),
      }),
    ),
  ),
});

/** Problems with a parsed results.json, as "path must be …" lines; empty when it is valid. */
export function validateResults(v: unknown): string[] {
  return resultsCheck(v, 'results');
}

export function assertResults(v: unknown, source = 'results.json'): BenchResults {
  const problems = validateResults(v);
  if (problems.length)
    throw new Error(
      `${source} is not an ${BENCH_SCHEMA} file:\n  ${problems.slice(0, 10).join('\n  ')}${problems.length > 10 ? `\n  … and ${problems.length - 10} more` : ''}`,
    );
  const results = v as BenchResults;
  // JSON has no NaN: an interval over no values (no latency, never connected) comes back as null.
  for (const s of results.summary) {
    for (const i of Object.values(s.figures)) for (const k of ['mean', 'lo', 'hi', 'sd'] as const) i[k] ??= Number.NaN;
    if (s.noise) for (const f of FIGURES) s.noise[f] ??= Number.NaN;
  }
  return results;
}
