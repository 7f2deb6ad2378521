/**
 * Any sequence of overlapping history collections into one store — random durations (S, D, W,
 * M), end dates, bar sizes and regular/extended hours, with the session dropped and IB's
 * connectivity lost (1100, then 1102 or 1101) while they run — ends with exactly the bars a
 * fresh store gets for the union of their windows. The gateway model in virtual time; the
 * windows of `D` durations come from the simulator's own calendar (the oracle), every other
 * window from the collection's report.
 *
 * `COVERAGE_PROPERTY_RUNS=500 npx vitest run --project properties collector/history/history.property.test.ts`
 * runs more; a failure prints the line that replays it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findBarSize } from '../../common/ib/bar-sizes.ts';
import { parseDuration } from '../../common/ib/durations.ts';
import { propertyParams } from '../../scenarios/testing/property-harness.ts';
import { windowStart } from '../../simulator/market/bar-slots.ts';
import { ContractUniverse } from '../../simulator/market/contracts.ts';
import type { HistoryOutcome } from '../history-collector.ts';
import { PacingScheduler } from '../pacing/index.ts';

import { AAPL, AFTER_CLOSE, CONID, drive, historyOn, leasedSession, memoryStore, qualifierOn, virtualEnv } from '../testing/env.ts';
import { barEnd } from './bar-span.ts';
import { mergeWindows, type Window } from './windows.ts';

const FILE = 'collector/history/history.property.test.ts';
const RUNS = Number(process.env.COVERAGE_PROPERTY_RUNS ?? 60);
const HOUR = 3_600_000;
const AAPL_INSTRUMENT = ContractUniverse.default().byConId(CONID.AAPL)!;

type Fault = { kind: 'none' } | { kind: 'drop'; afterMs: number } | { kind: 'connectivity'; afterMs: number; downMs: number; dataLost: boolean };

interface Step {
  duration: string;
  barSize: string;
  useRTH: boolean;
  /** Hours before the collection starts; null: end "now". */
  endHoursAgo: number | null;
  /** Model time passing before this collection. */
  waitMs: number;
  fault: Fault;
}

const durationArb = fc.oneof(
  fc.constantFrom(3600, 7200, 20_000, 86_400).map((n) => `${n} S`),
  fc.integer({ min: 1, max: 6 }).map((n) => `${n} D`),
  fc.integer({ min: 1, max: 3 }).map((n) => `${n} W`),
  fc.constant('1 M'),
);

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Fault>({ kind: 'none' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), afterMs: fc.integer({ min: 0, max: 3000 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('connectivity' as const),
      afterMs: fc.integer({ min: 0, max: 3000 }),
      downMs: fc.integer({ min: 100, max: 20_000 }),
      dataLost: fc.boolean(),
    }),
  },
);

const stepArb: fc.Arbitrary<Step> = fc.record({
  duration: durationArb,
  barSize: fc.constantFrom('30 mins', '1 hour', '1 day'),
  useRTH: fc.boolean(),
  endHoursAgo: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 24 * 9 })),
  waitMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * HOUR })),
  fault: faultArb,
});

const seriesKey = (barSize: string, useRTH: boolean) => `${barSize}|${useRTH ? 1 : 0}`;

async function runSequence(steps: readonly Step[]): Promise<void> {
  const env = virtualEnv({ profile: 'ibkr-paper', start: AFTER_CLOSE });
  const kit = leasedSession(env.connector, env.clock);
  const store = memoryStore();
  const fresh = memoryStore();
  try {
    const q = await drive(env.clock, qualifierOn(kit, env.clock).qualify(AAPL));
    if (q.kind !== 'qualified') throw new Error(`AAPL did not qualify: ${q.kind}`);
    const aapl = q.contract;
    // One pacing scheduler for the session, as the collector has: both stores' requests share it.
    const pacing = new PacingScheduler({ clock: env.clock });
    const history = historyOn(kit, env.clock, store, pacing);
    const windows = new Map<string, Window[]>();
    const ran = async (step: Step, endMs: number | undefined): Promise<HistoryOutcome> => {
      const spec = { duration: step.duration, barSize: step.barSize, useRTH: step.useRTH, ...(endMs !== undefined ? { endMs } : {}) };
      return drive(env.clock, history.collect(aapl, spec), { stepMs: 1_000, limitMs: 6 * HOUR, what: `${step.duration} of ${step.barSize}` });
    };
    const remember = (step: Step, o: HistoryOutcome) => {
      const end = o.coverage.window.end;
      const start =
        o.coverage.window.start ?? windowStart(AAPL_INSTRUMENT, step.useRTH ? 'liquid' : 'trading', parseDuration(step.duration)!, end * 1000) / 1000;
      const key = seriesKey(step.barSize, step.useRTH);
      windows.set(key, [...(windows.get(key) ?? []), { start, end }]);
    };
    const failed: Array<{ step: Step; endMs: number | undefined }> = [];
    for (const step of steps) {
      await env.clock.advance(step.waitMs);
      const endMs = step.endHoursAgo === null ? undefined : env.clock.now() - step.endHoursAgo * HOUR;
      const f = step.fault;
      if (f.kind === 'drop') {
        env.clock.setTimer(f.afterMs, () => {
          env.faults.apply({ kind: 'drop', match: {} });
        });
      }
      if (f.kind === 'connectivity') {
        env.clock.setTimer(f.afterMs, () => {
          env.gateway.loseConnectivity();
          env.clock.setTimer(f.downMs, () => env.gateway.restoreConnectivity(f.dataLost));
        });
      }
      try {
        remember(step, await ran(step, endMs));
      } catch {
        failed.push({ step, endMs }); // asked again below, as a user would
      }
    }
    // Let every fault run its course, then collect again what failed.
    await env.clock.advance(30_000);
    for (const { step, endMs } of failed) remember(step, await ran(step, endMs));

    // A fresh store gets the union of the windows, one collection per merged window.
    await env.clock.advance(20_000);
    const freshHistory = historyOn(kit, env.clock, fresh, pacing);
    for (const [key, list] of windows) {
      const [barSize, rth] = key.split('|') as [string, string];
      for (const w of mergeWindows(list)) {
        const spec = { duration: `${w.end - w.start} S`, barSize, useRTH: rth === '1', endMs: w.end * 1000 };
        await drive(env.clock, freshHistory.collect(aapl, spec), { stepMs: 1_000, limitMs: 6 * HOUR, what: `fresh ${spec.duration} of ${barSize}` });
      }
    }
    const nowS = env.clock.now() / 1000;
    for (const key of windows.keys()) {
      const [barSize, rth] = key.split('|') as [string, string];
      const bar = findBarSize(barSize)!;
      const series = { conId: aapl.conId, exchange: aapl.exchange, barSize, whatToShow: 'TRADES', useRTH: rth === '1' };
      const held = store.getBars(series);
      const expected = fresh.getBars(series);
      expect(
        held.map((b) => b.time),
        `${key}: bar times`,
      ).toEqual(expected.map((b) => b.time));
      // A bar still forming when it was fetched is stored as of that moment, and the store says so
      // (a forming window, until a later collection asks for it again): values are compared for
      // the others, and for bars complete now in both.
      const records = store.windows(series);
      const heldWindows = mergeWindows(records.filter((r) => r.outcome === 'bars'));
      const formingWhenFetched = (t: number) =>
        records.some((r) => r.outcome === 'forming' && t >= r.start && t < r.end) && !heldWindows.some((w) => t >= w.start && t < w.end);
      const settled = (bars: typeof held) => bars.filter((b) => barEnd(b.time, bar, aapl.timeZoneId) <= nowS && !formingWhenFetched(b.time));
      expect(settled(held), `${key}: bar values`).toEqual(settled(expected));
    }
  } finally {
    await drive(env.clock, kit.session.close()).catch(() => {});
    store.close();
    fresh.close();
  }
}

describe('coverage under overlapping collections and faults (property)', () => {
  it(
    'any sequence ends with exactly the bars a fresh store gets for the union of the windows',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 5 }), async (steps) => {
          await runSequence(steps);
        }),
        propertyParams(FILE, RUNS),
      );
    },
    Math.max(120_000, RUNS * 1_000),
  );
});
