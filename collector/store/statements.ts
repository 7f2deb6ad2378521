/** The SQL the store runs, prepared once per connection. Series columns come in SeriesKey order. */
import type Database from 'better-sqlite3';

/** `con_id = ? AND exchange = ? AND bar_size = ? AND what_to_show = ? AND use_rth = ?`, see seriesParams. */
const SERIES = 'con_id = ? AND exchange = ? AND bar_size = ? AND what_to_show = ? AND use_rth = ?';

export type Statements = ReturnType<typeof prepareStatements>;

export function prepareStatements(db: Database.Database) {
  return {
    upsertContract: db.prepare(`
      INSERT INTO contracts (con_id, symbol, sec_type, exchange, primary_exchange, currency, local_symbol, long_name, qualified_at, query_key, time_zone_id)
      VALUES (@conId, @symbol, @secType, @exchange, @primaryExchange, @currency, @localSymbol, @longName, @qualifiedAt, @queryKey, @timeZoneId)
      ON CONFLICT (con_id) DO UPDATE SET symbol = excluded.symbol, sec_type = excluded.sec_type, exchange = excluded.exchange,
        primary_exchange = excluded.primary_exchange, currency = excluded.currency, local_symbol = excluded.local_symbol,
        long_name = excluded.long_name, qualified_at = excluded.qualified_at, query_key = COALESCE(excluded.query_key, contracts.query_key),
        time_zone_id = COALESCE(excluded.time_zone_id, contracts.time_zone_id)`),
    getContract: db.prepare('SELECT * FROM contracts WHERE con_id = ?'),
    getCached: db.prepare(`SELECT c.* FROM qualify_cache q JOIN contracts c ON c.con_id = q.con_id WHERE q.query_key = ? AND q.expires_at > ?`),
    putCached: db.prepare(`INSERT INTO qualify_cache (query_key, con_id, cached_at, expires_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (query_key) DO UPDATE SET con_id = excluded.con_id, cached_at = excluded.cached_at, expires_at = excluded.expires_at`),
    insertBar: db.prepare(`INSERT INTO bars (con_id, exchange, bar_size, what_to_show, use_rth, time, open, high, low, close, volume, wap, bar_count)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    updateBar: db.prepare(`UPDATE bars SET open = ?, high = ?, low = ?, close = ?, volume = ?, wap = ?, bar_count = ? WHERE ${SERIES} AND time = ?`),
    barRange: db.prepare(`SELECT count(*) AS count, min(time) AS first, max(time) AS last FROM bars WHERE ${SERIES}`),
    barTimes: db.prepare(`SELECT time FROM bars WHERE ${SERIES} AND time BETWEEN ? AND ? ORDER BY time`).pluck(),
    getBars: db.prepare(`SELECT time, open, high, low, close, volume, wap, bar_count FROM bars WHERE ${SERIES} AND time BETWEEN ? AND ? ORDER BY time`),
    deleteBars: db.prepare(`DELETE FROM bars WHERE ${SERIES}`),
    insertWindow: db.prepare(`INSERT INTO history_windows (con_id, exchange, bar_size, what_to_show, use_rth, window_start, window_end, outcome, reason,
        end_date_time, duration, bars, new_bars, fetched_at)
      VALUES (?, ?, ?, ?, ?, @start, @end, @outcome, @reason, @endDateTime, @duration, @bars, @newBars, @fetchedAt)`),
    windows: db.prepare(`SELECT window_start AS start, window_end AS end, outcome, reason, end_date_time AS endDateTime, duration, bars,
        new_bars AS newBars, fetched_at AS fetchedAt FROM history_windows WHERE ${SERIES} ORDER BY window_start, id`),
    deleteWindows: db.prepare(`DELETE FROM history_windows WHERE ${SERIES}`),
    startRun: db.prepare(`INSERT INTO runs (started_at, strategy, status, symbols, pid, hostname) VALUES (?, ?, 'running', ?, ?, ?)`),
    finishRun: db.prepare(`UPDATE runs SET ended_at = ?, status = ?, errors = ? WHERE id = ?`),
    getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
    runningOn: db.prepare(`SELECT id, pid FROM runs WHERE status = 'running' AND hostname = ?`),
    abortRun: db.prepare(`UPDATE runs SET status = 'aborted', ended_at = ?, errors = ? WHERE id = ? AND status = 'running'`),
  };
}
