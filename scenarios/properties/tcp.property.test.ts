/**
 * A smaller set of the same properties over real TCP: the in-process simulator, the real
 * @stoqey/ib client, time scaled 20x. What virtual time cannot show — socket framing, the client
 * library's own event order, real timers — is exercised here on generated workloads with faults.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { propertyParams, violationFor } from '../testing/property-harness.ts';
import { workloadArb } from './workload.ts';

const FILE = 'scenarios/properties/tcp.property.test.ts';

describe('pooled collector against the simulator over TCP', () => {
  it('keeps every invariant on generated workloads with faults', async () => {
    await fc.assert(
      fc.asyncProperty(workloadArb({ maxProcesses: 2 }), fc.integer({ min: 1, max: 2 ** 30 }), async (w, seed) => {
        const v = await violationFor(w, 'pooled', { seed, target: 'sim', timeScale: 0.05 });
        if (v) throw new Error(v);
      }),
      propertyParams(FILE, 10),
    );
  }, 120_000);
});
