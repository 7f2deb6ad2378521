/**
 * Trading sessions of an instrument: which wall-clock hours an exchange trades, turned into
 * instants (for bars) and into TWS's `tradingHours`/`liquidHours` strings
 * (docs/wire-facts/contracts.md#tradinghours-and-liquidhours-strings), with the holidays and early
 * closes of the exchange's calendar (common/ib/calendars, docs/wire-facts/market-hours.md).
 *
 * A schedule is zone-free wall-clock data; the instrument supplies the zone. "Liquid" hours are
 * the regular session (useRTH=1), "trading" hours include pre/post-market (useRTH=0).
 */
import type { EarlyClose, ExchangeCalendar } from '../../common/ib/calendars/index.ts';
import { formatHhmm, formatYmd, instantOf, isoWeekday, localDay } from './time.ts';

/**
 * One session as minutes from local midnight of its trading date: `end` > 1440 runs past midnight,
 * a negative `start` opens the evening before (a schedule with `opensPreviousDay`).
 */
export interface SessionSpec {
  start: number;
  end: number;
}

export interface Schedule {
  /** ISO weekdays (1 = Monday … 7 = Sunday) of the trading dates. */
  readonly days: ReadonlySet<number>;
  /**
   * Weekly sessions as minutes from midnight of the trading date. A negative start opens the
   * evening before (futures: `-420..960` is 17:00 the day before to 16:00).
   */
  readonly liquid: readonly SessionSpec[];
  readonly trading: readonly SessionSpec[];
  /** Civil dates (`yyyyMMdd`) closed in addition to the calendar's holidays. */
  readonly holidays: ReadonlySet<string>;
  /** Holidays and early closes of the exchange (common/ib/calendars); none when absent. */
  readonly calendar?: ExchangeCalendar;
}

export type SessionKind = 'liquid' | 'trading';

/** A concrete session: instants in epoch ms, `day` the trading date (civil day) it belongs to. */
export interface Session {
  day: number;
  start: number;
  end: number;
}

/** What a trading date looks like before the weekly hours are applied. */
export type DayStatus = { status: 'regular' } | { status: 'closed'; reason: string } | { status: 'early-close'; exception: EarlyClose };

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

const mod1440 = (minute: number) => ((minute % 1440) + 1440) % 1440;

/** The instant of a minute relative to a trading date's midnight (may be negative or past 1440). */
function instantAt(day: number, minute: number, timeZone: string): number {
  return instantOf(day + Math.floor(minute / 1440), mod1440(minute), timeZone);
}

/** Whether a trading date is closed, closes early or keeps the weekly hours. */
export function dayStatus(schedule: Schedule, day: number): DayStatus {
  if (!schedule.days.has(isoWeekday(day))) return { status: 'closed', reason: 'no trading on this weekday' };
  if (schedule.holidays.size > 0 && schedule.holidays.has(formatYmd(day))) return { status: 'closed', reason: 'holiday listed in the schedule' };
  const exception = schedule.calendar?.exceptionOn(day);
  if (exception?.kind === 'closed') return { status: 'closed', reason: exception.reason };
  if (exception?.kind === 'early-close') return { status: 'early-close', exception };
  return { status: 'regular' };
}

export function isTradingDay(schedule: Schedule, day: number): boolean {
  return dayStatus(schedule, day).status !== 'closed';
}

/**
 * A trading date's sessions as minutes from its midnight, cut at an early close: regular hours at
 * the calendar's regular close; a trading session that runs past the regular hours (a stock's
 * post-market, a future's evening) at its extended close; one that ends with the regular hours (an
 * option's, an index's) at the regular close, since it has no extended part to keep.
 */
export function sessionSpecsOn(schedule: Schedule, day: number, kind: SessionKind): SessionSpec[] {
  const st = dayStatus(schedule, day);
  if (st.status === 'closed') return [];
  if (st.status === 'regular') return [...schedule[kind]];
  const { liquidClose, tradingClose } = st.exception;
  const regularEnd = Math.max(...schedule.liquid.map((s) => s.end));
  const closeOf = (s: SessionSpec) => (kind === 'liquid' || s.end <= regularEnd ? liquidClose : tradingClose);
  return schedule[kind].filter((s) => s.start < closeOf(s)).map((s) => ({ start: s.start, end: Math.min(s.end, closeOf(s)) }));
}

/** The sessions of a trading date, as instants in the given zone. */
export function sessionsOn(schedule: Schedule, timeZone: string, day: number, kind: SessionKind): Session[] {
  return sessionSpecsOn(schedule, day, kind).map((s) => ({ day, start: instantAt(day, s.start, timeZone), end: instantAt(day, s.end, timeZone) }));
}

/** Sessions overlapping [fromMs, toMs), in time order. */
export function sessionsBetween(schedule: Schedule, timeZone: string, fromMs: number, toMs: number, kind: SessionKind): Session[] {
  const out: Session[] = [];
  if (!(toMs > fromMs)) return out;
  // Sessions reach a day into the neighbouring dates (overnight sessions, futures opening the evening before).
  const first = localDay(fromMs, timeZone) - 1;
  const last = localDay(toMs, timeZone) + 1;
  for (let d = first; d <= last; d++) {
    for (const s of sessionsOn(schedule, timeZone, d, kind)) {
      if (s.end > fromMs && s.start < toMs) out.push(s);
    }
  }
  return out;
}

/**
 * The modern `tradingHours`/`liquidHours` text (TWS 970+): `YYYYMMDD:HHMM-YYYYMMDD:HHMM` per
 * session and `YYYYMMDD:CLOSED` for a date no session touches, `;`-separated, in time order, in the
 * exchange's wall-clock time. Covers the trading dates from `firstDay` on, `dayCount` calendar
 * days; a session is written under the date it opens on, so a futures session opening Sunday 17:00
 * for Monday appears as `…Sun:1700-…Mon:1600` and Sunday is not CLOSED. An early close shows its
 * real end (`20261127:0930-20261127:1300`). Format: docs/wire-facts/market-hours.md#the-hours-strings.
 */
export function hoursString(schedule: Schedule, firstDay: number, dayCount: number, kind: SessionKind): string {
  const entries: { key: number; text: string }[] = [];
  const touched = new Set<number>();
  const endDay = firstDay + dayCount;
  for (let d = firstDay; d <= endDay; d++) {
    for (const s of sessionSpecsOn(schedule, d, kind)) {
      const opens = d + Math.floor(s.start / 1440);
      if (opens >= endDay) continue;
      const closes = d + Math.floor(s.end / 1440);
      touched.add(opens);
      touched.add(d + Math.floor((s.end - 1) / 1440)); // a session ending at 24:00 does not touch the next date
      entries.push({
        key: opens * 1440 + mod1440(s.start),
        text: `${formatYmd(opens)}:${formatHhmm(mod1440(s.start))}-${formatYmd(closes)}:${formatHhmm(mod1440(s.end))}`,
      });
    }
  }
  for (let d = firstDay; d < endDay; d++) if (!touched.has(d)) entries.push({ key: d * 1440, text: `${formatYmd(d)}:CLOSED` });
  return entries
    .sort((a, b) => a.key - b.key)
    .map((e) => e.text)
    .join(';');
}
