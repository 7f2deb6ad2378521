import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../errors.ts';
import { migrations, openStore, qualificationKey, type BarInput, type SeriesKey, type SqliteStore, type StoredContract } from './index.ts';

const TTE: StoredContract = {
  conId: 29612193,
  symbol: 'TTE',
  secType: 'STK',
  exchange: 'SMART',
  primaryExchange: 'SBF',
  currency: 'EUR',
  localSymbol: 'TTE',
  longName: 'TOTALENERGIES SE',
  qualifiedAt: Date.UTC(2025, 10, 10, 14),
};

const bar = (time: number | string, close = 60): BarInput => ({ time, open: 59.9, high: 60.2, low: 59.8, close, volume: 1200, wap: 60.01, barCount: 15 });
const minute = (i: number) => 1762761600 + 60 * i; // 2025-11-10 09:00 Paris = 08:00 UTC
/** A series of TTE: regular hours on SMART unless said otherwise. */
const S = (barSize = '1 min', whatToShow = 'TRADES', useRTH = true, exchange = 'SMART'): SeriesKey => ({
  conId: TTE.conId,
  exchange,
  barSize,
  whatToShow,
  useRTH,
});

describe('SqliteStore', () => {
  let dir: string;
  let file: string;
  let store: SqliteStore;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'store-'));
    file = path.join(dir, 'collector.db');
    store = openStore(file);
  });

  afterEach(async () => {
    store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('opens in WAL mode with foreign keys and a busy timeout, at the latest schema version', () => {
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    } finally {
      db.close();
    }
    store.close();
    store = openStore(file); // re-opening applies nothing twice
    store.upsertContract(TTE);
    expect(store.getContract(TTE.conId)).toMatchObject({ symbol: 'TTE', primaryExchange: 'SBF' });
  });

  it('works in memory', () => {
    const mem = openStore(':memory:');
    mem.upsertContract(TTE);
    expect(mem.upsertBars(S('1 min', 'TRADES'), [bar(minute(0))])).toBe(1);
    mem.close();
  });

  it('caches a qualification until its TTL runs out', () => {
    const key = qualificationKey({ symbol: 'tte', primaryExchange: 'sbf', currency: 'eur' });
    expect(key).toBe('STK:TTE:SMART:SBF:EUR');
    const now = TTE.qualifiedAt;
    expect(store.getCachedQualification(key, now)).toBeNull();
    store.putQualification(key, TTE, 3600_000, now);
    expect(store.getCachedQualification(key, now + 3599_999)).toMatchObject({ conId: TTE.conId, queryKey: key });
    expect(store.getCachedQualification(key, now + 3600_000)).toBeNull();
    expect(store.getContract(TTE.conId)).not.toBeNull(); // the contract outlives its cache entry
  });

  it('upserts bars idempotently in one transaction, counting only new rows', () => {
    store.upsertContract(TTE);
    expect(
      store.upsertBars(
        S('1 min', 'TRADES'),
        [0, 1, 2].map((i) => bar(minute(i))),
      ),
    ).toBe(3);
    expect(
      store.upsertBars(
        S('1 min', 'TRADES'),
        [1, 2, 3].map((i) => bar(minute(i), 61)),
      ),
    ).toBe(1);
    expect(store.countBars(S('1 min', 'TRADES'))).toBe(4);
    expect(store.getBars(S('1 min', 'TRADES')).map((b) => b.close)).toEqual([60, 61, 61, 61]);
    // Another series of the same contract is separate.
    expect(store.countBars(S('1 min', 'MIDPOINT'))).toBe(0);
  });

  it('normalizes the date strings the gateway sends', () => {
    store.upsertContract(TTE);
    const n = store.upsertBars(S('1 min', 'TRADES'), [bar('20251110 09:00:00 MET'), bar(String(minute(1))), bar('20251110 09:02:00 Europe/Paris')]);
    expect(n).toBe(3);
    expect(store.barTimes(S('1 min', 'TRADES'))).toEqual([minute(0), minute(1), minute(2)]);
    expect(store.upsertBars(S('1 day', 'TRADES'), [bar('20251110')])).toBe(1);
    expect(store.barTimes(S('1 day', 'TRADES'))).toEqual([Date.UTC(2025, 10, 10) / 1000]);
  });

  it('stores IB\'s -1 "not applicable" as NULL', () => {
    store.upsertContract(TTE);
    store.upsertBars(S('1 min', 'MIDPOINT', false), [{ ...bar(minute(0)), volume: -1, wap: -1, barCount: -1 }]);
    expect(store.getBars(S('1 min', 'MIDPOINT', false))[0]).toMatchObject({ volume: null, wap: null, barCount: null });
  });

  it('tells a resumed collection what is still missing', () => {
    store.upsertContract(TTE);
    store.upsertBars(
      S('1 min', 'TRADES'),
      [0, 1, 3, 4].map((i) => bar(minute(i))),
    );
    expect(store.barRange(S('1 min', 'TRADES'))).toEqual({ count: 4, first: minute(0), last: minute(4) });
    expect(store.barTimes(S('1 min', 'TRADES'), { from: minute(1), to: minute(3) })).toEqual([minute(1), minute(3)]);
    expect(store.missingTimes(S('1 min', 'TRADES'), [0, 1, 2, 3, 4, 5].map(minute))).toEqual([minute(2), minute(5)]);
    expect(store.barRange(S('5 mins', 'TRADES'))).toEqual({ count: 0, first: null, last: null });
  });

  it('keeps every series apart: regular and extended hours, SMART and one exchange, never overwrite each other', () => {
    store.upsertContract(TTE);
    expect(store.upsertBars(S('1 hour', 'TRADES', true), [bar(minute(0), 60)])).toBe(1);
    expect(store.upsertBars(S('1 hour', 'TRADES', false), [bar(minute(0), 61)])).toBe(1);
    expect(store.upsertBars(S('1 hour', 'TRADES', true, 'SBF'), [bar(minute(0), 62)])).toBe(1);
    expect(store.getBars(S('1 hour', 'TRADES', true)).map((b) => b.close)).toEqual([60]);
    expect(store.getBars(S('1 hour', 'TRADES', false)).map((b) => b.close)).toEqual([61]);
    expect(store.getBars(S('1 hour', 'TRADES', true, 'SBF')).map((b) => b.close)).toEqual([62]);
  });

  it('records the windows answered requests covered, with their bars, in one transaction', () => {
    store.upsertContract(TTE);
    const request = { endDateTime: '20251110-08:05:00', duration: '300 S', fetchedAt: 1_700_000_000_000, reason: null };
    const added = store.recordWindows(
      S(),
      [
        { ...request, start: minute(0), end: minute(4), outcome: 'bars' },
        { ...request, start: minute(4), end: minute(5), outcome: 'forming' },
      ],
      [0, 1, 2, 3, 4].map((i) => bar(minute(i))),
    );
    expect(added).toBe(5);
    store.recordWindows(
      S(),
      [{ ...request, start: minute(-60), end: minute(0), outcome: 'no-data', reason: 'HMDS query returned no data: TTE@SMART Trades' }],
      [],
    );
    expect(store.windows(S())).toEqual([
      { ...request, start: minute(-60), end: minute(0), outcome: 'no-data', reason: 'HMDS query returned no data: TTE@SMART Trades', bars: 0, newBars: 0 },
      { ...request, start: minute(0), end: minute(4), outcome: 'bars', bars: 5, newBars: 5 },
      { ...request, start: minute(4), end: minute(5), outcome: 'forming', bars: 0, newBars: 0 },
    ]);
    expect(store.windows(S('1 min', 'TRADES', false))).toEqual([]);
    // A window that cannot be (end before start) fails the whole answer: no bar is kept either.
    expect(() => store.recordWindows(S('5 mins'), [{ ...request, start: minute(5), end: minute(0), outcome: 'bars' }], [bar(minute(0))])).toThrow(StoreError);
    expect(store.countBars(S('5 mins'))).toBe(0);
  });

  it('replaces a whole series with one answer (ADJUSTED_LAST)', () => {
    store.upsertContract(TTE);
    const request = { endDateTime: '', duration: '1 D', fetchedAt: 1, reason: null };
    const series = S('1 min', 'ADJUSTED_LAST');
    store.recordWindows(
      series,
      [{ ...request, start: minute(0), end: minute(3), outcome: 'bars' }],
      [0, 1, 2].map((i) => bar(minute(i), 50)),
    );
    const added = store.replaceSeries(
      series,
      [{ ...request, start: minute(1), end: minute(4), outcome: 'bars' }],
      [1, 2, 3].map((i) => bar(minute(i), 49)),
    );
    expect(added).toBe(1);
    expect(store.getBars(series).map((b) => [b.time, b.close])).toEqual([1, 2, 3].map((i) => [minute(i), 49]));
    expect(store.windows(series).map((w) => [w.start, w.end])).toEqual([[minute(1), minute(4)]]);
  });

  it('writes nothing from a batch that fails half-way', () => {
    store.upsertContract(TTE);
    const batch = [bar(minute(0)), bar(minute(1)), { ...bar(minute(2)), close: Number.NaN }, bar(minute(3))];
    const err = (() => {
      try {
        store.upsertBars(S('1 min', 'TRADES'), batch);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ kind: 'constraint', path: file, retryable: false });
    expect((err as Error).message).toContain('store 4 1 min TRADES bars (regular hours, SMART) of contract 29612193');
    expect(store.countBars(S('1 min', 'TRADES'))).toBe(0);

    expect(() => store.upsertBars(S('1 min', 'TRADES'), [bar(minute(0)), bar('not a date')])).toThrow(/unrecognised bar time/);
    expect(store.countBars(S('1 min', 'TRADES'))).toBe(0);
  });

  it('refuses bars for a contract it does not know', () => {
    expect(() => store.upsertBars({ ...S('1 min', 'TRADES'), conId: 999 }, [bar(minute(0))])).toThrow(StoreError);
  });

  it('records runs', () => {
    const id = store.startRun({ strategy: 'sequential', symbols: ['TTE', 'WLN'], startedAt: 1000 });
    expect(store.getRun(id)).toMatchObject({ status: 'running', endedAt: null, symbols: ['TTE', 'WLN'], errors: [] });
    store.finishRun(id, { status: 'partial', endedAt: 5000, errors: [{ symbol: 'WLN', code: 'NO_SECURITY_DEFINITION', message: 'no security definition' }] });
    expect(store.getRun(id)).toEqual({
      id,
      startedAt: 1000,
      endedAt: 5000,
      strategy: 'sequential',
      status: 'partial',
      symbols: ['TTE', 'WLN'],
      errors: [{ symbol: 'WLN', code: 'NO_SECURITY_DEFINITION', message: 'no security definition' }],
      pid: null,
      hostname: null,
    });
    expect(() => store.finishRun(id + 1, { status: 'failed', endedAt: 1 })).toThrow(/no run with id/);
  });

  it('marks the running runs of dead processes on this host aborted, and nothing else', () => {
    const dead = store.startRun({ strategy: 'pooled', symbols: ['TTE'], startedAt: 1000, pid: 4_000_001, hostname: 'here' });
    const alive = store.startRun({ strategy: 'pooled', symbols: ['TTE'], startedAt: 1000, pid: process.pid, hostname: 'here' });
    const elsewhere = store.startRun({ strategy: 'pooled', symbols: ['TTE'], startedAt: 1000, pid: 4_000_001, hostname: 'there' });
    const finished = store.startRun({ strategy: 'pooled', symbols: ['TTE'], startedAt: 1000, pid: 4_000_001, hostname: 'here' });
    store.finishRun(finished, { status: 'succeeded', endedAt: 2000 });
    const isAlive = (pid: number) => pid === process.pid;
    expect(store.abortOrphanedRuns({ hostname: 'here', isAlive, endedAt: 3000 })).toEqual([dead]);
    expect(store.getRun(dead)).toMatchObject({ status: 'aborted', endedAt: 3000, pid: 4_000_001, hostname: 'here' });
    expect(store.getRun(dead)!.errors[0]!.message).toMatch(/process 4000001 on here ended without finishing the run/);
    expect(store.getRun(alive)).toMatchObject({ status: 'running' });
    expect(store.getRun(elsewhere)).toMatchObject({ status: 'running' }); // a pid means nothing on another host
    expect(store.getRun(finished)).toMatchObject({ status: 'succeeded' });
    expect(store.abortOrphanedRuns({ hostname: 'here', isAlive, endedAt: 4000 })).toEqual([]);
  });

  it("migrates a version 2 database: bars keep their values, take their contract's exchange and keep their useRTH", () => {
    const old = path.join(dir, 'v2.db');
    const db = new Database(old);
    for (const m of migrations.slice(0, 2)) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
    db.prepare(`INSERT INTO contracts (con_id, symbol, sec_type, exchange, currency, qualified_at) VALUES (?, 'TTE', 'STK', 'SMART', 'EUR', 0)`).run(TTE.conId);
    const insert = db.prepare(
      `INSERT INTO bars (con_id, bar_size, what_to_show, use_rth, time, open, high, low, close) VALUES (?, '1 min', 'TRADES', ?, ?, 1, 2, 0.5, ?)`,
    );
    insert.run(TTE.conId, 1, minute(0), 10);
    insert.run(TTE.conId, 0, minute(1), 11);
    db.close();
    const migrated = openStore(old);
    try {
      expect(migrated.getBars(S()).map((b) => [b.time, b.close])).toEqual([[minute(0), 10]]);
      expect(migrated.getBars(S('1 min', 'TRADES', false)).map((b) => [b.time, b.close])).toEqual([[minute(1), 11]]);
      expect(migrated.windows(S())).toEqual([]); // no windows known: the next collection asks again
    } finally {
      migrated.close();
    }
  });

  it('names the file when it is not a database', async () => {
    const junk = path.join(dir, 'junk.db');
    await fs.writeFile(junk, randomBytes(8192));
    const err = (() => {
      try {
        openStore(junk);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ kind: 'corrupt', path: junk, retryable: false });
    expect((err as Error).message).toMatch(
      new RegExp(`corrupt or not a SQLite database \\(${junk.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\) while trying to open the database`),
    );
  });

  it('reports a database locked by another connection as a retryable StoreError', () => {
    store.upsertContract(TTE);
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      store.close();
      store = openStore(file, { busyTimeoutMs: 20 });
      const err = (() => {
        try {
          store.upsertBars(S('1 min', 'TRADES'), [bar(minute(0))]);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toMatchObject({ kind: 'locked', path: file, retryable: true });
      expect((err as Error).message).toMatch(/locked by another connection/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(store.upsertBars(S('1 min', 'TRADES'), [bar(minute(0))])).toBe(1);
  });

  it('rolls a failed migration back and refuses a newer schema', async () => {
    const other = path.join(dir, 'migrate.db');
    const latest = migrations.at(-1)!.version;
    const broken = [
      ...migrations,
      { version: latest + 1, description: 'half-done', up: (db: Database.Database) => db.exec('CREATE TABLE extra (x); SELECT * FROM nowhere;') },
    ];
    expect(() => openStore(other, { migrations: broken })).toThrow(new RegExp(`apply migration ${latest + 1} \\(half-done\\)`));
    const db = new Database(other);
    expect(db.pragma('user_version', { simple: true })).toBe(latest);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").pluck().get()).toBe(0);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openStore(other)).toThrow(/schema version 99 is newer/);
  });
});
