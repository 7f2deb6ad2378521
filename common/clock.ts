/**
 * Time as the gateway model and the collector core see it.
 *
 * Everything that waits — service times, grace periods, backoff, timeouts — asks a Clock, never
 * `setTimeout` or `Date.now()` directly. That single seam lets one behaviour run in real time
 * (against a live gateway), scaled (a 60 s incident replayed in 0.6 s over real TCP), or in virtual
 * time (thousands of property-test runs with no real waiting).
 *
 * All durations given to and returned by a Clock are *model* milliseconds.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Model time in epoch milliseconds. */
  now(): number;
  /** Run `fn` after `ms` model milliseconds. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** Resolve after `ms` model milliseconds; rejects with the signal's reason if aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** How many real milliseconds one model millisecond takes (1 = real time, 0 = virtual). */
  readonly scale: number;
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Real time stretched or compressed by `scale`: `scale = 0.01` makes every model millisecond last
 * 10 real microseconds, so the model runs 100x faster. Model time starts at the real wall time of
 * construction (or `origin`) and advances at 1/scale the real rate.
 */
export class ScaledClock implements Clock {
  private _scale: number;
  private origin: number;
  private realStart: number;

  constructor(scale = 1, origin: number = Date.now()) {
    if (!(scale > 0) || !Number.isFinite(scale)) {
      throw new RangeError(`time scale must be a positive finite number, got ${scale}`);
    }
    this._scale = scale;
    this.origin = origin;
    this.realStart = performance.now();
  }

  get scale(): number {
    return this._scale;
  }

  /**
   * Run at another scale from now on; model time carries on from where it is. Timers already set
   * fire at their model due time, at the new pace.
   */
  rescale(scale: number): void {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`time scale must be a positive finite number, got ${scale}`);
    this.origin = this.now();
    this.realStart = performance.now();
    this._scale = scale;
  }

  now(): number {
    return this.origin + (performance.now() - this.realStart) / this.scale;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    // Fire at the model due time, not "at least ms later": setTimeout only counts whole real
    // milliseconds, which at scale 0.02 is 50 model ms of error per timer. Whole milliseconds are
    // slept with setTimeout (capped: Node turns delays above 2^31-1 ms into 1 ms), the last
    // fraction is spun off with setImmediate, which still lets I/O run in between. At scale ≥ 1 a
    // real millisecond is at most one model millisecond, so the fraction is slept too (one more
    // setTimeout, at most about a model ms late): spinning would keep a core busy whenever timers
    // are due every millisecond or so, as a session's streaming lines are.
    const due = this.now() + Math.max(0, ms);
    let timeout: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    // Never call `fn` from inside setTimer itself (a due time a few µs ahead may have passed by
    // the first check): callers keep the handle in state the callback reads.
    let inSetTimer = true;
    const tick = () => {
      const remainingReal = (due - this.now()) * this.scale;
      if (remainingReal <= 0) {
        if (inSetTimer) immediate = setImmediate(fn);
        else fn();
      } else if (remainingReal >= 1) timeout = setTimeout(tick, Math.min(Math.floor(remainingReal), MAX_TIMEOUT_MS));
      else if (this._scale >= 1) timeout = setTimeout(tick, 1);
      else immediate = setImmediate(tick);
    };
    if (ms <= 0) immediate = setImmediate(tick);
    else tick();
    inSetTimer = false;
    return {
      cancel: () => {
        if (timeout) clearTimeout(timeout);
        if (immediate) clearImmediate(immediate);
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  /** Convert a model duration to the real duration it takes on this clock. */
  toReal(modelMs: number): number {
    return modelMs * this.scale;
  }
}

export class RealClock extends ScaledClock {
  constructor() {
    super(1);
  }
}

/**
 * Wall-clock time for what outlives one process, is shared with others or is read by people:
 * client-id leases and id holds after a 326, the pacing budget of a login, the qualification
 * cache, fetch times in the ledger, run records. Model time is per process — at scale 0.02 a
 * collector's model clock runs 50× faster than a neighbour's at scale 1, and a day of running is
 * 50 model days — so two processes at different scales (or on different hosts) would disagree
 * about every instant stored in model time; in wall time they agree. Durations that mirror the
 * gateway (a pacing window, the gateway's grace for an id, a cache TTL) are model durations of the
 * gateway a process talks to: they are turned into wall ms with that process's scale
 * (`toWallMs`) before they are stored. A virtual clock is its own wall: everything it drives runs
 * in one process, and a test's virtual time is the only time there is.
 */

/**
 * Real time read from the system clock itself, which every process on a host shares (RealClock
 * counts from its own construction and drifts from its neighbours by a little).
 */
class SystemClock extends RealClock {
  override now(): number {
    return Date.now();
  }
}

/** The system's wall clock (`Date.now()`), with timers in real time. */
export const systemClock: Clock = new SystemClock();

/** The wall clock that belongs with `clock`, with timers: the system clock, or a virtual clock itself. */
export function wallClockFor(clock: Clock): Clock {
  return clock.scale === 0 ? clock : systemClock;
}

/** Wall ms per model ms of `clock`: its scale, or 1 for a virtual clock. */
export function wallPerModel(clock: Clock): number {
  return clock.scale > 0 ? clock.scale : 1;
}

/** A model duration of `clock` in wall ms. */
export function toWallMs(clock: Clock, modelMs: number): number {
  return modelMs * wallPerModel(clock);
}

/** A wall duration in model ms of `clock` (e.g. to set a timer on it). */
export function toModelMs(clock: Clock, wallMs: number): number {
  return wallMs / wallPerModel(clock);
}

/** A clock's wall time, for code that stamps or compares shared records (see above). */
export interface WallTime {
  /** Wall-clock epoch ms (`Date.now()`; the virtual clock's time under a VirtualClock). */
  now(): number;
  /** A model-time span of the clock in wall ms (`toWallMs`). */
  span(modelMs: number): number;
}

export function wallTimeOf(clock: Clock): WallTime {
  const wall = wallClockFor(clock);
  return { now: () => wall.now(), span: (ms) => toWallMs(clock, ms) };
}

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Time that moves only when told to. Timers fire in (time, creation order), so a run is a pure
 * function of its inputs and seed. `advance` and `runUntilIdle` let microtasks settle between
 * timers, so promise chains that schedule further timers behave as they would in real time.
 */
export class VirtualClock implements Clock {
  readonly scale = 0;
  private current: number;
  private seq = 0;
  private queue: VirtualTimer[] = [];

  constructor(start = Date.UTC(2025, 10, 10, 14, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: VirtualTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    // Insert keeping (at, seq) order; timers are few enough that a linear scan from the end is fine.
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.at > timer.at) i--;
    this.queue.splice(i, 0, timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  /** Number of timers still waiting to fire. */
  pending(): number {
    return this.queue.filter((t) => !t.cancelled).length;
  }

  /** Fire every timer due within the next `ms`, letting promise jobs run between timers. */
  async advance(ms: number): Promise<void> {
    const until = this.current + ms;
    await this.runUntil(() => false, ms);
    this.current = until;
  }

  /**
   * Fire timers until none are left (or `limitMs` of model time has passed, to stop runaway
   * periodic timers). Returns the model time reached.
   */
  async runUntilIdle(limitMs = 24 * 3600_000): Promise<number> {
    await this.runUntil(() => false, limitMs);
    return this.current;
  }

  /**
   * Fire timers one by one until `done()` holds, `limitMs` of model time has passed, or nothing is
   * left to fire (whatever is still waiting then waits for something that will never happen).
   */
  async runUntil(done: () => boolean, limitMs: number): Promise<void> {
    const until = this.current + limitMs;
    await settle();
    while (!done()) {
      const next = this.popDue(until);
      if (!next) break;
      this.current = next.at;
      next.fn();
      await settle();
    }
  }

  /** Fire the next timer due by `until` (model time); false when there is none. */
  async step(until = Number.POSITIVE_INFINITY): Promise<boolean> {
    const next = this.popDue(until);
    if (!next) return false;
    this.current = next.at;
    next.fn();
    await settle();
    return true;
  }

  private popDue(until: number): VirtualTimer | undefined {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.cancelled) {
        this.queue.shift();
        continue;
      }
      if (head.at > until) return undefined;
      this.queue.shift();
      return head;
    }
    return undefined;
  }
}

/** Let pending promise jobs (and jobs they queue) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) await Promise.resolve();
  await new Promise<void>((r) => setImmediate(r));
}
