/**
 * Where an `n D` window lies, for a collector that cannot see the exchange's calendar: the bounds
 * n trading days surely fall within, and the start an earlier `1 D` answer established.
 * docs/wire-facts/history.md#durations
 */
import type { Duration } from '../../common/ib/durations.ts';
import { instantOf, localDay } from '../../common/ib/time-zones.ts';
import { normalizeBarTime, type HistoryWindow } from '../store/index.ts';

const DAY_S = 86_400;

/**
 * No exchange begins two consecutive trading days less than this apart (24 hours less a late
 * open and a DST change). Our assumption, docs/wire-facts/history.md#durations.
 */
const MIN_TRADING_DAY_GAP_S = 20 * 3600;

/** An endDateTime as the collector sends it (UTC, `yyyyMMdd-HH:mm:ss`) in epoch seconds, or undefined for "now" or anything else. */
function parseEndDateTime(text: string): number | undefined {
  if (text === '') return undefined;
  try {
    return normalizeBarTime(text);
  } catch {
    return undefined;
  }
}

/**
 * Where n D ending at `endMs` surely begins (epoch s): not before `reach` (n trading days never
 * span more than 7n + 30 calendar days, the search limit of durationStart) and not after `upper`
 * (the n-th most recent trading date is at most n − 1 dates before tomorrow's, and its first
 * session starts by the end of that date; a day more without the zone).
 */
export function tradingDaysBounds(asked: Duration, endMs: number, timeZone: string | undefined): { reach: number; upper: number } {
  const end = endMs / 1000;
  const reach = end - (7 * asked.n + 30) * DAY_S;
  const upper = timeZone ? instantOf(localDay(endMs, timeZone) + 3 - asked.n, 0, timeZone) / 1000 : (Math.floor(end / DAY_S) + 4 - asked.n) * DAY_S;
  return { reach, upper };
}

/**
 * Where `1 D` ending at `end` begins, if an earlier `1 D` answer of this series says so: it
 * began the latest trading day before its own end, and while less than MIN_TRADING_DAY_GAP_S
 * has passed since that day began no later one can have begun (our assumption,
 * docs/wire-facts/history.md#durations). So collecting `1 D` again during the day asks only
 * for what is new.
 */
export function sameTradingDayStart(records: readonly HistoryWindow[], end: number): number | undefined {
  // One answer may have recorded two windows (held bars, then a bar still forming): it began at the first.
  const began = new Map<string, number>();
  for (const w of records) {
    if (w.duration !== '1 D' || w.outcome === 'no-data') continue;
    const request = `${w.endDateTime}|${w.fetchedAt}`;
    began.set(request, Math.min(began.get(request) ?? Infinity, w.start));
  }
  let found: number | undefined;
  for (const [request, start] of began) {
    const askedEnd = parseEndDateTime(request.split('|')[0]!);
    if (askedEnd === undefined || askedEnd > end || start > askedEnd || end - start >= MIN_TRADING_DAY_GAP_S) continue;
    found = Math.max(found ?? -Infinity, start);
  }
  return found;
}
