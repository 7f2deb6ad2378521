import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import path from 'node:path';
import { wallTimeOf, type Clock, type WallTime } from '../../common/clock.ts';
import { CoordinationDb } from '../coordination/files/coordination-db.ts';
import { encodeForFileName, isErrno, publishExclusive, readJson, replaceAtomically, unlinkIfPresent } from './atomic-files.ts';
import {
  processIsAlive,
  renewSafetyMarginMs,
  type FenceSource,
  type Lease,
  type LeaseEntry,
  type LeaseKey,
  type LeaseOwner,
  type LeaseStore,
} from './lease-store.ts';
import { ReclaimLock } from './reclaim-lock.ts';

export interface FileLeaseStoreOptions {
  /** Directory holding one file per (gateway, client id); see `defaultLeaseDir`. */
  dir: string;
  /**
   * The caller's clock. The store runs on its wall time (common/clock.ts, wallTimeOf): the files
   * hold wall-clock epoch ms whatever its scale, so processes at different `--time-scale` agree on
   * every expiry; TTLs and hold periods are given in wall ms. A virtual clock is its own wall.
   */
  clock: Clock;
  /** Fencing tokens; default a counter in `<dir>/coordination.sqlite`, shared by the host's processes. */
  fences?: FenceSource;
  isAlive?: (pid: number) => boolean;
  hostname?: string;
  /** Age after which a reclaim lock left by a crashed process is broken. Default 10 s. */
  reclaimLockStaleMs?: number;
}

interface LeaseFile {
  gateway: string;
  clientId: number;
  pid: number;
  token: string;
  role: string;
  hostname: string;
  fence: number;
  expiresAt: number;
  ttlMs: number;
  /** Distinguishes two leases with otherwise equal content, so "unchanged" checks are exact. */
  nonce: string;
}

interface TakenFile {
  gateway: string;
  clientId: number;
  until: number;
}

export function defaultLeaseDir(dataDir: string): string {
  return path.join(dataDir, 'leases');
}

/**
 * Leases as files: `<gateway>@<id>.lease` (JSON: pid, token, role, hostname, fence, expiresAt) and
 * `<gateway>@<id>.taken` (after a 326); times are wall-clock epoch ms. Safe between processes on
 * one host; on a directory shared between hosts only expiry, not pid liveness, frees a lease.
 * Debris of killed processes is removed at once by `reclaimStale`, which a collector runs at start.
 *
 * Who may change a lease file: anyone may create it when absent (atomic, see publishExclusive);
 * its owner rewrites (renew) or removes (release) it while it is comfortably before expiry; any
 * process may remove it once stale (expired, or owner pid dead), but only under the file's reclaim
 * lock and only if it still holds the record judged stale.
 */
export class FileLeaseStore implements LeaseStore {
  readonly dir: string;
  private readonly wall: WallTime;
  private readonly fenceSource: FenceSource | undefined;
  private fenceDb: CoordinationDb | undefined;
  private readonly isAlive: (pid: number) => boolean;
  private readonly hostname: string;
  private readonly reclaimLock: ReclaimLock;
  private ready: Promise<unknown> | undefined;

  constructor(opts: FileLeaseStoreOptions) {
    this.dir = opts.dir;
    this.wall = wallTimeOf(opts.clock);
    this.fenceSource = opts.fences;
    this.isAlive = opts.isAlive ?? processIsAlive;
    this.hostname = opts.hostname ?? osHostname();
    this.reclaimLock = new ReclaimLock({
      wall: this.wall,
      isAlive: this.isAlive,
      hostname: this.hostname,
      staleAfterMs: opts.reclaimLockStaleMs ?? 10_000,
    });
  }

  async tryAcquire(key: LeaseKey, owner: LeaseOwner, ttlMs: number): Promise<Lease | null> {
    await this.ensureDir();
    const taken = await readJson<TakenFile>(this.takenPath(key.gateway, key.clientId));
    if (taken.kind === 'ok' && taken.value.until > this.wall.now()) return null;

    const file = this.leasePath(key.gateway, key.clientId);
    // More than one round only when someone released or reclaimed between our steps.
    for (let round = 0; round < 3; round++) {
      // Taken before the file is published, so it is older than any token handed out after.
      const fence = await this.nextFence(key.gateway);
      const expiresAt = this.wall.now() + ttlMs;
      const record: LeaseFile = { ...key, ...owner, hostname: this.hostname, fence, expiresAt, ttlMs, nonce: randomUUID() };
      if (await publishExclusive(file, JSON.stringify(record))) {
        return { gateway: key.gateway, clientId: key.clientId, owner: { ...owner }, fence, expiresAt, ttlMs };
      }
      const existing = await readJson<LeaseFile>(file);
      if (existing.kind === 'missing') continue;
      if (existing.kind === 'ok' && this.isLive(existing.value)) return null;
      if (!(await this.removeStale(file, existing.raw))) return null;
    }
    return null;
  }

  async renew(lease: Lease): Promise<Lease | null> {
    const file = this.leasePath(lease.gateway, lease.clientId);
    const current = await readJson<LeaseFile>(file);
    if (!this.safelyOwned(current, lease)) return null;
    const expiresAt = this.wall.now() + lease.ttlMs;
    await replaceAtomically(file, JSON.stringify({ ...current.value, expiresAt }));
    return { ...lease, expiresAt };
  }

  async release(lease: Lease): Promise<void> {
    const file = this.leasePath(lease.gateway, lease.clientId);
    const current = await readJson<LeaseFile>(file);
    // Too close to expiry a reclaimer may be replacing it already; it will expire on its own.
    if (!this.safelyOwned(current, lease)) return;
    await unlinkIfPresent(file);
  }

  async validate(lease: Lease): Promise<boolean> {
    const current = await readJson<LeaseFile>(this.leasePath(lease.gateway, lease.clientId));
    return current.kind === 'ok' && current.value.fence === lease.fence && current.value.expiresAt > this.wall.now();
  }

  async markTaken(gateway: string, clientId: number, forMs: number): Promise<void> {
    await this.ensureDir();
    const file = this.takenPath(gateway, clientId);
    const existing = await readJson<TakenFile>(file);
    const until = Math.max(this.wall.now() + forMs, existing.kind === 'ok' ? existing.value.until : -Infinity);
    const record: TakenFile = { gateway, clientId, until };
    await replaceAtomically(file, JSON.stringify(record));
  }

  async list(gateway: string): Promise<LeaseEntry[]> {
    const prefix = `${encodeGateway(gateway)}@`;
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const now = this.wall.now();
    const entries: LeaseEntry[] = [];
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const full = path.join(this.dir, name);
      if (name.endsWith('.lease')) {
        const rec = await readJson<LeaseFile>(full);
        if (rec.kind !== 'ok') continue;
        const { pid, token, role, hostname, fence, expiresAt, clientId } = rec.value;
        entries.push({ kind: 'lease', gateway, clientId, owner: { pid, token, role }, fence, hostname, expiresAt, live: this.isLive(rec.value) });
      } else if (name.endsWith('.taken')) {
        const rec = await readJson<TakenFile>(full);
        if (rec.kind !== 'ok') continue;
        entries.push({ kind: 'taken', gateway, clientId: rec.value.clientId, until: rec.value.until, live: rec.value.until > now });
      }
    }
    return entries.sort((a, b) => a.clientId - b.clientId);
  }

  /**
   * Every stale lease file of the directory (all gateways): expired, or its owner pid gone on this
   * host. The same judgement and the same guarded removal as a `tryAcquire` that meets one.
   */
  async reclaimStale(): Promise<number> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return 0;
      throw err;
    }
    let removed = 0;
    for (const name of names.filter((n) => n.endsWith('.lease'))) {
      const file = path.join(this.dir, name);
      const rec = await readJson<LeaseFile>(file);
      if (rec.kind !== 'ok' || this.isLive(rec.value)) continue;
      // Under the reclaim lock, and only if it still holds the record judged stale.
      if ((await this.removeStale(file, rec.raw)) && (await readJson<LeaseFile>(file)).kind === 'missing') removed++;
    }
    return removed;
  }

  leasePath(gateway: string, clientId: number): string {
    return path.join(this.dir, `${encodeGateway(gateway)}@${clientId}.lease`);
  }

  takenPath(gateway: string, clientId: number): string {
    return path.join(this.dir, `${encodeGateway(gateway)}@${clientId}.taken`);
  }

  private isLive(rec: LeaseFile): boolean {
    if (!(rec.expiresAt > this.wall.now())) return false;
    // A pid means nothing on another host; there only expiry frees the lease.
    return rec.hostname !== this.hostname || this.isAlive(rec.pid);
  }

  /** Close the fence counter's database, if this store opened it. */
  close(): void {
    this.fenceDb?.close();
    this.fenceDb = undefined;
  }

  private async nextFence(gateway: string): Promise<number> {
    if (this.fenceSource) return this.fenceSource.next(gateway);
    this.fenceDb ??= new CoordinationDb(this.dir);
    return this.fenceDb.nextFence(gateway);
  }

  /** Ours, and far enough from expiry that no reclaimer can be judging it stale. */
  private safelyOwned(current: Awaited<ReturnType<typeof readJson<LeaseFile>>>, lease: Lease): current is { kind: 'ok'; value: LeaseFile; raw: string } {
    if (current.kind !== 'ok' || current.value.token !== lease.owner.token || current.value.fence !== lease.fence) return false;
    return this.wall.now() <= current.value.expiresAt - renewSafetyMarginMs(lease.ttlMs);
  }

  /**
   * Remove a stale (or unreadable) lease file if it still holds what we judged stale. Returns
   * false when another process is reclaiming the same id at this moment.
   */
  private async removeStale(file: string, judged: string): Promise<boolean> {
    const unlock = await this.reclaimLock.tryLock(file);
    if (!unlock) return false;
    try {
      const now = await readJson<LeaseFile>(file);
      if (now.kind !== 'missing' && now.raw === judged) await unlinkIfPresent(file);
      return true;
    } finally {
      await unlock();
    }
  }

  private ensureDir(): Promise<unknown> {
    this.ready ??= fs.mkdir(this.dir, { recursive: true }).catch((err: unknown) => {
      this.ready = undefined; // let the next call try again
      throw err;
    });
    return this.ready;
  }
}

export function encodeGateway(gateway: string): string {
  return encodeForFileName(gateway);
}
