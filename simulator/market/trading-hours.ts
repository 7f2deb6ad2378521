/**
 * Trading sessions of an instrument: which wall-clock hours an exchange trades, turned into
 * instants (for bars) and into TWS's `tradingHours`/`liquidHours` strings
 * (docs/wire-facts/contracts.md#tradinghours-and-liquidhours-strings).
 *
 * A schedule is zone-free wall-clock data; the instrument supplies the zone. "Liquid" hours are
 * the regular session (useRTH=1), "trading" hours include pre/post-market (useRTH=0).
 */
import { formatHhmm, formatYmd, instantOf, isoWeekday, localDay } from './time.ts';

/** One session as minutes from local midnight of its start day; `end` > 1440 crosses midnight. */
export interface SessionSpec {
  start: number;
  end: number;
}

export interface Schedule {
  /** ISO weekdays (1 = Monday … 7 = Sunday) on which the exchange opens. */
  readonly days: ReadonlySet<number>;
  readonly liquid: readonly SessionSpec[];
  readonly trading: readonly SessionSpec[];
  /** Civil dates (`yyyyMMdd`) on which the exchange stays closed although it is a weekday. */
  readonly holidays: ReadonlySet<string>;
}

export type SessionKind = 'liquid' | 'trading';

/** A concrete session: instants in epoch ms, `day` the civil day it starts on. */
export interface Session {
  day: number;
  start: number;
  end: number;
}

const RANGE_RE = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/**
 * Parse `HH:MM-HH:MM`. An end at or before the start means the session runs past midnight
 * (e.g. an overnight `20:00-03:50`); `24:00` is allowed as an end.
 */
export function parseSessionRange(text: string): SessionSpec {
  const m = RANGE_RE.exec(text);
  if (!m) throw new Error(`session ${JSON.stringify(text)} is not of the form HH:MM-HH:MM`);
  const [h1, m1, h2, m2] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  if (h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || (h2 === 24 && m2 !== 0)) {
    throw new Error(`session ${JSON.stringify(text)} has an hour or minute out of range`);
  }
  const start = h1 * 60 + m1;
  let end = h2 * 60 + m2;
  if (end <= start) end += 1440;
  return { start, end };
}

/** Sessions must be in order and must not overlap, or bars would be produced twice. */
export function checkSessionOrder(specs: readonly SessionSpec[]): void {
  for (let i = 1; i < specs.length; i++) {
    if (specs[i]!.start < specs[i - 1]!.end) {
      throw new Error('sessions must be listed in time order and must not overlap');
    }
  }
}

export function isTradingDay(schedule: Schedule, day: number): boolean {
  return schedule.days.has(isoWeekday(day)) && !schedule.holidays.has(formatYmd(day));
}

/** The sessions that start on a civil day, as instants in the given zone. */
export function sessionsOn(schedule: Schedule, timeZone: string, day: number, kind: SessionKind): Session[] {
  if (!isTradingDay(schedule, day)) return [];
  return schedule[kind].map((s) => ({ day, start: instantOf(day, s.start, timeZone), end: instantOf(day, s.end, timeZone) }));
}

/** Sessions overlapping [fromMs, toMs), in time order. */
export function sessionsBetween(schedule: Schedule, timeZone: string, fromMs: number, toMs: number, kind: SessionKind): Session[] {
  const out: Session[] = [];
  if (!(toMs > fromMs)) return out;
  // A session that started the day before can still be open at fromMs (overnight sessions).
  const first = localDay(fromMs, timeZone) - 1;
  const last = localDay(toMs, timeZone);
  for (let d = first; d <= last; d++) {
    for (const s of sessionsOn(schedule, timeZone, d, kind)) {
      if (s.end > fromMs && s.start < toMs) out.push(s);
    }
  }
  return out;
}

/**
 * The modern `tradingHours`/`liquidHours` text: `YYYYMMDD:HHMM-YYYYMMDD:HHMM` per session and
 * `YYYYMMDD:CLOSED` for days without one, `;`-separated, in the exchange's wall-clock time.
 */
export function hoursString(schedule: Schedule, firstDay: number, dayCount: number, kind: SessionKind): string {
  const parts: string[] = [];
  for (let d = firstDay; d < firstDay + dayCount; d++) {
    if (!isTradingDay(schedule, d) || schedule[kind].length === 0) {
      parts.push(`${formatYmd(d)}:CLOSED`);
      continue;
    }
    for (const s of schedule[kind]) {
      const endDay = d + Math.floor(s.end / 1440);
      parts.push(`${formatYmd(d)}:${formatHhmm(s.start)}-${formatYmd(endDay)}:${formatHhmm(s.end % 1440)}`);
    }
  }
  return parts.join(';');
}
