import type { Clock, TimerHandle } from '../../common/clock.ts';
import type { Lease, LeaseStore } from './lease-store.ts';
import type { ClientIdLease } from './roles.ts';

export interface HeldLeaseDeps {
  store: LeaseStore;
  clock: Clock;
  heartbeatMs: number;
  defaultGraceMs: number;
  /** Called once when the lease ends for any reason, so the allocator can forget it. */
  onEnded: (lease: HeldLease) => void;
  onLost: ((lease: ClientIdLease) => void) | undefined;
}

/**
 * A lease this process holds, kept alive by a heartbeat on the Clock. Store operations on one
 * lease run one after another: a release racing an in-flight renewal could otherwise let the
 * renewal's rewrite resurrect the file the release just removed.
 */
export class HeldLease implements ClientIdLease {
  readonly role: string;
  private current: Lease;
  private status: 'held' | 'released' | 'lost' = 'held';
  private readonly lost = new AbortController();
  private timer: TimerHandle | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    lease: Lease,
    role: string,
    private readonly deps: HeldLeaseDeps,
  ) {
    this.current = lease;
    this.role = role;
    this.scheduleHeartbeat();
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

  /** Until when the store guarantees the id to us, in epoch ms on the store's time (wall-clock for a FileLeaseStore). */
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

  markInUse(graceMs = this.deps.defaultGraceMs): Promise<void> {
    return this.serially(async () => {
      if (this.status !== 'held') return;
      // Mark before releasing so the id is never free in between.
      const { store, clock } = this.deps;
      await store.markTaken(this.current.gateway, this.current.clientId, clock.now() + graceMs);
      this.end('released');
      await store.release(this.current);
    });
  }

  /** Stop renewing without touching the store: what a crashed or hung process looks like. */
  abandon(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private scheduleHeartbeat(): void {
    this.timer = this.deps.clock.setTimer(this.deps.heartbeatMs, () => {
      this.timer = undefined;
      void this.serially(() => this.renew());
    });
  }

  private async renew(): Promise<void> {
    if (this.status !== 'held') return;
    let renewed: Lease | null;
    try {
      renewed = await this.deps.store.renew(this.current);
    } catch {
      // A transient store failure: try again next beat; if it persists the lease expires and the
      // next renewal reports the loss.
      if (this.status === 'held') this.scheduleHeartbeat();
      return;
    }
    if (this.status !== 'held') return;
    if (renewed === null) {
      this.end('lost');
      this.lost.abort(new Error(`lease on client id ${this.clientId} (${this.gateway}) was lost`));
      this.deps.onLost?.(this);
      return;
    }
    this.current = renewed;
    this.scheduleHeartbeat();
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
