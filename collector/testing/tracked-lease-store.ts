import type { Lease, LeaseEntry, LeaseKey, LeaseOwner, LeaseStore } from '../ids/lease-store.ts';

/**
 * A LeaseStore that passes every call through and remembers the ones still running, so a
 * virtual-time test can let the store work that a timer started (a heartbeat's renewal against
 * real files) finish before the clock moves on: `await store.idle()` after each timer.
 */
export class TrackedLeaseStore implements LeaseStore {
  private readonly running = new Set<Promise<unknown>>();

  constructor(readonly inner: LeaseStore) {}

  tryAcquire(key: LeaseKey, owner: LeaseOwner, ttlMs: number): Promise<Lease | null> {
    return this.track(this.inner.tryAcquire(key, owner, ttlMs));
  }

  renew(lease: Lease): Promise<Lease | null> {
    return this.track(this.inner.renew(lease));
  }

  release(lease: Lease): Promise<void> {
    return this.track(this.inner.release(lease));
  }

  validate(lease: Lease): Promise<boolean> {
    return this.track(this.inner.validate(lease));
  }

  markTaken(gateway: string, clientId: number, forMs: number): Promise<void> {
    return this.track(this.inner.markTaken(gateway, clientId, forMs));
  }

  list(gateway: string): Promise<LeaseEntry[]> {
    return this.track(this.inner.list(gateway));
  }

  reclaimStale(): Promise<number> {
    return this.track(this.inner.reclaimStale());
  }

  /** Resolves once no call is running, including calls started by what the finished ones resumed. */
  async idle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
      // Let the callers' continuations run; they may start the next call.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private track<T>(op: Promise<T>): Promise<T> {
    this.running.add(op);
    const forget = () => this.running.delete(op);
    op.then(forget, forget);
    return op;
  }
}
