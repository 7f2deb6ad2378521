/**
 * The regression gate is deterministic by default: in virtual time, rerunning one commit passes
 * every time, whatever else the machine (here: nine other benches on the same event loop) is
 * doing, and a gateway whose service time is 10% longer fails every time. Ten trials, each on
 * its own seed, all at once.
 */
import { describe, expect, it } from 'vitest';
import { getProfile, type ProfileOverrides } from '../../simulator/model/profile.ts';
import { rerun } from '../cli/report.ts';
import { compareResults } from './compare.ts';
import { runBench } from './run.ts';
import { findWorkloads } from './workload.ts';

const WORKLOADS = findWorkloads(['3sym-2p1t']);
const TRIALS = Array.from({ length: 10 }, (_, i) => i + 1);
const quiet = () => {};

/** Every part of a contract-details service time 10% longer: base, contention and throttle penalties. */
function serviceTimePlus10(profile: string): ProfileOverrides {
  const s = getProfile(profile).secdef;
  const k = 1.1;
  return {
    secdef: {
      service: { median: s.service.median * k },
      perOtherClientMs: s.perOtherClientMs * k,
      perWaitingClientMs: s.perWaitingClientMs * k,
      throttle: { penaltyMs: s.throttle.penaltyMs * k, perExcessMs: s.throttle.perExcessMs * k },
    },
  };
}

describe('the regression gate in virtual time (the default target)', () => {
  it('passes 10 reruns of one commit and fails an injected +10% service time 10 times out of 10', async () => {
    const trials = await Promise.all(
      TRIALS.map(async (seed) => {
        const baseline = await runBench({ workloads: WORKLOADS, seeds: [seed], target: 'virtual', timeScale: 0 });
        const [again, slower] = await Promise.all([
          rerun(baseline, quiet),
          runBench({ workloads: WORKLOADS, seeds: [seed], target: 'virtual', timeScale: 0, overrides: serviceTimePlus10('lynx-paper') }),
        ]);
        return { unchanged: compareResults(baseline, again), injected: compareResults(baseline, slower) };
      }),
    );
    // Ten passes, each judging every gated figure of every strategy (not a pass on nothing).
    expect(trials.map((t) => t.unchanged.regressions.length)).toEqual(TRIALS.map(() => 0));
    for (const t of trials) expect(t.unchanged.gated).toBe(5 * 10);
    // Ten failures, each naming a model-time figure that grew past the 1% tolerance.
    expect(trials.map((t) => t.injected.regressions.length > 0)).toEqual(TRIALS.map(() => true));
    for (const t of trials) {
      expect(t.injected.regressions.some((d) => d.kind === 'model' && /\(\+\d+\.\d% > 1%\)$/.test(d.why ?? ''))).toBe(true);
      expect(t.injected.notes.join('\n')).toContain('overrides the gateway profile');
    }
  });
});
