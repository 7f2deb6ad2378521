/**
 * Coordination runs on wall-clock time, whatever the `--time-scale`: lease expiry, id holds after
 * a 326 and pacing windows are instants other processes (on other hosts, at other scales) must
 * agree on. Model time is per process — at scale 0.02 a collector's model clock runs 50× faster
 * than a neighbour's at scale 1 — so nothing in model time is ever stored where another process
 * reads it. Durations that mirror the gateway (a pacing window, the gateway's grace for an id) are
 * model durations of the gateway a process talks to; they are turned into wall ms with that
 * process's scale before they reach a store.
 */
import { RealClock, type Clock } from '../../common/clock.ts';

/** A source of wall-clock instants, epoch ms. */
export interface WallClock {
  now(): number;
}

/**
 * Real time read from the system clock itself, which every process on a host shares (RealClock
 * counts from its own construction and drifts from its neighbours by a little).
 */
class SystemClock extends RealClock {
  override now(): number {
    return Date.now();
  }
}

/** The system's wall clock, with timers. */
export const systemClock: Clock = new SystemClock();

/**
 * The wall clock that belongs with `clock`: real time for real and scaled clocks, and a virtual
 * clock itself (a test's virtual time is the only time there is). Its timers fire in wall time.
 */
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
