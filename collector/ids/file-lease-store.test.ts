import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RealClock, ScaledClock, VirtualClock } from '../../common/clock.ts';
import { COORDINATION_DB_FILE } from '../coordination/files/coordination-db.ts';
import { ClientIdAllocator, FileLeaseStore } from './index.ts';

const gateway = '127.0.0.1:4002';
const owner = (token: string, pid = process.pid) => ({ pid, token, role: 'workers' });

/** The lease directory's entries, less the fencing counter's database (collector/coordination/files/coordination-db.ts), which is not debris. */
async function leaseDirEntries(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((name) => !name.startsWith(COORDINATION_DB_FILE));
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

describe('FileLeaseStore', () => {
  let dir: string;
  let clock: VirtualClock;
  let store: FileLeaseStore;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'leases-'));
    clock = new VirtualClock();
    store = new FileLeaseStore({ dir, clock });
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes one JSON file per (gateway, id) with owner and expiry', async () => {
    const lease = await store.tryAcquire({ gateway, clientId: 7 }, owner('a'), 30_000);
    expect(lease).toMatchObject({ clientId: 7, expiresAt: clock.now() + 30_000 });
    const names = await leaseDirEntries(dir);
    expect(names).toEqual(['127.0.0.1_3a4002@7.lease']);
    const content = JSON.parse(await fs.readFile(path.join(dir, names[0]!), 'utf8'));
    expect(content).toMatchObject({ pid: process.pid, token: 'a', role: 'workers', hostname: hostname(), expiresAt: clock.now() + 30_000 });
  });

  it('lets exactly one of many concurrent acquirers win', async () => {
    const stores = Array.from({ length: 12 }, () => new FileLeaseStore({ dir, clock }));
    const results = await Promise.all(stores.map((s, i) => s.tryAcquire({ gateway, clientId: 5 }, owner(`t${i}`), 30_000)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await leaseDirEntries(dir)).toEqual(['127.0.0.1_3a4002@5.lease']); // no temp files or tombstones left
  });

  it('keeps ids separate per gateway', async () => {
    expect(await store.tryAcquire({ gateway, clientId: 5 }, owner('a'), 30_000)).not.toBeNull();
    expect(await store.tryAcquire({ gateway: '127.0.0.1:4001', clientId: 5 }, owner('b'), 30_000)).not.toBeNull();
  });

  it('refuses a lease held by a live process until it expires', async () => {
    await store.tryAcquire({ gateway, clientId: 5 }, owner('a'), 30_000);
    expect(await store.tryAcquire({ gateway, clientId: 5 }, owner('b'), 30_000)).toBeNull();
    await clock.advance(29_999);
    expect(await store.tryAcquire({ gateway, clientId: 5 }, owner('b'), 30_000)).toBeNull();
    await clock.advance(1);
    expect(await store.tryAcquire({ gateway, clientId: 5 }, owner('b'), 30_000)).toMatchObject({ owner: { token: 'b' } });
  });

  it('reclaims at once a lease whose owner process is dead', async () => {
    const pid = deadPid();
    await store.tryAcquire({ gateway, clientId: 5 }, owner('crashed', pid), 30_000);
    const [entry] = await store.list(gateway);
    expect(entry).toMatchObject({ kind: 'lease', live: false, owner: { pid } });
    const lease = await store.tryAcquire({ gateway, clientId: 5 }, owner('b'), 30_000);
    expect(lease).toMatchObject({ owner: { token: 'b' } });
    expect(await leaseDirEntries(dir)).toEqual(['127.0.0.1_3a4002@5.lease']);
  });

  it('trusts only expiry for a lease written on another host', async () => {
    const other = new FileLeaseStore({ dir, clock, hostname: 'other-host' });
    await other.tryAcquire({ gateway, clientId: 5 }, owner('remote', deadPid()), 30_000);
    expect(await store.tryAcquire({ gateway, clientId: 5 }, owner('b'), 30_000)).toBeNull();
    await clock.advance(30_000);
    expect(await store.tryAcquire({ gateway, clientId: 5 }, owner('b'), 30_000)).not.toBeNull();
  });

  it('reclaims a file that is not a lease record', async () => {
    await fs.writeFile(store.leasePath(gateway, 5), '\u0000garbage{');
    expect(await store.tryAcquire({ gateway, clientId: 5 }, owner('b'), 30_000)).not.toBeNull();
  });

  it('renews by rewriting the expiry, and refuses when the lease is no longer ours', async () => {
    const lease = (await store.tryAcquire({ gateway, clientId: 5 }, owner('a'), 30_000))!;
    await clock.advance(10_000);
    const renewed = (await store.renew(lease))!;
    expect(renewed.expiresAt).toBe(clock.now() + 30_000);
    await clock.advance(35_000); // expired: someone else takes it
    expect(await store.tryAcquire({ gateway, clientId: 5 }, owner('b'), 30_000)).not.toBeNull();
    expect(await store.renew(renewed)).toBeNull();
  });

  it('refuses a renewal too close to expiry, where a reclaimer might already be at work', async () => {
    const lease = (await store.tryAcquire({ gateway, clientId: 5 }, owner('a'), 30_000))!;
    await clock.advance(29_500);
    expect(await store.renew(lease)).toBeNull();
  });

  it('releases only its own lease', async () => {
    const lease = (await store.tryAcquire({ gateway, clientId: 5 }, owner('a'), 30_000))!;
    await store.release({ ...lease, owner: owner('impostor') });
    expect(await store.tryAcquire({ gateway, clientId: 5 }, owner('b'), 30_000)).toBeNull();
    await store.release(lease);
    expect(await leaseDirEntries(dir)).toEqual([]);
    expect(await store.tryAcquire({ gateway, clientId: 5 }, owner('b'), 30_000)).not.toBeNull();
  });

  it('honours markTaken until it expires, keeping the later of two marks', async () => {
    const t0 = clock.now();
    await store.markTaken(gateway, 9, 60_000);
    await store.markTaken(gateway, 9, 30_000);
    expect(await store.tryAcquire({ gateway, clientId: 9 }, owner('a'), 30_000)).toBeNull();
    expect(await store.list(gateway)).toEqual([{ kind: 'taken', gateway, clientId: 9, until: t0 + 60_000, live: true }]);
    await clock.advance(59_999);
    expect(await store.tryAcquire({ gateway, clientId: 9 }, owner('a'), 30_000)).toBeNull();
    await clock.advance(1);
    expect(await store.tryAcquire({ gateway, clientId: 9 }, owner('a'), 30_000)).not.toBeNull();
  });

  it('lists the leases of one gateway only', async () => {
    await store.tryAcquire({ gateway, clientId: 5 }, owner('a'), 30_000);
    await store.tryAcquire({ gateway: 'gw-b:4001', clientId: 6 }, owner('a'), 30_000);
    const entries = await store.list(gateway);
    expect(entries.map((e) => e.clientId)).toEqual([5]);
    expect(await new FileLeaseStore({ dir: path.join(dir, 'missing'), clock }).list(gateway)).toEqual([]);
  });

  it('reclaims every stale lease at once: expired ones, and those of dead processes on this host', async () => {
    await store.tryAcquire({ gateway, clientId: 4 }, owner('dead', deadPid()), 30_000);
    await store.tryAcquire({ gateway, clientId: 5 }, owner('expired'), 1_000);
    await store.tryAcquire({ gateway, clientId: 6 }, owner('live'), 30_000);
    await new FileLeaseStore({ dir, clock, hostname: 'other-host' }).tryAcquire({ gateway, clientId: 7 }, owner('remote', deadPid()), 30_000);
    await clock.advance(1_000);
    expect(await store.reclaimStale()).toBe(2);
    // The live one stays, and so does the other host's: a pid means nothing there, only expiry.
    expect((await store.list(gateway)).map((e) => e.clientId)).toEqual([6, 7]);
    expect(await new FileLeaseStore({ dir: path.join(dir, 'missing'), clock }).reclaimStale()).toBe(0);
  });
});

describe('FileLeaseStore across time scales', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'leases-scales-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Poll in real time until `pred` resolves true; false after `ms`. */
  async function within(ms: number, pred: () => Promise<boolean>): Promise<boolean> {
    const end = Date.now() + ms;
    for (;;) {
      if (await pred()) return true;
      if (Date.now() > end) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('a process at --time-scale 0.02 (model time 34 days ahead) and one in real time agree on every expiry', async () => {
    // What `collect --time-scale 0.02` runs on, late in a UTC day: model time far ahead of the wall.
    const fastClock = new ScaledClock(0.02, Date.now() + 34 * 86_400_000);
    const fast = new FileLeaseStore({ dir, clock: fastClock });
    const real = new FileLeaseStore({ dir, clock: new RealClock() });
    try {
      // A real-time lease of 30 s is live for the fast process too (in model time it would be 34 days old).
      expect(await real.tryAcquire({ gateway, clientId: 7 }, owner('real'), 30_000)).not.toBeNull();
      expect(await fast.tryAcquire({ gateway, clientId: 7 }, owner('fast'), 30_000)).toBeNull();

      // TTLs are wall ms whatever the scale: the fast process's 600 ms lease lasts 0.6 real seconds, for both.
      const fastLease = await fast.tryAcquire({ gateway, clientId: 8 }, owner('fast'), 600);
      expect(fastLease!.expiresAt - Date.now()).toBeLessThanOrEqual(600);
      expect(fastLease!.expiresAt - Date.now()).toBeGreaterThan(0);
      expect((await real.list(gateway)).find((e) => e.clientId === 8)).toMatchObject({ live: true });
      expect(await within(5_000, async () => (await real.tryAcquire({ gateway, clientId: 8 }, owner('real'), 30_000)) !== null)).toBe(true);

      // An id the fast process's gateway holds for 60 model seconds after a 326 (the allocator's
      // default grace, given in model ms and converted at the fast process's scale) is held 1.2 real seconds.
      const allocator = new ClientIdAllocator({ store: fast, clock: fastClock, gateway, roles: { workers: { min: 9, max: 9 } } });
      const lease = await allocator.lease('workers');
      await lease.markInUse();
      expect(await real.tryAcquire({ gateway, clientId: 9 }, owner('real'), 30_000)).toBeNull();
      const taken = (await real.list(gateway)).find((e) => e.kind === 'taken');
      expect(taken).toMatchObject({ clientId: 9, live: true });
      expect((taken as { until: number }).until - Date.now()).toBeLessThanOrEqual(1_200);
      expect(await within(5_000, async () => (await real.tryAcquire({ gateway, clientId: 9 }, owner('real'), 30_000)) !== null)).toBe(true);
    } finally {
      fast.close();
      real.close();
    }
  });
});
