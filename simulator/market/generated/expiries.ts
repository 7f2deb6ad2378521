/**
 * Expiry dates of listed futures and options, as civil days (days since 1970-01-01): the third
 * Friday of a month, weekly Fridays, every trading day, moved to the trading day before when the
 * exchange is closed. Rules and sources: docs/wire-facts/contracts.md#futures and
 * docs/wire-facts/contracts.md#options.
 */
import type { ExchangeCalendar } from '../../../common/ib/calendars/index.ts';
import { FRIDAY, isWeekend, nthWeekday } from '../../../common/ib/calendars/date-rules.ts';
import { civilDate, isoWeekday } from '../time.ts';

/** Whether the exchange trades on a civil day (a weekday its calendar does not close). */
export function isTradingDay(day: number, calendar: ExchangeCalendar): boolean {
  return !isWeekend(day) && calendar.exceptionOn(day)?.kind !== 'closed';
}

/** `day` itself if the exchange trades then, else the nearest trading day before it. */
export function onOrBeforeTradingDay(day: number, calendar: ExchangeCalendar): number {
  let d = day;
  while (!isTradingDay(d, calendar)) d--;
  return d;
}

/** The trading day before `day`. */
export function previousTradingDay(day: number, calendar: ExchangeCalendar): number {
  return onOrBeforeTradingDay(day - 1, calendar);
}

/** The third Friday of a month, or the trading day before it when that Friday is a holiday (Good Friday). */
export function monthlyExpiry(year: number, month: number, calendar: ExchangeCalendar): number {
  return onOrBeforeTradingDay(nthWeekday(year, month, FRIDAY, 3), calendar);
}

/** The next `count` months, starting with the month of `day`, as [year, month] pairs. */
export function monthsFrom(day: number, count: number, step = 1): Array<[number, number]> {
  const { year, month } = civilDate(day);
  const out: Array<[number, number]> = [];
  // Start at the first month on the step grid (quarterly: Mar, Jun, Sep, Dec).
  let m = month + ((step - (month % step)) % step);
  let y = year;
  for (let i = 0; i < count; i++) {
    while (m > 12) {
      m -= 12;
      y++;
    }
    out.push([y, m]);
    m += step;
  }
  return out;
}

/** Monthly expiries (third Fridays) on or after `day`, the next `count` of them. */
export function monthlyExpiries(day: number, count: number, calendar: ExchangeCalendar, step = 1): number[] {
  return monthsFrom(day, count + 1, step)
    .map(([y, m]) => monthlyExpiry(y, m, calendar))
    .filter((d) => d >= day)
    .slice(0, count);
}

/** Friday expiries (moved before holidays) on or after `day`, within `weeks` weeks. */
export function weeklyExpiries(day: number, weeks: number, calendar: ExchangeCalendar): number[] {
  const firstFriday = day + ((FRIDAY - isoWeekday(day) + 7) % 7);
  const out: number[] = [];
  for (let w = 0; w < weeks; w++) {
    const e = onOrBeforeTradingDay(firstFriday + 7 * w, calendar);
    if (e >= day && !out.includes(e)) out.push(e);
  }
  return out;
}

/** Every trading day from `day` on, the next `count` of them. */
export function dailyExpiries(day: number, count: number, calendar: ExchangeCalendar): number[] {
  const out: number[] = [];
  for (let d = day; out.length < count; d++) if (isTradingDay(d, calendar)) out.push(d);
  return out;
}
