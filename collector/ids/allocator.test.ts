import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../common/clock.ts';
import { Rng } from '../../common/rng.ts';
import { ClientIdsExhausted } from '../errors.ts';
import { ClientIdAllocator, FileLeaseStore, InMemoryLeaseStore, RandomIdStrategy, type ClientIdAllocatorOptions, type LeaseStore } from './index.ts';

const gateway = '127.0.0.1:4002';
const roles = { ui: { fixed: 1 }, workers: { min: 4, max: 999 } };

function setup(extra: Partial<ClientIdAllocatorOptions> = {}) {
  const clock = new VirtualClock();
  const dead = new Set<number>();
  const store = new InMemoryLeaseStore({ clock, isAlive: (pid) => !dead.has(pid) });
  let nextPid = 100;
  const allocator = (more: Partial<ClientIdAllocatorOptions> = {}) =>
    new ClientIdAllocator({ store, clock, gateway, roles, pid: nextPid++, ...extra, ...more });
  return { clock, store, dead, allocator };
}

describe('ClientIdAllocator', () => {
  it('gives the UI its fixed id and refuses a second UI with a message naming the holder', async () => {
    const { allocator } = setup();
    const ui = await allocator().lease('ui');
    expect(ui.clientId).toBe(1);
    const err = await allocator()
      .lease('ui')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientIdsExhausted);
    expect((err as Error).message).toBe(
      "no free client id for role 'ui' on gateway 127.0.0.1:4002: client id 1 is unavailable: 1 leased [1 by pid 100 (ui, memory)]",
    );
  });

  it('hands out the lowest free worker id, across allocators', async () => {
    const { allocator } = setup();
    const a = allocator();
    const b = allocator();
    const ids = [];
    for (const x of [a, b, a, b]) ids.push((await x.lease('workers')).clientId);
    expect(ids).toEqual([4, 5, 6, 7]);
    await a.held()[0]!.release();
    expect((await b.lease('workers')).clientId).toBe(4);
  });

  it('skips excluded ids (leaseNext after a failed connect)', async () => {
    const { allocator } = setup();
    const a = allocator();
    const first = await a.lease('workers');
    await first.release();
    expect((await a.leaseNext('workers', { exclude: [first.clientId, 5] })).clientId).toBe(6);
  });

  it('after a 326 keeps the id off-limits for the grace period and frees our lease', async () => {
    const { allocator, clock } = setup({ defaultGraceMs: 60_000 });
    const a = allocator();
    const b = allocator();
    const lease = await a.lease('workers');
    await lease.markInUse();
    expect(lease.state).toBe('released');
    expect(a.held()).toEqual([]);
    expect((await b.lease('workers')).clientId).toBe(5);
    await clock.advance(60_000);
    expect((await b.lease('workers')).clientId).toBe(4);
  });

  it('keeps a held lease alive by heartbeat for as long as it is held', async () => {
    const { allocator, clock } = setup({ ttlMs: 30_000 });
    const a = allocator();
    const lease = await a.lease('workers');
    await clock.advance(10 * 60_000);
    expect(lease.state).toBe('held');
    expect((await allocator().lease('workers')).clientId).toBe(5);
    await lease.release();
    expect(clock.pending()).toBe(1); // only the other allocator's heartbeat is left
  });

  it('reclaims the leases of a crashed process at once, of a hung one after expiry', async () => {
    const { allocator, clock, dead } = setup({ ttlMs: 30_000 });
    const crashed = allocator();
    const hung = allocator();
    await crashed.lease('workers'); // 4
    await hung.lease('workers'); // 5
    crashed.halt();
    hung.halt();
    dead.add(crashed.pid);
    const other = allocator();
    expect((await other.lease('workers')).clientId).toBe(4);
    expect((await other.lease('workers')).clientId).toBe(6);
    await clock.advance(30_000);
    expect((await other.lease('workers')).clientId).toBe(5);
  });

  it('reports a lost lease through lostSignal and onLost', async () => {
    const clock = new VirtualClock();
    const inner = new InMemoryLeaseStore({ clock });
    const refusing: LeaseStore = { ...bind(inner), renew: async () => null };
    const lost: number[] = [];
    const a = new ClientIdAllocator({ store: refusing, clock, gateway, roles, onLost: (l) => lost.push(l.clientId) });
    const lease = await a.lease('workers');
    await clock.advance(10_000);
    expect(lease.state).toBe('lost');
    expect(lease.lostSignal.aborted).toBe(true);
    expect(lost).toEqual([4]);
    expect(a.held()).toEqual([]);
  });

  it('is reproducible with a seeded order', async () => {
    const order = async (seed: number) => {
      const { allocator } = setup({ order: 'seeded', rng: new Rng(seed) });
      const a = allocator();
      return [(await a.lease('workers')).clientId, (await a.lease('workers')).clientId];
    };
    const first = await order(42);
    expect(await order(42)).toEqual(first);
    expect(first[1]).toBe(first[0]! === 999 ? 4 : first[0]! + 1);
  });

  it('rejects unknown roles and overlapping ranges', async () => {
    const { allocator } = setup();
    await expect(allocator().lease('admin')).rejects.toThrow("unknown client-id role 'admin' (known: ui, workers)");
    expect(() => allocator({ roles: { ui: { fixed: 5 }, workers: { min: 4, max: 9 } } })).toThrow(/overlap/);
    expect(() => allocator({ roles: { workers: { min: 9, max: 4 } } })).toThrow(/invalid/);
  });

  it('explains an exhausted range', async () => {
    const { allocator, store } = setup();
    const small = { workers: { min: 4, max: 6 } };
    const a = allocator({ roles: small });
    await a.lease('workers');
    await store.markTaken(gateway, 5, 45_000);
    const err = await a.lease('workers', { exclude: [6] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientIdsExhausted);
    expect((err as Error).message).toMatch(
      /all client ids 4\.\.6 are unavailable: 1 leased \[4 by pid \d+ .*\], 1 in use outside our control after a 326 \[5 until .*\], 1 excluded by the caller/,
    );
  });

  it('works the same on the file store', async () => {
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'alloc-'));
    try {
      const clock = new VirtualClock();
      const store = new FileLeaseStore({ dir, clock });
      const a = new ClientIdAllocator({ store, clock, gateway, roles });
      const b = new ClientIdAllocator({ store, clock, gateway, roles });
      expect((await a.lease('workers')).clientId).toBe(4);
      const second = await b.lease('workers');
      expect(second.clientId).toBe(5);
      await second.markInUse(20_000);
      expect((await a.lease('workers')).clientId).toBe(6);
      await clock.advance(20_000);
      expect((await b.lease('workers')).clientId).toBe(5);
      await a.releaseAll();
      await b.releaseAll();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('RandomIdStrategy', () => {
  it('draws like random.randint(4, 999), without any coordination', async () => {
    const strategy = new RandomIdStrategy(roles, new Rng(1), gateway);
    const ids = await Promise.all(Array.from({ length: 200 }, () => strategy.lease('workers')));
    for (const l of ids) expect(l.clientId).toBeGreaterThanOrEqual(4);
    for (const l of ids) expect(l.clientId).toBeLessThanOrEqual(999);
    expect((await strategy.lease('ui')).clientId).toBe(1);
    expect((await strategy.leaseNext('workers', { exclude: range(4, 998) })).clientId).toBe(999);
  });
});

function range(min: number, max: number): number[] {
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

function bind(store: LeaseStore): LeaseStore {
  return {
    tryAcquire: store.tryAcquire.bind(store),
    renew: store.renew.bind(store),
    release: store.release.bind(store),
    validate: store.validate.bind(store),
    markTaken: store.markTaken.bind(store),
    list: store.list.bind(store),
    reclaimStale: store.reclaimStale.bind(store),
  };
}
