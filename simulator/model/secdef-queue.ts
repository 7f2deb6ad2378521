import type { Clock, TimerHandle } from '../../common/clock.ts';

/**
 * The gateway's sec-def service: one FIFO queue shared by every client, served one request at a
 * time. This is the behaviour behind the incident: a qualification waits for every request queued
 * before it, whoever sent it, and a request its client has given up on is still served (TWS has
 * no cancel for contract details), so client-side timeouts plus re-sends only lengthen the queue.
 */
export interface SecdefJob {
  sessionId: number;
  reqId: number;
  /** Model time the request entered the queue. */
  enqueuedAt: number;
  /** Called when service completes: send the reply (if the session still wants it). */
  complete(timing: { waitMs: number; serviceMs: number }): void;
}

export interface SecdefQueueOptions {
  clock: Clock;
  /** Service time for the job about to start, given the queue as it is now. */
  serviceTime(job: SecdefJob, waiting: readonly SecdefJob[]): number;
  /**
   * How long arrivals are remembered for `arrivalsWithin`, in model ms: the longest window it
   * counts exactly. Default one hour, well beyond any throttle window of the profiles (10 s).
   */
  arrivalsRetentionMs?: number;
}

export class SecdefQueue {
  private readonly waiting: SecdefJob[] = [];
  private current: { job: SecdefJob; timer: TimerHandle; startedAt: number; serviceMs: number } | undefined;
  private paused = false;
  private readonly clock: Clock;
  private readonly serviceTime: SecdefQueueOptions['serviceTime'];
  /** Arrival times of requests received (served or not), oldest first, for rate-based throttling. */
  private readonly arrivals: number[] = [];
  private readonly arrivalsRetentionMs: number;

  constructor(opts: SecdefQueueOptions) {
    this.clock = opts.clock;
    this.serviceTime = opts.serviceTime;
    this.arrivalsRetentionMs = opts.arrivalsRetentionMs ?? 3_600_000;
  }

  enqueue(job: SecdefJob): void {
    this.arrivals.push(job.enqueuedAt);
    // Profiles without a throttle never read the arrivals; keep the list from growing forever.
    if (this.arrivals.length > 100_000) this.arrivals.splice(0, this.arrivals.length - 10_000);
    this.waiting.push(job);
    this.pump();
  }

  /**
   * Requests that arrived within the last `windowMs` model ms, i.e. at or after now − windowMs
   * (including served ones). Exact for any window up to `arrivalsRetentionMs`, whatever windows
   * were asked before: only arrivals older than the retention are forgotten. (It once dropped
   * everything outside the window asked, so a wider window asked later — a throttle window raised
   * by PATCH /profile — undercounted.)
   */
  arrivalsWithin(windowMs: number): number {
    const now = this.clock.now();
    const forget = firstAtOrAfter(this.arrivals, now - this.arrivalsRetentionMs);
    if (forget > 0) this.arrivals.splice(0, forget);
    return this.arrivals.length - firstAtOrAfter(this.arrivals, now - windowMs);
  }

  /** Stop starting new jobs (connectivity lost); the job in service finishes. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /** Drop every waiting job (data lost on reconnect, or a reset); returns how many were dropped. */
  dropWaiting(filter: (job: SecdefJob) => boolean = () => true): number {
    let dropped = 0;
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (filter(this.waiting[i]!)) {
        this.waiting.splice(i, 1);
        dropped++;
      }
    }
    return dropped;
  }

  /** Cancel everything, including the job in service (model reset). */
  clear(): void {
    this.current?.timer.cancel();
    this.current = undefined;
    this.waiting.length = 0;
    this.arrivals.length = 0;
    this.paused = false;
  }

  get depth(): number {
    return this.waiting.length + (this.current ? 1 : 0);
  }

  /** Jobs per session, waiting or in service. */
  countFor(sessionId: number): number {
    let n = this.current?.job.sessionId === sessionId ? 1 : 0;
    for (const j of this.waiting) if (j.sessionId === sessionId) n++;
    return n;
  }

  /** Sessions with at least one job waiting (not counting the one in service). */
  waitingSessions(): Set<number> {
    return new Set(this.waiting.map((j) => j.sessionId));
  }

  /**
   * Start the next job. `startAt` is when the previous job was *due* to finish: on a scaled clock
   * timers fire late by up to a real millisecond, and that lateness must not add up along the
   * queue. After an idle or paused spell the next job starts now.
   */
  private pump(startAt?: number): void {
    let from = startAt;
    while (!this.current && !this.paused) {
      const job = this.waiting.shift();
      if (!job) return;
      const serviceMs = Math.max(0, this.serviceTime(job, this.waiting));
      const now = this.clock.now();
      const startedAt = Math.max(job.enqueuedAt, from ?? now);
      const dueAt = startedAt + serviceMs;
      if (serviceMs === 0 && dueAt <= now) {
        // Nothing to wait for (the `instant` profile): answer now instead of one timer per job.
        job.complete({ waitMs: startedAt - job.enqueuedAt, serviceMs });
        from = dueAt;
        continue;
      }
      const timer = this.clock.setTimer(dueAt - now, () => {
        this.current = undefined;
        job.complete({ waitMs: startedAt - job.enqueuedAt, serviceMs });
        this.pump(dueAt);
      });
      this.current = { job, timer, startedAt, serviceMs };
    }
  }
}

/** Index of the first element ≥ `t` in an ascending list (its length if none). */
function firstAtOrAfter(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
