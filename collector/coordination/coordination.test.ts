/**
 * One behaviour, three adapters: the same checks of leases (fencing tokens, expiry, 326 marks),
 * the pacing budget and the qualification cache run against the in-process store, the files
 * adapter and a real redis-server. Files and memory run in virtual time; Redis keeps its own
 * clock, so its expiry checks wait real milliseconds (short TTLs).
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../common/clock.ts';
import { pacedRequest } from '../../common/ib/pacing.ts';
import type { CoordinationUnavailable } from '../errors.ts';
import type { LeaseOwner } from '../ids/lease-store.ts';
import { waitFor } from '../testing/env.ts';
import {
  DEFAULT_BUDGET_RULES,
  FileCoordination,
  MemoryCoordination,
  openRedisCoordination,
  parseCoordination,
  type BudgetRules,
  type CoordinationStore,
  type RedisCoordination,
} from './index.ts';
import { redisAvailable, startRedis, type RedisServer } from './testing/redis-server.ts';

const gateway = '127.0.0.1:4002';
const owner = (token: string): LeaseOwner => ({ pid: process.pid, token, role: 'worker' });
/** A process of this host that has died, as every rig's `isAlive` sees it. */
const DEAD_PID = 2 ** 30;
const isAlive = (pid: number) => pid !== DEAD_PID;
const rules: BudgetRules = { ...DEFAULT_BUDGET_RULES, marginMs: 0 };
const req = (conId: number, duration = '1 D', whatToShow = 'TRADES') =>
  pacedRequest({ conId, exchange: 'SMART', endDateTime: '', duration, barSize: '1 min', whatToShow, useRTH: true });
const contract = {
  conId: 1,
  symbol: 'AAPL',
  secType: 'STK',
  exchange: 'SMART',
  primaryExchange: 'NASDAQ',
  currency: 'USD',
  localSymbol: 'AAPL',
  longName: 'APPLE INC',
  timeZoneId: 'US/Eastern',
};

interface Rig {
  store: CoordinationStore;
  /** The rig's time: virtual, or wall time for Redis (whose clock is real). */
  now(): number;
  /** Let `ms` of the store's time pass. */
  advance(ms: number): Promise<void>;
  /** How far apart two readings of the store's time may be within one check (0 in virtual time). */
  slackMs: number;
  close(): Promise<void>;
}

const haveRedis = redisAvailable();
let redis: RedisServer | undefined;
let prefixes = 0;

beforeAll(async () => {
  if (!haveRedis) return;
  redis = await startRedis();
  await pastFirstRecovery();
});
afterAll(async () => {
  await redis?.stop();
});

/**
 * A fresh server's namespaces recover until the second after its start (LASTSAVE has whole
 * seconds) plus `recoveryMs`: these tests, with `recoveryMs` 0, start after that.
 */
function pastFirstRecovery(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1_100));
}

const rigs: Array<[string, boolean, () => Promise<Rig>]> = [
  [
    'memory',
    true,
    async () => {
      const clock = new VirtualClock();
      return {
        store: new MemoryCoordination(clock, { isAlive }),
        now: () => clock.now(),
        advance: (ms) => clock.advance(ms),
        slackMs: 0,
        close: async () => {},
      };
    },
  ],
  [
    'files',
    true,
    async () => {
      const clock = new VirtualClock();
      const dir = await fs.mkdtemp(path.join(tmpdir(), 'coord-files-'));
      const store = new FileCoordination({ dir, clock, isAlive });
      return {
        store,
        now: () => clock.now(),
        advance: (ms) => clock.advance(ms),
        slackMs: 0,
        close: async () => {
          await store.close();
          await fs.rm(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'redis',
    haveRedis,
    async () => {
      const spec = parseCoordination(`${redis!.url}/0?prefix=t${process.pid}x${prefixes++}`);
      if (spec.kind !== 'redis') throw new Error('expected a redis spec');
      const store = await openRedisCoordination(spec, { recoveryMs: 0, isAlive });
      // Slack: what a loaded host (the whole suite on two cores) was seen to put between two steps.
      return { store, now: () => Date.now(), advance: (ms) => new Promise((r) => setTimeout(r, ms)), slackMs: 150, close: () => store.close() };
    },
  ],
];

describe.each(rigs)('coordination store: %s', (_name, enabled, make) => {
  let rig: Rig;
  afterEach(async () => {
    await rig?.close();
  });

  it.runIf(enabled)('hands an id to one holder at a time, with a fencing token greater than every earlier one', async () => {
    rig = await make();
    const { leases } = rig.store;
    const a = (await leases.tryAcquire({ gateway, clientId: 5 }, owner('a'), 10_000))!;
    expect(a).toMatchObject({ clientId: 5, owner: { token: 'a' } });
    expect(await leases.tryAcquire({ gateway, clientId: 5 }, owner('b'), 10_000)).toBeNull();
    expect(await leases.validate(a)).toBe(true);
    const others = [];
    for (const id of [6, 7, 8]) others.push((await leases.tryAcquire({ gateway, clientId: id }, owner('b'), 10_000))!);
    const fences = [a, ...others].map((l) => l.fence);
    expect([...fences].sort((x, y) => x - y)).toEqual(fences);
    expect(new Set(fences).size).toBe(4);
    await leases.release(a);
    expect(await leases.validate(a)).toBe(false);
    const b = (await leases.tryAcquire({ gateway, clientId: 5 }, owner('b'), 10_000))!;
    expect(b.fence).toBeGreaterThan(Math.max(...fences));
    // The old holder can neither renew nor release the new holder's lease.
    expect(await leases.renew(a)).toBeNull();
    await leases.release(a);
    expect(await leases.validate(b)).toBe(true);
  });

  it.runIf(enabled)('lets a renewed lease live on, and gives an expired one to the next holder', async () => {
    rig = await make();
    const { leases } = rig.store;
    // A TTL of a second: Redis judges expiry on its own (real) clock, and a loaded host may stall
    // this process for a few hundred ms between two steps.
    const ttl = 1_000;
    const acquiredFrom = rig.now();
    const a = (await leases.tryAcquire({ gateway, clientId: 9 }, owner('a'), ttl))!;
    await rig.advance(ttl / 2);
    const renewedAt = rig.now();
    const renewed = await leases.renew(a);
    if (renewed === null) {
      // Refused only if the host slept past the lease's expiry before renewing (seen once, in a
      // full run beside other work); then that is what must have happened.
      expect(rig.now() - acquiredFrom).toBeGreaterThanOrEqual(ttl - rig.slackMs);
      return;
    }
    await rig.advance((ttl * 2) / 3);
    const refused = await leases.tryAcquire({ gateway, clientId: 9 }, owner('b'), ttl);
    // (Real time on a loaded host may have slept past the renewed expiry: then nothing to check.)
    if (rig.now() < renewedAt + ttl - rig.slackMs) expect(refused).toBeNull();
    else if (refused) return;
    await rig.advance(ttl / 2 + rig.slackMs);
    const b = (await leases.tryAcquire({ gateway, clientId: 9 }, owner('b'), ttl))!;
    expect(b).not.toBeNull();
    expect(b.fence).toBeGreaterThan(a.fence);
    expect(await leases.renew(renewed)).toBeNull();
    expect(await leases.validate(renewed)).toBe(false);
  });

  it.runIf(enabled)('keeps an id off-limits after a 326 for the later of two marks, then frees it', async () => {
    rig = await make();
    const { leases } = rig.store;
    // Marks of 2 s and 0.5 s: Redis judges them on its own (real) clock, and a loaded host may
    // stall this process for hundreds of ms between two steps.
    const markedAt = rig.now();
    await leases.markTaken(gateway, 11, 2_000);
    await leases.markTaken(gateway, 11, 500);
    expect(await leases.tryAcquire({ gateway, clientId: 11 }, owner('a'), 1000)).toBeNull();
    const listed = await leases.list(gateway);
    expect(listed).toMatchObject([{ kind: 'taken', clientId: 11, live: true }]);
    await rig.advance(1_000);
    const refused = await leases.tryAcquire({ gateway, clientId: 11 }, owner('a'), 1000);
    // (Real time on a loaded host may have slept past the mark: then nothing to check.)
    if (rig.now() < markedAt + 2_000 - rig.slackMs) expect(refused).toBeNull();
    if (refused) return;
    await rig.advance(1_000 + rig.slackMs);
    expect(await leases.tryAcquire({ gateway, clientId: 11 }, owner('a'), 1000)).not.toBeNull();
  });

  it.runIf(enabled)('lists the leases of one gateway with owner and fencing token', async () => {
    rig = await make();
    const { leases } = rig.store;
    const a = (await leases.tryAcquire({ gateway, clientId: 4 }, owner('a'), 10_000))!;
    await leases.tryAcquire({ gateway: '127.0.0.1:4001', clientId: 5 }, owner('a'), 10_000);
    const listed = await leases.list(gateway);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ kind: 'lease', clientId: 4, fence: a.fence, live: true, owner: { token: 'a', pid: process.pid } });
  });

  it.runIf(enabled)('at start, frees at once the leases of every login held by processes of this host that died; live ones stay', async () => {
    rig = await make();
    const { leases } = rig.store;
    const other = '127.0.0.1:4001';
    const dead = { pid: DEAD_PID, token: 'dead', role: 'worker' };
    const deadHere = (await leases.tryAcquire({ gateway, clientId: 12 }, dead, 10_000))!;
    const deadThere = (await leases.tryAcquire({ gateway: other, clientId: 14 }, dead, 10_000))!;
    const live = (await leases.tryAcquire({ gateway: other, clientId: 13 }, owner('live'), 10_000))!;
    expect(await leases.reclaimStale()).toBe(2);
    expect(await leases.validate(deadHere)).toBe(false);
    expect(await leases.validate(deadThere)).toBe(false);
    expect(await leases.validate(live)).toBe(true);
    expect(await leases.list(gateway)).toEqual([]);
    expect((await leases.list(other)).map((e) => e.clientId)).toEqual([13]);
    expect(await leases.reclaimStale()).toBe(0);
    const next = (await leases.tryAcquire({ gateway, clientId: 12 }, owner('next'), 10_000))!;
    expect(next.fence).toBeGreaterThan(deadHere.fence);
  });

  it.runIf(enabled)('spaces identical requests, caps one contract at 5 per 2 s, and lets the rest through', async () => {
    rig = await make();
    const budget = rig.store.pacing(gateway);
    const chargedAt = rig.now();
    expect(await budget.tryCharge({ req: req(1), messages: 1 }, rules)).toEqual({ granted: true });
    const again = await budget.tryCharge({ req: req(1), messages: 1 }, rules);
    // The wait left is 15 s less the time that passed between the two calls (model time on the
    // virtual rigs: none; wall time on Redis, which a loaded host can stretch past slackMs).
    const passed = Math.max(rig.slackMs, rig.now() - chargedAt);
    expect(again).toMatchObject({ granted: false, reason: 'identical' });
    expect((again as { retryInMs: number }).retryInMs).toBeGreaterThan(15_000 - passed - 1);
    expect((again as { retryInMs: number }).retryInMs).toBeLessThanOrEqual(15_000);
    for (const d of ['2 D', '3 D', '4 D', '5 D']) expect(await budget.tryCharge({ req: req(1, d), messages: 1 }, rules)).toEqual({ granted: true });
    expect(await budget.tryCharge({ req: req(1, '6 D'), messages: 1 }, rules)).toMatchObject({ granted: false, reason: 'same-contract' });
    // Another whatToShow and another contract are other budgets.
    expect(await budget.tryCharge({ req: req(1, '6 D', 'MIDPOINT'), messages: 1 }, rules)).toEqual({ granted: true });
    expect(await budget.tryCharge({ req: req(2, '6 D'), messages: 1 }, rules)).toEqual({ granted: true });
    // One login's budget is not another's.
    expect(await rig.store.pacing('127.0.0.1:4001').tryCharge({ req: req(1), messages: 1 }, rules)).toEqual({ granted: true });
  });

  it.runIf(enabled)('counts 50 messages per second, and a pause holds historical requests only', async () => {
    rig = await make();
    const budget = rig.store.pacing(gateway);
    // Sent together (pipelined to Redis), so that all 50 land within the 1 s window however slow the host.
    const first = await Promise.all(Array.from({ length: 50 }, () => budget.tryCharge({ req: null, messages: 1 }, rules)));
    expect(first).toEqual(Array.from({ length: 50 }, () => ({ granted: true })));
    expect(await budget.tryCharge({ req: null, messages: 1 }, rules)).toMatchObject({ granted: false, reason: 'messages' });
    await rig.advance(1_000 + rig.slackMs);
    await budget.pause(60_000);
    expect(await budget.tryCharge({ req: req(3), messages: 1 }, rules)).toMatchObject({ granted: false, reason: 'paused' });
    expect(await budget.tryCharge({ req: null, messages: 1 }, rules)).toEqual({ granted: true });
  });

  it.runIf(enabled)('judges by when a request was sent: a send delayed past the margin holds the window from its send instant', async () => {
    rig = await make();
    const budget = rig.store.pacing(gateway);
    // Small real-time windows (Redis keeps its own clock): 1 request and 1 message per 300 ms.
    const tight: BudgetRules = { ...rules, windowMs: 300, windowMax: 1, messageWindowMs: 300, maxMessages: 1 };
    const late = await budget.tryCharge({ req: req(11), messages: 1, sendWithinMs: 5_000 }, tight);
    expect(late).toMatchObject({ granted: true, chargeId: expect.any(String) });
    const chargeId = (late as { chargeId: string }).chargeId;
    // Past the window counted from the charge, but the request has not gone out yet: it may go
    // out at any moment, so it still counts. (Judged by charge instants, the next one went through
    // here, and the gateway then saw both within 300 ms.)
    await rig.advance(400 + rig.slackMs);
    expect(await budget.tryCharge({ req: req(12), messages: 1 }, tight)).toMatchObject({ granted: false, reason: 'window' });
    expect(await budget.tryCharge({ req: null, messages: 1 }, tight)).toMatchObject({ granted: false, reason: 'messages' });
    // It goes out now: the window runs from this send instant, not from its charge 400 ms earlier.
    const sentFrom = rig.now();
    await budget.markSent(chargeId);
    for (const charge of [
      { req: req(12), messages: 1 },
      { req: null, messages: 1 },
    ]) {
      const held = await budget.tryCharge(charge, tight);
      expect(held).toMatchObject({ granted: false, reason: charge.req ? 'window' : 'messages' });
      // The window's rest, counted from the send: no more than has passed since the call to mark
      // it (a loaded host can stretch that past slackMs; measured, not assumed).
      const passed = Math.max(rig.slackMs, rig.now() - sentFrom);
      expect((held as { retryInMs: number }).retryInMs).toBeGreaterThan(300 - passed - 1);
      expect((held as { retryInMs: number }).retryInMs).toBeLessThanOrEqual(300);
    }
    await rig.advance(300 + rig.slackMs);
    expect(await budget.tryCharge({ req: req(12), messages: 1 }, tight)).toEqual({ granted: true });
    // Marking an unknown or an already marked charge changes nothing.
    await budget.markSent('no-such-charge');
    await budget.markSent(chargeId);
    await rig.advance(300 + rig.slackMs);
    // A grant never used (its process died) counts until the window after its send deadline has passed.
    expect(await budget.tryCharge({ req: req(13), messages: 1, sendWithinMs: 1_000 }, tight)).toMatchObject({ granted: true });
    await rig.advance(300 + rig.slackMs);
    expect(await budget.tryCharge({ req: req(14), messages: 1 }, tight)).toMatchObject({ granted: false, reason: 'window' });
    await rig.advance(1_000 + rig.slackMs);
    expect(await budget.tryCharge({ req: req(14), messages: 1 }, tight)).toEqual({ granted: true });
  });

  it.runIf(enabled)('shares qualifications until they expire', async () => {
    rig = await make();
    const cache = rig.store.qualifications(gateway);
    expect(await cache.get('AAPL|USD')).toBeUndefined();
    await cache.put('AAPL|USD', contract, 300);
    expect(await cache.get('AAPL|USD')).toEqual(contract);
    expect(await rig.store.qualifications('127.0.0.1:4001').get('AAPL|USD')).toBeUndefined();
    await rig.advance(300 + rig.slackMs);
    expect(await cache.get('AAPL|USD')).toBeUndefined();
  });
});

describe.runIf(haveRedis)('coordination store: Redis going away and coming back', () => {
  let server: RedisServer;
  /** Stores of one namespace, as processes sharing it would open them. */
  const open = async (recoveryMs: number, n = 1) => {
    const spec = parseCoordination(`${server.url}/0?prefix=gone${prefixes++}`);
    if (spec.kind !== 'redis') throw new Error('expected a redis spec');
    return Promise.all(Array.from({ length: n }, () => openRedisCoordination(spec, { recoveryMs })));
  };
  const owned: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    server = await startRedis();
    await pastFirstRecovery();
  });
  afterEach(async () => {
    for (const s of owned.splice(0)) await s.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('says it is unreachable, naming the store, with a hint; takes nothing meanwhile; works again when it is back', async () => {
    const store = (await open(0))[0]!;
    owned.push(store);
    const before = (await store.leases.tryAcquire({ gateway, clientId: 4 }, owner('a'), 60_000))!;
    await server.kill();
    const err = await store.leases.tryAcquire({ gateway, clientId: 5 }, owner('a'), 60_000).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'COORDINATION_UNAVAILABLE', reason: 'unreachable', retryable: true });
    expect((err as Error).message).toMatch(
      new RegExp(
        `coordination store redis://127\\.0\\.0\\.1:${server.port}/0 \\(prefix gone\\d+\\) is unreachable; cannot lease a client id: .*Hint: is redis-server running`,
      ),
    );
    await expect(store.pacing(gateway).tryCharge({ req: req(1), messages: 1 }, rules)).rejects.toMatchObject({ code: 'COORDINATION_UNAVAILABLE' });
    expect(store.status()).toMatchObject({ state: 'unavailable' });
    // A cache that cannot be reached is a miss, not a failure.
    expect(await store.qualifications(gateway).get('AAPL|USD')).toBeUndefined();
    await server.restart();
    await waitFor(() => store.status().state === 'ok', 10_000, 'the link to reconnect');
    // Back, empty, and so recovering for up to a second (recoveryMs 0): then leases again.
    let after: Awaited<ReturnType<typeof store.leases.tryAcquire>> = null;
    for (let i = 0; i < 100 && !after; i++) {
      after = await store.leases.tryAcquire({ gateway, clientId: 5 }, owner('a'), 60_000).catch((e: unknown) => {
        expect(e).toMatchObject({ reason: 'recovering' });
        return null;
      });
      if (!after) await new Promise((r) => setTimeout(r, 50));
    }
    expect(after!.fence).toBeGreaterThan(before.fence);
  });

  it('after losing its data it recovers for one TTL: no new lease, holders re-assert theirs, fencing tokens keep increasing', async () => {
    const recoveryMs = 300;
    const [a, b] = (await open(recoveryMs, 2)) as [RedisCoordination, RedisCoordination];
    owned.push(a, b);
    const issued: number[] = [];
    let held: Awaited<ReturnType<typeof a.leases.tryAcquire>> = null;
    // Past the recovery of the fresh server (refused meanwhile).
    for (let i = 0; i < 100 && !held; i++) {
      held = await a.leases.tryAcquire({ gateway, clientId: 7 }, owner('a'), 60_000).catch(() => null);
      if (!held) await new Promise((r) => setTimeout(r, 50));
    }
    const other = (await a.leases.tryAcquire({ gateway, clientId: 8 }, owner('a'), 60_000))!;
    issued.push(held!.fence, other.fence);

    await server.restart(); // empty: every lease, the fencing counter, the recovery record are gone
    await waitFor(() => a.status().state === 'ok' && b.status().state === 'ok', 10_000, 'both links to reconnect');
    const refused = await b.leases.tryAcquire({ gateway, clientId: 9 }, owner('b'), 60_000).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'COORDINATION_UNAVAILABLE', reason: 'recovering' });
    expect((refused as CoordinationUnavailable).retryAfterWallMs).toBeGreaterThan(0);
    expect(await b.pacing(gateway).tryCharge({ req: req(1), messages: 1 }, rules)).toMatchObject({ granted: false, reason: 'recovering' });
    // The holder of 7 re-asserts it; 8's holder does not, and loses it once the recovery is over.
    const reasserted = (await a.leases.renew(held!))!;
    expect(reasserted).not.toBeNull();
    expect(await a.leases.validate(reasserted)).toBe(true);
    await new Promise((r) => setTimeout(r, (refused as CoordinationUnavailable).retryAfterWallMs! + 20));
    expect(await b.leases.tryAcquire({ gateway, clientId: 7 }, owner('b'), 60_000)).toBeNull();
    const taken = (await b.leases.tryAcquire({ gateway, clientId: 8 }, owner('b'), 60_000))!;
    expect(await a.leases.renew(other)).toBeNull();
    expect(taken.fence).toBeGreaterThan(Math.max(...issued));
  });
});
