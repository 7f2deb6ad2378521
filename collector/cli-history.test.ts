/**
 * `ibkr-harness collect` and the history it leaves behind, end to end: the real CLI as a child
 * process, the simulator over real TCP in this process, real SQLite files read back with
 * better-sqlite3. Overlapping runs, mixed time scales, a non-ASCII long name, a killed run.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../common/clock.ts';
import { AFTER_CLOSE } from '../common/testing/fixtures.ts';
import { startSimulator, type Simulator } from '../simulator/simulator.ts';
import { clockForScale } from './cli.ts';
import { createCollector } from './collector.ts';
import { cli, spawnCli } from './testing/cli.ts';

/** Every stored bar of one series, value for value. */
function bars(file: string, conId: number, useRTH = 1): unknown[][] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare('SELECT time, open, high, low, close, volume FROM bars WHERE con_id = ? AND use_rth = ? ORDER BY time')
      .raw()
      .all(conId, useRTH) as unknown[][];
  } finally {
    db.close();
  }
}

function query<T>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const AAPL = 265598;
let dir: string;
const sims: Simulator[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'collect-history-'));
});
afterEach(async () => {
  for (const s of sims.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sim(opts: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  const s = await startSimulator({ port: 0, profile: 'instant', seed: 1, ...opts });
  sims.push(s);
  return s;
}

const collect = (s: Simulator, db: string, ...more: string[]) =>
  cli(['collect', '--port', String(s.port), '--db', db, '--data-dir', dir, '--symbols', 'AAPL:USD', '--bar', '1 hour', '--log-level', 'silent', ...more]);

describe('ibkr-harness collect: history coverage', { timeout: 120_000 }, () => {
  it('--duration "1 D" then "5 D" into one database holds what a fresh database gets (before: 5 D added nothing and said ok)', async () => {
    // The gateway's market clock stands after Wednesday's US close (the collector reads the
    // gateway's time), so both runs and the fresh one see the same complete days.
    const s = await sim({ clock: new ScaledClock(1, AFTER_CLOSE) });
    const db = path.join(dir, 'bars.db');
    const fresh = path.join(dir, 'fresh.db');
    const one = await collect(s, db, '--duration', '1 D', '--json');
    const five = await collect(s, db, '--duration', '5 D');
    const alone = await collect(s, fresh, '--duration', '5 D', '--json');
    expect(one.code, one.stderr).toBe(0);
    expect(five.code, five.stderr).toBe(0);
    expect(alone.code, alone.stderr).toBe(0);
    expect(JSON.parse(one.stdout).results[0]).toMatchObject({ barsStored: 7 });
    expect(bars(fresh, AAPL)).toHaveLength(35); // five trading days × seven regular-hours bars
    expect(bars(db, AAPL)).toEqual(bars(fresh, AAPL));
    // The table says how much of the window is held; the JSON carries the windows.
    expect(five.stdout).toContain('AAPL:USD: held 100% of the window (2025-11-06 14:30 → 2025-11-12 22:00 UTC), no gaps');
    const out = JSON.parse(alone.stdout);
    expect(out.results[0].coverage).toMatchObject({ gaps: [], noData: [] });
  });

  it('a run at --time-scale 0.02 then real-time runs into the same data dir: times in wall clock, every run collects (before: 0 bars, "success")', async () => {
    const db = path.join(dir, 'bars.db');
    // The collector at --time-scale 0.02 runs a model clock anchored at UTC midnight (clockForScale):
    // late in a UTC day it stands weeks ahead of the wall, as the issue saw. The simulator shares it.
    const fast = await sim({ clock: clockForScale(0.02) });
    const t0 = Date.now();
    const first = await collect(fast, db, '--time-scale', '0.02', '--duration', '1 D');
    expect(first.code, first.stderr).toBe(0);
    const real = await sim({ clock: clockForScale(1) });
    // Two days of real time, so that the window holds a finished session whatever the hour: with
    // '1 D' in the first hour of a session (09:30–10:30 New York) no hourly bar had ended yet.
    const second = await collect(real, db, '--duration', '2 D', '--json');
    const t1 = Date.now();
    expect(second.code, second.stderr).toBe(0);
    const fresh = path.join(dir, 'fresh.db');
    const alone = await collect(real, fresh, '--duration', '2 D', '--json');
    expect(alone.code, alone.stderr).toBe(0);
    expect(JSON.parse(second.stdout).results[0].barsAdded).toBeGreaterThan(0);
    // The real-time window holds what a fresh database gets (bars still forming excepted: the
    // market may be open, and each run stores such a bar as of its own moment).
    const wallNow = Date.now() / 1000;
    const realWindow = (rows: unknown[][]) => rows.filter((r) => (r[0] as number) <= wallNow && (r[0] as number) + 3600 <= wallNow - 120);
    expect(realWindow(bars(db, AAPL))).toEqual(realWindow(bars(fresh, AAPL)));
    expect(realWindow(bars(fresh, AAPL)).length).toBeGreaterThan(0);
    // When things were fetched, and when runs started and ended, is wall-clock time, whatever the scale.
    for (const { fetched_at } of query<{ fetched_at: number }>(db, 'SELECT fetched_at FROM history_windows')) {
      expect(fetched_at).toBeGreaterThanOrEqual(t0);
      expect(fetched_at).toBeLessThanOrEqual(t1);
    }
    for (const run of query<{ started_at: number; ended_at: number }>(db, 'SELECT started_at, ended_at FROM runs')) {
      expect(run.started_at).toBeGreaterThanOrEqual(t0);
      expect(run.ended_at).toBeLessThanOrEqual(t1);
    }
  });

  it('a non-ASCII long name (sent as \\uXXXX escapes) is stored as text and comes back out through the CLI', async () => {
    const s = await sim();
    const db = path.join(dir, 'bars.db');
    const args = ['--symbols', 'MC:EUR', '--duration', '1 D', '--json'];
    const first = await collect(s, db, ...args);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).results[0]).toMatchObject({ status: 'ok', longName: 'LVMH MOËT HENNESSY LOUIS VUITTON', qualifiedFrom: 'gateway' });
    expect(query<{ long_name: string }>(db, 'SELECT long_name FROM contracts WHERE symbol = ?', 'MC')).toEqual([
      { long_name: 'LVMH MOËT HENNESSY LOUIS VUITTON' },
    ]);
    // The second run qualifies from the store: the name came out of SQLite.
    const second = await collect(s, db, ...args);
    expect(JSON.parse(second.stdout).results[0]).toMatchObject({ longName: 'LVMH MOËT HENNESSY LOUIS VUITTON', qualifiedFrom: 'store' });
  });

  it('a SIGKILLed run: the next start marks its run aborted and frees its leases at once', async () => {
    // The history request is never answered, so the run stays in progress until it is killed.
    const s = await sim();
    s.faults.apply({ kind: 'ignore', match: { message: 'REQ_HISTORICAL_DATA' } });
    const db = path.join(dir, 'bars.db');
    const child = spawnCli(['collect', '--port', String(s.port), '--db', db, '--data-dir', dir, '--symbols', 'AAPL:USD', '--deadline', '600000']);
    const exited = new Promise((r) => child.once('exit', r));
    const leases = () => (existsSync(path.join(dir, 'leases')) ? readdirSync(path.join(dir, 'leases')).filter((f) => f.endsWith('.lease')) : []);
    try {
      await until(() => s.gateway.journal.query({ type: 'REQ_HISTORICAL_DATA', dir: 'in' }).length > 0, 60_000, 'the history request');
      expect(leases()).toHaveLength(1);
      expect(query(db, "SELECT id FROM runs WHERE status = 'running'")).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // The lease is 30 s long: it is still unexpired, but its owner is gone.
    const next = await createCollector({ port: s.port, dataDir: dir, dbPath: db });
    try {
      expect(leases()).toEqual([]);
      const [run] = query<{ status: string; pid: number; errors: string }>(db, 'SELECT status, pid, errors FROM runs');
      expect(run).toMatchObject({ status: 'aborted', pid: child.pid });
      expect(JSON.parse(run!.errors)[0].message).toMatch(/ended without finishing the run/);
    } finally {
      await next.close();
    }
  });
});
