import type { Rng } from '../../common/rng.ts';

export interface BackoffOptions {
  /** Delay before the second attempt. Default 500 ms, as in the incident fix. */
  baseDelayMs?: number;
  /** Growth per retry. Default 2: 0.5 s, 1 s, 2 s, ... */
  factor?: number;
  /** Cap on any single delay (before jitter). Default 30 s. */
  maxDelayMs?: number;
  /** Total attempts including the first. Default 4, i.e. the three delays 0.5 s, 1 s, 2 s. */
  maxAttempts?: number;
  /**
   * 'full' draws each delay uniformly from [0, computed delay) so that many workers failing
   * together do not retry in lock-step. Needs `rng`.
   */
  jitter?: 'none' | 'full';
  rng?: Rng;
}

export const DEFAULT_BACKOFF = {
  baseDelayMs: 500,
  factor: 2,
  maxDelayMs: 30_000,
  maxAttempts: 4,
} as const;

export interface ResolvedBackoff {
  baseDelayMs: number;
  factor: number;
  maxDelayMs: number;
  maxAttempts: number;
  jitter: 'none' | 'full';
  rng: Rng | undefined;
}

export function resolveBackoff(opts: BackoffOptions = {}): ResolvedBackoff {
  const resolved: ResolvedBackoff = {
    baseDelayMs: opts.baseDelayMs ?? DEFAULT_BACKOFF.baseDelayMs,
    factor: opts.factor ?? DEFAULT_BACKOFF.factor,
    maxDelayMs: opts.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs,
    maxAttempts: opts.maxAttempts ?? DEFAULT_BACKOFF.maxAttempts,
    jitter: opts.jitter ?? 'none',
    rng: opts.rng,
  };
  const { baseDelayMs, factor, maxDelayMs, maxAttempts } = resolved;
  if (!(baseDelayMs >= 0)) throw new RangeError(`baseDelayMs must be >= 0, got ${baseDelayMs}`);
  if (!(factor >= 1)) throw new RangeError(`factor must be >= 1, got ${factor}`);
  if (!(maxDelayMs >= 0)) throw new RangeError(`maxDelayMs must be >= 0, got ${maxDelayMs}`);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  }
  if (resolved.jitter === 'full' && !resolved.rng) {
    throw new RangeError("jitter 'full' needs an injected rng so runs stay reproducible");
  }
  return resolved;
}

/** Delay before retry number `retryIndex` (0 = before the second attempt), without jitter. */
export function backoffCeiling(retryIndex: number, opts: ResolvedBackoff): number {
  return Math.min(opts.maxDelayMs, opts.baseDelayMs * opts.factor ** retryIndex);
}

/** The delay actually slept before retry number `retryIndex`; draws from the rng if jittered. */
export function backoffDelay(retryIndex: number, opts: ResolvedBackoff): number {
  const ceiling = backoffCeiling(retryIndex, opts);
  if (opts.jitter === 'none') return ceiling;
  return Math.floor(opts.rng!.next() * ceiling);
}

/**
 * Every delay a retry loop would sleep if all attempts failed: `maxAttempts - 1` entries.
 * With jitter it consumes the rng exactly as `retry()` would, so the same seed gives the same list.
 */
export function backoffSchedule(opts: BackoffOptions = {}): number[] {
  const resolved = resolveBackoff(opts);
  const delays: number[] = [];
  for (let i = 0; i < resolved.maxAttempts - 1; i++) delays.push(backoffDelay(i, resolved));
  return delays;
}
