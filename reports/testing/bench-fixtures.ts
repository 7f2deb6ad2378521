/** Small, fast bench results for tests: virtual time, two workloads, three seeds. */
import { summarizeRuns } from '../bench/aggregate.ts';
import { runBench } from '../bench/run.ts';
import type { BenchResults, BenchRun } from '../bench/schema.ts';
import { findWorkloads } from '../bench/workload.ts';

let cached: Promise<BenchResults> | undefined;

/** One virtual run of `2sym-1p1t` and `3sym-2p1t` over seeds 1–3 (deep-copied per call). */
export async function tinyResults(): Promise<BenchResults> {
  cached ??= runBench({ workloads: findWorkloads(['2sym-1p1t', '3sym-2p1t']), seeds: [1, 2, 3], target: 'virtual', timeScale: 0 });
  return structuredClone(await cached);
}

/** Change the runs of one strategy (all workloads) and recompute the summary, as a real run would have. */
export function alter(r: BenchResults, strategy: string, change: (run: BenchRun) => void, seeds?: readonly number[]): BenchResults {
  const out = structuredClone(r);
  for (const run of out.runs) if (run.strategy === strategy && (!seeds || seeds.includes(run.seed))) change(run);
  out.summary = summarizeRuns(out.runs, out.workloads, out.strategies);
  return out;
}
