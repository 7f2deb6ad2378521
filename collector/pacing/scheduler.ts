import type { Clock, TimerHandle } from '../../common/clock.ts';
import { Aborted } from '../errors.ts';
import {
  DEFAULT_PACING_RULES,
  earliestAllowed,
  historyHorizonMs,
  impossibleRequest,
  isPaced,
  weightOf,
  type PacedRequest,
  type PacingRules,
  type SentRecord,
} from './rules.ts';

/** Call when the answer (or error) for the request has arrived; frees its in-flight slot. Idempotent. */
export type ReleasePacingSlot = () => void;

export interface PacingSchedulerOptions {
  clock: Clock;
  rules?: Partial<PacingRules>;
  /** Told whenever the head of the queue has to wait, and until when (model ms). */
  onWait?: (req: PacedRequest, untilMs: number) => void;
}

interface Waiter {
  req: PacedRequest;
  resolve: (release: ReleasePacingSlot) => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Lets historical-data requests out no faster than IB's pacing rules (common/ib/pacing.ts) allow, strictly in arrival
 * order. Strict FIFO means a request waiting for its identical twin's 15 s to pass holds up the
 * ones behind it; that is accepted because the 60-per-10-minutes budget dominates any longer
 * collection anyway, and it keeps the order of requests (and so of data) predictable.
 *
 * One scheduler per gateway session. IB counts pacing per session, so several processes on
 * the same gateway login need one shared scheduler in front of them, which this is not.
 *
 * Its windows are the gateway's durations on the caller's clock, kept in this process's memory:
 * nothing is shared that another process, at another time scale, could read differently. A
 * budget shared between processes must stamp its records in wall-clock time and convert the
 * windows to real time (common/clock.ts, `wallTimeOf`), as the lease files do.
 */
export class PacingScheduler {
  readonly rules: PacingRules;
  private readonly clock: Clock;
  private readonly onWait: PacingSchedulerOptions['onWait'];
  private readonly queue: Waiter[] = [];
  private history: SentRecord[] = [];
  private open = 0;
  private pausedUntil = -Infinity;
  private timer: TimerHandle | undefined;

  constructor(opts: PacingSchedulerOptions) {
    this.clock = opts.clock;
    this.rules = { ...DEFAULT_PACING_RULES, ...opts.rules };
    this.onWait = opts.onWait;
  }

  /** Resolves when `req` may be sent; the caller must call the returned release when it is answered. */
  acquire(req: PacedRequest, signal?: AbortSignal): Promise<ReleasePacingSlot> {
    const impossible = impossibleRequest(req, this.rules);
    if (impossible) return Promise.reject(new RangeError(`request ${req.identityKey} can never be sent: ${impossible}`));
    if (signal?.aborted) return Promise.reject(new Aborted(`waiting to send ${req.identityKey}`, signal.reason));
    return new Promise<ReleasePacingSlot>((resolve, reject) => {
      const waiter: Waiter = { req, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => this.abandon(waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      if (this.queue.length === 1) this.pump();
    });
  }

  /** After an unexpected 162 (e.g. another client on the same login): send nothing before `untilMs`. */
  pauseUntil(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
    this.pump();
  }

  get inFlight(): number {
    return this.open;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** When the head of the queue could go if nothing else changed (undefined when idle). */
  nextSendAt(): number | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    return Math.max(this.pausedUntil, earliestAllowed(this.history, head.req, this.clock.now(), this.rules));
  }

  private pump(): void {
    this.timer?.cancel();
    this.timer = undefined;
    while (this.queue.length > 0) {
      if (this.open >= this.rules.maxOpen) return; // a release will pump again
      const now = this.clock.now();
      const head = this.queue[0]!;
      const at = Math.max(this.pausedUntil, earliestAllowed(this.history, head.req, now, this.rules));
      if (at > now) {
        this.onWait?.(head.req, at);
        this.timer = this.clock.setTimer(at - now, () => this.pump());
        return;
      }
      this.queue.shift();
      this.grant(head, now);
    }
  }

  private grant(waiter: Waiter, now: number): void {
    if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
    const { req } = waiter;
    if (isPaced(req, this.rules)) {
      const horizon = now - historyHorizonMs(this.rules);
      this.history = this.history.filter((r) => r.at > horizon);
      this.history.push({ at: now, identityKey: req.identityKey, contractKey: req.contractKey, weight: weightOf(req, this.rules) });
    }
    this.open++;
    let released = false;
    waiter.resolve(() => {
      if (released) return;
      released = true;
      this.open--;
      this.pump();
    });
  }

  private abandon(waiter: Waiter): void {
    const index = this.queue.indexOf(waiter);
    if (index < 0) return;
    this.queue.splice(index, 1);
    waiter.reject(new Aborted(`waiting to send ${waiter.req.identityKey}`, waiter.signal?.reason));
    if (index === 0) this.pump(); // the new head may be allowed sooner
  }
}
