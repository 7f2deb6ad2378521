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
}

export class SecdefQueue {
  private readonly waiting: SecdefJob[] = [];
  private current: { job: SecdefJob; timer: TimerHandle; startedAt: number; serviceMs: number } | undefined;
  private paused = false;
  private readonly clock: Clock;
  private readonly serviceTime: SecdefQueueOptions['serviceTime'];
  /** Requests received (not served) with their arrival times, for rate-based throttling. */
  private readonly arrivals: number[] = [];

  constructor(opts: SecdefQueueOptions) {
    this.clock = opts.clock;
    this.serviceTime = opts.serviceTime;
  }

  enqueue(job: SecdefJob): void {
    this.arrivals.push(job.enqueuedAt);
    // Profiles without a throttle never read the arrivals; keep the list from growing forever.
    if (this.arrivals.length > 100_000) this.arrivals.splice(0, this.arrivals.length - 10_000);
    this.waiting.push(job);
    this.pump();
  }

  /** Requests that arrived within the last `windowMs` (including served ones). */
  arrivalsWithin(windowMs: number): number {
    const since = this.clock.now() - windowMs;
    let drop = 0;
    while (drop < this.arrivals.length && this.arrivals[drop]! < since) drop++;
    if (drop > 0) this.arrivals.splice(0, drop);
    return this.arrivals.length;
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
