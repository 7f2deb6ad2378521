import type Database from 'better-sqlite3';

export interface Migration {
  /** Becomes `PRAGMA user_version` once applied; strictly increasing from 1. */
  version: number;
  description: string;
  up(db: Database.Database): void;
}

/**
 * Schema history, oldest first. Never edit an applied migration; append a new one. Each runs in
 * its own transaction together with the user_version bump, so a failure leaves the previous
 * version intact.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'contracts, qualification cache, bars, runs',
    up(db) {
      db.exec(`
        CREATE TABLE contracts (
          con_id           INTEGER PRIMARY KEY,
          symbol           TEXT    NOT NULL,
          sec_type         TEXT    NOT NULL,
          exchange         TEXT    NOT NULL,
          primary_exchange TEXT,
          currency         TEXT    NOT NULL,
          local_symbol     TEXT,
          long_name        TEXT,
          qualified_at     INTEGER NOT NULL,   -- epoch ms
          query_key        TEXT                -- the qualification query that found it last
        );
        CREATE INDEX contracts_symbol ON contracts (symbol, currency);

        CREATE TABLE qualify_cache (
          query_key  TEXT    PRIMARY KEY,
          con_id     INTEGER NOT NULL REFERENCES contracts (con_id) ON DELETE CASCADE,
          cached_at  INTEGER NOT NULL,   -- epoch ms
          expires_at INTEGER NOT NULL    -- epoch ms
        );

        CREATE TABLE bars (
          con_id       INTEGER NOT NULL REFERENCES contracts (con_id),
          bar_size     TEXT    NOT NULL,
          what_to_show TEXT    NOT NULL,
          use_rth      INTEGER NOT NULL CHECK (use_rth IN (0, 1)),
          time         INTEGER NOT NULL,  -- epoch seconds; daily bars at 00:00 UTC of the date
          open         REAL    NOT NULL,
          high         REAL    NOT NULL,
          low          REAL    NOT NULL,
          close        REAL    NOT NULL,
          volume       REAL,              -- NULL where IB sends -1 (MIDPOINT, BID, ASK...)
          wap          REAL,
          bar_count    INTEGER,
          PRIMARY KEY (con_id, bar_size, what_to_show, time)
        ) WITHOUT ROWID;

        CREATE TABLE runs (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          started_at INTEGER NOT NULL,   -- epoch ms
          ended_at   INTEGER,
          strategy   TEXT    NOT NULL,
          status     TEXT    NOT NULL,
          symbols    TEXT    NOT NULL,   -- JSON array
          errors     TEXT    NOT NULL DEFAULT '[]'  -- JSON array of {symbol?, code, message}
        );
      `);
    },
  },
  {
    version: 2,
    description: 'history fetch ledger',
    up(db) {
      // One row per completed historical-data request: what a later run needs to fetch only what
      // is missing, and an audit of what was asked of the gateway.
      db.exec(`
        CREATE TABLE history_fetches (
          id            INTEGER PRIMARY KEY AUTOINCREMENT,
          con_id        INTEGER NOT NULL REFERENCES contracts (con_id),
          bar_size      TEXT    NOT NULL,
          what_to_show  TEXT    NOT NULL,
          use_rth       INTEGER NOT NULL CHECK (use_rth IN (0, 1)),
          end_date_time TEXT    NOT NULL,
          duration      TEXT    NOT NULL,
          fetched_at    INTEGER NOT NULL,  -- epoch ms
          bars          INTEGER NOT NULL,
          new_bars      INTEGER NOT NULL
        );
        CREATE INDEX history_fetches_series ON history_fetches (con_id, bar_size, what_to_show, use_rth, fetched_at);
      `);
    },
  },
  {
    version: 3,
    description: 'series keyed by exchange and useRTH, history windows (coverage), contract time zones, run owners',
    up(db) {
      // A series is everything IB's answer depends on (collector/store/types.ts, SeriesKey): bars of
      // regular and extended hours, or of SMART and one exchange, are different bars. Bars stored
      // before keep the useRTH they were last written with and their contract's exchange.
      //
      // history_windows replaces history_fetches (kept, no longer written: its fetched_at was model
      // time and it recorded no window): one row per answered request, with the market-time window
      // it covers, so a collection can ask for exactly what is missing. Old bars have no window
      // rows; the next collection asks for them again and finds them already stored.
      db.exec(`
        CREATE TABLE bars_v3 (
          con_id       INTEGER NOT NULL REFERENCES contracts (con_id),
          exchange     TEXT    NOT NULL,   -- the exchange the request named (SMART or a venue)
          bar_size     TEXT    NOT NULL,
          what_to_show TEXT    NOT NULL,
          use_rth      INTEGER NOT NULL CHECK (use_rth IN (0, 1)),
          time         INTEGER NOT NULL,   -- epoch seconds; daily bars at 00:00 UTC of the date
          open         REAL    NOT NULL,
          high         REAL    NOT NULL,
          low          REAL    NOT NULL,
          close        REAL    NOT NULL,
          volume       REAL,
          wap          REAL,
          bar_count    INTEGER,
          PRIMARY KEY (con_id, exchange, bar_size, what_to_show, use_rth, time)
        ) WITHOUT ROWID;
        INSERT INTO bars_v3
          SELECT b.con_id, COALESCE(NULLIF(c.exchange, ''), 'SMART'), b.bar_size, b.what_to_show, b.use_rth, b.time,
                 b.open, b.high, b.low, b.close, b.volume, b.wap, b.bar_count
          FROM bars b LEFT JOIN contracts c ON c.con_id = b.con_id;
        DROP TABLE bars;
        ALTER TABLE bars_v3 RENAME TO bars;

        CREATE TABLE history_windows (
          id            INTEGER PRIMARY KEY AUTOINCREMENT,
          con_id        INTEGER NOT NULL REFERENCES contracts (con_id),
          exchange      TEXT    NOT NULL,
          bar_size      TEXT    NOT NULL,
          what_to_show  TEXT    NOT NULL,
          use_rth       INTEGER NOT NULL CHECK (use_rth IN (0, 1)),
          window_start  INTEGER NOT NULL,  -- epoch seconds, market time: [window_start, window_end)
          window_end    INTEGER NOT NULL CHECK (window_end > window_start),
          outcome       TEXT    NOT NULL CHECK (outcome IN ('bars', 'no-data', 'forming')),
          reason        TEXT,              -- IB's text when the gateway had no data
          -- 'forming': the span of a bar still forming when fetched; it counts as held until the bar ends
          end_date_time TEXT    NOT NULL,  -- the request as sent
          duration      TEXT    NOT NULL,
          bars          INTEGER NOT NULL,
          new_bars      INTEGER NOT NULL,
          fetched_at    INTEGER NOT NULL   -- epoch ms, wall clock
        );
        CREATE INDEX history_windows_series ON history_windows (con_id, exchange, bar_size, what_to_show, use_rth, window_start);

        ALTER TABLE contracts ADD COLUMN time_zone_id TEXT;
        ALTER TABLE runs ADD COLUMN pid INTEGER;
        ALTER TABLE runs ADD COLUMN hostname TEXT;
      `);
    },
  },
];
