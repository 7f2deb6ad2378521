/**
 * How late this process's event loop was, measured while something timed ran (a scenario over TCP,
 * a simulator serving it). On a scaled clock every real millisecond in which the loop could not run
 * (a GC pause, a busy callback, the process descheduled by a loaded host) shows as 1/scale model ms
 * at whatever waited through it; the scenarios' agreement check (scenarios/modeled.ts) forgives
 * exactly the stretches measured here, and no more.
 *
 * The measurement: a timer due `everyMs` real ms after the previous tick ran. When a tick runs at
 * least `minLateMs` after it was due, the loop was unavailable from the due time until it ran, and
 * the block may have begun as early as just after the previous tick: any callback that became
 * ready since the previous tick may have waited until this one ran. That whole stretch,
 * [previous tick, this tick], is recorded (a lateness span): the most a callback can have been
 * delayed by what this tick saw, and no more. Shorter lateness (timer jitter) and the time a
 * step's own work takes are not recorded; the check adds a small floor per step for them.
 */

/**
 * A stretch of real time, epoch ms, between two ticks of a sampler the second of which ran late:
 * the loop was unavailable from the second tick's due time to its end, and perhaps from its start.
 */
export interface LatenessSpan {
  from: number;
  to: number;
}

/** What a sampler measured: its resolution and the spans it recorded (real ms since the epoch). */
export interface MeasuredLateness {
  /** Real ms between the sampler's ticks. */
  everyMs: number;
  /** Real epoch ms the sampling started and ended (or now, while it runs). */
  from: number;
  to: number;
  spans: LatenessSpan[];
  /** Set when more spans were measured than kept: the later ones are missing (never invented). */
  truncated?: true;
}

/** Real epoch ms with sub-ms resolution, comparable between processes of one host. */
export const realEpochMs = (): number => performance.timeOrigin + performance.now();

export interface LatenessSamplerOptions {
  /** Real ms between ticks (default 2: fine enough to locate a stall, ~500 wakeups a second). */
  everyMs?: number;
  /** Shortest lateness recorded, real ms (default 1: sub-ms lateness is timer jitter, covered by the floor). */
  minLateMs?: number;
  /** Spans kept at most (default 20,000); later ones are dropped and the measurement marked truncated. */
  maxSpans?: number;
  /** Stop by itself after this many real ms (default 15 min), so a forgotten sampler cannot run on. */
  maxRunMs?: number;
  /** Real epoch ms (a seam for tests). */
  now?: () => number;
}

/**
 * Samples this process's event-loop lateness until stopped. The timer is unref'd (it never keeps a
 * process alive) and chained with setTimeout, so each tick's due time is the previous tick plus
 * `everyMs`.
 */
export class LatenessSampler {
  private readonly everyMs: number;
  private readonly minLateMs: number;
  private readonly maxSpans: number;
  private readonly maxRunMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private spans: LatenessSpan[] = [];
  private started = 0;
  private stopped: number | undefined;
  private truncated = false;

  constructor(opts: LatenessSamplerOptions = {}) {
    this.everyMs = opts.everyMs ?? 2;
    this.minLateMs = opts.minLateMs ?? 1;
    this.maxSpans = opts.maxSpans ?? 20_000;
    this.maxRunMs = opts.maxRunMs ?? 15 * 60_000;
    this.now = opts.now ?? realEpochMs;
  }

  /** Start (again): spans recorded before are dropped. */
  start(): this {
    this.stop();
    this.spans = [];
    this.truncated = false;
    this.started = this.now();
    this.stopped = undefined;
    this.schedule(this.started);
    return this;
  }

  /** Stop sampling; what was measured stays readable. Idempotent. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.started && this.stopped === undefined) this.stopped = this.now();
  }

  /** What was measured since the last start (a copy). */
  measured(): MeasuredLateness {
    const spans = this.spans.map((s) => ({ ...s }));
    return { everyMs: this.everyMs, from: this.started, to: this.stopped ?? this.now(), spans, ...(this.truncated ? { truncated: true as const } : {}) };
  }

  private schedule(previous: number): void {
    this.timer = setTimeout(() => this.tick(previous), this.everyMs);
    this.timer.unref();
  }

  private tick(previous: number): void {
    const ran = this.now();
    if (ran - previous - this.everyMs >= this.minLateMs) this.record({ from: previous, to: ran });
    if (ran - this.started >= this.maxRunMs) {
      this.timer = undefined;
      this.stopped = ran;
      return;
    }
    this.schedule(ran);
  }

  private record(span: LatenessSpan): void {
    // Dropping under-forgives a run (the check may fail); merging or widening spans would forgive
    // time that was not measured late.
    if (this.spans.length < this.maxSpans) this.spans.push(span);
    else this.truncated = true;
  }
}
