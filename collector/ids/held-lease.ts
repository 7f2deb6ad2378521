import type { Clock, TimerHandle } from '../../common/clock.ts';
import { renewSafetyMarginMs, type Lease, type LeaseStore } from './lease-store.ts';
import type { ClientIdLease } from './roles.ts';

export interface HeldLeaseDeps {
  store: LeaseStore;
  /** Wall-clock time and timers (common/clock.ts, wallClockFor): leases live in wall time. */
  wall: Clock;
  /** Renewal period, wall ms. */
  heartbeatMs: number;
  /** The gateway's grace after a 326, in wall ms, for `markInUse()` without an argument. */
  defaultGraceMs: number;
  /** Wall ms for a grace period the caller gives in model ms. */
  graceToWallMs: (modelMs: number) => number;
  /** Wall time (this process's) at which the request that produced the lease was sent. */
  sentAt: number;
  /** Called once when the lease ends for any reason, so the allocator can forget it. */
  onEnded: (lease: HeldLease) => void;
  onLost: ((lease: ClientIdLease) => void) | undefined;
}

/**
 * A lease this process holds, kept alive by a heartbeat in wall time. Store operations on one
 * lease run one after another: a release racing an in-flight renewal could otherwise let the
 * renewal's rewrite resurrect the file the release just removed.
 *
 * The holder never trusts the store's clock for its own safety: the lease counts as lost at
 * this process's own deadline — when the last successful renewal was *sent*, plus the ttl, less
 * the renewal margin — whether or not the store could be asked (an unreachable Redis stops
 * renewals; the id must then be given up before anyone else may take it).
 */
export class HeldLease implements ClientIdLease {
  readonly role: string;
  private current: Lease;
  private status: 'held' | 'released' | 'lost' = 'held';
  private readonly lost = new AbortController();
  /** The one timer of a lease: the next heartbeat, or while a renewal is out, the deadline. */
  private timer: TimerHandle | undefined;
  private deadline: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    lease: Lease,
    role: string,
    private readonly deps: HeldLeaseDeps,
  ) {
    this.current = lease;
    this.role = role;
    this.deadline = this.deadlineFrom(deps.sentAt);
    this.scheduleHeartbeat(deps.heartbeatMs);
  }

  get clientId(): number {
    return this.current.clientId;
  }

  get gateway(): string {
    return this.current.gateway;
  }

  get state(): 'held' | 'released' | 'lost' {
    return this.status;
  }

  get lostSignal(): AbortSignal {
    return this.lost.signal;
  }

  /** The lease's fencing token. */
  get fence(): number {
    return this.current.fence;
  }

  /** The store's wall time (epoch ms) until which it guarantees the id to us. */
  get expiresAt(): number {
    return this.current.expiresAt;
  }

  release(): Promise<void> {
    return this.serially(async () => {
      if (this.status !== 'held') return;
      this.end('released');
      await this.deps.store.release(this.current);
    });
  }

  markInUse(graceMs?: number): Promise<void> {
    return this.serially(async () => {
      if (this.status !== 'held') return;
      // Mark before releasing so the id is never free in between.
      const forMs = graceMs === undefined ? this.deps.defaultGraceMs : this.deps.graceToWallMs(graceMs);
      await this.deps.store.markTaken(this.current.gateway, this.current.clientId, forMs);
      this.end('released');
      await this.deps.store.release(this.current);
    });
  }

  /**
   * Before using the id (connecting with it): is this still the id's latest lease? False — and the
   * lease is then lost — when our own deadline passed or the store holds a newer fencing token.
   * Throws when the store cannot be asked (the caller waits and asks again).
   */
  confirm(): Promise<boolean> {
    return this.serially(async () => {
      if (this.status !== 'held') return false;
      if (this.deps.wall.now() >= this.deadline) {
        this.loseWith('its lease expired before it could be renewed');
        return false;
      }
      if (await this.deps.store.validate(this.current)) return true;
      if (this.status === 'held') this.loseWith('the store holds a newer lease on it (fencing token)');
      return false;
    });
  }

  /** Stop renewing without touching the store: what a crashed or hung process looks like. */
  abandon(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** The next renewal after `ms` wall ms — or at the deadline, if that comes first. */
  private scheduleHeartbeat(ms: number): void {
    this.timer?.cancel();
    const wall = this.deps.wall;
    this.timer = wall.setTimer(Math.max(0, Math.min(ms, this.deadline - wall.now())), () => {
      this.timer = undefined;
      if (this.status !== 'held') return;
      if (wall.now() >= this.deadline) this.loseWith('its lease expired before it could be renewed');
      else void this.serially(() => this.renew());
    });
  }

  private async renew(): Promise<void> {
    if (this.status !== 'held') return;
    const wall = this.deps.wall;
    const sentAt = wall.now();
    // A renewal that hangs (an unreachable store) must not keep the id past the deadline.
    this.timer = wall.setTimer(Math.max(0, this.deadline - sentAt), () => {
      this.timer = undefined;
      if (this.status === 'held') this.loseWith('its lease expired before it could be renewed');
    });
    let renewed: Lease | null;
    try {
      renewed = await this.deps.store.renew(this.current);
    } catch {
      // The store cannot be reached: keep trying, more often as the deadline nears; the deadline
      // timer gives the id up if none succeeds in time.
      if (this.status === 'held') this.scheduleHeartbeat(Math.max(1, Math.min(this.deps.heartbeatMs, (this.deadline - this.deps.wall.now()) / 3)));
      return;
    }
    if (this.status !== 'held') return;
    if (renewed === null) {
      this.loseWith('a renewal was refused (it expired, or another holder has it)');
      return;
    }
    this.current = renewed;
    this.deadline = this.deadlineFrom(sentAt);
    this.scheduleHeartbeat(this.deps.heartbeatMs);
  }

  private deadlineFrom(sentAt: number): number {
    return sentAt + this.current.ttlMs - renewSafetyMarginMs(this.current.ttlMs);
  }

  private loseWith(why: string): void {
    this.end('lost');
    this.lost.abort(new Error(`lease on client id ${this.clientId} (${this.gateway}) was lost: ${why}`));
    this.deps.onLost?.(this);
  }

  private end(status: 'released' | 'lost'): void {
    this.status = status;
    this.abandon();
    this.deps.onEnded(this);
  }

  private serially<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
