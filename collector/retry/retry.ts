import type { Clock, TimerHandle } from '../../common/clock.ts';
import { Aborted, CollectorError, DeadlineExceeded } from '../errors.ts';
import { backoffDelay, resolveBackoff, type BackoffOptions } from './backoff.ts';

export interface AttemptContext {
  /** 1-based attempt number. */
  attempt: number;
  /** Aborted when the caller aborts or the overall deadline passes; pass it on to I/O. */
  signal: AbortSignal;
  /** Model milliseconds left before the deadline (Infinity without one). */
  remainingMs: number;
}

export interface RetryOptions extends BackoffOptions {
  clock: Clock;
  /** Budget for the whole call, attempts and sleeps included, in model milliseconds. */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Default: `err.retryable === true` for a CollectorError, false for anything else. */
  isRetryable?: (err: unknown) => boolean;
  /** Called before each sleep: the attempt that failed, the delay about to be slept, its error. */
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
  /** Names the operation in DeadlineExceeded/Aborted messages. */
  what?: string;
}

/** Unknown errors are treated as bugs, not as transient failures. */
export function defaultIsRetryable(err: unknown): boolean {
  return err instanceof CollectorError && err.retryable === true;
}

/**
 * Run `fn` until it succeeds, sleeping with exponential backoff between failures.
 *
 * Ends with: the result; the error itself when it is not retryable or attempts run out;
 * `DeadlineExceeded` (carrying the last error) when the next sleep or attempt would not fit in
 * `deadlineMs` or the deadline passes during an attempt; `Aborted` when `signal` fires. All
 * waiting goes through `clock`, so the loop never blocks and runs in virtual time under test.
 */
export async function retry<T>(fn: (ctx: AttemptContext) => Promise<T>, opts: RetryOptions): Promise<T> {
  const backoff = resolveBackoff(opts);
  const { clock } = opts;
  const what = opts.what ?? 'operation';
  const isRetryable = opts.isRetryable ?? defaultIsRetryable;
  const deadlineMs = opts.deadlineMs ?? Infinity;
  const startedAt = clock.now();
  const deadlineAt = startedAt + deadlineMs;

  // One controller for "stop now": fired by the caller's signal or by the deadline timer.
  const stop = new AbortController();
  const onCallerAbort = () => stop.abort(new Aborted(what, opts.signal?.reason));
  let deadlineTimer: TimerHandle | undefined;
  let lastError: unknown;
  let attempt = 0;
  const deadlineError = () => new DeadlineExceeded(what, deadlineMs, attempt, lastError);

  if (opts.signal?.aborted) throw new Aborted(what, opts.signal.reason);
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (Number.isFinite(deadlineMs)) {
    deadlineTimer = clock.setTimer(deadlineMs, () => stop.abort(deadlineError()));
  }

  try {
    for (;;) {
      if (clock.now() >= deadlineAt) throw deadlineError();
      attempt++;
      try {
        return await raceWithStop(fn({ attempt, signal: stop.signal, remainingMs: deadlineAt - clock.now() }), stop.signal);
      } catch (err) {
        if (stop.signal.aborted) throw withLastError(stop.signal.reason, err);
        lastError = err;
        if (!isRetryable(err) || attempt >= backoff.maxAttempts) throw err;
      }

      const hinted = retryAfterHint(lastError);
      const delayMs = Math.max(backoffDelay(attempt - 1, backoff), hinted);
      // Sleeping past the deadline only to give up afterwards wastes the caller's time.
      if (clock.now() + delayMs >= deadlineAt) throw deadlineError();
      opts.onRetry?.(attempt, delayMs, lastError);
      try {
        await clock.sleep(delayMs, stop.signal);
      } catch {
        throw withLastError(stop.signal.reason, lastError);
      }
    }
  } finally {
    deadlineTimer?.cancel();
    opts.signal?.removeEventListener('abort', onCallerAbort);
  }
}

function retryAfterHint(err: unknown): number {
  return err instanceof CollectorError && err.retryAfterMs !== undefined ? err.retryAfterMs : 0;
}

/** The stop reason is created before the attempt's own failure is known; attach it afterwards. */
function withLastError(reason: unknown, lastError: unknown): unknown {
  if (reason instanceof Aborted && reason.lastError === undefined && lastError !== undefined) {
    return new Aborted(reason.what, reason.reason, lastError);
  }
  return reason;
}

/**
 * Settle with `work`, or reject as soon as `signal` aborts. An attempt that ignores its signal
 * keeps running in the background; its eventual rejection is swallowed so it is not reported as
 * unhandled.
 */
function raceWithStop<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      work.catch(() => undefined);
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
