/**
 * What a series holds, from the windows its answered requests covered (the store's
 * history_windows): which windows a later request need not ask for again, and the coverage
 * report of one collection — held windows, "no data" windows with IB's reason, and gaps, the
 * silent failure a collector must never have. Times are epoch seconds of market time.
 */
import type { HistoryWindow } from '../store/index.ts';
import { intersectWindows, mergeWindows, subtractWindows, type Window } from './windows.ts';

export type { Window };

export interface NoDataWindow {
  /** Null when the gateway did not say where the window began (a `D` request it had nothing for). */
  start: number | null;
  end: number;
  /** IB's text, e.g. `HMDS query returned no data: AAPL@SMART Trades`. */
  reason: string;
  /** Never asked again: the series holds a bar after it (see `isFinalNoData`). */
  final: boolean;
}

export interface SeriesCoverage {
  /** The window asked for; `start` is null when it was not placed (a `D` duration whose beginning was already held). */
  window: { start: number | null; end: number };
  /** Windows of it the store holds bars for, merged. */
  held: Window[];
  /** Windows of it the gateway answered "no data" for. */
  noData: NoDataWindow[];
  /** Windows of it neither held nor answered: what a collection did not get (a failure, a deadline). */
  gaps: Window[];
  /** Start of the span of a bar still forming at the end: stored, asked again once it has ended; null when none. */
  formingFrom: number | null;
}

/**
 * A "no data" window is final once the series holds a bar at or after its end: the market was
 * closed then, or the series had not begun (it lies before IB's head timestamp). One with no bar
 * after it yet — the recent past, which may still fill, or a gateway that had nothing for a
 * while — is asked again by the next collection that covers it. docs/wire-facts/history.md#no-data-162
 */
export function isFinalNoData(w: Window, lastBar: number | null): boolean {
  return lastBar !== null && lastBar >= w.end;
}

/** A forming window counts while its bar has not ended (`end`, the bar's end, is after now). */
function currentForming(records: readonly HistoryWindow[], nowS: number): Window[] {
  return records.filter((r) => r.outcome === 'forming' && r.end > nowS);
}

/**
 * What a request need not ask for again: windows of held bars, final "no data" windows, and the
 * spans of bars still forming (until they end: asked sooner, they could only be the same bar again).
 */
export function coveredWindows(records: readonly HistoryWindow[], lastBar: number | null, nowS: number): Window[] {
  return mergeWindows([
    ...records.filter((r) => r.outcome === 'bars'),
    ...records.filter((r) => r.outcome === 'no-data' && isFinalNoData(r, lastBar)),
    ...currentForming(records, nowS),
  ]);
}

/**
 * The coverage report of `span` (the asked window, or where it surely lies when its start is
 * unknown). `unplaced` are "no data" answers the store could not record (no window known).
 */
export function describeCoverage(
  records: readonly HistoryWindow[],
  lastBar: number | null,
  nowS: number,
  window: SeriesCoverage['window'],
  span: Window,
  unplaced: readonly NoDataWindow[] = [],
): SeriesCoverage {
  const held = intersectWindows(
    records.filter((r) => r.outcome === 'bars'),
    [span],
  );
  // A window asked again while not final may have filled since: then it is held, not "no data".
  const noDataRecords = records.filter((r) => r.outcome === 'no-data' && r.end > span.start && r.start < span.end && subtractWindows([r], held).length > 0);
  const noData: NoDataWindow[] = [
    ...noDataRecords.map((r) => ({
      start: Math.max(r.start, span.start),
      end: Math.min(r.end, span.end),
      reason: r.reason ?? '',
      final: isFinalNoData(r, lastBar),
    })),
    ...unplaced,
  ];
  const forming = intersectWindows(currentForming(records, nowS), [span]);
  const explained = mergeWindows([...held, ...noDataRecords, ...forming]);
  return {
    window,
    held,
    noData: dedupeNoData(noData),
    gaps: subtractWindows([span], explained),
    formingFrom: forming.length > 0 ? forming.at(-1)!.start : null,
  };
}

/** The same window answered "no data" twice (asked again while not final) is reported once. */
function dedupeNoData(list: NoDataWindow[]): NoDataWindow[] {
  const seen = new Map<string, NoDataWindow>();
  for (const w of list) seen.set(`${w.start}|${w.end}`, w);
  return [...seen.values()].sort((a, b) => (a.start ?? a.end) - (b.start ?? b.end));
}
