/**
 * London Stock Exchange (IB exchange LSE): England's bank holidays, the one-off royal and
 * anniversary closures, and the 12:30 half days before Christmas and New Year.
 * Rules and sources: docs/wire-facts/market-hours.md#london-stock-exchange.
 */
import { defineCalendar, hhmm, type YearExceptions } from './calendar.ts';
import { civilDate, dayNumber, easterSunday, FRIDAY, isoWeekday, MONDAY, nthWeekday, SATURDAY, SUNDAY } from './date-rules.ts';

export const LSE_HALF_DAY_CLOSE = hhmm('12:30');

/** Bank holidays moved by proclamation (dropped from the rule) and extra closures, since 2000. */
const MOVED: ReadonlyMap<number, string> = new Map([
  [dayNumber(2002, 5, 27), 'Spring bank holiday moved to June 4 (Golden Jubilee)'],
  [dayNumber(2012, 5, 28), 'Spring bank holiday moved to June 4 (Diamond Jubilee)'],
  [dayNumber(2020, 5, 4), 'Early May bank holiday moved to May 8 (VE Day 75th anniversary)'],
  [dayNumber(2022, 5, 30), 'Spring bank holiday moved to June 2 (Platinum Jubilee)'],
]);
const ONE_OFFS: readonly [number, string][] = [
  [dayNumber(2002, 6, 3), 'Golden Jubilee'],
  [dayNumber(2002, 6, 4), 'Spring bank holiday (Golden Jubilee)'],
  [dayNumber(2011, 4, 29), 'Royal wedding'],
  [dayNumber(2012, 6, 4), 'Spring bank holiday (Diamond Jubilee)'],
  [dayNumber(2012, 6, 5), 'Diamond Jubilee'],
  [dayNumber(2020, 5, 8), 'Early May bank holiday (VE Day 75th anniversary)'],
  [dayNumber(2022, 6, 2), 'Spring bank holiday (Platinum Jubilee)'],
  [dayNumber(2022, 6, 3), 'Platinum Jubilee'],
  [dayNumber(2022, 9, 19), 'State funeral of Queen Elizabeth II'],
  [dayNumber(2023, 5, 8), 'Coronation of King Charles III'],
];

/** A weekend date moved to the Friday before (the half days). */
const previousWeekday = (day: number) => day - Math.max(0, isoWeekday(day) - FRIDAY);

function lseYear(year: number, out: YearExceptions): void {
  out.closeEarly(previousWeekday(dayNumber(year, 12, 24)), 'Christmas Eve (half day)', LSE_HALF_DAY_CLOSE);
  out.closeEarly(previousWeekday(dayNumber(year, 12, 31)), "New Year's Eve (half day)", LSE_HALF_DAY_CLOSE);
  const jan1 = dayNumber(year, 1, 1);
  out.close(jan1 + (isoWeekday(jan1) === SATURDAY ? 2 : isoWeekday(jan1) === SUNDAY ? 1 : 0), "New Year's Day");
  const easter = easterSunday(year);
  out.close(easter - 2, 'Good Friday');
  out.close(easter + 1, 'Easter Monday');
  for (const [day, reason] of [
    [nthWeekday(year, 5, MONDAY, 1), 'Early May bank holiday'],
    [nthWeekday(year, 5, MONDAY, -1), 'Spring bank holiday'],
    [nthWeekday(year, 8, MONDAY, -1), 'Summer bank holiday'],
  ] as const) {
    if (!MOVED.has(day)) out.close(day, reason);
  }
  // Christmas and Boxing Day on a weekend are made up on the next free weekdays (Dec 27, 28).
  const christmas = dayNumber(year, 12, 25);
  const cwd = isoWeekday(christmas);
  out.close(cwd === SATURDAY || cwd === SUNDAY ? christmas + 2 : christmas, 'Christmas Day');
  const boxing = christmas + 1;
  const bwd = isoWeekday(boxing);
  out.close(bwd === SATURDAY || bwd === SUNDAY ? boxing + 2 : boxing, 'Boxing Day');
  for (const [day, reason] of ONE_OFFS) if (civilDate(day).year === year) out.replace(day, { kind: 'closed', reason });
}

export const LSE = defineCalendar({
  name: 'lse',
  description: 'London Stock Exchange, GB-Eire',
  timeZoneId: 'GB-Eire',
  checkedYears: { first: 2000, last: 2026 },
  year: lseYear,
});
