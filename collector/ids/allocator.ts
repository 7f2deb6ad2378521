import { randomUUID } from 'node:crypto';
import { toWallMs, wallClockFor, type Clock } from '../../common/clock.ts';
import type { Rng } from '../../common/rng.ts';
import { ClientIdsExhausted } from '../errors.ts';
import { HeldLease } from './held-lease.ts';
import type { LeaseEntry, LeaseStore } from './lease-store.ts';
import {
  boundsOf,
  describeRange,
  roleRange,
  validateRoles,
  type ClientIdLease,
  type ClientIdSource,
  type LeaseRequestOptions,
  type RangeBounds,
  type RoleRange,
  type RoleRanges,
} from './roles.ts';

export interface ClientIdAllocatorOptions {
  store: LeaseStore;
  /**
   * The process's model clock. Leases run on the wall clock that goes with it
   * (common/clock.ts, wallClockFor): real time, or a test's virtual time.
   */
  clock: Clock;
  /** Leases are per gateway: the same id may be used on two different gateways. */
  gateway: string;
  roles: RoleRanges;
  /**
   * How long a lease survives without renewal, wall ms, whatever the time scale: it guards an id
   * against other processes, whose clocks are the wall's. Default 30 s.
   */
  ttlMs?: number;
  /** Renewal period, wall ms. Default ttl/3, so two missed beats still leave the lease valid. */
  heartbeatMs?: number;
  /**
   * How long an id stays off-limits after a 326, model ms (it mirrors the gateway's grace, which
   * runs on the gateway's clock). Default 60 s: TWS is reported to keep an id "in use" for 30–60 s
   * after an unclean client exit (docs/wire-facts/gateway.md#id-held-after-an-unclean-exit).
   */
  defaultGraceMs?: number;
  /**
   * 'lowest' tries ids from the bottom of the range; 'seeded' starts at an rng-chosen id and wraps
   * around, so processes sharing a range contend less. Both are deterministic given their inputs.
   */
  order?: 'lowest' | 'seeded';
  rng?: Rng;
  pid?: number;
  /** Identifies this allocator's leases; default a random UUID. */
  token?: string;
  onLost?: (lease: ClientIdLease) => void;
}

/**
 * Hands out client ids so that no two live connections to one gateway share an id, across
 * processes that share the lease store.
 */
export class ClientIdAllocator implements ClientIdSource {
  readonly gateway: string;
  readonly token: string;
  readonly pid: number;
  private readonly opts: ClientIdAllocatorOptions;
  private readonly ttlMs: number;
  private readonly heartbeatMs: number;
  private readonly defaultGraceMs: number;
  private readonly seededStart = new Map<string, number>();
  private readonly holding = new Set<HeldLease>();

  constructor(opts: ClientIdAllocatorOptions) {
    validateRoles(opts.roles);
    this.opts = opts;
    this.gateway = opts.gateway;
    this.token = opts.token ?? randomUUID();
    this.pid = opts.pid ?? process.pid;
    this.ttlMs = opts.ttlMs ?? 30_000;
    this.heartbeatMs = opts.heartbeatMs ?? this.ttlMs / 3;
    this.defaultGraceMs = opts.defaultGraceMs ?? 60_000;
    if (!(this.heartbeatMs > 0 && this.heartbeatMs < this.ttlMs)) {
      throw new RangeError(`heartbeatMs (${this.heartbeatMs}) must be positive and shorter than ttlMs (${this.ttlMs})`);
    }
    if (opts.order === 'seeded' && !opts.rng) throw new RangeError("order 'seeded' needs an rng");
  }

  async lease(role: string, opts: LeaseRequestOptions = {}): Promise<ClientIdLease> {
    const range = roleRange(this.opts.roles, role);
    const bounds = boundsOf(range);
    const exclude = new Set(opts.exclude ?? []);
    const entries = await this.opts.store.list(this.gateway);
    const busy = new Set(entries.filter((e) => e.live).map((e) => e.clientId));
    const owner = { pid: this.pid, token: this.token, role };

    const wall = wallClockFor(this.opts.clock);
    for (const clientId of this.candidates(role, bounds)) {
      if (exclude.has(clientId) || busy.has(clientId)) continue;
      const sentAt = wall.now();
      const lease = await this.opts.store.tryAcquire({ gateway: this.gateway, clientId }, owner, this.ttlMs);
      if (!lease) continue;
      const held = new HeldLease(lease, role, {
        store: this.opts.store,
        wall,
        heartbeatMs: this.heartbeatMs,
        defaultGraceMs: toWallMs(this.opts.clock, this.defaultGraceMs),
        graceToWallMs: (ms) => toWallMs(this.opts.clock, ms),
        sentAt,
        onEnded: (l) => this.holding.delete(l),
        onLost: this.opts.onLost,
      });
      this.holding.add(held);
      return held;
    }
    const after = await this.opts.store.list(this.gateway);
    throw new ClientIdsExhausted(role, this.gateway, explainExhaustion(range, exclude, after));
  }

  leaseNext(role: string, opts: { exclude: Iterable<number> }): Promise<ClientIdLease> {
    return this.lease(role, opts);
  }

  /** Leases this allocator currently holds. */
  held(): ClientIdLease[] {
    return [...this.holding];
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.holding].map((l) => l.release()));
  }

  /**
   * Stop all heartbeats and forget the leases without releasing them — for simulations of a
   * crashed or hung process. The store reclaims them by the usual rules.
   */
  halt(): void {
    for (const lease of this.holding) lease.abandon();
    this.holding.clear();
  }

  private *candidates(role: string, { min, max }: RangeBounds): Generator<number> {
    let start = min;
    if (this.opts.order === 'seeded') {
      if (!this.seededStart.has(role)) this.seededStart.set(role, this.opts.rng!.int(min, max));
      start = this.seededStart.get(role)!;
    }
    for (let id = start; id <= max; id++) yield id;
    for (let id = min; id < start; id++) yield id;
  }
}

function explainExhaustion(range: RoleRange, exclude: Set<number>, entries: LeaseEntry[]): string {
  const bounds = boundsOf(range);
  const inRange = entries.filter((e) => e.live && e.clientId >= bounds.min && e.clientId <= bounds.max);
  const leased = inRange.filter((e): e is Extract<LeaseEntry, { kind: 'lease' }> => e.kind === 'lease');
  const taken = inRange.filter((e): e is Extract<LeaseEntry, { kind: 'taken' }> => e.kind === 'taken');
  const excluded = [...exclude].filter((id) => id >= bounds.min && id <= bounds.max);
  const parts: string[] = [];
  if (leased.length > 0) {
    const sample = leased.slice(0, 3).map((e) => `${e.clientId} by pid ${e.owner.pid} (${e.owner.role}, ${e.hostname})`);
    parts.push(`${leased.length} leased [${sample.join('; ')}${leased.length > 3 ? '; ...' : ''}]`);
  }
  if (taken.length > 0) {
    const sample = taken.slice(0, 3).map((e) => `${e.clientId} until ${new Date(e.until).toISOString()}`);
    parts.push(`${taken.length} in use outside our control after a 326 [${sample.join('; ')}${taken.length > 3 ? '; ...' : ''}]`);
  }
  if (excluded.length > 0) parts.push(`${excluded.length} excluded by the caller`);
  const what = 'fixed' in range ? `${describeRange(range)} is unavailable` : `all ${describeRange(range)} are unavailable`;
  return `${what}: ${parts.join(', ') || 'every attempt lost a race with another process'}`;
}
