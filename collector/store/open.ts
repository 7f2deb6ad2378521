/**
 * Opening a collector database: WAL, foreign keys, and the schema migrations of schema.ts applied
 * safely when several processes open a new database at the same moment.
 */
import Database from 'better-sqlite3';
import { StoreError } from '../errors.ts';
import { migrations as defaultMigrations, type Migration } from './schema.ts';
import { classifySqliteError, toStoreError } from './sqlite-errors.ts';
import { SqliteStore } from './sqlite-store.ts';

export interface OpenStoreOptions {
  /**
   * How long SQLite itself waits for another connection's lock before failing with a `locked`
   * StoreError. better-sqlite3 is synchronous, so this wait blocks the event loop: keep it short
   * and retry `locked` errors (they are retryable) with `retry()` on the Clock instead.
   */
  busyTimeoutMs?: number;
  /**
   * How long opening waits for other processes that are migrating the same new database (real
   * ms, blocking: it happens once, before anything else). Default 30 s.
   */
  migrationWaitMs?: number;
  /** Replaces the schema history; for migration tests. */
  migrations?: readonly Migration[];
  /** Run `PRAGMA quick_check` on open to catch corruption beyond the file header (O(size)). */
  verify?: boolean;
}

/** Open (creating if needed) and migrate a collector database. Fails with a StoreError naming the file. */
export function openStore(path: string, opts: OpenStoreOptions = {}): SqliteStore {
  let db: Database.Database | undefined;
  const busyTimeoutMs = opts.busyTimeoutMs ?? 1000;
  try {
    // Until the schema is in place, wait as long as another process's migration may take.
    db = new Database(path, { timeout: Math.max(busyTimeoutMs, opts.migrationWaitMs ?? 30_000) });
    // The first statement reads the header, so a file that is not a database fails here.
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    if (opts.verify) {
      const result = db.pragma('quick_check', { simple: true });
      if (result !== 'ok') throw new StoreError('corrupt', path, 'verify the database', new Error(String(result)));
    }
    applyMigrations(db, path, opts.migrations ?? defaultMigrations);
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    return new SqliteStore(db, path);
  } catch (err) {
    db?.close();
    throw toStoreError(err, path, 'open the database');
  }
}

/**
 * Each pending migration runs in its own BEGIN IMMEDIATE transaction that first reads
 * `user_version` again: the write lock is taken before the deciding read, so of several
 * processes opening a new database at once exactly one applies each step and the others see it
 * done. (Reading the
 * version before the transaction let two processes both apply migration 1, and the loser failed
 * with "schema is not one this version understands".)
 */
function applyMigrations(db: Database.Database, path: string, list: readonly Migration[]): void {
  const latest = list.at(-1)?.version ?? 0;
  const newer = (current: number) =>
    new StoreError('schema', path, 'open the database', new Error(`schema version ${current} is newer than this code's ${latest}`));
  const version = () => db.pragma('user_version', { simple: true }) as number;
  if (version() > latest) throw newer(version());
  for (const m of list) {
    // Applied already (the common case): no write lock needed. Otherwise decide under the lock.
    if (version() >= m.version) continue;
    try {
      db.transaction(() => {
        const current = version();
        if (current > latest) throw newer(current);
        if (current >= m.version) return;
        m.up(db);
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      // A lock or a bad file is reported as such; anything else means the migration itself failed.
      const kind = classifySqliteError(err);
      const reported = kind === 'locked' || kind === 'corrupt' || kind === 'io' ? kind : 'schema';
      throw new StoreError(reported, path, `apply migration ${m.version} (${m.description})`, err);
    }
  }
}
