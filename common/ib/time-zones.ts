/**
 * Wall-clock arithmetic in exchange time zones, on top of Intl (Node ships full ICU, so the
 * tz ids TWS uses — `US/Eastern`, `MET`, `GB-Eire`, `Japan` — all resolve). The one home of zone
 * arithmetic: the simulator's market (sessions, bar dates, end-date parsing, durations) and the
 * collector's store (bar dates → epoch seconds) both use it.
 *
 * Two kinds of values circulate:
 *  - instants: epoch milliseconds, what the gateway clock and the wire (formatDate 2) use;
 *  - civil days: integers counting days since 1970-01-01 with no zone attached, so that "the
 *    trading day 20251110" can be stepped, compared and labelled without DST surprises.
 */

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const DAY_MS = 86_400_000;

// Building a DateTimeFormat costs far more than using one; bars format thousands of instants.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone id (validation of data files and of request suffixes). */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The offset straight from Intl: exact, but a formatToParts call each time. */
function intlOffsetMs(ms: number, timeZone: string): number {
  const v: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(ms)) if (p.type !== 'literal') v[p.type] = Number(p.value);
  const asUtc = Date.UTC(v.year!, v.month! - 1, v.day!, v.hour!, v.minute!, v.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * Offsets per UTC day: when a zone has the same offset at both ends of a day (no DST switch in
 * it), every instant of that day shares it. A year of 1-second bars then costs a few hundred Intl
 * calls instead of millions. NaN marks the days with a switch, which are computed exactly.
 */
const offsetsByDay = new Map<string, Map<number, number>>();
const MAX_CACHED_DAYS = 200_000;

/** Offset of the zone at an instant, in ms (local minus UTC). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  let days = offsetsByDay.get(timeZone);
  if (!days) offsetsByDay.set(timeZone, (days = new Map()));
  const key = Math.floor(ms / DAY_MS);
  let off = days.get(key);
  if (off === undefined) {
    const first = intlOffsetMs(key * DAY_MS, timeZone);
    off = first === intlOffsetMs(key * DAY_MS + DAY_MS - 1000, timeZone) ? first : NaN;
    if (days.size >= MAX_CACHED_DAYS) days.clear();
    days.set(key, off);
  }
  return Number.isNaN(off) ? intlOffsetMs(ms, timeZone) : off;
}

/** The wall-clock reading of an instant in a zone. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const d = new Date(ms + zoneOffsetMs(ms, timeZone));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/**
 * The instant a wall-clock time denotes in a zone. Two passes settle the offset; in a DST gap the
 * result lands just after the gap, in a DST overlap on the earlier reading — good enough for
 * sessions, which never sit inside a transition.
 */
export function zonedToEpoch(year: number, month: number, day: number, hour: number, minute: number, second: number, timeZone: string): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute, second);
  const first = naive - zoneOffsetMs(naive, timeZone);
  const second2 = naive - zoneOffsetMs(first, timeZone);
  return second2;
}

// ---- civil days ---------------------------------------------------------------------------------

/** Days since 1970-01-01 for a calendar date (month 1-12). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

export function civilDate(dayNum: number): { year: number; month: number; day: number } {
  const d = new Date(dayNum * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday of a civil day: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(dayNum: number): number {
  return ((((dayNum + 3) % 7) + 7) % 7) + 1;
}

/** The civil day an instant falls on in a zone. */
export function localDay(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return dayNumber(p.year, p.month, p.day);
}

/** The instant of a wall-clock minute-of-day on a civil day (minutes may exceed 1440). */
export function instantOf(dayNum: number, minuteOfDay: number, timeZone: string): number {
  const { year, month, day } = civilDate(dayNum + Math.floor(minuteOfDay / 1440));
  const m = minuteOfDay % 1440;
  return zonedToEpoch(year, month, day, Math.floor(m / 60), m % 60, 0, timeZone);
}

// ---- text ---------------------------------------------------------------------------------------

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `yyyyMMdd` of a civil day. */
export function formatYmd(dayNum: number): string {
  const { year, month, day } = civilDate(dayNum);
  return `${String(year).padStart(4, '0')}${pad2(month)}${pad2(day)}`;
}

/** `yyyyMMdd HH:mm:ss` of an instant, read in a zone. */
export function formatZoned(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${String(p.year).padStart(4, '0')}${pad2(p.month)}${pad2(p.day)} ${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}`;
}

/** `HHMM` for a minute-of-day (0..1440). */
export function formatHhmm(minuteOfDay: number): string {
  return `${pad2(Math.floor(minuteOfDay / 60))}${pad2(minuteOfDay % 60)}`;
}

/** Parse `yyyyMMdd` into a civil day, or undefined if it is not a real date. */
export function parseYmd(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const n = dayNumber(y, mo, d);
  const back = civilDate(n);
  return back.year === y && back.month === mo && back.day === d ? n : undefined;
}

/** Step a civil date by calendar months, clamping the day (Mar 31 − 1 month = Feb 28/29). */
export function addMonths(dayNum: number, months: number): number {
  const { year, month, day } = civilDate(dayNum);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const mo = (total % 12) + 1;
  const lastDay = civilDate(dayNumber(y, mo + 1, 1) - 1).day;
  return dayNumber(y, mo, Math.min(day, lastDay));
}
