/**
 * Log lines rate-limited per key (per session, for the simulator): one client that floods the
 * gateway with bad frames must not turn into megabytes of log lines, nor drown the lines of every
 * other client. Each key has a token bucket; lines past it are counted, not written, and one
 * summary line per key says how many were held back once the bucket has room again.
 */
import type { Log } from './log.ts';

export interface LogRateLimit {
  /** Lines a key may write at once. */
  burst: number;
  /** Lines per second (of the `now` given) the bucket refills with. */
  perSecond: number;
}

/** The simulator's default per session: enough for a login and a handful of errors, then 5 lines/s. */
export const DEFAULT_SESSION_LOG_LIMIT: LogRateLimit = { burst: 30, perSecond: 5 };

export interface RateLimitedLogOptions {
  /** The key a line counts against; lines without one are never limited. */
  keyOf(obj: object): string | number | undefined;
  /** The field the summary line names the key with (`session`). Default `key`. */
  keyField?: string;
  limit?: LogRateLimit;
  /** Current time in ms (the model clock for the simulator, so virtual-time runs are deterministic). */
  now(): number;
  /** Run `fn` after `ms` (same time base as `now`): writes the summary of a key that went quiet. */
  setTimer(ms: number, fn: () => void): { cancel(): void };
}

interface Bucket {
  tokens: number;
  /** `now()` of the last refill. */
  at: number;
  suppressed: number;
  flush?: { cancel(): void } | undefined;
}

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * A Log that passes every line of `inner` through a token bucket per key. Buckets of keys that
 * have been quiet long enough to be full again are dropped, so keys that come and go (sessions)
 * cost nothing once gone. The summary line (level warn) carries `{[keyField]: key, suppressed: n}`.
 */
export class RateLimitedLog implements Log {
  private readonly buckets = new Map<string | number, Bucket>();
  private readonly limit: LogRateLimit;
  /** Sweep the buckets once the map has doubled since the last sweep… */
  private sweepAt = 1024;
  /** …or once every bucket could have refilled since it (`now()` of the last sweep). */
  private sweptAt = 0;

  constructor(
    private readonly inner: Log,
    private readonly opts: RateLimitedLogOptions,
  ) {
    this.limit = opts.limit ?? DEFAULT_SESSION_LOG_LIMIT;
  }

  /** Keys with a bucket (for tests: gone keys must not pile up). */
  get trackedKeys(): number {
    return this.buckets.size;
  }

  debug(obj: object, msg?: string): void {
    this.write('debug', obj, msg);
  }

  info(obj: object, msg?: string): void {
    this.write('info', obj, msg);
  }

  warn(obj: object, msg?: string): void {
    this.write('warn', obj, msg);
  }

  error(obj: object, msg?: string): void {
    this.write('error', obj, msg);
  }

  private write(level: Level, obj: object, msg?: string): void {
    const key = this.opts.keyOf(obj);
    if (key === undefined) {
      this.inner[level](obj, msg);
      return;
    }
    const now = this.opts.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.sweepAt || now - this.sweptAt >= (this.limit.burst / this.limit.perSecond) * 1000) this.sweep(now);
      b = { tokens: this.limit.burst, at: now, suppressed: 0 };
      this.buckets.set(key, b);
    }
    this.refill(b, now);
    if (b.tokens < 1) {
      b.suppressed++;
      // The summary is written when the bucket has room again, whether or not the key logs again.
      b.flush ??= this.opts.setTimer(((1 - b.tokens) / this.limit.perSecond) * 1000, () => {
        b.flush = undefined;
        this.summarize(key, b, this.opts.now());
      });
      return;
    }
    this.summarize(key, b, now);
    b.tokens -= 1;
    this.inner[level](obj, msg);
  }

  private refill(b: Bucket, now: number): void {
    b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond);
    b.at = now;
  }

  /** Write the "n lines suppressed" line of a key, if it has one owing. */
  private summarize(key: string | number, b: Bucket, now: number): void {
    if (b.suppressed === 0) return;
    this.refill(b, now);
    const n = b.suppressed;
    b.suppressed = 0;
    b.flush?.cancel();
    b.flush = undefined;
    b.tokens = Math.max(0, b.tokens - 1);
    this.inner.warn(
      { [this.opts.keyField ?? 'key']: key, suppressed: n },
      `${n} log line${n === 1 ? '' : 's'} suppressed (more than ${this.limit.burst} at once, ${this.limit.perSecond}/s after)`,
    );
  }

  /** Drop the buckets that are full again and owe no summary. */
  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      this.refill(b, now);
      if (b.suppressed === 0 && b.tokens >= this.limit.burst) this.buckets.delete(key);
    }
    this.sweepAt = Math.max(1024, this.buckets.size * 2);
    this.sweptAt = now;
  }
}
