/**
 * `ibkr-harness collect` end to end: the real CLI as a child process, the simulator over real TCP
 * in this process (so its journal is readable), real SQLite files checked with better-sqlite3.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator/simulator.ts';
import { cli, ROOT } from './testing/cli.ts';
import { coverageLines } from './cli.ts';

const FIVE = 'TTE:EUR,WLN:EUR,AAPL:USD,TSLA:USD,MSFT:USD';

/** The table row of one symbol, split into cells. */
function row(out: string, symbol: string): string[] {
  const line = out.split('\n').find((l) => l.startsWith(`${symbol} `));
  if (!line) throw new Error(`no row for ${symbol} in:\n${out}`);
  return line.trim().split(/\s{2,}/);
}

function barCounts(file: string): Map<number, number> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT con_id AS conId, count(*) AS n FROM bars GROUP BY con_id').all() as Array<{ conId: number; n: number }>;
    return new Map(rows.map((r) => [r.conId, r.n]));
  } finally {
    db.close();
  }
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

let dir: string;
let sim: Simulator | undefined;
// Every directory made, removed at the end: with concurrent tests `dir` is overwritten before
// each test's afterEach runs, so removing `dir` there would remove one directory several times.
const dirs: string[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'collect-cli-'));
  dirs.push(dir);
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Each test starts CLI processes (tsx compiles on start-up): generous timeouts for loaded machines.
describe('ibkr-harness collect', { timeout: 90_000 }, () => {
  it('collects the five incident symbols; a second run adds nothing', async () => {
    sim = await startSimulator({ port: 0, profile: 'instant', seed: 1 });
    const db = path.join(dir, 'bars.db');
    const args = ['collect', '--port', String(sim.port), '--db', db, '--data-dir', dir, '--symbols', FIVE, '--duration', '1 D', '--bar', '1 hour'];
    const first = await cli(args);
    expect(first.code, first.stderr).toBe(0);
    // Piped (not a TTY): no progress line, no logs, nothing on stderr at the default level.
    expect(first.stderr).toBe('');
    const conIds = { 'TTE:EUR': '900000001', 'WLN:EUR': '900000003', 'AAPL:USD': '265598', 'TSLA:USD': '76792991', 'MSFT:USD': '272093' };
    for (const [symbol, conId] of Object.entries(conIds)) expect(row(first.stdout, symbol).slice(0, 3)).toEqual([symbol, 'ok', conId]);
    expect(row(first.stdout, 'TTE:EUR')[3]).toBe('SMART/SBF');
    const counts = barCounts(db);
    expect([...counts.keys()].sort()).toEqual(Object.values(conIds).map(Number).sort());
    for (const n of counts.values()) expect(n).toBeGreaterThan(0);

    const second = await cli(args);
    expect(second.code, second.stderr).toBe(0);
    for (const symbol of Object.keys(conIds)) expect(row(second.stdout, symbol)[6]).toBe('0'); // ADDED
    expect(barCounts(db)).toEqual(counts);
  });

  it('a bare TTE is ambiguous with both listings; the others are still collected; exit 1', async () => {
    sim = await startSimulator({ port: 0, profile: 'instant', seed: 1 });
    const db = path.join(dir, 'bars.db');
    const r = await cli(['collect', '--port', String(sim.port), '--db', db, '--data-dir', dir, '--symbols', 'TTE,WLN:EUR,AAPL:USD', '--log-level', 'silent']);
    expect(r.code).toBe(1);
    expect(row(r.stdout, 'TTE').slice(0, 5)).toEqual(['TTE', 'ambiguous', '900000001|900000002', 'SMART/SBF|SMART/NYSE', 'EUR|USD']);
    expect(r.stdout).toMatch(/TTE: ambiguous: .*900000001 SBF\/EUR, 900000002 NYSE\/USD.*TTE:EUR or TTE:USD/);
    expect(row(r.stdout, 'WLN:EUR')[1]).toBe('ok');
    expect(row(r.stdout, 'AAPL:USD')[1]).toBe('ok');
    expect(r.stderr).toContain('1 of 3 symbols not collected: TTE ambiguous');
    expect([...barCounts(db).keys()].sort()).toEqual([265598, 900000003]);
  });

  it('an unknown symbol is reported unknown; exit 1; --json is machine-readable', async () => {
    sim = await startSimulator({ port: 0, profile: 'instant', seed: 1 });
    const r = await cli(['collect', '--port', String(sim.port), '--data-dir', dir, '--symbols', 'NOSUCH:USD,AAPL:USD', '--json', '--log-level', 'silent']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ status: 'partial', strategy: 'pooled', db: path.join(dir, 'ibkr-harness.db') });
    expect(out.results[0]).toMatchObject({ symbol: 'NOSUCH:USD', status: 'unknown', error: { code: 'NO_SECURITY_DEFINITION' } });
    expect(out.results[1]).toMatchObject({ symbol: 'AAPL:USD', status: 'ok', conId: 265598 });
  });

  it('gateway down: GatewayUnreachable naming the address, within the deadline, exit 3', async () => {
    const port = await closedPort();
    const r = await cli([
      'collect',
      '--port',
      String(port),
      '--data-dir',
      dir,
      '--symbols',
      'AAPL:USD,MSFT:USD',
      '--deadline',
      '1500',
      '--log-level',
      'silent',
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`AAPL:USD, MSFT:USD: failed: cannot reach gateway at 127.0.0.1:${port}`);
    expect(r.stderr).toMatch(new RegExp(`^error: no gateway connection, nothing collected: cannot reach gateway at 127\\.0\\.0\\.1:${port}`));
    // A failed symbol's coverage never reads as success (it said "held all of the window (… → …), no gaps").
    expect(r.stdout).not.toMatch(/held all|no gaps/);
    for (const line of r.stdout.split('\n').filter((l) => /^(AAPL|MSFT):USD: /.test(l) && !/failed/.test(l))) expect(line).toMatch(/: nothing held/);
    // Measured inside the process (TIME column): start-up time on a loaded machine says nothing.
    const [, status, , , , , , time] = row(r.stdout, 'AAPL:USD');
    expect(status).toBe('failed');
    expect(time).toMatch(/^1\.[5-9] s$/);
  });

  it('a corrupt database file: one clear line naming the file, exit 2, nothing written', async () => {
    const db = path.join(dir, 'corrupt.db');
    const bytes = randomBytes(8192);
    writeFileSync(db, bytes);
    const r = await cli(['collect', '--port', '1', '--db', db, '--data-dir', path.join(dir, 'data')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^error: database file is corrupt or not a SQLite database \\(${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`)),
    ]);
    expect(readFileSync(db).equals(bytes)).toBe(true);
    expect(readdirSync(dir)).toEqual(['corrupt.db']);
  });

  it('a --db whose folder cannot be made: the error names --db (not the library option), exit 2', async () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    const r = await cli(['collect', '--port', '1', '--db', path.join(file, 'sub', 'x.db'), '--data-dir', path.join(dir, 'data')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: --db: cannot create the folder .*a-file\/sub for the database: ENOTDIR/);
  });

  it.concurrent.each([
    [['--strategy', 'round-robin'], /argument 'round-robin' is invalid. Allowed choices are per-page, timeout-wrapper, task-random-id, singleton, pooled/],
    [['--symbols', 'AAPL:USD,MS FT:USDOLLAR'], /^error: --symbols item 2: "MS FT:USDOLLAR": currency "USDOLLAR"/],
    [['--bar', '1 hours'], /^error: --bar: "1 hours" is not a bar size; legal ones are 1 secs/],
    [['--duration', '1 day'], /^error: --duration: "1 day" is not a duration/],
    [['--port', 'http'], /--port must be an integer/],
    [['--what', 'SCHEDULE'], /^error: --what: SCHEDULE answers with trading sessions, not bars/],
    [['--watchdog-timeout', '-1'], /--watchdog-timeout must be between 0 and/],
    [['--duration', '9999 Y', '--bar', '1 min'], /^error: --duration: "9999 Y" reaches back further than the 68 Y IB lists as its longest duration/],
    [
      ['--duration', '2 Y', '--bar', '1 min'],
      /^error: --duration: "2 Y" of "1 min" bars needs about 730 requests, more than the collector's cap of 720 .*a larger bar size or a shorter duration$/,
    ],
  ])('bad input %j: one-line error, exit 2, nothing written', async (args, message) => {
    // Concurrent (process start-up dominates), so each has its own directory.
    const own = mkdtempSync(path.join(tmpdir(), 'collect-cli-bad-'));
    try {
      const r = await cli(['collect', '--data-dir', path.join(own, 'data'), ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
      expect(existsSync(path.join(own, 'data'))).toBe(false);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('four pooled collect processes at once share the lease dir: four distinct client ids, no 326', async () => {
    // Slow history answers keep each process connected for a while, so all four hold their ids at
    // once; the same --seed makes them all try the same id first, so only the leases keep them apart.
    sim = await startSimulator({ port: 0, profile: 'lynx-paper', seed: 1, timeScale: 0.05, overrides: { history: { service: { median: 60_000, sigma: 0 } } } });
    const runs = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        cli(
          [
            'collect',
            '--strategy',
            'pooled',
            '--port',
            String(sim!.port),
            '--time-scale',
            '0.05',
            '--data-dir',
            dir,
            '--db',
            path.join(dir, `w${i}.db`),
            '--seed',
            '7',
            '--deadline',
            '200000',
            '--json',
            '--log-level',
            'silent',
          ],
          90_000,
        ),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const outs = runs.map((r) => JSON.parse(r.stdout) as { clientId: number; results: Array<{ status: string }> });
    for (const o of outs) expect(o.results.map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    const errors = sim.gateway.journal.query({ type: 'ERR_MSG' }).map((e) => e.message.code);
    expect(errors).not.toContain(326);
    const ids = sim.gateway.journal.query({ type: 'START_API' }).map((e) => e.message.clientId as number);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    expect(new Set(outs.map((o) => o.clientId))).toEqual(new Set(ids));
    // Every process released its lease on the way out.
    expect(readdirSync(path.join(dir, 'leases')).filter((f) => f.endsWith('.lease'))).toEqual([]);
  }, 120_000);
});

describe('ibkr-harness serve', { timeout: 90_000 }, () => {
  it('serves over HTTP and stops cleanly on SIGTERM, releasing its lease', async () => {
    sim = await startSimulator({ port: 0, profile: 'instant', seed: 1 });
    const env = { ...process.env };
    delete env.IBKR_HOST;
    delete env.IBKR_PORT;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bin/ibkr-harness.ts', 'serve', '--port', '0', '--gateway-port', String(sim.port), '--data-dir', dir, '--log-level', 'warn'],
      { cwd: ROOT, env },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`serve did not start: ${stdout}`)), 60_000);
      child.stdout.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(stdout);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
    try {
      const q = await fetch(`${url}/qualify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ symbol: 'AAPL:USD' }),
      });
      expect(await q.json()).toMatchObject({ kind: 'qualified', contract: { conId: 265598 } });
      expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ state: 'connected', strategy: 'pooled' });
      expect(readdirSync(path.join(dir, 'leases')).filter((f) => f.endsWith('.lease'))).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('serve stopped');
    expect(readdirSync(path.join(dir, 'leases')).filter((f) => f.endsWith('.lease'))).toEqual([]);
  });
});

describe('coverage lines', () => {
  it('a failed symbol that holds nothing says so plainly, never "held all of the window (…), no gaps"', () => {
    const end = Date.UTC(2026, 11, 1, 5, 18) / 1000;
    const failed = {
      symbol: 'AAPL:USD',
      status: 'failed',
      ms: 10,
      coverage: { window: { start: null, end }, held: [], noData: [], gaps: [], formingFrom: null },
    };
    expect(coverageLines([failed] as never)).toEqual(['AAPL:USD: nothing held']);
    const placed = { ...failed, coverage: { ...failed.coverage, window: { start: end - 3600, end }, gaps: [{ start: end - 3600, end }] } };
    expect(coverageLines([placed] as never)).toEqual([
      'AAPL:USD: nothing held of the window (2026-12-01 04:18 → 05:18 UTC), 1 gap(s): 2026-12-01 04:18 → 05:18 UTC',
    ]);
  });
});
