/**
 * Euronext Paris cash market (IB exchange SBF): full-day holidays and the half days of
 * December 24 and 31. Euronext's other cash markets (Amsterdam, Brussels, Lisbon) share the
 * calendar since the 2002 harmonisation. Rules and sources: docs/wire-facts/market-hours.md#euronext-paris.
 */
import { defineCalendar, hhmm, type YearExceptions } from './calendar.ts';
import { dayNumber, easterSunday, isWeekend } from './date-rules.ts';

/** End of continuous trading on a half day (the closing auction then runs to 14:05). */
export const EURONEXT_HALF_DAY_CLOSE = hhmm('14:00');

function euronextParisYear(year: number, out: YearExceptions): void {
  const onWeekday = (day: number, reason: string, early = false) => {
    if (isWeekend(day)) return; // no substitute day is given for a holiday on a weekend
    if (early) out.closeEarly(day, reason, EURONEXT_HALF_DAY_CLOSE);
    else out.close(day, reason);
  };
  const easter = easterSunday(year);
  onWeekday(dayNumber(year, 1, 1), "New Year's Day");
  onWeekday(easter - 2, 'Good Friday');
  onWeekday(easter + 1, 'Easter Monday');
  onWeekday(dayNumber(year, 5, 1), 'Labour Day');
  onWeekday(dayNumber(year, 12, 25), 'Christmas Day');
  onWeekday(dayNumber(year, 12, 26), 'Boxing Day');
  if (year < 2002) {
    // The Paris Bourse's own holidays, dropped when Euronext harmonised its calendar in 2002.
    onWeekday(easter + 50, 'Whit Monday');
    onWeekday(dayNumber(year, 7, 14), 'Bastille Day');
    onWeekday(dayNumber(year, 12, 31), "New Year's Eve");
  }
  onWeekday(dayNumber(year, 12, 24), 'Christmas Eve (half day)', true);
  if (year >= 2002) onWeekday(dayNumber(year, 12, 31), "New Year's Eve (half day)", true);
}

export const EURONEXT_PARIS = defineCalendar({
  name: 'euronext-paris',
  description: 'Euronext Paris cash market (SBF), MET',
  timeZoneId: 'MET',
  checkedYears: { first: 2002, last: 2026 },
  year: euronextParisYear,
});
