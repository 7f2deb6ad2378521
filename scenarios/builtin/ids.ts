/** Client ids: random allocation collides, and a fast reconnect meets its own ghost. */
import type { Clock } from '../../common/clock.ts';
import { birthdayCollisionProbability } from '../../collector/ids/index.ts';
import { AAPL, actor, at, MSFT, range } from '../dsl.ts';
import { expectThat, judged } from '../expect.ts';
import type { Scenario } from '../types.ts';

const BATCHES = 40;
const TASKS_PER_BATCH = 30;
const ID_RANGE = 996; // 4..999

/**
 * Each batch's tasks stay connected until every task of the batch has connected (or been refused):
 * the birthday bound is about ids held at once. A fixed hold after connecting (it was 1 s of model
 * time, 50 real ms at scale 0.05) let a loaded host spread a batch's connects so far apart that few
 * ids were ever held together: 4 collisions against 17.5 expected, under two busy loops. Keyed by
 * the run's clock, so that every run (and each target) has its own batches.
 */
const batchesOfRun = new WeakMap<Clock, Map<number, { arrive(): void; all: Promise<void> }>>();
function batch(clock: Clock, b: number): { arrive(): void; all: Promise<void> } {
  let batches = batchesOfRun.get(clock);
  if (!batches) batchesOfRun.set(clock, (batches = new Map()));
  let it = batches.get(b);
  if (!it) {
    let left = TASKS_PER_BATCH;
    let release!: () => void;
    const all = new Promise<void>((r) => (release = r));
    it = { arrive: () => --left === 0 && release(), all };
    batches.set(b, it);
  }
  return it;
}

/** A task of batch `b`: connect with a random id, qualify AAPL, and hold the id until the whole batch has tried. */
const batchTask = (b: number, t: number) =>
  actor(
    `batch-${b}/task-${t}`,
    'worker',
    async (ctx) => {
      const mine = batch(ctx.clock, b);
      try {
        // A task that cannot connect ends there (the 326 is in the recorded history).
        if (
          await ctx.client.connect().then(
            () => true,
            () => false,
          )
        )
          await ctx.qualify(AAPL);
      } finally {
        mine.arrive();
      }
      await mine.all;
    },
    { at: (b - 1) * 2_000, closeWhenDone: true },
  );

export const randomIdBirthday: Scenario = {
  name: 'random-id-birthday',
  title: 'Random client ids in 4–999 collide at the birthday rate',
  problem:
    "The incident's worker fix picked random.randint(4, 999) per task. With 30 tasks connected at once the chance that two share an id is about 35% — each such pair is a 326 that looks like a gateway problem.",
  gateway: { profile: 'instant' },
  abusive: `${BATCHES * TASKS_PER_BATCH} connections in ${(BATCHES * 2_000) / 1000} s, colliding on client ids on purpose (error 326)`,
  timeScale: 0.05,
  maxModelMs: BATCHES * 2_000 + 10_000,
  processes: [
    {
      name: 'workers',
      strategy: 'task-random-id',
      actors: range(BATCHES).flatMap((b) => range(TASKS_PER_BATCH).map((t) => batchTask(b, t))),
    },
  ],
  expect: [
    expectThat.custom(`326 collisions match the birthday bound (${BATCHES} batches of ${TASKS_PER_BATCH} concurrent tasks)`, (run) => {
      const connects = run.ops('connect');
      const collisions = connects.filter((c) => c.end?.error?.code === 'CLIENT_ID_IN_USE').length;
      // Expected colliding pairs per batch: C(k,2)/n; over all batches a sum of near-Poisson counts.
      const pairs = (TASKS_PER_BATCH * (TASKS_PER_BATCH - 1)) / 2 / ID_RANGE;
      const mean = BATCHES * pairs;
      const sd = Math.sqrt(mean);
      const pBatch = birthdayCollisionProbability(TASKS_PER_BATCH, ID_RANGE);
      return judged(
        connects.length,
        Math.abs(collisions - mean) <= 3 * sd ||
          `${collisions} collisions; expected ${mean.toFixed(1)} ± ${(3 * sd).toFixed(1)} (P(a batch collides) = ${(pBatch * 100).toFixed(0)}%)`,
      );
    }),
  ],
};

export const fastReconnect: Scenario = {
  name: 'fast-reconnect',
  title: 'Reconnecting with the same id inside the grace period',
  problem:
    "After a connection dies without a clean close, the gateway keeps its client id 'in use' for a while (30–60 s reported). A collector that reconnects at once with the same id gets 326; one that leases ids marks it taken and connects with another.",
  gateway: { profile: 'lynx-paper' },
  timeScale: 0.05,
  needsControl: true,
  faults: [at(2_000, { kind: 'drop', match: { apiClient: true } }, 'both connections drop without a clean close')],
  processes: [
    {
      name: 'legacy',
      strategy: 'singleton',
      options: { singletonClientId: 7 },
      actors: [
        actor('page', 'ui', async (ctx) => {
          await ctx.qualify(AAPL);
          await ctx.sleep(3_000);
          await ctx.qualify(MSFT);
        }),
      ],
    },
    {
      name: 'pooled',
      strategy: 'pooled',
      actors: [
        actor('page', 'ui', async (ctx) => {
          await ctx.qualify(AAPL);
          await ctx.sleep(3_000);
          await ctx.qualify(MSFT);
        }),
      ],
    },
  ],
  expect: [
    expectThat.custom('the legacy singleton gets 326 when it reconnects with id 7', (run) => {
      const attempts = [...run.ops('connect'), ...run.ops('reconnect')].filter((c) => c.invoke.process === 'legacy');
      const refused = attempts.filter((c) => c.end?.error?.code === 'CLIENT_ID_IN_USE' && c.invoke.clientId === 7);
      return judged(attempts.length, refused.length >= 1 || 'no 326 for the legacy client');
    }),
    expectThat.custom('the pooled session reconnects with another id and qualifies MSFT', (run) => {
      const ids = run.connectionsByProcess().get('pooled') ?? new Set();
      const msft = run.qualifications('MSFT').filter((c) => c.invoke.process === 'pooled');
      const ok = msft.length === 1 && msft[0]!.end?.type === 'ok';
      return judged(msft.length, (ids.size >= 2 && ok) || `pooled used ids [${[...ids].join(', ')}], MSFT ${msft[0]?.end?.type ?? 'not asked'}`);
    }),
  ],
};
