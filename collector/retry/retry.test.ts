import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../common/clock.ts';
import { Rng } from '../../common/rng.ts';
import { AmbiguousContract, Aborted, DeadlineExceeded, NoSecurityDefinition, PacingViolation, RequestTimeout } from '../errors.ts';
import { backoffSchedule, retry } from './index.ts';

/** An operation that fails with `errors[i]` on attempt i+1 and then succeeds, recording when it ran. */
function scripted(clock: VirtualClock, errors: unknown[]) {
  const startedAt: number[] = [];
  const t0 = clock.now();
  const fn = async () => {
    startedAt.push(clock.now() - t0);
    const err = errors[startedAt.length - 1];
    if (err !== undefined) throw err;
    return 'ok';
  };
  return { fn, startedAt };
}

const timeout = () => new RequestTimeout('qualifyContracts(TTE)', 1000);

describe('backoffSchedule', () => {
  it('defaults to the incident schedule 0.5 s, 1 s, 2 s', () => {
    expect(backoffSchedule()).toEqual([500, 1000, 2000]);
  });

  it('caps each delay at maxDelayMs', () => {
    expect(backoffSchedule({ maxAttempts: 8, maxDelayMs: 5000 })).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('is reproducible with jitter for the same seed', () => {
    const a = backoffSchedule({ jitter: 'full', rng: new Rng(7), maxAttempts: 6 });
    const b = backoffSchedule({ jitter: 'full', rng: new Rng(7), maxAttempts: 6 });
    expect(a).toEqual(b);
  });

  it('refuses jitter without an rng', () => {
    expect(() => backoffSchedule({ jitter: 'full' })).toThrow(/rng/);
  });
});

describe('retry', () => {
  it('sleeps exactly 0.5 s, 1 s, 2 s between attempts', async () => {
    const clock = new VirtualClock();
    const { fn, startedAt } = scripted(clock, [timeout(), timeout(), timeout()]);
    const hooks: Array<[number, number]> = [];
    const result = retry(fn, { clock, onRetry: (attempt, delay) => hooks.push([attempt, delay]) });
    await clock.runUntilIdle();
    await expect(result).resolves.toBe('ok');
    expect(startedAt).toEqual([0, 500, 1500, 3500]);
    expect(hooks).toEqual([
      [1, 500],
      [2, 1000],
      [3, 2000],
    ]);
  });

  it('throws the last error once attempts run out', async () => {
    const clock = new VirtualClock();
    const errors = [timeout(), timeout(), timeout()];
    const { fn, startedAt } = scripted(clock, errors);
    const result = retry(fn, { clock, maxAttempts: 3 });
    result.catch(() => undefined);
    await clock.runUntilIdle();
    await expect(result).rejects.toBe(errors[2]);
    expect(startedAt).toEqual([0, 500, 1500]);
  });

  it.each([
    ['error 200', new NoSecurityDefinition('WLN', 'STK WLN SMART EUR')],
    [
      'an ambiguous contract',
      new AmbiguousContract('TTE', [
        { conId: 1, symbol: 'TTE' },
        { conId: 2, symbol: 'TTE' },
      ]),
    ],
    ['a plain Error (a bug, not a transient failure)', new TypeError('x is undefined')],
  ])('stops at once on %s', async (_, error) => {
    const clock = new VirtualClock();
    const { fn, startedAt } = scripted(clock, [error]);
    const result = retry(fn, { clock });
    result.catch(() => undefined);
    await clock.runUntilIdle();
    await expect(result).rejects.toBe(error);
    expect(startedAt).toEqual([0]);
  });

  it('lets the caller decide what is retryable', async () => {
    const clock = new VirtualClock();
    const { fn, startedAt } = scripted(clock, [new Error('flaky')]);
    const result = retry(fn, { clock, isRetryable: () => true });
    await clock.runUntilIdle();
    await expect(result).resolves.toBe('ok');
    expect(startedAt).toEqual([0, 500]);
  });

  it('gives up before a sleep that would end past the deadline, carrying the last error', async () => {
    const clock = new VirtualClock();
    const errors = [timeout(), timeout(), timeout()];
    const { fn, startedAt } = scripted(clock, errors);
    // Attempts at 0 and 500; the next sleep (1000) would end at 1500 > 1200.
    const t0 = clock.now();
    const result = retry(fn, { clock, deadlineMs: 1200 });
    result.catch(() => undefined);
    const endedAt = await clock.runUntilIdle();
    const err = await result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceeded);
    expect((err as DeadlineExceeded).lastError).toBe(errors[1]);
    expect((err as DeadlineExceeded).attempts).toBe(2);
    expect(startedAt).toEqual([0, 500]);
    expect(endedAt - t0).toBe(500); // failed fast instead of idling until the deadline
  });

  it('stops an attempt that is still running when the deadline passes', async () => {
    const clock = new VirtualClock();
    const t0 = clock.now();
    let sawAbort = false;
    const result = retry(
      async ({ signal }) => {
        await clock.sleep(10_000, signal).catch((e: unknown) => {
          sawAbort = true;
          throw e;
        });
      },
      { clock, deadlineMs: 3000 },
    );
    result.catch(() => undefined);
    await clock.advance(3000);
    await expect(result).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(sawAbort).toBe(true);
    expect(clock.now() - t0).toBe(3000);
  });

  it('aborts a pending sleep immediately', async () => {
    const clock = new VirtualClock();
    const errors = [timeout(), timeout()];
    const { fn, startedAt } = scripted(clock, errors);
    const controller = new AbortController();
    const result = retry(fn, { clock, signal: controller.signal, maxAttempts: 5 });
    result.catch(() => undefined);
    await clock.advance(700); // attempt 2 failed at 500, now sleeping 1000 ms
    controller.abort(new Error('user cancelled'));
    const err = await result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Aborted);
    expect((err as Aborted).lastError).toBe(errors[1]);
    expect((err as Aborted).message).toMatch(/user cancelled/);
    expect(startedAt).toEqual([0, 500]);
    expect(clock.pending()).toBe(0);
  });

  it('does not start when already aborted', async () => {
    const clock = new VirtualClock();
    const { fn, startedAt } = scripted(clock, []);
    await expect(retry(fn, { clock, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(Aborted);
    expect(startedAt).toEqual([]);
  });

  it('waits at least as long as a pacing violation asks', async () => {
    const clock = new VirtualClock();
    const { fn, startedAt } = scripted(clock, [new PacingViolation('AAPL TRADES 1 min')]);
    const result = retry(fn, { clock });
    await clock.runUntilIdle();
    await expect(result).resolves.toBe('ok');
    expect(startedAt).toEqual([0, 15_000]);
  });

  it('leaves no timers behind after success', async () => {
    const clock = new VirtualClock();
    const { fn } = scripted(clock, [timeout()]);
    const result = retry(fn, { clock, deadlineMs: 60_000 });
    await clock.advance(500);
    await expect(result).resolves.toBe('ok');
    expect(clock.pending()).toBe(0);
  });
});
