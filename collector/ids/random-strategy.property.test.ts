import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../common/clock.ts';
import { Rng } from '../../common/rng.ts';
import { ClientIdAllocator, InMemoryLeaseStore, RandomIdStrategy, birthdayCollisionProbability } from './index.ts';

const roles = { ui: { fixed: 1 }, workers: { min: 4, max: 999 } };
const WORKER_IDS = 996;
const TRIALS = 5000;

/** Fraction of trials in which k concurrent tasks drawing like the incident got a duplicate id. */
function empiricalCollisionRate(k: number, seed: number): number {
  const strategy = new RandomIdStrategy(roles, new Rng(seed));
  let collisions = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const seen = new Set<number>();
    for (let task = 0; task < k; task++) {
      const id = strategy.draw('workers').clientId;
      if (seen.has(id)) {
        collisions++;
        break;
      }
      seen.add(id);
    }
    // Tasks that break early leave draws unused; the next trial starts fresh either way.
  }
  return collisions / TRIALS;
}

describe('RandomIdStrategy collision rate', () => {
  it('matches the birthday bound 1 - prod(1 - i/996) for k concurrent tasks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer(), (k, seed) => {
        const expected = birthdayCollisionProbability(k, WORKER_IDS);
        const observed = empiricalCollisionRate(k, seed);
        // Five standard errors of a binomial proportion, plus a little for tiny p.
        const tolerance = 5 * Math.sqrt((expected * (1 - expected)) / TRIALS) + 0.003;
        expect(Math.abs(observed - expected)).toBeLessThanOrEqual(tolerance);
      }),
      { numRuns: 100 },
    );
  });

  it('quotes the numbers that matter for the incident', () => {
    expect(birthdayCollisionProbability(2, WORKER_IDS)).toBeCloseTo(1 / 996, 6);
    expect(birthdayCollisionProbability(10, WORKER_IDS)).toBeCloseTo(0.0443, 3);
    expect(birthdayCollisionProbability(38, WORKER_IDS)).toBeGreaterThan(0.5);
    expect(birthdayCollisionProbability(997, WORKER_IDS)).toBe(1);
  });

  it('the coordinated allocator never collides for the same k', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 60 }), async (k) => {
        const clock = new VirtualClock();
        const store = new InMemoryLeaseStore({ clock });
        const tasks = Array.from({ length: k }, (_, i) => new ClientIdAllocator({ store, clock, gateway: 'gw', roles, pid: 100 + i }));
        const leases = await Promise.all(tasks.map((t) => t.lease('workers')));
        expect(new Set(leases.map((l) => l.clientId)).size).toBe(k);
        for (const t of tasks) t.halt();
      }),
      { numRuns: 100 },
    );
  });
});
