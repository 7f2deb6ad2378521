/**
 * CME Globex equity index futures (ES, NQ, RTY, YM …): the trading dates on which Globex stays shut,
 * and those whose overnight session halts early. A trading date's session opens at 17:00 CT the
 * evening before, so a closure of date D removes the session that would have opened on D-1.
 * Rules and sources: docs/wire-facts/market-hours.md#cme-globex-equity-index-futures.
 */
import { defineCalendar, hhmm, type YearExceptions } from './calendar.ts';
import { civilDate, dayNumber } from './date-rules.ts';
import { nyseEarlyCloses, usMarketHolidays } from './nyse.ts';

/** Halt on a US holiday CME trades through (12:00 CT since 2014, 10:30 CT before). */
const HOLIDAY_HALT = hhmm('12:00');
const HOLIDAY_HALT_BEFORE_2014 = hhmm('10:30');
/** The first holiday halted at 12:00 was Memorial Day 2014; Presidents' Day 2014 still halted at 10:30. */
const NOON_HALT_FROM = dayNumber(2014, 3, 1);
/** Halt on the days NYSE closes at 13:00 ET: 15 minutes after the cash market. */
const EARLY_HALT = hhmm('12:15');
/** Halt of the abbreviated session when the jobs report falls on Good Friday. */
const GOOD_FRIDAY_HALT = hhmm('08:15');

/** Good Fridays with an abbreviated 08:15 CT session (BLS Employment Situation released that day). */
const GOOD_FRIDAY_SESSIONS = new Set([
  dayNumber(2010, 4, 2),
  dayNumber(2012, 4, 6),
  dayNumber(2015, 4, 3),
  dayNumber(2021, 4, 2),
  dayNumber(2023, 4, 7),
  dayNumber(2026, 4, 3),
]);

/** One-offs: no session at all (closed) or the overnight session only, ending at `halt`. */
const ONE_OFFS: readonly { day: number; reason: string; halt?: number }[] = [
  ...[11, 12, 13, 14].map((d) => ({ day: dayNumber(2001, 9, d), reason: 'September 11 attacks' })),
  { day: dayNumber(2004, 6, 11), reason: 'National Day of Mourning for President Reagan' },
  { day: dayNumber(2007, 1, 2), reason: 'National Day of Mourning for President Ford' },
  { day: dayNumber(2012, 10, 29), reason: 'Hurricane Sandy', halt: hhmm('08:15') },
  { day: dayNumber(2012, 10, 30), reason: 'Hurricane Sandy', halt: hhmm('08:15') },
  { day: dayNumber(2018, 12, 5), reason: 'National Day of Mourning for President George H.W. Bush', halt: hhmm('08:30') },
  { day: dayNumber(2025, 1, 9), reason: 'National Day of Mourning for President Carter', halt: hhmm('08:30') },
];

function cmeEquityYear(year: number, out: YearExceptions): void {
  for (const h of nyseEarlyCloses(year)) out.closeEarly(h.day, h.reason, EARLY_HALT);
  for (const h of usMarketHolidays(year)) {
    if (h.name === 'new-year' || h.name === 'christmas') out.close(h.day, h.reason);
    else if (h.name === 'good-friday') {
      if (GOOD_FRIDAY_SESSIONS.has(h.day)) out.closeEarly(h.day, `${h.reason} (jobs report)`, GOOD_FRIDAY_HALT);
      else out.close(h.day, h.reason);
    } else out.closeEarly(h.day, h.reason, h.day < NOON_HALT_FROM ? HOLIDAY_HALT_BEFORE_2014 : HOLIDAY_HALT);
  }
  for (const o of ONE_OFFS) {
    if (civilDate(o.day).year !== year) continue;
    out.replace(
      o.day,
      o.halt === undefined ? { kind: 'closed', reason: o.reason } : { kind: 'early-close', liquidClose: o.halt, tradingClose: o.halt, reason: o.reason },
    );
  }
}

export const CME_EQUITY = defineCalendar({
  name: 'cme-equity',
  description: 'CME Globex equity index futures (ES, NQ …), US/Central',
  timeZoneId: 'US/Central',
  checkedYears: { first: 2009, last: 2026 },
  year: cmeEquityYear,
});
