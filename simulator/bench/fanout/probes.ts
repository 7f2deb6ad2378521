/**
 * Where a fan-out tick's latency goes, measured inside the processes of the TCP fan-out benchmark
 * (`--diagnose`): event-loop delay, GC pauses, how late timers fire and how long their callbacks
 * run, and per tick how late it was sent by the model and written to its socket. A benchmark's
 * probe, never loaded by the simulator itself. All figures are wall ms (time scale 1).
 */
import { readFileSync } from 'node:fs';
import { constants, type IntervalHistogram, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { ScaledClock, type TimerHandle } from '../../../common/clock.ts';

/** p50 / p99 / max of a sample, and its size. */
export interface Spread {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** A growable list of doubles that allocates nothing per value (a probe must not make garbage of its own). */
export class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  spread(): Spread {
    return spreadOf(this.values());
  }
}

export function spreadOf(values: Float64Array | number[]): Spread {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN);
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

export interface LoopReport {
  /** Event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution), wall ms. */
  loopDelay: Spread;
  /** GC pauses (PerformanceObserver 'gc'): count, total and longest, in wall ms, per kind. */
  gc: Record<'minor' | 'major' | 'incremental' | 'weakcb', { count: number; totalMs: number; maxMs: number }>;
  /**
   * Wall ms the main thread was runnable but waiting for a core (Linux /proc/self/schedstat,
   * field 2; undefined elsewhere), and the involuntary context switches (the kernel preempted it).
   */
  runQueueWaitMs: number | undefined;
  preemptions: number;
  wallMs: number;
}

/** Nanoseconds this process's main thread has waited on a run queue (Linux), or undefined. */
function runQueueWaitNs(): number | undefined {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'latin1').split(' ')[1]);
  } catch {
    return undefined;
  }
}

const GC_KINDS: Record<number, keyof LoopReport['gc']> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** Event-loop delay and GC pauses of this process between `start` and `stop`. */
export class LoopProbe {
  private histogram: IntervalHistogram | undefined;
  private observer: PerformanceObserver | undefined;
  private gc: LoopReport['gc'] = emptyGc();
  private wait0: number | undefined;
  private preempted0 = 0;
  private wall0 = 0;

  start(): void {
    this.gc = emptyGc();
    this.wait0 = runQueueWaitNs();
    this.preempted0 = process.resourceUsage().involuntaryContextSwitches;
    this.wall0 = performance.now();
    this.histogram = monitorEventLoopDelay({ resolution: 1 });
    this.histogram.enable();
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = GC_KINDS[(e as unknown as { detail: { kind: number } }).detail.kind] ?? 'weakcb';
        const g = this.gc[kind];
        g.count++;
        g.totalMs += e.duration;
        g.maxMs = Math.max(g.maxMs, e.duration);
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  stop(): LoopReport {
    const h = this.histogram!;
    h.disable();
    this.observer?.disconnect();
    const wait = runQueueWaitNs();
    return {
      loopDelay: { n: h.count, p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 },
      gc: this.gc,
      runQueueWaitMs: wait === undefined || this.wait0 === undefined ? undefined : (wait - this.wait0) / 1e6,
      preemptions: process.resourceUsage().involuntaryContextSwitches - this.preempted0,
      wallMs: performance.now() - this.wall0,
    };
  }
}

function emptyGc(): LoopReport['gc'] {
  const z = () => ({ count: 0, totalMs: 0, maxMs: 0 });
  return { minor: z(), major: z(), incremental: z(), weakcb: z() };
}

/**
 * A ScaledClock that notes, while `recording`, how late each timer's callback starts (now − due)
 * and how long it runs: the simulator's timers are the stream schedule's wakes and the model's
 * other timers, so this shows late firing and long synchronous steps.
 */
export class ProbedClock extends ScaledClock {
  recording = false;
  readonly lateness = new Samples();
  readonly callbackMs = new Samples();

  override setTimer(ms: number, fn: () => void): TimerHandle {
    const due = this.now() + Math.max(0, ms);
    return super.setTimer(ms, () => {
      if (!this.recording) {
        fn();
        return;
      }
      const start = performance.now();
      this.lateness.push(this.now() - due);
      fn();
      this.callbackMs.push(performance.now() - start);
    });
  }
}
