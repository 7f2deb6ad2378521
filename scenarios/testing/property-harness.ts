/**
 * Running one generated workload and checking the invariants; shared by the property tests, the
 * fixture replays and the script that records counterexamples.
 */
import fc from 'fast-check';
import { openStore } from '../../collector/store/index.ts';
import type { StrategyName } from '../../collector/strategies/index.ts';
import { runScenario, type Interleaver } from '../runner.ts';
import type { Target } from '../types.ts';
import { firstViolation } from '../properties/invariants.ts';
import { scenarioFor, type Workload } from '../properties/workload.ts';

/** Run `w` with `strategy`; resolves with the first broken invariant, or undefined. */
export async function violationFor(
  w: Workload,
  strategy: StrategyName,
  opts: { seed: number; target?: Target; scheduler?: Interleaver; timeScale?: number; invariants?: string[] },
): Promise<string | undefined> {
  const store = openStore(':memory:');
  try {
    const record = await runScenario(scenarioFor(w, strategy), {
      target: opts.target ?? 'virtual',
      seed: opts.seed,
      store,
      ...(opts.scheduler ? { scheduler: opts.scheduler } : {}),
      ...(opts.timeScale ? { timeScale: opts.timeScale } : {}),
    });
    return firstViolation(record, store, opts.invariants);
  } finally {
    store.close();
  }
}

/**
 * fast-check parameters: `PROPERTY_SEED` and `PROPERTY_PATH` replay one reported failure; every
 * failure report ends with the command that does that.
 */
export function propertyParams(testFile: string, numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.PROPERTY_SEED;
  const path = process.env.PROPERTY_PATH;
  return {
    numRuns,
    ...(seed ? { seed: Number(seed), ...(path ? { path, endOnFailure: true } : {}) } : {}),
    asyncReporter: async (details) => {
      if (!details.failed) return;
      const message = await fc.asyncDefaultReportMessage(details);
      throw new Error(`${message}\n\nReplay this failure:\n  ${replayLine(testFile, details.seed, details.counterexamplePath)}`);
    },
  };
}

export function replayLine(testFile: string, seed: number, path: string | null): string {
  return `PROPERTY_SEED=${seed}${path ? ` PROPERTY_PATH="${path}"` : ''} npx vitest run --project properties ${testFile}`;
}
