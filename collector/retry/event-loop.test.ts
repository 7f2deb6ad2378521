import { describe, expect, it } from 'vitest';
import { ScaledClock } from '../../common/clock.ts';
import { RequestTimeout } from '../errors.ts';
import { retry } from './index.ts';

/**
 * The incident's original code parked the caller in `thread.join(timeout=30)`; the fix used
 * `time.sleep`. Here retry sleeps on a clock timer, so other work keeps running meanwhile.
 */
describe('retry on a real (scaled) clock', () => {
  it('never blocks the event loop while backing off', async () => {
    // 0.5 s, 1 s, 2 s, 4 s of model time = 375 ms real. A ticker every 2 ms stands for the other
    // work: a sleep that blocks the loop (busy-waiting, with or without yielding before it) lets it
    // fire about once per attempt, and the 4 s backoff alone would leave a gap of >= 200 ms.
    // Node's monitorEventLoopDelay is not used: it samples per loop turn and missed such stalls.
    const clock = new ScaledClock(0.05);
    let ticks = 0;
    let last = performance.now();
    let longestGapMs = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
      ticks++;
    }, 2);
    let attempts = 0;
    try {
      const result = await retry(
        async () => {
          attempts++;
          if (attempts < 5) throw new RequestTimeout('qualifyContracts(WLN)', 1000);
          return attempts;
        },
        { clock, maxAttempts: 5 },
      );
      expect(result).toBe(5);
    } finally {
      clearInterval(ticker);
    }
    longestGapMs = Math.max(longestGapMs, performance.now() - last); // a stall just before the end counts too
    // The ticker kept firing during the backoff (≈187 ticks' worth of time)…
    expect(ticks).toBeGreaterThan(20);
    // …and never stopped for the length of the longest backoff. The bound is not near 0: a busy CI
    // host preempts a process for tens of ms without any help from retry.
    expect(longestGapMs).toBeLessThan(190);
  });
});
