/**
 * The collector's default watchdog on each kind of clock: model seconds where they stand for
 * enough wall time, stretched at small time scales so host load alone is not a zombie.
 */
import { describe, expect, it } from 'vitest';
import { RealClock, ScaledClock, toWallMs } from '../common/clock.ts';
import { watchdogFrom } from './cli.ts';
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

describe('the watchdog flags of collect and serve', () => {
  const small = new ScaledClock(0.004);

  it('leave the default (with its wall-time floor) to the library when neither is given', () => {
    expect(watchdogFrom(undefined, undefined, small)).toEqual({});
  });

  it('turn the watchdog off with either at 0', () => {
    expect(watchdogFrom(0, undefined, small)).toEqual({ watchdog: false });
    expect(watchdogFrom(5_000, 0, small)).toEqual({ watchdog: false });
  });

  it('use a given value as is, and take the other from the default', () => {
    expect(watchdogFrom(2_000, 3_000, small)).toEqual({ watchdog: { intervalMs: 2_000, timeoutMs: 3_000 } });
    expect(watchdogFrom(2_000, undefined, small)).toEqual({ watchdog: { intervalMs: 2_000, timeoutMs: defaultWatchdog(small).timeoutMs } });
  });
});
