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

/** Why `text` is not a duration, and what one looks like: the one wording for every caller. */
export function notADuration(text: string): string {
  return `"${text}" is not a duration; use "<n> <S|D|W|M|Y>" with n a whole number of at least 1, e.g. "1 D"`;
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
/**
 * The longest duration IB accepts in each unit: beyond it the gateway answers 321 and asks for
 * the duration in years (`S` has no larger unit to offer). `Y` has no such 321 limit; IB lists
 * `68 Y` as the longest duration (MAX_UNITS), and the collector refuses longer windows itself.
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

/**
 * The longest `n` IB lists per unit for one request ("Max Duration Per Bar Size": 86400 S, 365 D,
 * 52 W, 12 M, 68 Y). docs/wire-facts/history.md#longest-request-per-unit
 */
export const MAX_UNITS: Readonly<Record<DurationUnit, number>> = { S: 86_400, D: 365, W: 52, M: 12, Y: 68 };

/**
 * At most this many bars (nominal duration ÷ bar size) in one request the collector sends. Our
 * choice: IB asks for "a few thousand" at most and documented 2000 once; the simulator refuses
 * more than 10 000. docs/wire-facts/history.md#longest-request-per-unit
 */
export const MAX_BARS_PER_REQUEST = 5000;

/**
 * Whether one request for `d` with bars of `barSeconds` keeps IB's rules: the step-size table
 * (`smallestBarSeconds`), the longest `n` per unit (`MAX_UNITS`) and our bar cap
 * (`MAX_BARS_PER_REQUEST`).
 */
export function fitsOneRequest(d: Duration, barSeconds: number): boolean {
  return d.n <= MAX_UNITS[d.unit] && smallestBarSeconds(d) <= barSeconds && nominalSeconds(d) / barSeconds <= MAX_BARS_PER_REQUEST;
}

/** The largest `n` of `unit` that fits one request with bars of `barSeconds`; 0 when none does. */
export function longestRequest(unit: DurationUnit, barSeconds: number): number {
  // fitsOneRequest is monotone in n (every limit grows with it): binary search for the last fit.
  let [lo, hi] = [0, MAX_UNITS[unit]];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fitsOneRequest({ text: `${mid} ${unit}`, n: mid, unit }, barSeconds)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** One request of a split window: ask for `duration` ending at `endMs`; it covers [startMs, endMs). */
export interface WindowPiece {
  duration: Duration;
  startMs: number;
  endMs: number;
}

/**
 * Split [fromMs, toMs) (whole seconds) into requests that cover it and each fit one request for
 * bars of `barSeconds`: from the end backwards, each piece is `n S` or, where their windows are
 * exact by `durationStart` (given the exchange's zone), `n W`, `n M` or `n Y`. Never `D`: how far
 * n trading days reach needs the exchange's calendar, which the collector does not have. Without
 * `timeZone` only seconds are used. The last piece may begin before `fromMs`, back to
 * `earliestMs` (default `fromMs`), when that saves requests: a caller passes the start of what it
 * already holds there, so asking for it again costs nothing but bars it has. Empty when the bar
 * size fits no request at all. docs/wire-facts/history.md#longest-request-per-unit
 */
export function splitWindow(fromMs: number, toMs: number, barSeconds: number, timeZone?: string, earliestMs = fromMs): WindowPiece[] {
  return [...windowPieces(fromMs, toMs, barSeconds, timeZone, earliestMs)];
}

/**
 * `splitWindow`'s pieces one at a time, newest first, computed only as they are taken: a caller
 * that sends each piece before taking the next never holds or computes more than it sends, so no
 * window, however long, blocks the event loop while it is split.
 */
export function* windowPieces(fromMs: number, toMs: number, barSeconds: number, timeZone?: string, earliestMs = fromMs): Generator<WindowPiece> {
  const maxSeconds = longestRequest('S', barSeconds);
  if (maxSeconds === 0 || !(toMs > fromMs)) return;
  const calendarUnits = timeZone ? (['Y', 'M', 'W'] as const).map((unit) => [unit, longestRequest(unit, barSeconds)] as const) : [];
  let end = toMs;
  while (end > fromMs) {
    const seconds = Math.min(maxSeconds, Math.ceil((end - fromMs) / 1000));
    const candidates: WindowPiece[] = [{ duration: { text: `${seconds} S`, n: seconds, unit: 'S' }, startMs: end - seconds * 1000, endMs: end }];
    for (const [unit, longest] of calendarUnits) {
      const pieceOf = (n: number): WindowPiece => {
        const duration: Duration = { text: `${n} ${unit}`, n, unit };
        return { duration, startMs: durationStart(duration, end, timeZone!), endMs: end };
      };
      // The window grows with n: binary search for the longest that stays inside, then one more may reach fromMs.
      let [lo, hi] = [0, longest];
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (pieceOf(mid).startMs >= fromMs) lo = mid;
        else hi = mid - 1;
      }
      if (lo > 0) candidates.push(pieceOf(lo));
      if (lo < longest) {
        const reaching = pieceOf(lo + 1);
        if (reaching.startMs >= earliestMs) candidates.push(reaching);
      }
    }
    // The piece that finishes the job with the least asked twice, else the one that covers most.
    const finishing = candidates.filter((c) => c.startMs <= fromMs && c.startMs >= earliestMs).sort((a, b) => b.startMs - a.startMs)[0];
    const best = finishing ?? candidates.filter((c) => c.startMs > fromMs).sort((a, b) => a.startMs - b.startMs)[0]!;
    yield best;
    end = best.startMs;
  }
}

/**
 * The most requests the collector will send for one series' window. **Our choice**, not IB's: at
 * IB's historical pacing of 60 requests per 10 minutes (docs/wire-facts/pacing.md#60-requests-in-10-minutes)
 * N requests take N/6 minutes, so 720 is two hours of asking — a year of 1-minute bars (365
 * requests) fits, two years do not. A larger window is refused up front with the fix (a larger
 * bar size or a shorter duration) rather than left to run for hours.
 */
export const MAX_REQUESTS_PER_WINDOW = 720;

/**
 * How many requests a window of `d` with bars of `barSeconds` needs at least, by nominal length:
 * the duration divided by the longest one request may span (`longestRequest` over S, W, M, Y,
 * each unit at its nominal length). Infinity when the bar size fits no request. Cheap: it never
 * splits the window.
 */
export function requestsForWindow(d: Duration, barSeconds: number): number {
  const longest = Math.max(...(['S', 'W', 'M', 'Y'] as const).map((u) => longestRequest(u, barSeconds) * NOMINAL_SECONDS[u]));
  return longest > 0 ? Math.ceil(nominalSeconds(d) / longest) : Number.POSITIVE_INFINITY;
}
