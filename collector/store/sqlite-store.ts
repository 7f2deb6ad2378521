/**
 * The collector's store on SQLite (better-sqlite3, synchronous): contracts and the qualification
 * cache, bars by series, the windows each answered history request covered, and runs. Every
 * failure is a StoreError naming the file; open it with `openStore` (open.ts).
 */
import type Database from 'better-sqlite3';
import { normalizeBarTime } from './bar-time.ts';
import { toStoreError } from './sqlite-errors.ts';
import { prepareStatements, type Statements } from './statements.ts';
import type {
  BarInput,
  BarRange,
  CollectorStore,
  HistoryWindow,
  NewHistoryWindow,
  RunError,
  RunRecord,
  RunStatus,
  SeriesKey,
  StoredBar,
  StoredContract,
  TimeRange,
  UpsertBarsOptions,
} from './types.ts';

interface BarRow {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number | null;
  wap: number | null;
  bar_count: number | null;
}

interface ContractRow {
  con_id: number;
  symbol: string;
  sec_type: string;
  exchange: string;
  primary_exchange: string | null;
  currency: string;
  local_symbol: string | null;
  long_name: string | null;
  qualified_at: number;
  query_key: string | null;
  time_zone_id: string | null;
}

interface RunRow {
  id: number;
  started_at: number;
  ended_at: number | null;
  strategy: string;
  status: RunStatus;
  symbols: string;
  errors: string;
  pid: number | null;
  hostname: string | null;
}

/** The series columns, in the order statements.ts binds them. */
function seriesParams(s: SeriesKey): [number, string, string, string, number] {
  return [s.conId, s.exchange, s.barSize, s.whatToShow, s.useRTH ? 1 : 0];
}

function describeSeries(s: SeriesKey): string {
  return `${s.barSize} ${s.whatToShow} bars (${s.useRTH ? 'regular hours' : 'extended hours'}, ${s.exchange}) of contract ${s.conId}`;
}

export class SqliteStore implements CollectorStore {
  private readonly stmt: Statements;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.stmt = prepareStatements(db);
  }

  upsertContract(contract: StoredContract): void {
    this.guard(`store contract ${contract.conId}`, () => this.stmt.upsertContract.run(contractParams(contract)));
  }

  getContract(conId: number): StoredContract | null {
    return this.guard(`read contract ${conId}`, () => {
      const row = this.stmt.getContract.get(conId) as ContractRow | undefined;
      return row ? contractFromRow(row) : null;
    });
  }

  getCachedQualification(queryKey: string, nowMs: number): StoredContract | null {
    return this.guard(`read cached qualification ${queryKey}`, () => {
      const row = this.stmt.getCached.get(queryKey, nowMs) as ContractRow | undefined;
      return row ? contractFromRow(row) : null;
    });
  }

  putQualification(queryKey: string, contract: StoredContract, ttlMs: number, nowMs: number): void {
    this.guard(`cache qualification ${queryKey}`, () =>
      this.db.transaction(() => {
        this.stmt.upsertContract.run(contractParams({ ...contract, queryKey }));
        this.stmt.putCached.run(queryKey, contract.conId, nowMs, nowMs + ttlMs);
      })(),
    );
  }

  upsertBars(series: SeriesKey, bars: readonly BarInput[], opts: UpsertBarsOptions = {}): number {
    // Normalize before writing, so a bad date fails the batch before any row is touched.
    const rows = bars.map((b) => ({ ...b, time: normalizeBarTime(b.time, opts) }));
    const key = seriesParams(series);
    return this.guard(`store ${bars.length} ${describeSeries(series)}`, () =>
      this.db.transaction(() => {
        let inserted = 0;
        for (const b of rows) {
          const values = [b.open, b.high, b.low, b.close, naToNull(b.volume), naToNull(b.wap), naToNull(b.barCount)];
          if (this.stmt.insertBar.run(...key, b.time, ...values).changes === 1) inserted++;
          else this.stmt.updateBar.run(...values, ...key, b.time);
        }
        return inserted;
      })(),
    );
  }

  countBars(series: SeriesKey): number {
    return this.barRange(series).count;
  }

  barRange(series: SeriesKey): BarRange {
    return this.guard(`read the bars of ${describeSeries(series)}`, () => this.stmt.barRange.get(...seriesParams(series)) as BarRange);
  }

  barTimes(series: SeriesKey, range: TimeRange = {}): number[] {
    return this.guard(
      `read bar times of ${describeSeries(series)}`,
      () => this.stmt.barTimes.all(...seriesParams(series), range.from ?? -Infinity, range.to ?? Infinity) as number[],
    );
  }

  missingTimes(series: SeriesKey, expected: Iterable<number>): number[] {
    const wanted = [...expected].sort((a, b) => a - b);
    if (wanted.length === 0) return [];
    const have = new Set(this.barTimes(series, { from: wanted[0]!, to: wanted.at(-1)! }));
    return wanted.filter((t) => !have.has(t));
  }

  getBars(series: SeriesKey, range: TimeRange = {}): StoredBar[] {
    return this.guard(`read ${describeSeries(series)}`, () =>
      (this.stmt.getBars.all(...seriesParams(series), range.from ?? -Infinity, range.to ?? Infinity) as BarRow[]).map((r) => ({
        time: r.time,
        open: r.open,
        high: r.high,
        low: r.low,
        close: r.close,
        volume: r.volume,
        wap: r.wap,
        barCount: r.bar_count,
      })),
    );
  }

  recordWindows(series: SeriesKey, windows: readonly NewHistoryWindow[], bars: readonly BarInput[], opts: UpsertBarsOptions = {}): number {
    return this.guard(`record the history windows of ${describeSeries(series)}`, () =>
      this.db.transaction(() => {
        const newBars = this.upsertBars(series, bars, opts);
        windows.forEach((w, i) => {
          this.stmt.insertWindow.run(...seriesParams(series), { ...w, bars: i === 0 ? bars.length : 0, newBars: i === 0 ? newBars : 0 });
        });
        return newBars;
      })(),
    );
  }

  replaceSeries(series: SeriesKey, windows: readonly NewHistoryWindow[], bars: readonly BarInput[], opts: UpsertBarsOptions = {}): number {
    return this.guard(`replace ${describeSeries(series)}`, () =>
      this.db.transaction(() => {
        const before = new Set(this.barTimes(series));
        this.stmt.deleteBars.run(...seriesParams(series));
        this.stmt.deleteWindows.run(...seriesParams(series));
        this.recordWindows(series, windows, bars, opts);
        return this.barTimes(series).filter((t) => !before.has(t)).length;
      })(),
    );
  }

  windows(series: SeriesKey): HistoryWindow[] {
    return this.guard(`read the history windows of ${describeSeries(series)}`, () => this.stmt.windows.all(...seriesParams(series)) as HistoryWindow[]);
  }

  startRun(run: { strategy: string; symbols: readonly string[]; startedAt: number; pid?: number; hostname?: string }): number {
    return this.guard(`start a ${run.strategy} run`, () =>
      Number(this.stmt.startRun.run(run.startedAt, run.strategy, JSON.stringify(run.symbols), run.pid ?? null, run.hostname ?? null).lastInsertRowid),
    );
  }

  finishRun(id: number, result: { status: Exclude<RunStatus, 'running'>; endedAt: number; errors?: readonly RunError[] }): void {
    this.guard(`finish run ${id}`, () => {
      const res = this.stmt.finishRun.run(result.endedAt, result.status, JSON.stringify(result.errors ?? []), id);
      if (res.changes === 0) throw new RangeError(`no run with id ${id}`);
    });
  }

  getRun(id: number): RunRecord | null {
    return this.guard(`read run ${id}`, () => {
      const row = this.stmt.getRun.get(id) as RunRow | undefined;
      if (!row) return null;
      return {
        id: row.id,
        startedAt: row.started_at,
        endedAt: row.ended_at,
        strategy: row.strategy,
        status: row.status,
        symbols: JSON.parse(row.symbols),
        errors: JSON.parse(row.errors),
        pid: row.pid,
        hostname: row.hostname,
      };
    });
  }

  abortOrphanedRuns(opts: { hostname: string; isAlive: (pid: number) => boolean; endedAt: number }): number[] {
    return this.guard('mark runs of dead processes aborted', () =>
      this.db
        .transaction(() => {
          const orphans = (this.stmt.runningOn.all(opts.hostname) as Array<{ id: number; pid: number | null }>).filter(
            (r) => r.pid !== null && !opts.isAlive(r.pid),
          );
          for (const r of orphans) {
            const errors = [{ code: 'ABORTED', message: `process ${r.pid} on ${opts.hostname} ended without finishing the run (killed or crashed)` }];
            this.stmt.abortRun.run(opts.endedAt, JSON.stringify(errors), r.id);
          }
          return orphans.map((r) => r.id);
        })
        .immediate(),
    );
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private guard<T>(operation: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err, this.path, operation);
    }
  }
}

/** IB's "-1 = not applicable" becomes NULL, so aggregates are not skewed by it. */
function naToNull(v: number | null | undefined): number | null {
  return v === undefined || v === null || v === -1 ? null : v;
}

function contractParams(c: StoredContract) {
  return {
    conId: c.conId,
    symbol: c.symbol,
    secType: c.secType,
    exchange: c.exchange,
    primaryExchange: c.primaryExchange ?? null,
    currency: c.currency,
    localSymbol: c.localSymbol ?? null,
    longName: c.longName ?? null,
    qualifiedAt: c.qualifiedAt,
    queryKey: c.queryKey ?? null,
    timeZoneId: c.timeZoneId || null,
  };
}

function contractFromRow(r: ContractRow): StoredContract {
  return {
    conId: r.con_id,
    symbol: r.symbol,
    secType: r.sec_type,
    exchange: r.exchange,
    primaryExchange: r.primary_exchange,
    currency: r.currency,
    localSymbol: r.local_symbol,
    longName: r.long_name,
    qualifiedAt: r.qualified_at,
    queryKey: r.query_key,
    timeZoneId: r.time_zone_id,
  };
}
