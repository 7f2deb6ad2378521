/**
 * The collector's default watchdog on each kind of clock: model seconds where they stand for
 * enough wall time, stretched at small time scales so host load alone is not a zombie.
 */
import { describe, expect, it } from 'vitest';
import { RealClock, ScaledClock, toWallMs } from '../common/clock.ts';
import { DEFAULT_WATCHDOG, defaultWatchdog, MIN_DEFAULT_PROBE_WALL_MS } from './watchdog.ts';

describe('defaultWatchdog', () => {
  it('is DEFAULT_WATCHDOG in real time and wherever its model ms last long enough', () => {
    expect(defaultWatchdog(new RealClock())).toEqual(DEFAULT_WATCHDOG);
    expect(defaultWatchdog(new ScaledClock(0.5))).toEqual(DEFAULT_WATCHDOG);
  });

  it('never stands for less than MIN_DEFAULT_PROBE_WALL_MS of wall time at a small time scale', () => {
    const clock = new ScaledClock(0.004);
    const w = defaultWatchdog(clock);
    expect(toWallMs(clock, w.intervalMs)).toBeCloseTo(MIN_DEFAULT_PROBE_WALL_MS);
    expect(toWallMs(clock, w.timeoutMs)).toBeCloseTo(MIN_DEFAULT_PROBE_WALL_MS);
    expect(w.timeoutMs).toBeGreaterThan(DEFAULT_WATCHDOG.timeoutMs);
  });
});
