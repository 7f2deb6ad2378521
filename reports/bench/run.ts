/**
 * Runs every strategy over a matrix of workloads and seeds, all in one process on the same
 * seeds, and gathers the per-run figures and raw events into one results object. Runs are
 * interleaved (workload → seed → repeat → strategy) so that drifting host load on a scaled clock
 * falls on every strategy alike rather than on whichever ran last.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { StrategyName } from '../../collector/strategies/index.ts';
import { runScenario } from '../../scenarios/runner.ts';
import type { Target } from '../../scenarios/types.ts';
import type { ProfileOverrides } from '../../simulator/model/profile.ts';
import { summarizeRuns } from './aggregate.ts';
import { requestEvents, runMetrics } from './metrics.ts';
import { BENCH_SCHEMA, type BenchEnvironment, type BenchResults, type BenchRun } from './schema.ts';
import { ALL_STRATEGIES, benchScenario, defaultRepeats, concurrencyOf, expectedOps, type Workload } from './workload.ts';

export interface BenchOptions {
  workloads: readonly Workload[];
  strategies?: readonly StrategyName[];
  seeds: readonly number[];
  target?: Target;
  /** Real ms per model ms (sim target). */
  timeScale: number;
  /** Runs of each (workload, strategy, seed); default 1 in virtual time (a seed replays exactly), else 3. */
  repeats?: number;
  /** Profile fields to override in every workload (a "what if" injected into the gateway). */
  overrides?: ProfileOverrides;
  /** Live target: where the gateway is, and whether accounts that are not paper accounts are allowed. */
  live?: { host?: string; port?: number; allowLive?: boolean };
  quick?: boolean;
  /** Called after every run (for a progress bar). */
  onRun?: (done: number, total: number, label: string) => void;
}

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  const strategies = o.strategies ?? ALL_STRATEGIES;
  const target = o.target ?? 'virtual';
  const repeats = o.repeats ?? defaultRepeats(target);
  if (o.seeds.length === 0) throw new Error('at least one seed is needed');
  const workloads = o.overrides ? o.workloads.map((w) => ({ ...w, overrides: mergeOverrides(w.overrides ?? {}, o.overrides!) })) : o.workloads;
  const total = workloads.length * o.seeds.length * repeats * strategies.length;
  const runOptions = {
    target,
    timeScale: o.timeScale,
    ...(o.live?.host ? { host: o.live.host } : {}),
    ...(o.live?.port ? { port: o.live.port } : {}),
    ...(o.live?.allowLive ? { allowLive: true } : {}),
  };
  // The first run of a process pays for JIT compilation, which a scaled clock reads as model time.
  if (target === 'sim') await runScenario(benchScenario('pooled', workloads[0]!), { ...runOptions, seed: o.seeds[0]! });
  const runs: BenchRun[] = [];
  // Interleaved, so that drifting host load falls on every strategy alike.
  for (const wl of workloads) {
    for (const seed of o.seeds) {
      for (let repeat = 0; repeat < repeats; repeat++) {
        for (const strategy of strategies) {
          const record = await runScenario(benchScenario(strategy, wl), { ...runOptions, seed });
          const requests = requestEvents(record);
          runs.push({ workload: wl.name, strategy, seed, repeat, metrics: runMetrics(record, expectedOps(wl), requests), requests });
          o.onRun?.(runs.length, total, `${wl.name} seed ${seed}${repeats > 1 ? ` run ${repeat + 1}` : ''} ${strategy}`);
        }
      }
    }
  }
  return {
    schema: BENCH_SCHEMA,
    environment: environment(o, target, repeats),
    workloads: workloads.map((w) => ({ ...w, concurrency: concurrencyOf(w), expectedOps: expectedOps(w) })),
    strategies: [...strategies],
    runs,
    summary: summarizeRuns(runs, workloads, strategies),
  };
}

function environment(o: BenchOptions, target: Target, repeats: number): BenchEnvironment {
  return {
    date: new Date().toISOString(),
    ...checkout(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.availableParallelism(),
    target,
    timeScale: target === 'virtual' ? 0 : o.timeScale,
    seeds: [...o.seeds],
    profiles: [...new Set(o.workloads.map((w) => w.profile))],
    quick: Boolean(o.quick),
    repeats,
    ...(o.overrides ? { overrides: o.overrides } : {}),
  };
}

let checkoutCache: Pick<BenchEnvironment, 'gitSha' | 'gitDirty'> | undefined;

/** The commit and whether the tree is dirty, asked of git once per process (two spawns are not free). */
function checkout(): Pick<BenchEnvironment, 'gitSha' | 'gitDirty'> {
  checkoutCache ??= {
    gitSha: git(['rev-parse', 'HEAD']),
    gitDirty: ((s) => (s === null ? null : s.length > 0))(git(['status', '--porcelain'])),
  };
  return checkoutCache;
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** `extra` laid over `base`, field by field (a workload's own overrides, then `bench --set`). */
function mergeOverrides(base: ProfileOverrides, extra: ProfileOverrides): ProfileOverrides {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    const plain = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x);
    out[k] = plain(b) && plain(v) ? mergeOverrides(b as ProfileOverrides, v as ProfileOverrides) : v;
  }
  return out as ProfileOverrides;
}
