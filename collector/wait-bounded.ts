/**
 * Waiting for a promise with a deadline and an AbortSignal, without ever leaving its rejection
 * unhandled: every caller-facing wait of the collector goes through here.
 */
import type { Clock, TimerHandle } from '../common/clock.ts';
import { Aborted, DeadlineExceeded } from './errors.ts';

/**
 * Wait for `p`, but no longer than `ms` model time (then fail with `onTimeout()`) or until `signal`
 * aborts (then `Aborted`). `p` is always observed, so its later rejection never goes unhandled,
 * whichever comes first. `ms` of Infinity waits without a deadline; NaN or ms ≤ 0 time out at once
 * (on the next turn).
 */
export function waitBounded<T>(
  p: Promise<T>,
  clock: Clock,
  ms: number,
  signal: AbortSignal | undefined,
  what: string,
  onTimeout: () => Error = () => new DeadlineExceeded(what, ms, 1, undefined),
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let timer: TimerHandle | undefined;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      timer?.cancel();
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = () => finish(() => reject(new Aborted(what, signal?.reason)));
    // Observe `p` first: whatever ends the wait, its outcome is handled.
    p.then(
      (v) => finish(() => resolve(v)),
      (e) => finish(() => reject(e)),
    );
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (ms === Number.POSITIVE_INFINITY) return;
    // A clock may fire a tiny timer synchronously; `finish` exists by now, and a settled wait ignores it.
    timer = clock.setTimer(Math.max(ms || 0, 0), () => finish(() => reject(onTimeout())));
    if (done) timer.cancel();
  });
}
