/**
 * An instrument's sessions by trading date, cached: the quote model asks "which session holds
 * this minute" for every minute it builds, and "which session was the last" whenever the market is
 * shut, and the calendar arithmetic behind sessionsOn is too slow to repeat four times a second per
 * line. Instants are epoch ms (model time); days are civil day numbers of the exchange's trading
 * dates (simulator/market/time.ts). Holidays and early closes come from the schedule's calendar.
 */
import type { ExchangeHours } from './market-hours.ts';
import { localDay } from './time.ts';
import { sessionsOn, type Session, type SessionKind } from './trading-hours.ts';

/** Longest run of closed dates searched back or forward (well past any real closure). */
const SEARCH_DAYS = 30;
/** Trading dates kept; beyond it the cache starts over (a bounded memory, whatever the clock does). */
const MAX_DAYS = 2_000;

export class SessionIndex {
  private readonly byDay = new Map<number, { trading: Session[]; liquid: Session[] }>();

  constructor(private readonly hours: ExchangeHours) {}

  /** The sessions of one trading date, in time order. */
  on(day: number, kind: SessionKind): Session[] {
    let entry = this.byDay.get(day);
    if (!entry) {
      if (this.byDay.size >= MAX_DAYS) this.byDay.clear();
      const { schedule, timeZoneId } = this.hours;
      entry = { trading: sessionsOn(schedule, timeZoneId, day, 'trading'), liquid: sessionsOn(schedule, timeZoneId, day, 'liquid') };
      this.byDay.set(day, entry);
    }
    return entry[kind];
  }

  /** The exchange-local civil day of `ms` (simulator/market/time.ts days). */
  dayOf(ms: number): number {
    return localDay(ms, this.hours.timeZoneId);
  }

  /** The session holding `ms` (start ≤ ms < end), or undefined when shut. */
  at(ms: number, kind: SessionKind): Session | undefined {
    const today = localDay(ms, this.hours.timeZoneId);
    for (let d = today - 1; d <= today + 1; d++) for (const s of this.on(d, kind)) if (s.start <= ms && ms < s.end) return s;
    return undefined;
  }

  /** The latest session that started at or before `ms` (the one holding it, or the last one before). */
  latest(ms: number, kind: SessionKind): Session | undefined {
    const today = localDay(ms, this.hours.timeZoneId);
    for (let d = today + 1; d >= today - SEARCH_DAYS; d--) {
      const sessions = this.on(d, kind);
      for (let i = sessions.length - 1; i >= 0; i--) if (sessions[i]!.start <= ms) return sessions[i];
    }
    return undefined;
  }

  /** The first session starting after `ms`, or undefined if none within 30 days. */
  next(ms: number, kind: SessionKind): Session | undefined {
    const today = localDay(ms, this.hours.timeZoneId);
    for (let d = today - 1; d <= today + SEARCH_DAYS; d++) for (const s of this.on(d, kind)) if (s.start > ms) return s;
    return undefined;
  }

  /** The first session of the first trading date on or after `day`, or undefined if none within 30 days. */
  firstFrom(day: number, kind: SessionKind): Session | undefined {
    for (let d = day; d <= day + SEARCH_DAYS; d++) {
      const sessions = this.on(d, kind);
      if (sessions.length > 0) return sessions[0];
    }
    return undefined;
  }

  /** The trading date before `day` that has sessions of `kind`, or undefined within 30 days. */
  previousTradingDay(day: number, kind: SessionKind): number | undefined {
    for (let d = day - 1; d >= day - SEARCH_DAYS; d--) if (this.on(d, kind).length > 0) return d;
    return undefined;
  }
}
