/**
 * The incident's worker fix — a new connection per task with `random.randint(4, 999)` as client
 * id — against the pooled strategy, on the same generated workloads (virtual time, model
 * connector). For random ids, every run must show exactly as many 326s as the drawn ids have
 * duplicates, and over the runs collisions must occur at the rate the birthday bound predicts.
 * Pooled, spread over several processes sharing a lease store, must never earn a 326.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientIdInUse } from './errors.ts';
import { birthdayCollisionProbability, InMemoryLeaseStore } from './ids/index.ts';
import type { ContractSpec } from './gateway-client.ts';
import { createStrategy, type ConnectionStrategy } from './strategies/index.ts';
import { AAPL, AMD, MSFT, TSLA, TTE, WLN, drive, errorsSent, startApiIds, strategyDeps, virtualEnv } from './testing/env.ts';

const SPECS: ContractSpec[] = [AAPL, MSFT, TSLA, AMD, TTE, WLN];
const WORKER_IDS = 999 - 4 + 1;
const RUNS = 120;

const workload = fc.record({
  tasks: fc.integer({ min: 10, max: 60 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  processes: fc.integer({ min: 1, max: 8 }),
  symbols: fc.array(fc.integer({ min: 0, max: SPECS.length - 1 }), { minLength: 60, maxLength: 60 }),
});
type Workload = typeof workload extends fc.Arbitrary<infer T> ? T : never;

/** A gateway that admits any number of clients, so only client ids can clash. */
function gateway(seed: number) {
  return virtualEnv({ seed: 1 + (seed % 1000), overrides: { connections: { maxClients: 1_000 } } });
}

interface Outcome {
  ok: number;
  inUse: number;
  otherErrors: unknown[];
  errors326: number;
  ids: number[];
}

async function runTasks(env: ReturnType<typeof gateway>, strategies: ConnectionStrategy[], w: Workload): Promise<Outcome> {
  const tasks = Array.from({ length: w.tasks }, async (_, i) => {
    const strategy = strategies[i % strategies.length]!;
    const client = strategy.client({ actor: `${i % strategies.length}/task-${i}`, role: 'worker' });
    try {
      return await client.qualify(SPECS[w.symbols[i]!]!);
    } finally {
      await client.close();
    }
  });
  const settled = await drive(env.clock, Promise.allSettled(tasks), { limitMs: 600_000 });
  for (const s of strategies) await s.close();
  const out: Outcome = { ok: 0, inUse: 0, otherErrors: [], errors326: errorsSent(env.gateway, 326).length, ids: startApiIds(env.gateway) };
  for (const s of settled) {
    if (s.status === 'fulfilled' && s.value.kind === 'qualified') out.ok++;
    else if (s.status === 'rejected' && s.reason instanceof ClientIdInUse) out.inUse++;
    else out.otherErrors.push(s.status === 'rejected' ? s.reason : s.value);
  }
  return out;
}

describe('client-id collisions: task-random-id vs pooled', () => {
  it(`random ids collide as the birthday bound predicts; pooled never gets a 326 (${RUNS} runs)`, async () => {
    const runs: Array<{ tasks: number; collided: boolean }> = [];

    await fc.assert(
      fc.asyncProperty(workload, async (w) => {
        // task-random-id: every task draws its own id, connects, qualifies, disconnects.
        const env = gateway(w.seed);
        const kit = strategyDeps(env.connector, env.clock, { seed: w.seed });
        const random = await runTasks(env, [createStrategy('task-random-id', kit.deps)], w);
        kit.store.close();
        const duplicates = random.ids.length - new Set(random.ids).size;
        expect(random.ids).toHaveLength(w.tasks);
        expect(random.otherErrors).toEqual([]);
        // All tasks log in at once, so a 326 happens exactly for each repeated id.
        expect(random.errors326).toBe(duplicates);
        expect(random.inUse).toBe(duplicates);
        expect(random.ok).toBe(w.tasks - duplicates);
        runs.push({ tasks: w.tasks, collided: duplicates > 0 });

        // pooled: the same tasks over `processes` processes that share one lease store.
        const env2 = gateway(w.seed);
        const leaseStore = new InMemoryLeaseStore({ clock: env2.clock });
        const kits = Array.from({ length: w.processes }, (_, p) =>
          strategyDeps(env2.connector, env2.clock, { seed: w.seed, process: `worker-${p}`, leaseStore }),
        );
        const pooled = await runTasks(
          env2,
          kits.map((k) => createStrategy('pooled', k.deps)),
          w,
        );
        for (const k of kits) k.store.close();
        expect(pooled.errors326).toBe(0);
        expect(pooled.inUse).toBe(0);
        expect(pooled.otherErrors).toEqual([]);
        expect(pooled.ok).toBe(w.tasks);
        // One connection per process, each with its own id.
        expect(pooled.ids).toHaveLength(Math.min(w.processes, w.tasks));
        expect(new Set(pooled.ids).size).toBe(pooled.ids.length);
      }),
      { numRuns: RUNS },
    );

    // Over the runs: collisions do happen, at the birthday-bound rate (Poisson-binomial, ±4 σ).
    const expected = runs.reduce((s, r) => s + birthdayCollisionProbability(r.tasks, WORKER_IDS), 0);
    const variance = runs.reduce((s, r) => {
      const p = birthdayCollisionProbability(r.tasks, WORKER_IDS);
      return s + p * (1 - p);
    }, 0);
    const observed = runs.filter((r) => r.collided).length;
    expect(runs.length).toBe(RUNS);
    expect(observed).toBeGreaterThan(0);
    expect(
      Math.abs(observed - expected),
      `observed ${observed} runs with a collision, expected ${expected.toFixed(1)} ± ${Math.sqrt(variance).toFixed(1)}`,
    ).toBeLessThanOrEqual(4 * Math.sqrt(variance) + 1);
  });
});
