/**
 * The date arithmetic holiday rules are written in: Easter, "the third Monday of January",
 * weekend observance. All results are civil days (days since 1970-01-01, no zone).
 */
import { civilDate, dayNumber, isoWeekday } from '../time-zones.ts';

export const MONDAY = 1;
export const TUESDAY = 2;
export const WEDNESDAY = 3;
export const THURSDAY = 4;
export const FRIDAY = 5;
export const SATURDAY = 6;
export const SUNDAY = 7;

/**
 * Easter Sunday of a Gregorian year (the anonymous Gregorian computus, as published by Meeus,
 * "Astronomical Algorithms", ch. 8). Good Friday is two days before, Easter Monday one day after,
 * Whit Monday fifty days after.
 */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const n = h + l - 7 * m + 114;
  return dayNumber(year, Math.floor(n / 31), (n % 31) + 1);
}

/**
 * The n-th given weekday (1 = Monday … 7 = Sunday) of a month; n = -1 is the last one.
 * `nthWeekday(2026, 11, THURSDAY, 4)` is Thanksgiving 2026 (Nov 26).
 */
export function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n === -1) {
    const last = dayNumber(year, month + 1, 1) - 1;
    return last - ((isoWeekday(last) - weekday + 7) % 7);
  }
  const first = dayNumber(year, month, 1);
  return first + ((weekday - isoWeekday(first) + 7) % 7) + (n - 1) * 7;
}

/** US observance: a holiday on Saturday is observed the Friday before, on Sunday the Monday after. */
export function nearestWeekday(day: number): number {
  const wd = isoWeekday(day);
  return wd === SATURDAY ? day - 1 : wd === SUNDAY ? day + 1 : day;
}

export function isWeekend(day: number): boolean {
  return isoWeekday(day) >= SATURDAY;
}

export { civilDate, dayNumber, isoWeekday };
