/** The storage port the collector core depends on; SqliteStore is the implementation. */

export interface StoredContract {
  conId: number;
  symbol: string;
  secType: string;
  exchange: string;
  primaryExchange?: string | null;
  currency: string;
  localSymbol?: string | null;
  longName?: string | null;
  /** Epoch ms, wall clock. */
  qualifiedAt: number;
  queryKey?: string | null;
  /** The exchange's time zone from the contract details (e.g. US/Eastern), which durations are reckoned in. */
  timeZoneId?: string | null;
}

export interface BarInput {
  /** Epoch seconds, or any date string the gateway sends (see normalizeBarTime). */
  time: number | string;
  open: number;
  high: number;
  low: number;
  close: number;
  /** IB sends -1 when not applicable; stored as NULL. */
  volume?: number | null;
  wap?: number | null;
  barCount?: number | null;
}

export interface StoredBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number | null;
  wap: number | null;
  barCount: number | null;
}

/**
 * One series of bars: everything IB's answer to a historical-data request depends on, so two
 * requests that differ in any of these get different bars and never overwrite each other
 * (docs/wire-facts/history.md#what-a-series-is). formatDate only changes how times are written,
 * and the store normalizes them, so it is not part of the key.
 */
export interface SeriesKey {
  conId: number;
  /** The exchange the request named: SMART aggregates every venue, a venue only its own trades. */
  exchange: string;
  barSize: string;
  whatToShow: string;
  /** true: regular trading hours only (useRTH=1); false: extended hours too. */
  useRTH: boolean;
}

export interface UpsertBarsOptions {
  /** For intraday date strings without a zone (older TWS). */
  defaultTimeZone?: string;
}

export interface BarRange {
  count: number;
  /** Epoch seconds of the first and last stored bar; null when there are none. */
  first: number | null;
  last: number | null;
}

export interface TimeRange {
  /** Inclusive bounds, epoch seconds. */
  from?: number;
  to?: number;
}

export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'aborted';

export interface RunError {
  symbol?: string;
  code: string;
  message: string;
}

export interface RunRecord {
  id: number;
  /** Wall-clock epoch ms. */
  startedAt: number;
  endedAt: number | null;
  strategy: string;
  status: RunStatus;
  symbols: string[];
  errors: RunError[];
  /** The process that ran it and its host, when known (runs before schema 3 have neither). */
  pid: number | null;
  hostname: string | null;
}

/**
 * What one answered historical-data request established about a series: the market-time window
 * [start, end) it covered, and whether the gateway had bars there or answered "no data" (162,
 * with its text). docs/wire-facts/history.md#no-data-162
 */
export interface HistoryWindow {
  /** Epoch seconds, market time (the clock bar times are on). */
  start: number;
  end: number;
  /** 'forming': the span of a bar that was still forming when fetched; it counts as held until the bar ends. */
  outcome: 'bars' | 'no-data' | 'forming';
  /** IB's text for a no-data answer; null otherwise. */
  reason: string | null;
  /** The request as sent. */
  endDateTime: string;
  duration: string;
  /** Bars the request returned, and how many were new, on the first window row of the request (0 on the others). */
  bars: number;
  newBars: number;
  /** Wall-clock epoch ms: when it was fetched, for people reading the ledger; never compared with market time. */
  fetchedAt: number;
}

export type NewHistoryWindow = Omit<HistoryWindow, 'bars' | 'newBars'>;

export interface CollectorStore {
  upsertContract(contract: StoredContract): void;
  getContract(conId: number): StoredContract | null;
  /** `nowMs` and the expiry are wall-clock epoch ms. */
  getCachedQualification(queryKey: string, nowMs: number): StoredContract | null;
  /** Stores the contract and caches `queryKey → conId` until nowMs + ttlMs (wall clock), in one transaction. */
  putQualification(queryKey: string, contract: StoredContract, ttlMs: number, nowMs: number): void;
  /** All bars in one transaction; returns how many were not stored before. */
  upsertBars(series: SeriesKey, bars: readonly BarInput[], opts?: UpsertBarsOptions): number;
  countBars(series: SeriesKey): number;
  barRange(series: SeriesKey): BarRange;
  barTimes(series: SeriesKey, range?: TimeRange): number[];
  /** Which of `expected` (epoch seconds) are not stored yet. */
  missingTimes(series: SeriesKey, expected: Iterable<number>): number[];
  getBars(series: SeriesKey, range?: TimeRange): StoredBar[];
  /**
   * Store the bars of one answered request with the windows it established (held bars, a bar
   * still forming, or "no data"), in one transaction; returns how many bars were new.
   */
  recordWindows(series: SeriesKey, windows: readonly NewHistoryWindow[], bars: readonly BarInput[], opts?: UpsertBarsOptions): number;
  /**
   * Replace the whole series with one answer (bars and windows), in one transaction: for series
   * IB rewrites as a whole, such as ADJUSTED_LAST. Returns how many bars were not stored before.
   */
  replaceSeries(series: SeriesKey, windows: readonly NewHistoryWindow[], bars: readonly BarInput[], opts?: UpsertBarsOptions): number;
  /** Every window recorded for the series, by start. */
  windows(series: SeriesKey): HistoryWindow[];
  startRun(run: { strategy: string; symbols: readonly string[]; startedAt: number; pid?: number; hostname?: string }): number;
  finishRun(id: number, result: { status: Exclude<RunStatus, 'running'>; endedAt: number; errors?: readonly RunError[] }): void;
  getRun(id: number): RunRecord | null;
  /**
   * Mark `running` runs of this host whose process is gone as `aborted` (ended at `endedAt`, wall
   * ms), so a killed run leaves no record that looks alive. Returns their ids.
   */
  abortOrphanedRuns(opts: { hostname: string; isAlive: (pid: number) => boolean; endedAt: number }): number[];
  close(): void;
}
