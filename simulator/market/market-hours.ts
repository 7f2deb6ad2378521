/**
 * Questions about an instrument's hours asked at a moment: is the market open now, what does a
 * trading date look like, when does it open next. For the parts of the simulator that act in time
 * (market-data ticks, order handling) and for tests. Pure: instants in, answers out.
 *
 * Units: instants are epoch milliseconds (model time); dates are the exchange's local trading
 * dates, as `yyyyMMdd` text or civil day numbers (simulator/market/time.ts). Holidays and early
 * closes come from the schedule's calendar (common/ib/calendars,
 * docs/wire-facts/market-hours.md).
 */
import type { Instrument } from './instrument.ts';
import { formatYmd, localDay, parseYmd } from './time.ts';
import { dayStatus, sessionsOn, type Session, type SessionKind } from './trading-hours.ts';

/** What the queries need of an instrument: its weekly schedule with calendar, and its zone. */
export type ExchangeHours = Pick<Instrument, 'schedule' | 'timeZoneId'>;

export interface TradingDate {
  /** The trading date, `yyyyMMdd` in the exchange's zone. */
  date: string;
  /** The same date as a civil day number. */
  day: number;
  /** `closed` for weekends and holidays, `early-close` when the calendar cuts the day short. */
  status: 'regular' | 'early-close' | 'closed';
  /** Why the date is closed or short (`Thanksgiving Day`, `day after Thanksgiving`); '' when regular. */
  reason: string;
  /** The date's sessions of the asked kind, [open, close) in epoch ms, in time order; empty when closed. */
  sessions: { open: number; close: number }[];
}

function toDay(date: string | number): number {
  if (typeof date === 'number') {
    if (!Number.isSafeInteger(date)) throw new Error(`trading date ${date} is not a civil day number`);
    return date;
  }
  const day = parseYmd(date);
  if (day === undefined) throw new Error(`trading date ${JSON.stringify(date)} is not a yyyyMMdd date (e.g. "20261127")`);
  return day;
}

/**
 * One trading date: its status and sessions. `kind` 'liquid' gives the regular session
 * (liquidHours, useRTH=1), 'trading' all hours (tradingHours). A futures date's session opens the
 * evening before, so `open` may lie on the previous calendar day.
 * @throws Error when `date` is not a real yyyyMMdd date or a civil day number.
 */
export function sessionOn(hours: ExchangeHours, date: string | number, kind: SessionKind = 'liquid'): TradingDate {
  const day = toDay(date);
  const st = dayStatus(hours.schedule, day);
  const sessions = sessionsOn(hours.schedule, hours.timeZoneId, day, kind).map((s) => ({ open: s.start, close: s.end }));
  const status = st.status === 'regular' || sessions.length > 0 ? st.status : 'closed';
  const reason = st.status === 'closed' ? st.reason : st.status === 'early-close' ? st.exception.reason : '';
  return { date: formatYmd(day), day, status, reason, sessions };
}

/** The session holding the instant `ms` (start ≤ ms < end), or undefined when the market is shut. */
export function sessionAt(hours: ExchangeHours, ms: number, kind: SessionKind = 'trading'): Session | undefined {
  const today = localDay(ms, hours.timeZoneId);
  // A session belongs to a trading date at most one day away from the date of the instant.
  for (let d = today - 1; d <= today + 1; d++) {
    for (const s of sessionsOn(hours.schedule, hours.timeZoneId, d, kind)) if (s.start <= ms && ms < s.end) return s;
  }
  return undefined;
}

/** Whether the market trades at `ms`: in any session ('trading', the default) or in the regular one ('liquid'). */
export function isOpen(hours: ExchangeHours, ms: number, kind: SessionKind = 'trading'): boolean {
  return sessionAt(hours, ms, kind) !== undefined;
}

/** Longest run of closed dates searched by `nextOpen` (well past any real closure, 2001-09-11..14 included). */
const SEARCH_DAYS = 30;

/**
 * The first session start at or after `ms` (epoch ms), or undefined if none starts within 30 days.
 * When the market is open at `ms` this is the start of the next session, not `ms`.
 */
export function nextOpen(hours: ExchangeHours, ms: number, kind: SessionKind = 'trading'): number | undefined {
  const today = localDay(ms, hours.timeZoneId);
  for (let d = today - 1; d <= today + SEARCH_DAYS; d++) {
    for (const s of sessionsOn(hours.schedule, hours.timeZoneId, d, kind)) if (s.start >= ms) return s.start;
  }
  return undefined;
}
