/**
 * Runs every strategy over a matrix of workloads and seeds, all in one process on the same
 * seeds, and gathers the per-run figures and raw events into one results object. Runs are
 * interleaved (workload → seed → strategy) so that drifting host load on a scaled clock falls on
 * every strategy alike rather than on whichever ran last.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { StrategyName } from '../../collector/strategies/index.ts';
import { runScenario } from '../../scenarios/runner.ts';
import type { Target } from '../../scenarios/types.ts';
import { summarizeRuns } from './aggregate.ts';
import { requestEvents, runMetrics } from './metrics.ts';
import { BENCH_SCHEMA, type BenchEnvironment, type BenchResults, type BenchRun } from './schema.ts';
import { ALL_STRATEGIES, benchScenario, concurrencyOf, expectedOps, type Workload } from './workload.ts';

export interface BenchOptions {
  workloads: readonly Workload[];
  strategies?: readonly StrategyName[];
  seeds: readonly number[];
  target?: Extract<Target, 'sim' | 'virtual'>;
  /** Real ms per model ms (sim target). */
  timeScale: number;
  quick?: boolean;
  /** Called after every run (for a progress bar). */
  onRun?: (done: number, total: number, label: string) => void;
}

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  const strategies = o.strategies ?? ALL_STRATEGIES;
  const target = o.target ?? 'sim';
  if (o.seeds.length === 0) throw new Error('at least one seed is needed');
  const total = o.workloads.length * o.seeds.length * strategies.length;
  // The first run of a process pays for JIT compilation, which a scaled clock reads as model time.
  if (target === 'sim') await runScenario(benchScenario('pooled', o.workloads[0]!), { target, seed: o.seeds[0]!, timeScale: o.timeScale });
  const runs: BenchRun[] = [];
  for (const wl of o.workloads) {
    for (const seed of o.seeds) {
      for (const strategy of strategies) {
        const record = await runScenario(benchScenario(strategy, wl), { target, seed, timeScale: o.timeScale });
        const requests = requestEvents(record);
        runs.push({ workload: wl.name, strategy, seed, metrics: runMetrics(record, expectedOps(wl), requests), requests });
        o.onRun?.(runs.length, total, `${wl.name} seed ${seed} ${strategy}`);
      }
    }
  }
  return {
    schema: BENCH_SCHEMA,
    environment: environment(o, target),
    workloads: o.workloads.map((w) => ({ ...w, concurrency: concurrencyOf(w), expectedOps: expectedOps(w) })),
    strategies: [...strategies],
    runs,
    summary: summarizeRuns(runs, o.workloads, strategies),
  };
}

function environment(o: BenchOptions, target: Target): BenchEnvironment {
  return {
    date: new Date().toISOString(),
    gitSha: git(['rev-parse', 'HEAD']),
    gitDirty: ((s) => (s === null ? null : s.length > 0))(git(['status', '--porcelain'])),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.availableParallelism(),
    target,
    timeScale: target === 'virtual' ? 0 : o.timeScale,
    seeds: [...o.seeds],
    profiles: [...new Set(o.workloads.map((w) => w.profile))],
    quick: Boolean(o.quick),
  };
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
