/**
 * What an exchange calendar is: for every trading date, whether the exchange keeps its regular
 * weekly hours, closes for the whole day, or closes early. The weekly hours themselves (09:30–16:00,
 * 17:00–16:00 …) belong to the instrument's schedule; a calendar only says which dates differ.
 *
 * Dates are civil days (integers counting days since 1970-01-01, see `dayNumber` in
 * simulator/market/time.ts), times are minutes after local midnight of the trading date in the
 * calendar's `timeZoneId`. Rules and sources: docs/wire-facts/market-hours.md.
 */
/** A trading date the exchange does not open at all. */
export interface FullClosure {
  kind: 'closed';
  /** Why, in words (`Good Friday`, `Hurricane Sandy`). */
  reason: string;
}

/** A trading date on which the exchange closes before its regular time. */
export interface EarlyClose {
  kind: 'early-close';
  /** End of the regular session (liquidHours, useRTH=1), minutes after local midnight of the trading date. */
  liquidClose: number;
  /** End of all trading (tradingHours, useRTH=0), same unit; at least `liquidClose`. */
  tradingClose: number;
  reason: string;
}

export type DayException = FullClosure | EarlyClose;

export interface ExchangeCalendar {
  /** Name used by contract data files (`"calendar": "nyse"`). */
  readonly name: string;
  /** What the calendar covers, for error messages and docs. */
  readonly description: string;
  /** Zone the close times are read in; an instrument using the calendar must be in this zone. */
  readonly timeZoneId: string;
  /**
   * Years whose dates were checked against published calendars. Rules still apply outside them
   * (a holiday rule does not stop in 2035), but one-off closures there are unknown.
   */
  readonly checkedYears: { readonly first: number; readonly last: number };
  /** The exception for a trading date (civil day), or undefined when the weekly hours apply. */
  exceptionOn(day: number): DayException | undefined;
  /** Every exception of a year, by civil day, in date order. */
  exceptionsIn(year: number): ReadonlyMap<number, DayException>;
}

/** Collects one year's exceptions; a full closure always wins over an early close on the same date. */
export class YearExceptions {
  private readonly byDay = new Map<number, DayException>();

  close(day: number, reason: string): void {
    this.byDay.set(day, { kind: 'closed', reason });
  }

  /** `tradingClose` defaults to `liquidClose` (exchanges without extended hours). */
  closeEarly(day: number, reason: string, liquidClose: number, tradingClose = liquidClose): void {
    if (this.byDay.get(day)?.kind === 'closed') return;
    this.byDay.set(day, { kind: 'early-close', liquidClose, tradingClose, reason });
  }

  /** A one-off that replaces whatever the regular rules said about the date. */
  replace(day: number, exception: DayException): void {
    this.byDay.set(day, exception);
  }

  sorted(): ReadonlyMap<number, DayException> {
    return new Map([...this.byDay].sort(([a], [b]) => a - b));
  }
}

export interface CalendarDefinition {
  name: string;
  description: string;
  timeZoneId: string;
  checkedYears: { first: number; last: number };
  /** All exceptions of one Gregorian year (by the trading date's year). */
  year(year: number, out: YearExceptions): void;
}

/** A calendar from its yearly rules, each year computed once on first use. */
export function defineCalendar(def: CalendarDefinition): ExchangeCalendar {
  const years = new Map<number, ReadonlyMap<number, DayException>>();
  /** Every exception of the years computed so far, so that a lookup by day needs no date parsing. */
  const byDay = new Map<number, DayException>();
  const exceptionsIn = (year: number) => {
    let map = years.get(year);
    if (!map) {
      const out = new YearExceptions();
      def.year(year, out);
      map = out.sorted();
      years.set(year, map);
      for (const [day, e] of map) byDay.set(day, e);
    }
    return map;
  };
  const exceptionOn = (day: number) => {
    // Days since 1970 / mean Gregorian year is off by at most one year: make sure all three are in.
    const approx = Math.floor(day / 365.2425) + 1970;
    if (!years.has(approx) || !years.has(approx - 1) || !years.has(approx + 1)) for (let y = approx - 1; y <= approx + 1; y++) exceptionsIn(y);
    return byDay.get(day);
  };
  return Object.freeze({
    name: def.name,
    description: def.description,
    timeZoneId: def.timeZoneId,
    checkedYears: Object.freeze({ ...def.checkedYears }),
    exceptionsIn,
    exceptionOn,
  });
}

/** `HH:MM` → minutes after midnight (for readable rule tables). */
export function hhmm(text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`${JSON.stringify(text)} is not HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}
