import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../common/clock.ts';
import { Rng } from '../../common/rng.ts';
import { RequestTimeout } from '../errors.ts';
import { backoffSchedule, retry } from './index.ts';

const backoffArb = fc.record({
  baseDelayMs: fc.integer({ min: 0, max: 5000 }),
  factor: fc.double({ min: 1, max: 4, noNaN: true }),
  maxDelayMs: fc.integer({ min: 0, max: 60_000 }),
  maxAttempts: fc.integer({ min: 1, max: 12 }),
});

describe('backoff properties', () => {
  it('full jitter stays within [0, un-jittered delay) and never exceeds maxDelayMs', () => {
    fc.assert(
      fc.property(backoffArb, fc.integer(), (opts, seed) => {
        const ceilings = backoffSchedule(opts);
        const jittered = backoffSchedule({ ...opts, jitter: 'full', rng: new Rng(seed) });
        expect(jittered).toHaveLength(opts.maxAttempts - 1);
        jittered.forEach((d, i) => {
          expect(d).toBeGreaterThanOrEqual(0);
          if (d > 0) expect(d).toBeLessThan(ceilings[i]!);
          expect(d).toBeLessThanOrEqual(opts.maxDelayMs);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('un-jittered delays are non-decreasing and capped', () => {
    fc.assert(
      fc.property(backoffArb, (opts) => {
        const delays = backoffSchedule(opts);
        for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
        for (const d of delays) expect(d).toBeLessThanOrEqual(opts.maxDelayMs);
      }),
      { numRuns: 300 },
    );
  });

  it('retry sleeps exactly the schedule, never starts an attempt at or past the deadline', async () => {
    await fc.assert(
      fc.asyncProperty(
        backoffArb,
        fc.integer(),
        fc.option(fc.integer({ min: 1, max: 200_000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 12 }),
        async (opts, seed, deadlineMs, failures) => {
          const clock = new VirtualClock();
          const t0 = clock.now();
          const startedAt: number[] = [];
          const fn = async () => {
            startedAt.push(clock.now() - t0);
            if (startedAt.length <= failures) throw new RequestTimeout('probe', 1);
            return startedAt.length;
          };
          const schedule = backoffSchedule({ ...opts, jitter: 'full', rng: new Rng(seed) });
          const result = retry(fn, { ...opts, jitter: 'full', rng: new Rng(seed), clock, deadlineMs });
          result.catch(() => undefined);
          await clock.runUntilIdle();
          await result.catch(() => undefined);

          let expected = 0;
          startedAt.forEach((t, i) => {
            if (i > 0) expected += schedule[i - 1]!;
            expect(t).toBe(expected);
            if (deadlineMs !== undefined) expect(t).toBeLessThan(deadlineMs);
          });
          expect(startedAt.length).toBeLessThanOrEqual(opts.maxAttempts);
          expect(clock.pending()).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
