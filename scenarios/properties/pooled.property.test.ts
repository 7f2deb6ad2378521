/**
 * The recommended strategy against the gateway model, in virtual time, under arbitrary
 * workloads, interleavings (fast-check's scheduler picks the order of everything that is ready at
 * the same instant) and faults (drops, zombies, connectivity loss with and without data loss,
 * gateway restarts). Every invariant of invariants.ts must hold.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { propertyParams, violationFor } from '../testing/property-harness.ts';
import { workloadArb } from './workload.ts';

const FILE = 'scenarios/properties/pooled.property.test.ts';

describe('pooled collector against the gateway model', () => {
  it('keeps every invariant under arbitrary workloads, interleavings and faults', async () => {
    await fc.assert(
      fc.asyncProperty(workloadArb(), fc.scheduler(), fc.integer({ min: 1, max: 2 ** 30 }), async (w, s, seed) => {
        const v = await violationFor(w, 'pooled', { seed, scheduler: s });
        if (v) throw new Error(v);
      }),
      propertyParams(FILE, 100),
    );
  }, 120_000);
});
