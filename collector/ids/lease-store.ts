/**
 * The seam between client-id allocation and wherever leases are kept. The default keeps them as
 * files on one host (FileLeaseStore); a multi-host deployment would put Redis or a database
 * behind the same five operations.
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
   * Epoch ms after which anyone may reclaim the id, on the store's time: wall-clock for stores
   * shared between processes (FileLeaseStore), so processes at different time scales agree.
   */
  expiresAt: number;
  ttlMs: number;
}

export type LeaseEntry =
  | {
      kind: 'lease';
      gateway: string;
      clientId: number;
      owner: LeaseOwner;
      hostname: string;
      expiresAt: number;
      /** Not expired and the owner process still exists (as far as this host can tell). */
      live: boolean;
    }
  | {
      kind: 'taken';
      gateway: string;
      clientId: number;
      /** The gateway refused the id (326) and is assumed to hold it until then. */
      until: number;
      live: boolean;
    };

export interface LeaseStore {
  /** Take the id if nobody live holds it and it is not marked taken; null otherwise. */
  tryAcquire(key: LeaseKey, owner: LeaseOwner, ttlMs: number): Promise<Lease | null>;
  /**
   * Extend the lease by its ttl. Null when it is no longer ours (expired and reclaimed, or too
   * close to expiry to extend safely): the holder must stop using the id.
   */
  renew(lease: Lease): Promise<Lease | null>;
  /** Give the id back. A no-op if the lease is no longer ours. */
  release(lease: Lease): Promise<void>;
  /**
   * After a 326: someone outside our control uses the id; nobody may lease it before `untilMs`
   * (an instant of the caller's clock; a shared store keeps it as wall-clock time). Independent
   * of leases: it neither creates nor breaks one.
   */
  markTaken(gateway: string, clientId: number, untilMs: number): Promise<void>;
  list(gateway: string): Promise<LeaseEntry[]>;
  /**
   * Remove every lease that is no longer live (expired, or its owner process is gone on this
   * host) now, instead of when someone next tries that id: what a new process does at start so a
   * killed one leaves no debris. Returns how many were removed.
   */
  reclaimStale?(): Promise<number>;
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

/**
 * A renewal this close to expiry is refused: a reclaimer on another process may already be
 * judging the lease expired, and a renew that lands after its reclaim would give the id two
 * owners. Standard lease caveat: a holder stalled longer than this mid-renew can still lose.
 */
export function renewSafetyMarginMs(ttlMs: number): number {
  return Math.min(1000, ttlMs / 10);
}
