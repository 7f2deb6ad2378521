/**
 * The seam between client-id allocation and wherever leases are kept: files on one host
 * (FileLeaseStore, the default), Redis for many hosts (collector/coordination/redis/), a Map in
 * tests. Part of the coordination port (collector/coordination/port.ts).
 *
 * Time: every instant here is the store's wall-clock epoch ms and every duration wall ms,
 * whatever the caller's `--time-scale` (common/clock.ts, wall-clock time), so processes at
 * different scales and on different hosts agree on expiry.
 */
export interface LeaseKey {
  /** Which gateway the id is for, e.g. "127.0.0.1:4002". Ids are only unique per gateway. */
  gateway: string;
  clientId: number;
}

export interface LeaseOwner {
  pid: number;
  /** Unique per allocator instance; proves ownership when renewing or releasing. */
  token: string;
  role: string;
}

export interface Lease extends LeaseKey {
  owner: LeaseOwner;
  /**
   * Fencing token: greater than every token the store issued before for this gateway, so a
   * holder can tell (validate) whether its lease is still the id's latest one.
   */
  fence: number;
  /** The store's wall-clock epoch ms after which anyone may take the id. */
  expiresAt: number;
  /** Wall ms. */
  ttlMs: number;
}

export type LeaseEntry =
  | {
      kind: 'lease';
      gateway: string;
      clientId: number;
      owner: LeaseOwner;
      fence: number;
      hostname: string;
      expiresAt: number;
      /** Not expired and the owner process still exists (as far as this host can tell). */
      live: boolean;
    }
  | {
      kind: 'taken';
      gateway: string;
      clientId: number;
      /** The gateway refused the id (326) and is assumed to hold it until then (the store's wall ms). */
      until: number;
      live: boolean;
    };

export interface LeaseStore {
  /**
   * Take the id for `ttlMs` wall ms if nobody live holds it and it is not marked taken; null
   * otherwise. Throws CoordinationUnavailable when the store cannot hand out ids right now.
   */
  tryAcquire(key: LeaseKey, owner: LeaseOwner, ttlMs: number): Promise<Lease | null>;
  /**
   * Extend the lease by its ttl. Null when it is no longer ours (expired and reclaimed, or too
   * close to expiry to extend safely): the holder must stop using the id.
   */
  renew(lease: Lease): Promise<Lease | null>;
  /** Give the id back. A no-op if the lease is no longer ours. */
  release(lease: Lease): Promise<void>;
  /**
   * Whether `lease` is still the id's current lease: same fencing token, not expired. A holder
   * asks before it uses the id (connects with it), so a stale holder learns it first.
   */
  validate(lease: Lease): Promise<boolean>;
  /**
   * After a 326: someone outside our control uses the id; nobody may lease it for the next
   * `forMs` wall ms. Independent of leases: it neither creates nor breaks one.
   */
  markTaken(gateway: string, clientId: number, forMs: number): Promise<void>;
  list(gateway: string): Promise<LeaseEntry[]>;
  /**
   * Remove every lease that is no longer live (expired, or its owner process is gone on this
   * host) now, instead of when someone next tries that id: what a new process does at start so a
   * killed one leaves no debris. Only ever removes a lease still exactly as judged stale (same
   * fencing token), so a fresh lease taken in between survives. Returns how many were removed.
   */
  reclaimStale(): Promise<number>;
}

/** Whether a process exists. EPERM means it exists but belongs to another user. */
export function processIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Hands out fencing tokens: strictly increasing per gateway, across every process sharing it. */
export interface FenceSource {
  next(gateway: string): Promise<number>;
}

/**
 * A renewal this close to expiry is refused: a reclaimer on another process may already be
 * judging the lease expired, and a renew that lands after its reclaim would give the id two
 * owners. Standard lease caveat: a holder stalled longer than this mid-renew can still lose.
 */
export function renewSafetyMarginMs(ttlMs: number): number {
  return Math.min(1000, ttlMs / 10);
}
