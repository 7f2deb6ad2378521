import { wallTimeOf, type Clock, type WallTime } from '../../common/clock.ts';
import { renewSafetyMarginMs, type Lease, type LeaseEntry, type LeaseKey, type LeaseOwner, type LeaseStore } from './lease-store.ts';

interface HeldRecord {
  owner: LeaseOwner;
  fence: number;
  expiresAt: number;
}

/**
 * Leases in one Map, shared by several simulated processes (each its own allocator and pid).
 * A "crash" is the test declaring a pid dead via `isAlive`: its records stay behind exactly as
 * files would, and are reclaimed by the same rules as FileLeaseStore (expired or owner dead).
 * Each operation runs without an await in the middle, so it is atomic like a rename. Time is the
 * wall clock that goes with `clock` (common/clock.ts, wallTimeOf): a virtual clock's own time.
 */
export class InMemoryLeaseStore implements LeaseStore {
  private readonly held = new Map<string, HeldRecord>();
  private readonly taken = new Map<string, number>();
  private readonly fences = new Map<string, number>();
  private readonly time: WallTime;
  private readonly isAlive: (pid: number) => boolean;
  private readonly hostname: string;

  constructor(opts: { clock: Clock; isAlive?: (pid: number) => boolean; hostname?: string }) {
    this.time = wallTimeOf(opts.clock);
    this.isAlive = opts.isAlive ?? (() => true);
    this.hostname = opts.hostname ?? 'memory';
  }

  async tryAcquire(key: LeaseKey, owner: LeaseOwner, ttlMs: number): Promise<Lease | null> {
    const id = keyOf(key.gateway, key.clientId);
    const now = this.time.now();
    if ((this.taken.get(id) ?? -Infinity) > now) return null;
    const current = this.held.get(id);
    if (current && this.isLive(current, now)) return null;
    const expiresAt = now + ttlMs;
    const fence = (this.fences.get(key.gateway) ?? 0) + 1;
    this.fences.set(key.gateway, fence);
    this.held.set(id, { owner: { ...owner }, fence, expiresAt });
    return { gateway: key.gateway, clientId: key.clientId, owner: { ...owner }, fence, expiresAt, ttlMs };
  }

  async renew(lease: Lease): Promise<Lease | null> {
    const id = keyOf(lease.gateway, lease.clientId);
    const now = this.time.now();
    const current = this.held.get(id);
    if (!current || current.fence !== lease.fence) return null;
    if (now > current.expiresAt - renewSafetyMarginMs(lease.ttlMs)) return null;
    const expiresAt = now + lease.ttlMs;
    current.expiresAt = expiresAt;
    return { ...lease, expiresAt };
  }

  async release(lease: Lease): Promise<void> {
    const id = keyOf(lease.gateway, lease.clientId);
    if (this.held.get(id)?.fence === lease.fence) this.held.delete(id);
  }

  async validate(lease: Lease): Promise<boolean> {
    const current = this.held.get(keyOf(lease.gateway, lease.clientId));
    return current !== undefined && current.fence === lease.fence && current.expiresAt > this.time.now();
  }

  async markTaken(gateway: string, clientId: number, forMs: number): Promise<void> {
    const id = keyOf(gateway, clientId);
    this.taken.set(id, Math.max(this.time.now() + forMs, this.taken.get(id) ?? -Infinity));
  }

  async list(gateway: string): Promise<LeaseEntry[]> {
    const now = this.time.now();
    const entries: LeaseEntry[] = [];
    for (const [id, rec] of this.held) {
      const clientId = clientIdOf(id, gateway);
      if (clientId === undefined) continue;
      const live = this.isLive(rec, now);
      entries.push({ kind: 'lease', gateway, clientId, owner: { ...rec.owner }, fence: rec.fence, hostname: this.hostname, expiresAt: rec.expiresAt, live });
    }
    for (const [id, until] of this.taken) {
      const clientId = clientIdOf(id, gateway);
      if (clientId === undefined) continue;
      entries.push({ kind: 'taken', gateway, clientId, until, live: until > now });
    }
    return entries.sort((a, b) => a.clientId - b.clientId);
  }

  /** Drop every record that is expired or whose owner is declared dead, as FileLeaseStore does at start. */
  async reclaimStale(): Promise<number> {
    const now = this.time.now();
    let removed = 0;
    for (const [id, rec] of this.held) {
      if (this.isLive(rec, now)) continue;
      this.held.delete(id);
      removed++;
    }
    return removed;
  }

  private isLive(rec: HeldRecord, now: number): boolean {
    return rec.expiresAt > now && this.isAlive(rec.owner.pid);
  }
}

function keyOf(gateway: string, clientId: number): string {
  return `${clientId}\u0000${gateway}`;
}

function clientIdOf(key: string, gateway: string): number | undefined {
  const sep = key.indexOf('\u0000');
  return key.slice(sep + 1) === gateway ? Number(key.slice(0, sep)) : undefined;
}
