import Database from 'better-sqlite3';
import { StoreError } from '../errors.ts';
import { normalizeBarTime } from './bar-time.ts';
import { migrations as defaultMigrations, type Migration } from './schema.ts';
import { classifySqliteError, toStoreError } from './sqlite-errors.ts';
import type {
  BarInput,
  CollectorStore,
  Coverage,
  RunError,
  RunRecord,
  RunStatus,
  StoredBar,
  StoredContract,
  HistoryFetch,
  TimeRange,
  UpsertBarsOptions,
} from './types.ts';

export interface OpenStoreOptions {
  /**
   * How long SQLite itself waits for another connection's lock before failing with a `locked`
   * StoreError. better-sqlite3 is synchronous, so this wait blocks the event loop: keep it short
   * and retry `locked` errors (they are retryable) with `retry()` on the Clock instead.
   */
  busyTimeoutMs?: number;
  /** Replaces the schema history; for migration tests. */
  migrations?: readonly Migration[];
  /** Run `PRAGMA quick_check` on open to catch corruption beyond the file header (O(size)). */
  verify?: boolean;
}

/** Open (creating if needed) and migrate a collector database. Fails with a StoreError naming the file. */
export function openStore(path: string, opts: OpenStoreOptions = {}): SqliteStore {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: opts.busyTimeoutMs ?? 1000 });
    // The first statement reads the header, so a file that is not a database fails here.
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    if (opts.verify) {
      const result = db.pragma('quick_check', { simple: true });
      if (result !== 'ok') throw new StoreError('corrupt', path, 'verify the database', new Error(String(result)));
    }
    applyMigrations(db, path, opts.migrations ?? defaultMigrations);
    return new SqliteStore(db, path);
  } catch (err) {
    db?.close();
    throw toStoreError(err, path, 'open the database');
  }
}

function applyMigrations(db: Database.Database, path: string, list: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = list.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StoreError('schema', path, 'open the database', new Error(`schema version ${current} is newer than this code's ${latest}`));
  }
  for (const m of list) {
    if (m.version <= current) continue;
    try {
      db.transaction(() => {
        m.up(db);
        db.pragma(`user_version = ${m.version}`);
      })();
    } catch (err) {
      // A lock or a bad file is reported as such; anything else means the migration itself failed.
      const kind = classifySqliteError(err);
      const reported = kind === 'locked' || kind === 'corrupt' || kind === 'io' ? kind : 'schema';
      throw new StoreError(reported, path, `apply migration ${m.version} (${m.description})`, err);
    }
  }
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database.Database) {
  return {
    upsertContract: db.prepare(`
      INSERT INTO contracts (con_id, symbol, sec_type, exchange, primary_exchange, currency, local_symbol, long_name, qualified_at, query_key)
      VALUES (@conId, @symbol, @secType, @exchange, @primaryExchange, @currency, @localSymbol, @longName, @qualifiedAt, @queryKey)
      ON CONFLICT (con_id) DO UPDATE SET symbol = excluded.symbol, sec_type = excluded.sec_type, exchange = excluded.exchange,
        primary_exchange = excluded.primary_exchange, currency = excluded.currency, local_symbol = excluded.local_symbol,
        long_name = excluded.long_name, qualified_at = excluded.qualified_at, query_key = COALESCE(excluded.query_key, contracts.query_key)`),
    getContract: db.prepare('SELECT * FROM contracts WHERE con_id = ?'),
    getCached: db.prepare(`SELECT c.* FROM qualify_cache q JOIN contracts c ON c.con_id = q.con_id WHERE q.query_key = ? AND q.expires_at > ?`),
    putCached: db.prepare(`INSERT INTO qualify_cache (query_key, con_id, cached_at, expires_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (query_key) DO UPDATE SET con_id = excluded.con_id, cached_at = excluded.cached_at, expires_at = excluded.expires_at`),
    insertBar: db.prepare(`INSERT INTO bars (con_id, bar_size, what_to_show, use_rth, time, open, high, low, close, volume, wap, bar_count)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    updateBar: db.prepare(`UPDATE bars SET use_rth = ?, open = ?, high = ?, low = ?, close = ?, volume = ?, wap = ?, bar_count = ?
      WHERE con_id = ? AND bar_size = ? AND what_to_show = ? AND time = ?`),
    coverage: db.prepare(`SELECT count(*) AS count, min(time) AS first, max(time) AS last FROM bars WHERE con_id = ? AND bar_size = ? AND what_to_show = ?`),
    barTimes: db.prepare(`SELECT time FROM bars WHERE con_id = ? AND bar_size = ? AND what_to_show = ? AND time BETWEEN ? AND ? ORDER BY time`).pluck(),
    getBars: db.prepare(`SELECT time, open, high, low, close, volume, wap, bar_count, use_rth FROM bars
      WHERE con_id = ? AND bar_size = ? AND what_to_show = ? AND time BETWEEN ? AND ? ORDER BY time`),
    insertFetch: db.prepare(`INSERT INTO history_fetches (con_id, bar_size, what_to_show, use_rth, end_date_time, duration, fetched_at, bars, new_bars)
      VALUES (@conId, @barSize, @whatToShow, @useRTH, @endDateTime, @duration, @fetchedAt, @bars, @newBars)`),
    lastFetch: db.prepare(`SELECT * FROM history_fetches WHERE con_id = ? AND bar_size = ? AND what_to_show = ? AND use_rth = ?
      ORDER BY fetched_at DESC, id DESC LIMIT 1`),
    startRun: db.prepare(`INSERT INTO runs (started_at, strategy, status, symbols) VALUES (?, ?, 'running', ?)`),
    finishRun: db.prepare(`UPDATE runs SET ended_at = ?, status = ?, errors = ? WHERE id = ?`),
    getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
  };
}

interface BarRow {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number | null;
  wap: number | null;
  bar_count: number | null;
  use_rth: number;
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

  upsertBars(conId: number, barSize: string, whatToShow: string, bars: readonly BarInput[], opts: UpsertBarsOptions = {}): number {
    const what = `store ${bars.length} ${barSize} ${whatToShow} bars for contract ${conId}`;
    // Normalize before writing, so a bad date fails the batch before any row is touched.
    const rows = bars.map((b) => ({ ...b, time: normalizeBarTime(b.time, opts) }));
    const useRTH = opts.useRTH === false ? 0 : 1;
    return this.guard(what, () =>
      this.db.transaction(() => {
        let inserted = 0;
        for (const b of rows) {
          const values = [b.open, b.high, b.low, b.close, naToNull(b.volume), naToNull(b.wap), naToNull(b.barCount)];
          const res = this.stmt.insertBar.run(conId, barSize, whatToShow, useRTH, b.time, ...values);
          if (res.changes === 1) inserted++;
          else this.stmt.updateBar.run(useRTH, ...values, conId, barSize, whatToShow, b.time);
        }
        return inserted;
      })(),
    );
  }

  countBars(conId: number, barSize: string, whatToShow: string): number {
    return this.coverage(conId, barSize, whatToShow).count;
  }

  coverage(conId: number, barSize: string, whatToShow: string): Coverage {
    return this.guard(`read coverage of contract ${conId}`, () => this.stmt.coverage.get(conId, barSize, whatToShow) as Coverage);
  }

  barTimes(conId: number, barSize: string, whatToShow: string, range: TimeRange = {}): number[] {
    return this.guard(
      `read bar times of contract ${conId}`,
      () => this.stmt.barTimes.all(conId, barSize, whatToShow, range.from ?? -Infinity, range.to ?? Infinity) as number[],
    );
  }

  missingTimes(conId: number, barSize: string, whatToShow: string, expected: Iterable<number>): number[] {
    const wanted = [...expected].sort((a, b) => a - b);
    if (wanted.length === 0) return [];
    const have = new Set(this.barTimes(conId, barSize, whatToShow, { from: wanted[0]!, to: wanted.at(-1)! }));
    return wanted.filter((t) => !have.has(t));
  }

  getBars(conId: number, barSize: string, whatToShow: string, range: TimeRange = {}): StoredBar[] {
    return this.guard(`read bars of contract ${conId}`, () =>
      (this.stmt.getBars.all(conId, barSize, whatToShow, range.from ?? -Infinity, range.to ?? Infinity) as BarRow[]).map((r) => ({
        time: r.time,
        open: r.open,
        high: r.high,
        low: r.low,
        close: r.close,
        volume: r.volume,
        wap: r.wap,
        barCount: r.bar_count,
        useRTH: r.use_rth === 1,
      })),
    );
  }

  recordHistoryFetch(fetch: Omit<HistoryFetch, 'newBars' | 'bars'>, bars: readonly BarInput[], opts: UpsertBarsOptions = {}): number {
    return this.guard('record a history fetch', () =>
      this.db.transaction(() => {
        const newBars = this.upsertBars(fetch.conId, fetch.barSize, fetch.whatToShow, bars, { ...opts, useRTH: fetch.useRTH });
        this.stmt.insertFetch.run({ ...fetch, useRTH: fetch.useRTH ? 1 : 0, bars: bars.length, newBars });
        return newBars;
      })(),
    );
  }

  lastHistoryFetch(conId: number, barSize: string, whatToShow: string, useRTH: boolean): HistoryFetch | null {
    const row = this.guard('read the history ledger', () => this.stmt.lastFetch.get(conId, barSize, whatToShow, useRTH ? 1 : 0)) as
      | {
          con_id: number;
          bar_size: string;
          what_to_show: string;
          use_rth: number;
          end_date_time: string;
          duration: string;
          fetched_at: number;
          bars: number;
          new_bars: number;
        }
      | undefined;
    if (!row) return null;
    return {
      conId: row.con_id,
      barSize: row.bar_size,
      whatToShow: row.what_to_show,
      useRTH: row.use_rth === 1,
      endDateTime: row.end_date_time,
      duration: row.duration,
      fetchedAt: row.fetched_at,
      bars: row.bars,
      newBars: row.new_bars,
    };
  }

  startRun(run: { strategy: string; symbols: readonly string[]; startedAt: number }): number {
    return this.guard(`start a ${run.strategy} run`, () =>
      Number(this.stmt.startRun.run(run.startedAt, run.strategy, JSON.stringify(run.symbols)).lastInsertRowid),
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
      const row = this.stmt.getRun.get(id) as
        | { id: number; started_at: number; ended_at: number | null; strategy: string; status: RunStatus; symbols: string; errors: string }
        | undefined;
      if (!row) return null;
      const { started_at, ended_at, strategy, status } = row;
      return { id: row.id, startedAt: started_at, endedAt: ended_at, strategy, status, symbols: JSON.parse(row.symbols), errors: JSON.parse(row.errors) };
    });
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
  };
}
