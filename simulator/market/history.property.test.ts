import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractUniverse } from './contracts.ts';
import { buildHistoricalReply, type HistoricalBar, type HistoricalRequest } from './history.ts';
import { zonedParts } from './time.ts';

const u = ContractUniverse.default();
const NOW = Date.UTC(2026, 0, 20, 12, 0);
// Instants in the past of NOW, so no bar is still forming.
const pastEnd = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2026, 0, 15) }).map((ms) => Math.floor(ms / 1000) * 1000);
const utcText = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace(/-/g, '').replace('T', '-');

/** Bar sizes with durations inside IB's step guidance. */
const combos: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['1 secs', ['60 S', '600 S', '1800 S']],
  ['5 secs', ['600 S', '3600 S']],
  ['30 secs', ['3600 S', '28800 S']],
  ['1 min', ['3600 S', '28800 S', '1 D']],
  ['5 mins', ['1 D', '2 D', '1 W']],
  ['30 mins', ['1 D', '1 W', '1 M']],
  ['1 hour', ['2 D', '1 W', '1 M']],
  ['4 hours', ['1 W', '1 M']],
  ['1 day', ['5 D', '1 M', '1 Y']],
  ['1 week', ['1 M', '1 Y']],
];
const combo = fc.constantFrom(...combos).chain(([bar, durations]) => fc.tuple(fc.constant(bar), fc.constantFrom(...durations)));
const instrument = fc.constantFrom(...u.instruments);
const request = (over: Partial<HistoricalRequest>): HistoricalRequest => ({
  endDateTime: '',
  barSize: '1 min',
  duration: '1 D',
  useRTH: 1,
  whatToShow: 'TRADES',
  formatDate: 2,
  ...over,
});

describe('historical data (properties)', () => {
  it('overlapping requests agree on every bar they share', () => {
    let shared = 0;
    fc.assert(
      fc.property(
        instrument,
        combo,
        pastEnd,
        fc.integer({ min: 0, max: 6 * 3600_000 }),
        fc.constantFrom(0, 1),
        fc.integer(),
        (inst, [barSize, duration], end, shift, useRTH, seed) => {
          const a = buildHistoricalReply(request({ barSize, duration, useRTH, endDateTime: utcText(end) }), inst, { seed, nowMs: NOW });
          const b = buildHistoricalReply(request({ barSize, duration, useRTH, endDateTime: utcText(end - shift) }), inst, { seed, nowMs: NOW });
          if (!a.ok || !b.ok) return;
          const byDate = new Map(a.bars.map((x) => [x.date, x]));
          for (const bar of b.bars) {
            const other = byDate.get(bar.date);
            if (!other) continue;
            expect(other).toEqual(bar);
            shared++;
          }
        },
      ),
      { numRuns: 150 },
    );
    // Guard against a vacuous pass where the windows never share a bar.
    expect(shared).toBeGreaterThan(1000);
  });

  it('bars respect OHLC invariants for every series', () => {
    fc.assert(
      fc.property(
        instrument,
        combo,
        pastEnd,
        fc.constantFrom('TRADES', 'MIDPOINT', 'BID', 'ASK', 'BID_ASK', 'ADJUSTED_LAST'),
        fc.constantFrom(0, 1),
        fc.integer(),
        (inst, [barSize, duration], end, whatToShow, useRTH, seed) => {
          const r = buildHistoricalReply(request({ barSize, duration, useRTH, whatToShow, endDateTime: utcText(end) }), inst, { seed, nowMs: NOW });
          if (!r.ok) {
            expect(r.code).toBe(162); // only "no data" (e.g. a weekend window) may fail here
            return;
          }
          const quotes = whatToShow !== 'TRADES' && whatToShow !== 'ADJUSTED_LAST';
          for (const b of r.bars) {
            expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
            expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
            expect(b.low).toBeGreaterThan(0);
            if (quotes) {
              expect([b.volume, b.wap, b.barCount]).toEqual([-1, -1, -1]);
            } else {
              expect(Number.isInteger(b.volume) && b.volume >= 1).toBe(true);
              expect(b.wap).toBeGreaterThanOrEqual(b.low);
              expect(b.wap).toBeLessThanOrEqual(b.high);
              expect(Number.isInteger(b.barCount) && b.barCount >= 1 && b.barCount <= b.volume).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('intraday bars are increasing, inside the sessions, and never on a weekend trading date', () => {
    fc.assert(
      fc.property(instrument, combo, pastEnd, fc.constantFrom(0, 1), (inst, [barSize, duration], end, useRTH) => {
        const r = buildHistoricalReply(request({ barSize, duration, useRTH, endDateTime: utcText(end) }), inst, { seed: 1, nowMs: NOW });
        if (!r.ok || !/secs|min|hour/.test(barSize)) return;
        const sessions = inst.schedule[useRTH ? 'liquid' : 'trading'];
        let previous = -Infinity;
        for (const b of r.bars as HistoricalBar[]) {
          const ms = Number(b.date) * 1000;
          expect(ms).toBeGreaterThan(previous);
          expect(ms).toBeLessThanOrEqual(end);
          previous = ms;
          const p = zonedParts(ms, inst.timeZoneId);
          let minute = p.hour * 60 + p.minute;
          let day = Date.UTC(p.year, p.month - 1, p.day);
          // A session opening the evening before (CME futures, IDEALPRO: start < 0) belongs to the next trading date.
          if (sessions.some((s) => s.start < 0 && minute >= 1440 + s.start)) {
            minute -= 1440;
            day += 86_400_000;
          }
          const weekday = new Date(day).getUTCDay();
          expect(weekday === 0 || weekday === 6).toBe(false);
          expect(sessions.some((s) => minute >= s.start && minute < s.end)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
