/**
 * Daily bars against the exchange calendars over 2000–2030: sampled dates, so the run stays quick.
 * The calendars' own dates are checked in common/ib/calendars/calendars.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractUniverse } from './contracts.ts';
import { buildHistoricalReply, type HistoricalReply } from './history.ts';
import type { Instrument } from './instrument.ts';
import { dayNumber, formatYmd, isoWeekday } from './time.ts';

const u = ContractUniverse.default();
const AAPL = u.byConId(265598)!;
const TTE_PARIS = u.byConId(900000001)!;
const SAP_XETRA = u.byConId(900000005)!;
const AZN_LSE = u.byConId(900000006)!;
const NOW = Date.UTC(2031, 0, 15); // every sampled window lies in the past
const FIRST = dayNumber(2000, 1, 1);
const LAST = dayNumber(2030, 12, 31);

/** Daily bar dates of the month (`1 M`) ending at the end of `day`, in the instrument's zone. */
function dailyBarDates(inst: Instrument, day: number): string[] {
  const r: HistoricalReply = buildHistoricalReply(
    { endDateTime: `${formatYmd(day + 1)} 00:00:00 ${inst.timeZoneId}`, barSize: '1 day', duration: '1 M', useRTH: 1, whatToShow: 'TRADES', formatDate: 1 },
    inst,
    { seed: 7, nowMs: NOW },
  );
  if (!r.ok) throw new Error(`${inst.symbol} ${formatYmd(day)}: ${r.code} ${r.message}`);
  return r.bars.map((b) => b.date);
}

const closed = (inst: Instrument, day: number) => inst.schedule.calendar!.exceptionOn(day)?.kind === 'closed';

describe('exchange calendars in history (properties, 2000–2030)', () => {
  for (const inst of [AAPL, TTE_PARIS, SAP_XETRA, AZN_LSE]) {
    const name = `${inst.symbol}@${inst.primaryExchange} (${inst.schedule.calendar!.name})`;

    it(`${name}: no daily bar on a holiday`, () => {
      // Pick a year, then one of its full-day closures, and ask for the month around it.
      const holiday = fc
        .integer({ min: 2000, max: 2030 })
        .chain((year) => fc.constantFrom(...[...inst.schedule.calendar!.exceptionsIn(year)].filter(([, e]) => e.kind === 'closed').map(([d]) => d)));
      fc.assert(
        fc.property(holiday, fc.integer({ min: 0, max: 20 }), (day, after) => {
          const dates = dailyBarDates(inst, day + after);
          expect(dates.length).toBeGreaterThan(10);
          expect(dates).not.toContain(formatYmd(day));
        }),
        { numRuns: 60 },
      );
    });

    it(`${name}: a month of daily bars has exactly the weekdays the calendar keeps open`, () => {
      fc.assert(
        fc.property(fc.integer({ min: FIRST + 40, max: LAST }), (day) => {
          const dates = dailyBarDates(inst, day);
          expect(dates.length).toBeGreaterThan(10);
          const first = Number(dates[0]);
          const expected: string[] = [];
          for (let d = day - 40; d <= day; d++) {
            const ymd = formatYmd(d);
            if (Number(ymd) >= first && isoWeekday(d) <= 5 && !closed(inst, d)) expected.push(ymd);
          }
          expect(dates).toEqual(expected);
        }),
        { numRuns: 60 },
      );
    });
  }
});
