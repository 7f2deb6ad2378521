/**
 * Xetra (Deutsche Börse's electronic market, IB exchange IBIS): its trading holidays and the 14:00
 * close on the last trading day of the year. Rules and sources:
 * docs/wire-facts/market-hours.md#xetra.
 */
import { defineCalendar, hhmm, type YearExceptions } from './calendar.ts';
import { dayNumber, easterSunday, isoWeekday, isWeekend, SATURDAY, SUNDAY } from './date-rules.ts';

export const XETRA_YEAR_END_CLOSE = hhmm('14:00');

function xetraYear(year: number, out: YearExceptions): void {
  const onWeekday = (day: number, reason: string) => {
    if (!isWeekend(day)) out.close(day, reason);
  };
  // The last trading day before New Year's Eve (Dec 31 itself is a holiday) closes early since 2010.
  if (year >= 2010) {
    const dec30 = dayNumber(year, 12, 30);
    const wd = isoWeekday(dec30);
    out.closeEarly(dec30 - (wd === SATURDAY ? 1 : wd === SUNDAY ? 2 : 0), 'last trading day of the year', XETRA_YEAR_END_CLOSE);
  }
  const easter = easterSunday(year);
  onWeekday(dayNumber(year, 1, 1), "New Year's Day");
  onWeekday(easter - 2, 'Good Friday');
  onWeekday(easter + 1, 'Easter Monday');
  onWeekday(dayNumber(year, 5, 1), 'Labour Day');
  if ((year >= 2015 && year <= 2021) || year === 2007) onWeekday(easter + 50, 'Whit Monday');
  if (year >= 2014 && year <= 2021) onWeekday(dayNumber(year, 10, 3), 'Day of German Unity');
  if (year === 2017) onWeekday(dayNumber(2017, 10, 31), 'Reformation Day (500th anniversary)');
  onWeekday(dayNumber(year, 12, 24), 'Christmas Eve');
  onWeekday(dayNumber(year, 12, 25), 'Christmas Day');
  onWeekday(dayNumber(year, 12, 26), 'Boxing Day');
  onWeekday(dayNumber(year, 12, 31), "New Year's Eve");
}

export const XETRA = defineCalendar({
  name: 'xetra',
  description: 'Xetra (Deutsche Börse, IBIS), MET',
  timeZoneId: 'MET',
  checkedYears: { first: 2000, last: 2026 },
  year: xetraYear,
});
