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
  /** Epoch ms. */
  qualifiedAt: number;
  queryKey?: string | null;
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
  useRTH: boolean;
}

export interface UpsertBarsOptions {
  useRTH?: boolean;
  /** For intraday date strings without a zone (older TWS). */
  defaultTimeZone?: string;
}

export interface Coverage {
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
  startedAt: number;
  endedAt: number | null;
  strategy: string;
  status: RunStatus;
  symbols: string[];
  errors: RunError[];
}

export interface HistoryFetch {
  conId: number;
  barSize: string;
  whatToShow: string;
  useRTH: boolean;
  endDateTime: string;
  duration: string;
  /** Epoch ms. */
  fetchedAt: number;
  bars: number;
  newBars: number;
}

export interface CollectorStore {
  upsertContract(contract: StoredContract): void;
  getContract(conId: number): StoredContract | null;
  getCachedQualification(queryKey: string, nowMs: number): StoredContract | null;
  /** Stores the contract and caches `queryKey → conId` until nowMs + ttlMs, in one transaction. */
  putQualification(queryKey: string, contract: StoredContract, ttlMs: number, nowMs: number): void;
  /** All bars in one transaction; returns how many were not stored before. */
  upsertBars(conId: number, barSize: string, whatToShow: string, bars: readonly BarInput[], opts?: UpsertBarsOptions): number;
  countBars(conId: number, barSize: string, whatToShow: string): number;
  barTimes(conId: number, barSize: string, whatToShow: string, range?: TimeRange): number[];
  /** Which of `expected` (epoch seconds) are not stored yet: what a resumed collection still needs. */
  missingTimes(conId: number, barSize: string, whatToShow: string, expected: Iterable<number>): number[];
  coverage(conId: number, barSize: string, whatToShow: string): Coverage;
  getBars(conId: number, barSize: string, whatToShow: string, range?: TimeRange): StoredBar[];
  /** Store bars and log the fetch that brought them, in one transaction; returns how many bars were new. */
  recordHistoryFetch(fetch: Omit<HistoryFetch, 'newBars' | 'bars'>, bars: readonly BarInput[], opts?: UpsertBarsOptions): number;
  lastHistoryFetch(conId: number, barSize: string, whatToShow: string, useRTH: boolean): HistoryFetch | null;
  startRun(run: { strategy: string; symbols: readonly string[]; startedAt: number }): number;
  finishRun(id: number, result: { status: Exclude<RunStatus, 'running'>; endedAt: number; errors?: readonly RunError[] }): void;
  getRun(id: number): RunRecord | null;
  close(): void;
}
