import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import path from 'node:path';
import { wallTimeOf, type Clock, type WallTime } from '../../common/clock.ts';
import { encodeForFileName, isErrno, publishExclusive, readJson, replaceAtomically, unlinkIfPresent } from './atomic-files.ts';
import { processIsAlive, renewSafetyMarginMs, type Lease, type LeaseEntry, type LeaseKey, type LeaseOwner, type LeaseStore } from './lease-store.ts';
import { ReclaimLock } from './reclaim-lock.ts';

export interface FileLeaseStoreOptions {
  /** Directory holding one file per (gateway, client id); see `defaultLeaseDir`. */
  dir: string;
  /**
   * The caller's clock. The files hold wall-clock times (common/clock.ts, wallTimeOf) whatever its
   * scale, so processes at different `--time-scale` agree on every expiry; TTLs and grace
   * periods given in model ms are converted to the real time they take on this clock.
   */
  clock: Clock;
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
 * Leases as files: `<gateway>@<id>.lease` (JSON: pid, token, role, hostname, expiresAt) and
 * `<gateway>@<id>.taken` (after a 326). Safe between processes on one host; on a directory shared
 * between hosts only expiry, not pid liveness, frees a lease.
 *
 * Who may change a lease file: anyone may create it when absent (atomic, see publishExclusive);
 * its owner rewrites (renew) or removes (release) it while it is comfortably before expiry; any
 * process may remove it once stale (expired, or owner pid dead), but only under the file's reclaim
 * lock and only if it still holds the record judged stale.
 */
export class FileLeaseStore implements LeaseStore {
  readonly dir: string;
  private readonly wall: WallTime;
  private readonly isAlive: (pid: number) => boolean;
  private readonly hostname: string;
  private readonly reclaimLock: ReclaimLock;
  private ready: Promise<unknown> | undefined;

  constructor(opts: FileLeaseStoreOptions) {
    this.dir = opts.dir;
    this.wall = wallTimeOf(opts.clock);
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
      const expiresAt = this.wall.now() + this.wall.span(ttlMs);
      const record: LeaseFile = { ...key, ...owner, hostname: this.hostname, expiresAt, ttlMs, nonce: randomUUID() };
      if (await publishExclusive(file, JSON.stringify(record))) {
        return { gateway: key.gateway, clientId: key.clientId, owner: { ...owner }, expiresAt, ttlMs };
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
    const expiresAt = this.wall.now() + this.wall.span(lease.ttlMs);
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

  async markTaken(gateway: string, clientId: number, untilMs: number): Promise<void> {
    await this.ensureDir();
    const file = this.takenPath(gateway, clientId);
    const existing = await readJson<TakenFile>(file);
    const until = Math.max(this.wall.at(untilMs), existing.kind === 'ok' ? existing.value.until : -Infinity);
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
        const { pid, token, role, hostname, expiresAt, clientId } = rec.value;
        entries.push({ kind: 'lease', gateway, clientId, owner: { pid, token, role }, hostname, expiresAt, live: this.isLive(rec.value) });
      } else if (name.endsWith('.taken')) {
        const rec = await readJson<TakenFile>(full);
        if (rec.kind !== 'ok') continue;
        entries.push({ kind: 'taken', gateway, clientId: rec.value.clientId, until: rec.value.until, live: rec.value.until > now });
      }
    }
    return entries.sort((a, b) => a.clientId - b.clientId);
  }

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

  /** Ours, and far enough from expiry that no reclaimer can be judging it stale. */
  private safelyOwned(current: Awaited<ReturnType<typeof readJson<LeaseFile>>>, lease: Lease): current is { kind: 'ok'; value: LeaseFile; raw: string } {
    if (current.kind !== 'ok' || current.value.token !== lease.owner.token) return false;
    return this.wall.now() <= current.value.expiresAt - this.wall.span(renewSafetyMarginMs(lease.ttlMs));
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
