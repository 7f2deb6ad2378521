/**
 * Liveness of one gateway connection. A zombie keeps its socket open and answers nothing, so only
 * a probe tells it from an idle link: the watchdog sends REQ_CURRENT_TIME when the connection is
 * handed over and every `intervalMs` after, and calls it a zombie when a probe goes unanswered
 * for `timeoutMs`. The answers also carry the gateway's clock, which tells a simulator running at
 * another time scale from ours (two answers far enough apart on our clock must be as far apart on
 * the gateway's).
 */
import { toModelMs, type Clock, type TimerHandle } from '../common/clock.ts';
import type { GatewayConnection } from './gateway-client.ts';

export interface WatchdogOptions {
  /** Model ms between probes (from one probe's sending to the next). */
  intervalMs: number;
  /** Model ms a probe may go unanswered before the connection counts as a zombie. */
  timeoutMs: number;
}

/** The collector's default: a zombie is noticed within 20 model seconds. */
export const DEFAULT_WATCHDOG: WatchdogOptions = { intervalMs: 10_000, timeoutMs: 10_000 };

/** The least wall time the default probe period and timeout stand for (see defaultWatchdog). */
export const MIN_DEFAULT_PROBE_WALL_MS = 5_000;

/**
 * MIN_DEFAULT_PROBE_WALL_MS of wall time in model ms of `clock` (0 in virtual time, where host load
 * cannot stretch anything): the least a default probe period, probe timeout or handshake timeout
 * stands for.
 */
export function wallFloorOn(clock: Clock): number {
  return clock.scale > 0 ? toModelMs(clock, MIN_DEFAULT_PROBE_WALL_MS) : 0;
}

/**
 * DEFAULT_WATCHDOG on `clock`, never shorter than MIN_DEFAULT_PROBE_WALL_MS of wall time: at a small
 * time scale (0.004 in the multi-host tests) 10 model s are 40 real ms, less than a loaded host
 * takes to read an answer, and every busy connection would be dropped as a zombie. Explicit
 * options are used as given.
 */
export function defaultWatchdog(clock: Clock): WatchdogOptions {
  const floor = wallFloorOn(clock);
  return { intervalMs: Math.max(DEFAULT_WATCHDOG.intervalMs, floor), timeoutMs: Math.max(DEFAULT_WATCHDOG.timeoutMs, floor) };
}

export interface ProbeAnswer {
  /** When the answer arrived (model ms, our clock). */
  at: number;
  /** Round trip, model ms. */
  rttMs: number;
  /** The gateway's clock, epoch ms (IB sends whole seconds). */
  gatewayTime: number;
}

export interface WatchdogEvents {
  /** No answer to a probe within the timeout. The watchdog stops itself first. */
  onZombie(reason: string): void;
  /** The gateway's clock runs at about `ratio` times the pace of ours (only on scaled clocks). */
  onClockRate?(ratio: number): void;
}

export class Watchdog {
  private readonly timers = new Set<TimerHandle>();
  private stopped = false;
  private readonly rate = new ClockRateCheck();
  /** The last answered probe of this connection. */
  lastAnswer: ProbeAnswer | undefined;

  constructor(
    private readonly conn: GatewayConnection,
    private readonly clock: Clock,
    private readonly o: WatchdogOptions,
    private readonly events: WatchdogEvents,
  ) {
    this.probe();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = this.clock.setTimer(ms, () => {
      this.timers.delete(t);
      fn();
    });
    this.timers.add(t);
  }

  private probe(): void {
    if (this.stopped || !this.conn.isOpen) return;
    const sentAt = this.clock.now();
    let answered = false;
    this.conn.currentTime().result.then(
      (seconds) => {
        answered = true;
        if (this.stopped) return;
        const at = this.clock.now();
        this.lastAnswer = { at, rttMs: at - sentAt, gatewayTime: seconds * 1000 };
        // The clock check needs a scaled clock: in virtual time both sides share one clock.
        const ratio = this.clock.scale > 0 ? this.rate.add((sentAt + at) / 2, seconds * 1000, at - sentAt) : undefined;
        if (ratio !== undefined) this.events.onClockRate?.(ratio);
      },
      () => {},
    );
    this.later(this.o.timeoutMs, () => {
      if (this.stopped || answered) return;
      this.stop();
      this.events.onZombie(`no answer to a liveness probe within ${this.o.timeoutMs} ms`);
    });
    this.later(Math.max(this.o.intervalMs, 1), () => this.probe());
  }
}

/**
 * Compares elapsed time on our clock with elapsed time on the gateway's between the first probe
 * answer and a later one. IB's clock has whole seconds, and each sample is off by up to half its
 * round trip, so only pairs at least MIN_SPAN_MS apart are judged, and only a pace off by more
 * than a factor of two counts.
 */
export class ClockRateCheck {
  private first: { ours: number; theirs: number; rtt: number } | undefined;

  /** `minSpanMs`: the least model ms between the two samples judged (default 8 s; the slack keeps shorter spans safe, just less sensitive). */
  constructor(private readonly minSpanMs = MIN_SPAN_MS) {}

  /** Add a sample; returns the gateway's pace relative to ours once it is clearly not 1. */
  add(ours: number, theirs: number, rtt: number): number | undefined {
    if (!this.first) {
      this.first = { ours, theirs, rtt };
      return undefined;
    }
    const span = ours - this.first.ours;
    if (span < this.minSpanMs) return undefined;
    const theirSpan = theirs - this.first.theirs;
    const slack = 1_000 + (this.first.rtt + rtt) / 2 + 500;
    if (theirSpan > 2 * span + slack || theirSpan < span / 2 - slack) return Math.max(theirSpan, 500) / span;
    return undefined;
  }
}

const MIN_SPAN_MS = 8_000;
