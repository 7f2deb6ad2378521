/**
 * Parsing and validating the parameters of REQ_HISTORICAL_DATA (docs/wire-facts/history.md#req_historical_data-20), with the
 * error codes and texts TWS uses (docs/wire-facts/history.md#errors-for-bad-parameters). Texts marked "seen" were observed in real traffic; the others
 * follow the same pattern with wording of our own.
 */
import { BAR_SIZES, findBarSize, type BarSize } from '../protocol/bar-sizes.ts';
import { quote } from '../protocol/codec.ts';

export { BAR_SIZES, type BarSize };
import { civilDate, dayNumber, isValidTimeZone, parseYmd, zonedParts, zonedToEpoch } from './time.ts';

export interface HistError {
  code: number;
  message: string;
}

export interface Duration {
  text: string;
  n: number;
  unit: 'S' | 'D' | 'W' | 'M' | 'Y';
}

export const validationError = (tag: string, cause: string): HistError => ({ code: 321, message: `Error validating request.-'${tag}' : cause - ${cause}` });
export const hmdsError = (text: string): HistError => ({ code: 162, message: `Historical Market Data Service error message:${text}` });

export function parseBarSize(text: string): BarSize | HistError {
  const found = findBarSize(text);
  if (found) return found;
  // Seen (TWS 10.x); "1 sec" without the s has been rejected since 2023.
  return validationError(
    'bK',
    'Historical data bar size setting is invalid. Legal ones are: 1 secs, 5 secs, 10 secs, 15 secs, 30 secs, 1 min, 2 mins, 3 mins, 5 mins, 10 mins, 15 mins, 20 mins, 30 mins, 1 hour, 2 hours, 3 hours, 4 hours, 8 hours, 1 day, 1W, 1M',
  );
}

/** Larger counts are refused outright, before any date arithmetic could overflow. */
const MAX_DURATION_N = 100_000;

export function parseDuration(text: string): Duration | HistError {
  const m = /^(\d+) ([SDWMY])$/.exec(text.trim());
  const n = m ? Number(m[1]) : 0;
  if (!m || n < 1 || n > MAX_DURATION_N) {
    return validationError('bL', `Historical data duration ${quote(text)} is invalid. Format is '<integer> <unit>' with unit S, D, W, M or Y (e.g. '1 D')`);
  }
  return { text: `${n} ${m[2]}`, n, unit: m[2] as Duration['unit'] };
}

/** Approximate length in seconds, for the step-size rule. */
export function durationSeconds(d: Duration): number {
  const unit = { S: 1, D: 86_400, W: 604_800, M: 2_592_000, Y: 31_536_000 }[d.unit];
  return d.n * unit;
}

// IB's step-size guidance (docs/wire-facts/history.md#step-sizes-duration-and-bar-size): for durations up to X, the smallest bar size served.
const STEP_RULES: ReadonlyArray<readonly [maxDurationS: number, minBarS: number]> = [
  [60, 1],
  [120, 1],
  [1800, 1],
  [3600, 5],
  [14_400, 10],
  [28_800, 30],
  [86_400, 60],
  [172_800, 120],
  [604_800, 180],
  [2_592_000, 1800],
  [31_536_000, 86_400],
];
/** Beyond the guidance table a request is still refused if it would yield more bars than this. */
export const MAX_BARS = 10_000;

/**
 * The simulator walks the trading calendar day by day, so a very long span costs seconds of CPU
 * that every other session would wait for; longer spans are refused. (A simulator limit.)
 */
export const MAX_SPAN_SECONDS = 30 * 31_536_000;

export function checkStepSize(d: Duration, bar: BarSize): HistError | undefined {
  const secs = durationSeconds(d);
  if (secs > MAX_SPAN_SECONDS) {
    return hmdsError(`Historical data request for duration ${d.text} is not supported (the simulator serves at most 30 Y per request)`);
  }
  const minBar = STEP_RULES.find(([maxDur]) => secs <= maxDur)?.[1] ?? 86_400;
  if (bar.seconds < minBar) {
    const smallest = BAR_SIZES.find((b) => b.seconds >= minBar)!.text;
    return hmdsError(
      `Historical data request for duration ${d.text} and bar size ${bar.text} is not supported (step size too small: the smallest bar size for this duration is ${smallest})`,
    );
  }
  const estimate = Math.ceil(secs / bar.seconds);
  if (estimate > MAX_BARS) {
    return hmdsError(
      `Historical data request for duration ${d.text} and bar size ${bar.text} is not supported (about ${estimate} bars; at most ${MAX_BARS} per request)`,
    );
  }
  return undefined;
}

export const SUPPORTED_WHAT_TO_SHOW = ['TRADES', 'MIDPOINT', 'BID', 'ASK', 'BID_ASK', 'ADJUSTED_LAST'] as const;
export type WhatToShow = (typeof SUPPORTED_WHAT_TO_SHOW)[number];
// Legal for TWS but not simulated: answered with an explicit "not supported" rather than "invalid".
const KNOWN_WHAT_TO_SHOW = [
  'HISTORICAL_VOLATILITY',
  'OPTION_IMPLIED_VOLATILITY',
  'FEE_RATE',
  'SCHEDULE',
  'YIELD_BID',
  'YIELD_ASK',
  'YIELD_BID_ASK',
  'YIELD_LAST',
  'AGGTRADES',
];

export function parseWhatToShow(text: string): WhatToShow | HistError {
  const t = text.trim().toUpperCase();
  if ((SUPPORTED_WHAT_TO_SHOW as readonly string[]).includes(t)) return t as WhatToShow;
  if (KNOWN_WHAT_TO_SHOW.includes(t)) {
    return validationError('bM', `whatToShow ${t} is not supported by the simulator (supported: ${SUPPORTED_WHAT_TO_SHOW.join(', ')})`);
  }
  return validationError('bM', `Invalid whatToShow ${quote(text)}. Legal ones are: ${[...SUPPORTED_WHAT_TO_SHOW, ...KNOWN_WHAT_TO_SHOW].join(', ')}`);
}

/** `Trades`, `Bid_Ask`: the spelling of whatToShow in HMDS "no data" texts (seen: `AAPL@SMART Trades`). */
export function whatToShowLabel(w: WhatToShow): string {
  return w
    .split('_')
    .map((p) => p.charAt(0) + p.slice(1).toLowerCase())
    .join('_');
}

export interface EndTime {
  ms: number;
  /** The text carried no zone, so the instrument's zone was assumed (TWS warns with 2174). */
  impliedZone: boolean;
}

/** Code and text TWS 10.x sends for an unparseable end date (seen, shortened). */
export const INVALID_END_DATE: HistError = {
  code: 10314,
  message:
    'End Date/Time: The date, time, or time-zone entered is invalid. The correct format is yyyymmdd hh:mm:ss xx/xxxx where yyyymmdd and xx/xxxx are optional. E.g.: 20031126 15:59:00 US/Eastern. You can also provide yyyymmdd-hh:mm:ss in UTC.',
};

/** Seen (TWS 10.17+), sent with the request id before the data. */
export const IMPLIED_ZONE_WARNING: HistError = {
  code: 2174,
  message:
    'Warning: You submitted request with date-time attributes without explicit time zone. Please switch to use yyyymmdd-hh:mm:ss in UTC or use instrument time zone, like US/Eastern. Implied time zone functionality will be removed in the next API release',
};

/**
 * Parse endDateTime: "" (now), `yyyyMMdd HH:mm:ss <zone>`, `yyyyMMdd-HH:mm:ss` (UTC), or either
 * space form without zone (instrument zone, with warning); a missing date means today.
 */
export function parseEndDateTime(text: string, instrumentZone: string, nowMs: number): EndTime | HistError {
  const t = text.trim();
  if (t === '') return { ms: nowMs, impliedZone: false };
  let date: string | undefined;
  let hms: [string, string, string];
  let zone: string;
  let impliedZone = false;
  const utc = /^(\d{8})-(\d{2}):(\d{2}):(\d{2})$/.exec(t);
  const spaced = /^(?:(\d{8})\s+)?(\d{2}):(\d{2}):(\d{2})(?:\s+(\S+))?$/.exec(t);
  if (utc) {
    [date, hms, zone] = [utc[1], [utc[2]!, utc[3]!, utc[4]!], 'UTC'];
  } else if (spaced) {
    [date, hms] = [spaced[1], [spaced[2]!, spaced[3]!, spaced[4]!]];
    zone = spaced[5] ?? instrumentZone;
    impliedZone = spaced[5] === undefined;
  } else {
    return INVALID_END_DATE;
  }
  if (!isValidTimeZone(zone)) return INVALID_END_DATE;
  const [h, mi, s] = hms.map(Number) as [number, number, number];
  if (h > 23 || mi > 59 || s > 59) return INVALID_END_DATE;
  let day: number | undefined;
  if (date === undefined) {
    const today = zonedParts(nowMs, zone);
    day = dayNumber(today.year, today.month, today.day);
  } else {
    day = parseYmd(date);
  }
  if (day === undefined) return INVALID_END_DATE;
  const c = civilDate(day);
  return { ms: zonedToEpoch(c.year, c.month, c.day, h, mi, s, zone), impliedZone };
}

export const isHistError = (x: unknown): x is HistError => typeof x === 'object' && x !== null && 'code' in x && 'message' in x;
