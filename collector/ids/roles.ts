/**
 * Which client ids each kind of connection may use. The incident's layout is
 * `{ ui: { fixed: 1 }, workers: { min: 4, max: 999 } }`: one long-lived UI connection with a
 * well-known id, and short-lived worker connections drawing from a range.
 */
export type RoleRange = { fixed: number } | { min: number; max: number };
export type RoleRanges = Readonly<Record<string, RoleRange>>;

export interface ClientIdLease {
  readonly clientId: number;
  readonly role: string;
  readonly gateway: string;
  /** 'lost' means a renewal was refused: someone else may now hold the id. */
  readonly state: 'held' | 'released' | 'lost';
  /** Aborted if the lease is lost while held; the connection using the id should be dropped. */
  readonly lostSignal: AbortSignal;
  release(): Promise<void>;
  /**
   * Before the id is used (a connection made with it): whether this is still the id's current
   * lease. False means it was lost (expired, or a newer holder's fencing token is in the store):
   * lease another. Throws when that cannot be known right now (the store is unreachable).
   */
  confirm(): Promise<boolean>;
  /**
   * The gateway answered 326 for this id: record it as used by someone outside our control for
   * `graceMs` model ms (default: the allocator's grace period) and give our lease up.
   */
  markInUse(graceMs?: number): Promise<void>;
}

export interface LeaseRequestOptions {
  /** Ids not to hand out this time, e.g. ones that just failed to connect. */
  exclude?: Iterable<number>;
}

/** What the session layer depends on; implemented by the coordinated allocator and the incident's random draw. */
export interface ClientIdSource {
  lease(role: string, opts?: LeaseRequestOptions): Promise<ClientIdLease>;
  leaseNext(role: string, opts: { exclude: Iterable<number> }): Promise<ClientIdLease>;
}

export interface RangeBounds {
  min: number;
  max: number;
}

export function boundsOf(range: RoleRange): RangeBounds {
  return 'fixed' in range ? { min: range.fixed, max: range.fixed } : { min: range.min, max: range.max };
}

export function describeRange(range: RoleRange): string {
  const { min, max } = boundsOf(range);
  return min === max ? `client id ${min}` : `client ids ${min}..${max}`;
}

/** Rejects malformed and overlapping ranges: two roles sharing ids would compete for them silently. */
export function validateRoles(roles: RoleRanges): void {
  const entries = Object.entries(roles);
  if (entries.length === 0) throw new RangeError('at least one client-id role is required');
  for (const [role, range] of entries) {
    const { min, max } = boundsOf(range);
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max > 2 ** 31 - 1 || min > max) {
      throw new RangeError(`role '${role}': invalid ${describeRange(range)} (need integers 0 <= min <= max < 2^31)`);
    }
  }
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const [ra, a] = entries[i]!;
      const [rb, b] = entries[j]!;
      const x = boundsOf(a);
      const y = boundsOf(b);
      if (x.min <= y.max && y.min <= x.max) {
        throw new RangeError(`roles '${ra}' (${describeRange(a)}) and '${rb}' (${describeRange(b)}) overlap`);
      }
    }
  }
}

export function roleRange(roles: RoleRanges, role: string): RoleRange {
  const range = roles[role];
  if (!range) throw new RangeError(`unknown client-id role '${role}' (known: ${Object.keys(roles).join(', ')})`);
  return range;
}
