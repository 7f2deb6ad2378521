/**
 * IB bar dates → epoch seconds, the one time format the store keeps.
 *
 * The gateway sends, depending on bar size, formatDate and TWS version (docs/wire-facts/history.md#bar-dates):
 *   "20251110 09:30:00 US/Eastern"   intraday, formatDate 1, modern TWS (European: "... MET")
 *   "20251110  09:30:00"             intraday, older TWS: no zone, TWS's own time zone
 *   "1762785000"                     intraday, formatDate 2
 *   "20251110"                       daily and longer bars, always
 *   "20251110-14:30:00"              the UTC form IB uses in requests
 * Daily bars are keyed at 00:00 UTC of their trading date, so a date never shifts by a day
 * whatever the exchange's zone.
 */
import { isValidTimeZone, zonedToEpoch } from '../../common/ib/time-zones.ts';

export interface BarTimeOptions {
  /** Zone for intraday strings that carry none (older TWS). Without it such strings are rejected. */
  defaultTimeZone?: string;
}

const ZONED = /^(\d{4})(\d{2})(\d{2})\s+(\d{2}):(\d{2}):(\d{2})(?:\s+(\S+))?$/;
const UTC_DASHED = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/;
const DATE_ONLY = /^(\d{4})(\d{2})(\d{2})$/;
const EPOCH_SECONDS = /^\d{9,11}$/;

export function normalizeBarTime(time: number | string, opts: BarTimeOptions = {}): number {
  if (typeof time === 'number') {
    if (!Number.isSafeInteger(time) || time < 0) throw new RangeError(`bar time must be whole epoch seconds, got ${time}`);
    return time;
  }
  const text = time.trim();
  let m = DATE_ONLY.exec(text);
  if (m) return checked(text, Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!), +m[1]!, +m[2]!, +m[3]!) / 1000;
  if (EPOCH_SECONDS.test(text)) return Number(text);
  m = UTC_DASHED.exec(text);
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    return checked(text, Date.UTC(y, mo - 1, d, h, mi, s), y, mo, d, h, mi, s) / 1000;
  }
  m = ZONED.exec(text);
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const zone = m[7] ?? opts.defaultTimeZone;
    if (!zone) throw new RangeError(`bar time "${text}" has no time zone and no defaultTimeZone was given`);
    checked(text, Date.UTC(y, mo - 1, d, h, mi, s), y, mo, d, h, mi, s);
    return zonedToEpochMs(y, mo, d, h, mi, s, zone, text) / 1000;
  }
  throw new RangeError(`unrecognised bar time "${text}"`);
}

/** Rejects dates Date.UTC silently rolls over, like Feb 30 or 25:00. */
function checked(text: string, epochMs: number, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const back = new Date(epochMs);
  const same =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === s;
  if (!same) throw new RangeError(`bar time "${text}" is not a valid date/time`);
  return epochMs;
}

/** Wall-clock time in `zone` → epoch ms, by the shared zone arithmetic; an unknown zone is named. */
function zonedToEpochMs(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string, text: string): number {
  if (!isValidTimeZone(zone)) throw new RangeError(`bar time "${text}": unknown time zone "${zone}"`);
  return zonedToEpoch(y, mo, d, h, mi, s, zone);
}
