import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { WallTime } from '../../common/clock.ts';
import { ignoreErrno, isErrno, publishExclusive, readJson, unlinkIfPresent } from './atomic-files.ts';

interface LockFile {
  pid: number;
  hostname: string;
  nonce: string;
  lockedAt: number;
}

export interface ReclaimLockOptions {
  /** Lock files hold wall-clock times, so processes at any time scale agree on their age. */
  wall: WallTime;
  isAlive: (pid: number) => boolean;
  hostname: string;
  /** A lock older than this (wall ms) is assumed abandoned (its holder crashed on another host). */
  staleAfterMs: number;
}

/**
 * A per-lease-file mutex for the one operation that removes another process's file: reclaiming a
 * stale lease. POSIX has no "unlink if unchanged", so read-compare-remove must not interleave
 * between two reclaimers, or one of them removes the fresh lease the other has just created.
 * Held for a few file operations only; never waited for — a busy lock means someone else is
 * reclaiming that id right now.
 */
export class ReclaimLock {
  constructor(private readonly opts: ReclaimLockOptions) {}

  /** Returns the unlock function, or null if another live process holds the lock. */
  async tryLock(leaseFile: string): Promise<(() => Promise<void>) | null> {
    const lockFile = `${leaseFile}.lock`;
    const mine: LockFile = { pid: process.pid, hostname: this.opts.hostname, nonce: randomUUID(), lockedAt: this.opts.wall.now() };
    const content = JSON.stringify(mine);
    for (let round = 0; round < 2; round++) {
      if (await publishExclusive(lockFile, content)) return () => unlinkIfPresent(lockFile);
      const holder = await readJson<LockFile>(lockFile);
      if (holder.kind === 'missing') continue;
      if (holder.kind === 'ok' && !this.isAbandoned(holder.value)) return null;
      await breakLock(lockFile, holder.raw);
    }
    return null;
  }

  private isAbandoned(lock: LockFile): boolean {
    if (this.opts.wall.now() - lock.lockedAt > this.opts.staleAfterMs) return true;
    return lock.hostname === this.opts.hostname && !this.opts.isAlive(lock.pid);
  }
}

/**
 * Only needed after a process died inside its critical section. The rename to a unique name
 * decides between competing breakers; if what was moved is not the lock judged abandoned (it was
 * broken and re-taken in between), it is put back.
 */
async function breakLock(lockFile: string, judged: string): Promise<void> {
  const tomb = `${lockFile}.tomb-${randomUUID()}`;
  try {
    await fs.rename(lockFile, tomb);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return;
    throw err;
  }
  try {
    if ((await fs.readFile(tomb, 'utf8')) !== judged) await fs.link(tomb, lockFile).catch(ignoreErrno('EEXIST'));
  } finally {
    await unlinkIfPresent(tomb);
  }
}
