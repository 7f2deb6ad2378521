/**
 * IB's historical-data durations (`durationStr`: "30 S", "1 D", "2 W", "1 M", "1 Y"): their syntax,
 * the window each one denotes, and the nominal lengths IB's step-size table is read with. The
 * one rule for both sides: the simulator serves the window `durationStart` gives, and the
 * collector reckons with the same window when it asks for less.
 * Facts and sources: docs/wire-facts/history.md#durations.
 */
import { addMonths, dayNumber, instantOf, localDay, zonedParts } from './time-zones.ts';

export type DurationUnit = 'S' | 'D' | 'W' | 'M' | 'Y';

export interface Duration {
  /** Normalized text, as sent: `<n> <unit>`. */
  text: string;
  n: number;
  unit: DurationUnit;
}

/**
 * Seconds per unit on the scale IB's step-size table is written in (a day 86,400 s, a week 7
 * days, a month 30 days, a year 365 days). A ranking, not a window: "1 M" ending on 31 March
 * reaches back 31 days (`durationStart`). docs/wire-facts/history.md#durations
 */
export const NOMINAL_SECONDS: Readonly<Record<DurationUnit, number>> = { S: 1, D: 86_400, W: 604_800, M: 2_592_000, Y: 31_536_000 };

/**
 * `<n> <unit>`: a positive integer, one space, S/D/W/M/Y in capitals (surrounding blanks are
 * ignored). Undefined for anything else; callers phrase the error (the simulator as TWS's 321,
 * the collector naming the input field).
 */
export function parseDuration(text: string): Duration | undefined {
  const m = /^(\d+) ([SDWMY])$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n) || n < 1) return undefined;
  return { text: `${n} ${m[2]}`, n, unit: m[2] as DurationUnit };
}

/** A duration's length on IB's step-size scale, in seconds (see NOMINAL_SECONDS). */
export function nominalSeconds(d: Duration): number {
  return d.n * NOMINAL_SECONDS[d.unit];
}

/** The start (epoch ms) of the first trading session of a civil day, or undefined on a day without one. */
export type FirstSessionStart = (day: number) => number | undefined;

/**
 * The instant (epoch ms) a duration reaches back to from `endMs`; the request covers
 * [start, endMs). docs/wire-facts/history.md#durations
 *  - S: n seconds.
 *  - D: n trading days: the start of the n-th most recent trading day's first session that began
 *    before `endMs` (so "1 D" on a Sunday is Friday's session). This needs the exchange's calendar
 *    (`firstSessionStart`); without it, n calendar days at the same wall-clock time, which is
 *    what a caller that knows no calendar can reckon with.
 *  - W, M, Y: the same wall-clock time in the exchange's zone 7n days, n months or 12n months
 *    earlier; a day the earlier month lacks is clamped to its last day (31 March − 1 M = 28/29
 *    February). A month is therefore 28 to 31 days, a year 365 or 366, and DST can add or take an
 *    hour.
 */
export function durationStart(d: Duration, endMs: number, timeZone: string, firstSessionStart?: FirstSessionStart): number {
  if (d.unit === 'S') return endMs - d.n * 1000;
  if (d.unit === 'D' && firstSessionStart) return tradingDaysStart(d.n, endMs, timeZone, firstSessionStart);
  const p = zonedParts(endMs, timeZone);
  const day = dayNumber(p.year, p.month, p.day);
  const back = d.unit === 'D' ? day - d.n : d.unit === 'W' ? day - 7 * d.n : d.unit === 'M' ? addMonths(day, -d.n) : addMonths(day, -12 * d.n);
  return instantOf(back, p.hour * 60 + p.minute, timeZone) + p.second * 1000;
}

function tradingDaysStart(n: number, endMs: number, timeZone: string, firstSessionStart: FirstSessionStart): number {
  let start = endMs;
  let found = 0;
  // Start a date ahead: a futures session that belongs to tomorrow's trading date (it opens the
  // evening before, docs/wire-facts/market-hours.md) may already be open at `endMs`.
  const lastDay = localDay(endMs, timeZone) + 1;
  const limit = n * 7 + 30; // enough even for an exchange open one day a week
  for (let day = lastDay; found < n && day > lastDay - limit; day--) {
    const first = firstSessionStart(day);
    if (first !== undefined && first < endMs) {
      found++;
      start = first;
    }
  }
  return start;
}

/**
 * A duration ending at `endMs` that certainly reaches back to `fromMs` without knowing the
 * exchange's calendar: seconds (at least 60) up to one day, else one trading day per civil day
 * (in `timeZone`) from `fromMs`'s day to `endMs`'s day inclusive, plus one for a session that
 * began the evening before and ran past midnight. Never too few: those days hold at most that
 * many trading days, so the n-th most recent one starts no later than the session holding
 * `fromMs` (docs/wire-facts/history.md#durations); beyond IB's 365 D, whole years that reach at
 * least as far. Over a weekend it asks for a little more
 * than needed, which costs bars already held, never bars missed.
 */
export function durationCovering(fromMs: number, endMs: number, timeZone: string): Duration {
  const seconds = Math.ceil((endMs - fromMs) / 1000);
  if (seconds <= NOMINAL_SECONDS.D) {
    const n = Math.max(60, seconds);
    return { text: `${n} S`, n, unit: 'S' };
  }
  const n = localDay(endMs, timeZone) - localDay(fromMs, timeZone) + 2;
  if (n <= DURATION_UNIT_LIMITS.D!.max) return { text: `${n} D`, n, unit: 'D' };
  // IB takes at most 365 D (docs/wire-facts/history.md#duration-limits-per-unit); a year reaches
  // back at least 365 calendar days, so ⌈n / 365⌉ years cover the n days.
  const years = Math.ceil(n / 365);
  return { text: `${years} Y`, n: years, unit: 'Y' };
}

/**
 * The longest duration IB accepts in each unit: beyond it the gateway answers 321 and asks for
 * the duration in years (`S` has no larger unit to offer). `Y` has no such limit.
 * docs/wire-facts/history.md#duration-limits-per-unit
 */
export const DURATION_UNIT_LIMITS: Readonly<Partial<Record<DurationUnit, { max: number; text: string }>>> = {
  S: { max: 86_400, text: 'Historical data request for greater than 86400 seconds rejected.' },
  D: { max: 365, text: 'Historical data requests for durations longer than 365 days must be made in years.' },
  W: { max: 52, text: 'Historical data request for durations longer than 52 weeks must be made in years.' },
  M: { max: 12, text: 'Historical data request for durations longer than 12 months must be made in years.' },
};

/** IB's text refusing a duration too long for its unit, or undefined when the unit allows it. */
export function durationUnitRefusal(d: Duration): string | undefined {
  const limit = DURATION_UNIT_LIMITS[d.unit];
  return limit && d.n > limit.max ? limit.text : undefined;
}

/**
 * Bars shorter than a minute: one request may span at most this many of them (by nominal
 * length, duration ÷ bar size); more is refused with 162 `invalid step`. For a minute and
 * longer IB refuses no combination. docs/wire-facts/history.md#what-a-gateway-refuses
 */
export const MAX_SMALL_BARS = 2_000;
/** Bar sizes below this many seconds are "small" (MAX_SMALL_BARS applies). */
export const SMALL_BAR_BELOW_SECONDS = 60;

/** Whether IB refuses this duration for bars of `barSeconds` (too many small bars). */
export function tooManySmallBars(d: Duration, barSeconds: number): boolean {
  return barSeconds < SMALL_BAR_BELOW_SECONDS && nominalSeconds(d) / barSeconds > MAX_SMALL_BARS;
}

/**
 * IB's step-size table: for durations up to the nominal length on the left, the smallest bar size
 * (seconds) IB recommends. IB calls it a guide ("exemplifies", "only guidelines"), and gateways
 * serve requests beyond it (5 D of 1-minute bars): nothing is refused by it. Clients can use it to
 * pick a bar size that returns a few thousand bars. A duration between two rows takes the next
 * longer row; beyond "1 Y", 1 day. docs/wire-facts/history.md#step-sizes-duration-and-bar-size
 */
export const STEP_SIZES: ReadonlyArray<readonly [maxNominalSeconds: number, minBarSeconds: number]> = [
  [60, 1],
  [120, 1],
  [1800, 1],
  [3600, 5],
  [14_400, 10],
  [28_800, 30],
  [NOMINAL_SECONDS.D, 60],
  [2 * NOMINAL_SECONDS.D, 120],
  [NOMINAL_SECONDS.W, 180],
  [NOMINAL_SECONDS.M, 1800],
  [NOMINAL_SECONDS.Y, 86_400],
];

/** The smallest bar size (seconds) IB's step-size table recommends for a duration (a guide, see STEP_SIZES). */
export function smallestBarSeconds(d: Duration): number {
  const secs = nominalSeconds(d);
  return STEP_SIZES.find(([maxDur]) => secs <= maxDur)?.[1] ?? 86_400;
}
