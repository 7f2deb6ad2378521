/**
 * Where bars fall: the time window a duration covers and the bar slots inside trading sessions.
 *
 * Intraday bars sit on the exchange's wall-clock grid (an hourly bar starts at 10:00, not at
 * session-open + n hours), clipped to the session, so the first regular-hours hourly bar of a US
 * stock is 09:30-10:00 as in TWS. Day/week/month bars span the sessions of their period.
 */
import type { Instrument } from './instrument.ts';
import type { BarSize } from '../../common/ib/bar-sizes.ts';
import { durationStart, type Duration } from '../../common/ib/durations.ts';
import { civilDate, dayNumber, isoWeekday, localDay, zonedParts } from './time.ts';
import { sessionsBetween, sessionsOn, type Session, type SessionKind } from './trading-hours.ts';

export interface BarSlot {
  start: number;
  end: number;
  /** Civil day that labels period bars (first trading day of the period). */
  day: number;
  /** Trading days covered (period bars) or 0 (intraday). */
  days: number;
  liquid: boolean;
}

/** Start of the window a duration covers, ending at `endMs`: IB's rule, on this instrument's sessions. */
export function windowStart(inst: Instrument, kind: SessionKind, duration: Duration, endMs: number): number {
  const tz = inst.timeZoneId;
  return durationStart(duration, endMs, tz, (day) => sessionsOn(inst.schedule, tz, day, kind)[0]?.start);
}

/** Intraday slots whose start lies in [fromMs, toMs). */
function intradaySlots(inst: Instrument, kind: SessionKind, seconds: number, fromMs: number, toMs: number): BarSlot[] {
  const tz = inst.timeZoneId;
  const sizeMs = seconds * 1000;
  const out: BarSlot[] = [];
  const liquidByDay = new Map<number, Session[]>();
  for (const s of sessionsBetween(inst.schedule, tz, fromMs, toMs, kind)) {
    const wall = zonedParts(s.start, tz);
    const secOfDay = wall.hour * 3600 + wall.minute * 60 + wall.second;
    const firstBoundary = s.start + ((seconds - (secOfDay % seconds)) % seconds || seconds) * 1000;
    // Jump straight to the grid cell holding fromMs: a 1-second request must not walk a whole session.
    let t = s.start;
    if (fromMs > firstBoundary) t = firstBoundary + Math.floor((fromMs - firstBoundary) / sizeMs) * sizeMs;
    let liquid = liquidByDay.get(s.day);
    if (!liquid) {
      liquid = kind === 'liquid' ? [s] : sessionsOn(inst.schedule, tz, s.day, 'liquid');
      liquidByDay.set(s.day, liquid);
    }
    while (t < s.end && t < toMs) {
      const end = Math.min(t < firstBoundary ? firstBoundary : t + sizeMs, s.end);
      if (t >= fromMs) {
        const at = t;
        out.push({ start: t, end, day: s.day, days: 0, liquid: liquid.some((l) => at >= l.start && at < l.end) });
      }
      t = end;
    }
  }
  return out;
}

/** Key of the period a civil day belongs to. */
function periodKey(unit: 'day' | 'week' | 'month', day: number): number {
  if (unit === 'day') return day;
  if (unit === 'week') return day - (isoWeekday(day) - 1); // the Monday
  const { year, month } = civilDate(day);
  return dayNumber(year, month, 1);
}

/** Day/week/month slots whose first session starts in [fromMs, toMs). */
function periodSlots(inst: Instrument, kind: SessionKind, unit: 'day' | 'week' | 'month', fromMs: number, toMs: number): BarSlot[] {
  const tz = inst.timeZoneId;
  // Start at the beginning of the period holding fromMs, so a period's first day is never mistaken.
  const firstDay = periodKey(unit, localDay(fromMs, tz) - 1);
  const lastDay = localDay(toMs, tz);
  const out: BarSlot[] = [];
  let current: BarSlot | undefined;
  let currentKey = NaN;
  for (let day = firstDay; day <= lastDay || (current && periodKey(unit, day) === currentKey); day++) {
    const sessions = sessionsOn(inst.schedule, tz, day, kind);
    if (sessions.length === 0) continue;
    const key = periodKey(unit, day);
    if (current && key === currentKey) {
      current.end = sessions[sessions.length - 1]!.end;
      current.days++;
      continue;
    }
    if (current) out.push(current);
    current = { start: sessions[0]!.start, end: sessions[sessions.length - 1]!.end, day, days: 1, liquid: true };
    currentKey = key;
  }
  if (current) out.push(current);
  return out.filter((s) => s.start >= fromMs && s.start < toMs);
}

export function barSlots(inst: Instrument, kind: SessionKind, bar: BarSize, fromMs: number, toMs: number): BarSlot[] {
  if (!(toMs > fromMs)) return [];
  return bar.unit === 'sec' ? intradaySlots(inst, kind, bar.seconds, fromMs, toMs) : periodSlots(inst, kind, bar.unit, fromMs, toMs);
}
