import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../common/clock.ts';
import { ClientIdsExhausted } from '../errors.ts';
import { ClientIdAllocator, InMemoryLeaseStore, type ClientIdLease } from './index.ts';

/**
 * Model-based test: several simulated processes share one lease store and do arbitrary
 * interleavings of lease / release / 326 / crash / hang / time passing. An independent model
 * predicts exactly which id each lease must get (lowest free one), which only holds if dead
 * processes' leases are reclaimed at once, hung ones on expiry, and 326 marks are honoured.
 */
const gateway = 'gw:4002';
const roles = { ui: { fixed: 1 }, workers: { min: 4, max: 9 } };
const ttlMs = 30_000;
const heartbeatMs = 10_000;
const SLOTS = 3;

type Op =
  | { t: 'lease'; p: number; role: 'ui' | 'workers'; exclude: number | null }
  | { t: 'release'; p: number; i: number }
  | { t: 'inUse'; p: number; i: number; graceMs: number }
  | { t: 'crash'; p: number }
  | { t: 'hang'; p: number }
  | { t: 'advance'; ms: number };

const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('lease' as const),
      p: slot,
      role: fc.constantFrom('ui' as const, 'workers' as const),
      exclude: fc.option(fc.integer({ min: 3, max: 10 })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('release' as const), p: slot, i: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('inUse' as const), p: slot, i: fc.nat(10), graceMs: fc.integer({ min: 1, max: 90_000 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('crash' as const), p: slot }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('hang' as const), p: slot }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) }) },
);

interface ModelLease {
  id: number;
  pid: number;
  acquiredAt: number;
  /** Set when the process hangs: heartbeats stop, the lease lives on until this time. */
  expiresAt: number;
  real: ClientIdLease;
}

class World {
  readonly clock = new VirtualClock();
  readonly dead = new Set<number>();
  readonly store = new InMemoryLeaseStore({ clock: this.clock, isAlive: (pid) => !this.dead.has(pid) });
  private nextPid = 1000;
  readonly procs: Array<{ pid: number; alloc: ClientIdAllocator; leases: ModelLease[] }> = [];
  /** Leases of processes that hung (alive, silent) — they count as holders until they expire. */
  readonly hungLeases: ModelLease[] = [];
  readonly taken = new Map<number, number>();

  constructor() {
    for (let p = 0; p < SLOTS; p++) this.procs.push(this.spawn());
  }

  spawn() {
    const pid = this.nextPid++;
    const alloc = new ClientIdAllocator({ store: this.store, clock: this.clock, gateway, roles, ttlMs, heartbeatMs, pid, token: `tok-${pid}` });
    return { pid, alloc, leases: [] as ModelLease[] };
  }

  /** The model's answer: the lowest id no live holder has and no 326 mark covers. */
  expectedId(role: 'ui' | 'workers', exclude: number | null): number | null {
    const now = this.clock.now();
    const range = role === 'ui' ? [1] : [4, 5, 6, 7, 8, 9];
    const held = new Set(this.liveHolders().map((l) => l.id));
    return range.find((id) => id !== exclude && !held.has(id) && !((this.taken.get(id) ?? -1) > now)) ?? null;
  }

  liveHolders(): ModelLease[] {
    const now = this.clock.now();
    return [...this.procs.flatMap((p) => p.leases), ...this.hungLeases.filter((l) => l.expiresAt > now)];
  }

  /** Heartbeats renew at acquiredAt + k·heartbeat; a hung process's lease expires ttl after the last. */
  expiryIfHungNow(l: ModelLease): number {
    const beats = Math.floor((this.clock.now() - l.acquiredAt) / heartbeatMs);
    return l.acquiredAt + beats * heartbeatMs + ttlMs;
  }

  async apply(op: Op): Promise<void> {
    const now = this.clock.now();
    switch (op.t) {
      case 'lease': {
        const proc = this.procs[op.p]!;
        const expected = this.expectedId(op.role, op.exclude);
        const got = await proc.alloc.lease(op.role, { exclude: op.exclude === null ? [] : [op.exclude] }).catch((e: unknown) => e);
        if (expected === null) {
          expect(got).toBeInstanceOf(ClientIdsExhausted);
        } else {
          expect((got as ClientIdLease).clientId).toBe(expected);
          proc.leases.push({ id: expected, pid: proc.pid, acquiredAt: now, expiresAt: Infinity, real: got as ClientIdLease });
        }
        return;
      }
      case 'release':
      case 'inUse': {
        const proc = this.procs[op.p]!;
        if (proc.leases.length === 0) return;
        const [l] = proc.leases.splice(op.i % proc.leases.length, 1);
        if (op.t === 'release') {
          await l!.real.release();
        } else {
          await l!.real.markInUse(op.graceMs);
          this.taken.set(l!.id, Math.max(now + op.graceMs, this.taken.get(l!.id) ?? -1));
        }
        return;
      }
      case 'crash':
      case 'hang': {
        const proc = this.procs[op.p]!;
        proc.alloc.halt();
        if (op.t === 'crash') this.dead.add(proc.pid);
        else for (const l of proc.leases) this.hungLeases.push({ ...l, expiresAt: this.expiryIfHungNow(l) });
        this.procs[op.p] = this.spawn(); // restarted under a new pid
        return;
      }
      case 'advance':
        await this.clock.advance(op.ms);
        return;
    }
  }

  checkInvariants(): void {
    const holders = this.liveHolders();
    const ids = holders.map((l) => l.id);
    expect(new Set(ids).size, `two live holders share an id: ${ids.join(',')}`).toBe(ids.length);
    for (const l of this.procs.flatMap((p) => p.leases)) expect(l.real.state).toBe('held');
    const now = this.clock.now();
    // Marks are only made by a holder giving its lease up, so no live holder may sit under one.
    for (const id of ids) expect((this.taken.get(id) ?? -1) > now, `id ${id} is held while marked in use`).toBe(false);
  }
}

describe('ClientIdAllocator model', () => {
  it('never gives one id to two live holders and reclaims what crashed processes left', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const world = new World();
        for (const op of ops) {
          await world.apply(op);
          world.checkInvariants();
        }
        // Everyone stops; once all leases and marks have run out, the whole range is free again.
        for (const p of world.procs) await p.alloc.releaseAll();
        for (let p = 0; p < SLOTS; p++) await world.apply({ t: 'crash', p });
        await world.clock.advance(ttlMs + 90_000);
        const fresh = world.procs[0]!.alloc;
        const all = [];
        for (let i = 0; i < 6; i++) all.push((await fresh.lease('workers')).clientId);
        expect(all).toEqual([4, 5, 6, 7, 8, 9]);
        expect((await fresh.lease('ui')).clientId).toBe(1);
        fresh.halt();
      }),
      { numRuns: 150 },
    );
  });
});
