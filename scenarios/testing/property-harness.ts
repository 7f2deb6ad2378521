/**
 * Running one generated workload and checking the invariants; shared by the property tests, the
 * fixture replays and the script that records counterexamples.
 */
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

// The fast-check settings and the replay command are shared with the model-based tests.
export { propertyParams, replayLine } from '../../common/testing/property-params.ts';
