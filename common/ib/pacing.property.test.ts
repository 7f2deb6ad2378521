/**
 * One rule set, two implementations that must agree: the collector's scheduler (when may a
 * request go) and the simulator's own verdicts (is this request a violation). With the same rule
 * values and no safety margin, every send time the scheduler picks is admitted by the simulator,
 * and a request the scheduler held back would have been refused one millisecond earlier.
 * docs/wire-facts/pacing.md#historical-pacing-162
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacingScheduler, type PacingRules } from '../../collector/pacing/index.ts';
import { HistoryPacing } from '../../simulator/model/history-pacing.ts';
import { VirtualClock } from '../clock.ts';
import { IB_HISTORICAL_PACING, pacedRequest, type PacedRequest } from './pacing.ts';

const submitted = fc.record({
  gap: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 400 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 20_000 }) }),
  conId: fc.constantFrom(1, 2),
  whatToShow: fc.constantFrom('TRADES', 'MIDPOINT', 'BID_ASK'),
  barSize: fc.constantFrom('5 secs', '30 secs', '1 min'),
  duration: fc.constantFrom('1800 S', '3600 S', '1 D'),
});

async function scheduledSends(rules: PacingRules, stream: ReadonlyArray<{ gap: number; req: PacedRequest }>): Promise<Array<{ arrival: number; at: number }>> {
  const clock = new VirtualClock();
  const t0 = clock.now();
  const scheduler = new PacingScheduler({ clock, rules });
  const out: Array<{ arrival: number; at: number }> = [];
  let arrival = 0;
  stream.forEach(({ gap, req }, i) => {
    arrival += gap;
    out[i] = { arrival, at: Number.NaN };
    // Answered at once: the open-request limit stays out of the way.
    clock.setTimer(arrival, () => {
      void scheduler.acquire(req).then((release) => {
        out[i]!.at = clock.now() - t0;
        release();
      });
    });
  });
  await clock.runUntilIdle(24 * 3_600_000);
  return out;
}

/** The simulator's verdict on request `j` at time `t`, after it admitted requests 0..j-1 at their times. */
function admittedAt(t: number, j: number, stream: ReadonlyArray<{ req: PacedRequest }>, sends: ReadonlyArray<{ at: number }>): boolean {
  const gateway = new HistoryPacing({ enabled: true, ...IB_HISTORICAL_PACING });
  for (let i = 0; i < j; i++) expect(gateway.admit(stream[i]!.req, sends[i]!.at, 0).ok, `request ${i} at ${sends[i]!.at}`).toBe(true);
  return gateway.admit(stream[j]!.req, t, 0).ok;
}

describe('the scheduler and the simulator judge by one rule set (properties)', () => {
  it('every send is admitted, and every hold was needed', async () => {
    const rules: PacingRules = { ...IB_HISTORICAL_PACING, marginMs: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(submitted, { minLength: 1, maxLength: 100, size: 'max' }), async (items) => {
        const stream = items.map((s) => ({
          gap: s.gap,
          req: pacedRequest({
            conId: s.conId,
            exchange: 'SMART',
            endDateTime: '',
            duration: s.duration,
            barSize: s.barSize,
            whatToShow: s.whatToShow,
            useRTH: true,
          }),
        }));
        const sends = await scheduledSends(rules, stream);
        const gateway = new HistoryPacing({ enabled: true, ...IB_HISTORICAL_PACING });
        sends.forEach((s, j) => {
          expect(Number.isFinite(s.at), `request ${j} was never sent`).toBe(true);
          expect(gateway.admit(stream[j]!.req, s.at, 0), `request ${j} sent at ${s.at}`).toEqual({ ok: true });
        });
        sends.forEach((s, j) => {
          const earliest = Math.max(s.arrival, j > 0 ? sends[j - 1]!.at : -Infinity);
          if (s.at > earliest) expect(admittedAt(s.at - 1, j, stream, sends), `request ${j} held until ${s.at}`).toBe(false);
        });
      }),
      { numRuns: 80 },
    );
  });
});
