/**
 * Model-based test of the client-id allocator (allocator.ts) over both lease stores: several
 * simulated processes share one store (a Map, or a real directory of lease files) and lease,
 * release, mark ids in use after a 326, crash, hang, and let time pass (heartbeats renew).
 *
 * The reference model says who holds which id; its rules, a line each in `Reference` below:
 *  - a holder is a lease of a running process, or of a hung one (alive but silent) until its last
 *    renewal + ttl; a crashed process (pid gone) holds nothing from the moment it dies;
 *  - a running process renews every `heartbeatMs`, so its lease runs until the last beat + ttl
 *    and is never lost;
 *  - after a 326 the id is off-limits until the latest grace period marked for it (the gateway
 *    keeps an id for a while after an unclean exit: docs/wire-facts/gateway.md, "Grace period
 *    after an unclean exit");
 *  - `lease` gives the lowest id of the role's range that no holder has, no 326 mark covers and the
 *    caller did not exclude ('lowest' order; 'seeded' order gives any such id), and fails with
 *    ClientIdsExhausted when there is none.
 * After every command the store must list exactly the model's holders (id, owner pid, expiry) and
 * marks, so no id is ever held twice, and every lease of a running process is still held.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../common/clock.ts';
import { Rng } from '../../common/rng.ts';
import { always, checkedBy, expectAgreement, timeCommands } from '../../common/testing/model-commands.ts';
import { commandsConstraints, propertyParams } from '../../common/testing/property-params.ts';
import { ClientIdsExhausted } from '../errors.ts';
import { TrackedLeaseStore } from '../testing/tracked-lease-store.ts';
import { ClientIdAllocator, FileLeaseStore, InMemoryLeaseStore, type ClientIdLease } from './index.ts';

const FILE = 'collector/ids/allocator.property.test.ts';
const gateway = 'gw:4002';
const roles = { ui: { fixed: 1 }, workers: { min: 4, max: 9 } };
const RANGE = { ui: [1], workers: [4, 5, 6, 7, 8, 9] } as const;
const ttlMs = 30_000;
const heartbeatMs = 10_000;
const SLOTS = 3;

type Role = keyof typeof RANGE;
type Order = 'lowest' | 'seeded';

interface ModelLease {
  id: number;
  pid: number;
  acquiredAt: number;
}

interface Model {
  order: Order;
  now: number;
  /** Per process slot: its pid and the leases it holds. A crash or hang restarts the slot under a new pid. */
  procs: Array<{ pid: number; leases: ModelLease[] }>;
  /** Leases of hung processes with the expiry their last renewal gave them. */
  hung: Array<ModelLease & { expiresAt: number }>;
  /** Client id → end of its 326 grace period. */
  taken: Map<number, number>;
  nextPid: number;
}

interface Real {
  clock: VirtualClock;
  store: TrackedLeaseStore;
  dead: Set<number>;
  order: Order;
  procs: Array<{ pid: number; alloc: ClientIdAllocator; leases: ClientIdLease[] }>;
}

const Reference = {
  /** Expiry of a running process's lease: its last heartbeat + ttl. */
  expiry: (m: Model, l: ModelLease) => l.acquiredAt + Math.floor((m.now - l.acquiredAt) / heartbeatMs) * heartbeatMs + ttlMs,
  holders: (m: Model): Array<[id: number, pid: number, expiresAt: number]> =>
    [
      ...m.procs.flatMap((p) => p.leases.map((l): [number, number, number] => [l.id, l.pid, Reference.expiry(m, l)])),
      ...m.hung.filter((l) => l.expiresAt > m.now).map((l): [number, number, number] => [l.id, l.pid, l.expiresAt]),
    ].sort((a, b) => a[0] - b[0]),
  marks: (m: Model) => [...m.taken].filter(([, until]) => until > m.now).sort(([a], [b]) => a - b),
  free(m: Model, role: Role, exclude: number | null): number[] {
    const held = new Set(Reference.holders(m).map(([id]) => id));
    return RANGE[role].filter((id) => id !== exclude && !held.has(id) && !((m.taken.get(id) ?? -Infinity) > m.now));
  },
  /** The process in slot p stops: crashed (holds nothing) or hung (holds until expiry); the slot restarts. */
  stop(m: Model, p: number, how: 'crash' | 'hang'): void {
    if (how === 'hang') m.hung.push(...m.procs[p]!.leases.map((l) => ({ ...l, expiresAt: Reference.expiry(m, l) })));
    m.procs[p] = { pid: m.nextPid++, leases: [] };
  },
  nextDeadline(m: Model): number | undefined {
    const due = [...m.hung.map((l) => l.expiresAt), ...m.taken.values()].filter((t) => t > m.now);
    return due.length === 0 ? undefined : Math.min(...due);
  },
};

function spawn(r: Real, pid: number): Real['procs'][number] {
  const rng = r.order === 'seeded' ? { order: 'seeded' as const, rng: new Rng(pid) } : {};
  const alloc = new ClientIdAllocator({ store: r.store, clock: r.clock, gateway, roles, ttlMs, heartbeatMs, pid, token: `tok-${pid}`, ...rng });
  return { pid, alloc, leases: [] };
}

/** Fire due timers one by one, letting every store operation they start finish before the next. */
async function passTime(m: Model, r: Real, ms: number): Promise<void> {
  m.now += ms;
  while (await r.clock.step(m.now)) await r.store.idle();
  await r.clock.advance(m.now - r.clock.now());
  await r.store.idle();
}

async function agree(m: Model, r: Real): Promise<void> {
  const entries = await r.store.list(gateway);
  const live = entries.filter((e) => e.live);
  expectAgreement(
    {
      now: r.clock.now(),
      holders: live.flatMap((e) => (e.kind === 'lease' ? [[e.clientId, e.owner.pid, e.expiresAt]] : [])),
      marks: live.flatMap((e) => (e.kind === 'taken' ? [[e.clientId, e.until]] : [])),
      held: r.procs.map((p) => p.alloc.held().map((l) => [l.clientId, l.state])),
    },
    {
      now: m.now,
      holders: Reference.holders(m),
      marks: Reference.marks(m),
      held: m.procs.map((p) => p.leases.map((l) => [l.id, 'held'])),
    },
  );
}

const cmd = checkedBy(agree);

const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const hasLease = (p: number) => (m: Model) => m.procs[p]!.leases.length > 0;
const commands = fc.commands<Model, Real, false>(
  [
    fc.tuple(slot, fc.constantFrom<Role>('ui', 'workers'), fc.option(fc.integer({ min: 3, max: 10 }), { nil: null })).map(([p, role, exclude]) =>
      cmd(`lease(proc ${p}, ${role}${exclude === null ? '' : `, not ${exclude}`})`, always, async (m, r) => {
        const free = Reference.free(m, role, exclude);
        const got = await r.procs[p]!.alloc.lease(role, { exclude: exclude === null ? [] : [exclude] }).catch((e: unknown) => e);
        if (free.length === 0) return void expect(got).toBeInstanceOf(ClientIdsExhausted);
        if (got instanceof Error) throw got;
        const lease = got as ClientIdLease;
        if (m.order === 'lowest') expectAgreement(lease.clientId, free[0]);
        else if (!free.includes(lease.clientId)) expect(free).toContain(lease.clientId);
        m.procs[p]!.leases.push({ id: lease.clientId, pid: m.procs[p]!.pid, acquiredAt: m.now });
        r.procs[p]!.leases.push(lease);
      }),
    ),
    fc.tuple(slot, fc.nat(10)).map(([p, i]) =>
      cmd(`release(proc ${p}, lease #${i})`, hasLease(p), async (m, r) => {
        const k = i % m.procs[p]!.leases.length;
        m.procs[p]!.leases.splice(k, 1);
        await r.procs[p]!.leases.splice(k, 1)[0]!.release();
      }),
    ),
    // The gateway answered 326: the id is marked in use for `graceMs` and the lease given up.
    fc.tuple(slot, fc.nat(10), fc.constantFrom(1, 20_000, 30_000, 90_000)).map(([p, i, graceMs]) =>
      cmd(`markInUse(proc ${p}, lease #${i}, ${graceMs} ms)`, hasLease(p), async (m, r) => {
        const k = i % m.procs[p]!.leases.length;
        const [l] = m.procs[p]!.leases.splice(k, 1);
        m.taken.set(l!.id, Math.max(m.now + graceMs, m.taken.get(l!.id) ?? -Infinity));
        await r.procs[p]!.leases.splice(k, 1)[0]!.markInUse(graceMs);
      }),
    ),
    fc.tuple(slot, fc.constantFrom('crash' as const, 'hang' as const)).map(([p, how]) =>
      cmd(`${how}(proc ${p})`, always, async (m, r) => {
        Reference.stop(m, p, how);
        r.procs[p]!.alloc.halt();
        if (how === 'crash') r.dead.add(r.procs[p]!.pid);
        r.procs[p] = spawn(r, m.procs[p]!.pid);
      }),
    ),
    // Expiries: of a hung process's lease, of a 326 mark.
    ...timeCommands(cmd, [0, 1, 9_999, 10_000, 25_000, 40_000], passTime, { name: 'NextExpiry', next: Reference.nextDeadline }),
  ],
  commandsConstraints(30),
);

async function check(kind: 'memory' | 'file', order: Order, cmds: Iterable<fc.AsyncCommand<Model, Real, false>>): Promise<void> {
  const clock = new VirtualClock();
  const dead = new Set<number>();
  const isAlive = (pid: number) => !dead.has(pid);
  const dir = kind === 'file' ? await fs.mkdtemp(path.join(tmpdir(), 'allocator-model-')) : '';
  const inner = kind === 'file' ? new FileLeaseStore({ dir, clock, isAlive }) : new InMemoryLeaseStore({ clock, isAlive });
  const real: Real = { clock, store: new TrackedLeaseStore(inner), dead, order, procs: [] };
  const model: Model = { order, now: clock.now(), procs: [], hung: [], taken: new Map(), nextPid: 1000 };
  for (let p = 0; p < SLOTS; p++) {
    model.procs.push({ pid: model.nextPid++, leases: [] });
    real.procs.push(spawn(real, model.procs[p]!.pid));
  }
  try {
    await fc.asyncModelRun(() => ({ model, real }), cmds);
    // Everyone stops; once all leases and marks have run out, the whole range is free again.
    for (const p of real.procs) {
      await p.alloc.releaseAll();
      p.alloc.halt();
    }
    await passTime(model, real, ttlMs + 90_000);
    const fresh = spawn(real, model.nextPid++).alloc;
    const ids = [];
    for (let i = 0; i < RANGE.workers.length; i++) ids.push((await fresh.lease('workers')).clientId);
    expect(ids.sort((a, b) => a - b)).toEqual(RANGE.workers);
    expect((await fresh.lease('ui')).clientId).toBe(1);
    fresh.halt();
  } finally {
    for (const p of real.procs) p.alloc.halt();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  }
}

describe('ClientIdAllocator (model-based)', () => {
  for (const [kind, runs] of [
    ['memory', 150],
    ['file', 15],
  ] as const) {
    it(`${kind} store: ids go to the lowest free id, never to two holders; crashed and expired leases are reclaimed`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom<Order>('lowest', 'seeded'), commands, (order, cmds) => check(kind, order, cmds)),
        propertyParams(FILE, runs),
      );
    });
  }
});
