import { monitorEventLoopDelay } from 'node:perf_hooks';
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
    // 0.5 s, 1 s, 2 s, 4 s of model time = 375 ms real; a blocking sleep would stall the loop >= 200 ms.
    const clock = new ScaledClock(0.05);
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 2);
    histogram.enable();
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
      histogram.disable();
      clearInterval(ticker);
    }
    const maxDelayMs = histogram.max / 1e6;
    expect(maxDelayMs).toBeLessThan(50);
    // The ticker kept firing during the backoff.
    expect(ticks).toBeGreaterThan(20);
  });
});
