/**
 * Parsing and validating the parameters of REQ_HISTORICAL_DATA
 * (docs/wire-facts/history.md#req_historical_data-20) with the error codes and texts TWS uses
 * (docs/wire-facts/history.md#errors-for-bad-parameters). The IB rules themselves (bar sizes,
 * durations, step sizes, codes and texts) live in common/ib/; this module phrases the simulator's
 * verdicts with them. Texts marked "seen" were observed in real traffic; the others follow the
 * same pattern with wording of our own.
 */
import { IbRefusal } from '../../common/ib/refusals.ts';
import { BAR_SIZES, findBarSize, type BarSize } from '../../common/ib/bar-sizes.ts';
import {
  durationUnitRefusal,
  NOMINAL_SECONDS,
  nominalSeconds,
  parseDuration as parseIbDuration,
  tooManySmallBars,
  type Duration,
} from '../../common/ib/durations.ts';
import { IbError, type IbErrorBody } from '../../common/ib/errors.ts';
import { findWhatToShow, WHAT_TO_SHOW } from '../../common/ib/what-to-show.ts';
import { quote } from '../protocol/codec.ts';
import { civilDate, dayNumber, isValidTimeZone, parseYmd, zonedParts, zonedToEpoch } from './time.ts';

export { BAR_SIZES, type BarSize, type Duration };

export type HistError = IbErrorBody;

export const validationError = IbError.validation;
export const hmdsError = IbError.hmds;

export function parseBarSize(text: string): BarSize | HistError {
  const found = findBarSize(text);
  if (found) return found;
  // Seen (TWS 10.x); "1 sec" without the s has been rejected since 2023.
  return validationError(
    'bK',
    'Historical data bar size setting is invalid. Legal ones are: 1 secs, 5 secs, 10 secs, 15 secs, 30 secs, 1 min, 2 mins, 3 mins, 5 mins, 10 mins, 15 mins, 20 mins, 30 mins, 1 hour, 2 hours, 3 hours, 4 hours, 8 hours, 1 day, 1W, 1M',
  );
}

/** Larger counts are refused outright, before any date arithmetic could overflow. (A simulator limit.) */
const MAX_DURATION_N = 100_000;

export function parseDuration(text: string): Duration | HistError {
  const d = parseIbDuration(text);
  if (!d || d.n > MAX_DURATION_N) {
    return validationError('bL', `Historical data duration ${quote(text)} is invalid. Format is '<integer> <unit>' with unit S, D, W, M or Y (e.g. '1 D')`);
  }
  return d;
}

/**
 * The simulator's own bound on one reply, by nominal count (duration ÷ bar size): 50,000 bars.
 * That admits a month of 1-minute bars and keeps the largest reply near 35,000 real bars (24-hour
 * markets; a US stock with extended hours has about half the nominal count), a few MB and well
 * under a second of one core, which every other session would wait for. A real gateway answers
 * such requests slowly or not at all; the simulator refuses larger ones at once with a 162 that
 * names its own limit. docs/wire-facts/history.md#the-simulators-bound-on-one-reply
 */
export const MAX_BARS = 50_000;

/**
 * The simulator walks the trading calendar day by day, so a very long span costs seconds of CPU
 * that every other session would wait for; longer spans are refused. (A simulator limit.)
 */
export const MAX_SPAN_SECONDS = 30 * NOMINAL_SECONDS.Y;

/**
 * What a gateway refuses for this duration and bar size, and the simulator's own bounds
 * (docs/wire-facts/history.md#what-a-gateway-refuses): a duration too long for its unit (321),
 * too many bars under a minute (162 `invalid step`); then the simulator's span and reply bounds.
 * IB's step-size table is a guide and refuses nothing.
 */
export function checkDurationAndBarSize(d: Duration, bar: BarSize): HistError | undefined {
  const unit = durationUnitRefusal(d);
  if (unit) return validationError('bS', unit);
  if (tooManySmallBars(d, bar.seconds)) return hmdsError(`invalid step: ${bar.seconds}`);
  const secs = nominalSeconds(d);
  if (secs > MAX_SPAN_SECONDS) {
    return hmdsError(`Historical data request for duration ${d.text} is not supported by the simulator (it serves at most 30 Y per request)`);
  }
  const estimate = Math.ceil(secs / bar.seconds);
  if (estimate > MAX_BARS) {
    return hmdsError(
      `Historical data request for duration ${d.text} and bar size ${bar.text} is not supported by the simulator (about ${estimate} bars; it serves at most ${MAX_BARS} per request: ask for a shorter duration or a larger bar size)`,
    );
  }
  return undefined;
}

export const SUPPORTED_WHAT_TO_SHOW = ['TRADES', 'MIDPOINT', 'BID', 'ASK', 'BID_ASK', 'ADJUSTED_LAST'] as const;
export type WhatToShow = (typeof SUPPORTED_WHAT_TO_SHOW)[number];

export function parseWhatToShow(text: string): WhatToShow | HistError {
  const t = findWhatToShow(text);
  if (t && (SUPPORTED_WHAT_TO_SHOW as readonly string[]).includes(t)) return t as WhatToShow;
  // Legal for TWS but not simulated: an explicit "not simulated" (322, which ends the request in
  // every client; 321 would not in ib_async) rather than "invalid". docs/wire-facts/unmodelled.md#not-simulated
  if (t) return IbRefusal.notSimulated(`REQ_HISTORICAL_DATA with whatToShow ${t} (simulated: ${SUPPORTED_WHAT_TO_SHOW.join(', ')})`);
  return validationError('bM', `Invalid whatToShow ${quote(text)}. Legal ones are: ${WHAT_TO_SHOW.join(', ')}`);
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
export const INVALID_END_DATE: HistError = IbError.invalidEndDate();

/** Seen (TWS 10.17+), sent with the request id before the data. */
export const IMPLIED_ZONE_WARNING: HistError = IbError.impliedTimeZone();

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
