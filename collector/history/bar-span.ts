/**
 * When a stored bar's period ends, and where a held window must stop when a bar was still forming.
 * Stored times are bar starts for intraday bars and the trading date (00:00 UTC) for daily and
 * longer bars (collector/store/bar-time.ts), so the longer bars need the exchange's zone.
 */
import type { BarSize } from '../../common/ib/bar-sizes.ts';
import { civilDate, dayNumber, instantOf, isoWeekday } from '../../common/ib/time-zones.ts';

const DAY_S = 86_400;

/** The civil day after the period holding `day` (a day, the ISO week, the month). */
function nextPeriod(day: number, unit: 'day' | 'week' | 'month'): number {
  if (unit === 'day') return day + 1;
  if (unit === 'week') return day - (isoWeekday(day) - 1) + 7;
  const { year, month } = civilDate(day);
  return month === 12 ? dayNumber(year + 1, 1, 1) : dayNumber(year, month + 1, 1);
}

/**
 * Epoch seconds at which the bar starting at `time` has certainly ended: start + length for
 * intraday bars; for longer bars local midnight after its day, week or month in the exchange's
 * zone (a day later without the zone, so it is never judged complete too early).
 */
export function barEnd(time: number, bar: BarSize, timeZone: string | undefined): number {
  if (bar.unit === 'sec') return time + bar.seconds;
  const next = nextPeriod(Math.floor(time / DAY_S), bar.unit);
  return timeZone ? instantOf(next, 0, timeZone) / 1000 : (next + 1) * DAY_S;
}

/**
 * Where a window of held bars must end when the bar at `time` is still forming: its start for
 * intraday bars. A longer bar is keyed by its date, and its first session may begin the evening
 * before (futures), so the cut is local midnight a day before the date (two without the zone),
 * earlier than any session of that bar. A complete bar after the cut is stored all the same and
 * asked for again with the forming one.
 */
export function formingCutoff(time: number, bar: BarSize, timeZone: string | undefined): number {
  if (bar.unit === 'sec') return time;
  const day = Math.floor(time / DAY_S);
  return timeZone ? instantOf(day - 1, 0, timeZone) / 1000 : (day - 2) * DAY_S;
}
