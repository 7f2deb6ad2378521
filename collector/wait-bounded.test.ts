/**
 * waitBounded with the deadlines that used to kill `serve`: on the real clock a timer of a few
 * nanoseconds fires synchronously inside setTimer, before the wait had set up the code that ends
 * it, and the resulting rejection went unhandled (the process exited). Vitest fails a run on any
 * unhandled rejection, so these tests also prove none is left behind.
 */
import { describe, expect, it } from 'vitest';
import { RealClock, VirtualClock } from '../common/clock.ts';
import { Aborted, DeadlineExceeded } from './errors.ts';
import { waitBounded } from './wait-bounded.ts';

const never = () => new Promise<never>(() => {});

describe('waitBounded', () => {
  it.each([1e-9, 1e-6, 1e-3, 0, -5, Number.NaN])('deadline %d ms on the real clock: DeadlineExceeded, no throw from setTimer', async (ms) => {
    await expect(waitBounded(never(), new RealClock(), ms, undefined, 'tiny')).rejects.toBeInstanceOf(DeadlineExceeded);
  });

  it('the awaited promise rejecting after the deadline is observed, not unhandled', async () => {
    let reject!: (e: Error) => void;
    const p = new Promise<never>((_, r) => {
      reject = r;
    });
    await expect(waitBounded(p, new RealClock(), 1e-9, undefined, 'late')).rejects.toBeInstanceOf(DeadlineExceeded);
    reject(new Error('late failure'));
    await new Promise((r) => setImmediate(r));
  });

  it('the answer before the deadline wins (virtual time); the abort signal ends the wait with Aborted', async () => {
    const clock = new VirtualClock(0);
    const answer = clock.sleep(500).then(() => 'answer');
    const won = waitBounded(answer, clock, 1_000, undefined, 'answer');
    await clock.advance(2_000);
    await expect(won).resolves.toBe('answer');

    const ctl = new AbortController();
    const waiting = waitBounded(never(), clock, Number.POSITIVE_INFINITY, ctl.signal, 'aborted');
    ctl.abort(new Error('client went away'));
    await expect(waiting).rejects.toBeInstanceOf(Aborted);
    await expect(waitBounded(never(), clock, 1_000, ctl.signal, 'already')).rejects.toBeInstanceOf(Aborted);
  });
});
