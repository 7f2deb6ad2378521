/**
 * NYSE and NASDAQ (US equities and equity options): full-day holidays, 13:00 ET early closes and the
 * one-off closures since 2000. NASDAQ and the options exchanges follow the same calendar.
 * Rules and sources: docs/wire-facts/market-hours.md#nyse-and-nasdaq.
 */
import { defineCalendar, hhmm, type YearExceptions } from './calendar.ts';
import {
  civilDate,
  dayNumber,
  easterSunday,
  FRIDAY,
  isoWeekday,
  MONDAY,
  nearestWeekday,
  nthWeekday,
  SATURDAY,
  SUNDAY,
  THURSDAY,
  TUESDAY,
  WEDNESDAY,
} from './date-rules.ts';

/** The US holidays NYSE observes, named so that CME's calendar can treat each its own way. */
export type UsHoliday =
  | 'new-year'
  | 'martin-luther-king'
  | 'washingtons-birthday'
  | 'good-friday'
  | 'memorial-day'
  | 'juneteenth'
  | 'independence-day'
  | 'labor-day'
  | 'thanksgiving'
  | 'christmas';

export interface DatedHoliday<T extends string = string> {
  day: number;
  name: T;
  reason: string;
}

/**
 * NYSE's regular holidays of a year, on the weekday they are observed (NYSE Rule 7.2: Saturday →
 * the Friday before, Sunday → the Monday after; New Year's Day on a Saturday is not made up on
 * Friday Dec 31, the end of an accounting period).
 */
export function usMarketHolidays(year: number): DatedHoliday<UsHoliday>[] {
  const out: DatedHoliday<UsHoliday>[] = [];
  const add = (day: number, name: UsHoliday, reason: string) => out.push({ day, name, reason });
  const jan1 = dayNumber(year, 1, 1);
  if (isoWeekday(jan1) !== SATURDAY) add(isoWeekday(jan1) === SUNDAY ? jan1 + 1 : jan1, 'new-year', "New Year's Day");
  if (year >= 1998) add(nthWeekday(year, 1, MONDAY, 3), 'martin-luther-king', 'Martin Luther King Jr. Day');
  add(nthWeekday(year, 2, MONDAY, 3), 'washingtons-birthday', "Washington's Birthday");
  add(easterSunday(year) - 2, 'good-friday', 'Good Friday');
  add(nthWeekday(year, 5, MONDAY, -1), 'memorial-day', 'Memorial Day');
  if (year >= 2022) add(nearestWeekday(dayNumber(year, 6, 19)), 'juneteenth', 'Juneteenth National Independence Day');
  add(nearestWeekday(dayNumber(year, 7, 4)), 'independence-day', 'Independence Day');
  add(nthWeekday(year, 9, MONDAY, 1), 'labor-day', 'Labor Day');
  add(nthWeekday(year, 11, THURSDAY, 4), 'thanksgiving', 'Thanksgiving Day');
  add(nearestWeekday(dayNumber(year, 12, 25)), 'christmas', 'Christmas Day');
  return out;
}

/** Dates NYSE closed outside its rules (2000 onwards), each with the notice that announced it. */
export const NYSE_ONE_OFF_CLOSURES: readonly DatedHoliday[] = [
  ...[11, 12, 13, 14].map((d) => ({ day: dayNumber(2001, 9, d), name: 'september-11', reason: 'September 11 attacks' })),
  { day: dayNumber(2004, 6, 11), name: 'mourning-reagan', reason: 'National Day of Mourning for President Reagan' },
  { day: dayNumber(2007, 1, 2), name: 'mourning-ford', reason: 'National Day of Mourning for President Ford' },
  { day: dayNumber(2012, 10, 29), name: 'hurricane-sandy', reason: 'Hurricane Sandy' },
  { day: dayNumber(2012, 10, 30), name: 'hurricane-sandy', reason: 'Hurricane Sandy' },
  { day: dayNumber(2018, 12, 5), name: 'mourning-bush', reason: 'National Day of Mourning for President George H.W. Bush' },
  { day: dayNumber(2025, 1, 9), name: 'mourning-carter', reason: 'National Day of Mourning for President Carter' },
];

/**
 * NYSE's 13:00 early closes of a year: the day before Independence Day (July 3 on a Monday,
 * Tuesday or Thursday; on a Wednesday since 2013, while before 2013 the Friday July 5 after a
 * Thursday holiday closed early instead), the day after Thanksgiving, Christmas Eve on a
 * Monday–Thursday, and the one-off 2003-12-26.
 */
export function nyseEarlyCloses(year: number): DatedHoliday[] {
  const out: DatedHoliday[] = [];
  const july3 = dayNumber(year, 7, 3);
  const wd3 = isoWeekday(july3);
  if (wd3 === MONDAY || wd3 === TUESDAY || wd3 === THURSDAY || (wd3 === WEDNESDAY && year >= 2013)) {
    out.push({ day: july3, name: 'independence-eve', reason: 'day before Independence Day' });
  }
  if (year < 2013 && isoWeekday(july3 + 2) === FRIDAY) out.push({ day: july3 + 2, name: 'independence-after', reason: 'day after Independence Day' });
  out.push({ day: nthWeekday(year, 11, THURSDAY, 4) + 1, name: 'black-friday', reason: 'day after Thanksgiving' });
  const dec24 = dayNumber(year, 12, 24);
  if (isoWeekday(dec24) <= THURSDAY) out.push({ day: dec24, name: 'christmas-eve', reason: 'Christmas Eve' });
  if (year === 2003) out.push({ day: dayNumber(2003, 12, 26), name: 'day-after-christmas', reason: 'day after Christmas (one-off)' });
  return out;
}

/** Regular session end on an early-close day, and the end of the post-market session then. */
export const NYSE_EARLY_CLOSE = { liquid: hhmm('13:00'), trading: hhmm('17:00') };

function nyseYear(year: number, out: YearExceptions): void {
  for (const h of nyseEarlyCloses(year)) out.closeEarly(h.day, h.reason, NYSE_EARLY_CLOSE.liquid, NYSE_EARLY_CLOSE.trading);
  for (const h of usMarketHolidays(year)) out.close(h.day, h.reason);
  for (const h of NYSE_ONE_OFF_CLOSURES) if (civilDate(h.day).year === year) out.replace(h.day, { kind: 'closed', reason: h.reason });
}

export const NYSE = defineCalendar({
  name: 'nyse',
  description: 'NYSE / NASDAQ (US equities and options), US/Eastern',
  timeZoneId: 'US/Eastern',
  checkedYears: { first: 2000, last: 2026 },
  year: nyseYear,
});
