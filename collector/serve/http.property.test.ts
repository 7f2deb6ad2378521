/**
 * A fuzz of `serve`'s HTTP API, as users run it: a real `ibkr-harness serve` process in front of
 * the simulator over real TCP, sent random bodies (any JSON, malformed text, the known fields with
 * values of every type, tiny and huge numbers). Every answer is a JSON 200 / 4xx / 502 / 504, never
 * a 500, and the process is still up and healthy at the end (before the fix, one tiny deadline
 * made it exit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { propertyParams } from '../../common/testing/property-params.ts';
import { startSimulator, type Simulator } from '../../simulator/simulator.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FILE = 'collector/serve/http.property.test.ts';

let sim: Simulator;
let dir: string;
let child: ChildProcess;
let url: string;
let stderr = '';

beforeAll(async () => {
  sim = await startSimulator({ port: 0, profile: 'instant', seed: 1 });
  dir = mkdtempSync(path.join(tmpdir(), 'serve-fuzz-'));
  const env = { ...process.env };
  delete env.IBKR_HOST;
  delete env.IBKR_PORT;
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bin/ibkr-harness.ts', 'serve', '--port', '0', '--gateway-port', String(sim.port), '--data-dir', dir, '--log-level', 'error'],
    { cwd: ROOT, env },
  );
  let stdout = '';
  child.stderr!.on('data', (d) => (stderr += d));
  url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start: ${stdout} ${stderr}`)), 60_000);
    child.stdout!.on('data', (d) => {
      stdout += d;
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
  });
}, 90_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('close', r));
    child.kill('SIGTERM');
    await exited;
  }
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const odd = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    1e-9,
    1e-3,
    0,
    -1,
    99,
    100,
    1e308,
    Number.MAX_SAFE_INTEGER,
    'AAPL:USD',
    'MSFT',
    'TTE',
    'NOSUCH',
    '1 D',
    '1 hour',
    'TRADES',
    'SCHEDULE',
    'USD',
  ),
  fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('AAPL:USD', 'MS:FT:X')), { maxLength: 6 }),
  fc.object({ maxDepth: 1 }),
);
const FIELDS = ['symbol', 'currency', 'primaryExchange', 'secType', 'deadlineMs', 'symbols', 'duration', 'barSize', 'whatToShow', 'useRTH'] as const;
const fields = fc.dictionary(fc.constantFrom(...FIELDS), odd, { maxKeys: 6 });
/** A valid body of either route with up to two fields replaced by odd values: reaches the gateway often. */
const valid = fc.constantFrom<Record<string, unknown>>(
  { symbol: 'AAPL:USD' },
  { symbol: 'TTE' },
  { symbol: 'NOSUCH', deadlineMs: 500 },
  { symbols: ['AAPL:USD', 'MSFT:USD'], duration: '1 D', barSize: '1 hour' },
  { symbols: 'TTE:EUR', duration: '2 D', barSize: '1 day', whatToShow: 'MIDPOINT', useRTH: false },
);
const nearlyValid = fc
  .tuple(valid, fc.dictionary(fc.constantFrom(...FIELDS), odd, { maxKeys: 2 }), fc.boolean())
  .map(([b, changes, apply]) => JSON.stringify(apply ? { ...b, ...changes } : b));
const body = fc.oneof(
  { weight: 3, arbitrary: nearlyValid },
  { weight: 3, arbitrary: fields.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
);

describe('serve HTTP fuzz', () => {
  it('every body gets a JSON answer other than 500, and the process stays up', async () => {
    const answered = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/qualify', '/collect'), body, async (route, text) => {
        const res = await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
        const json = (await res.json()) as { error?: unknown; code?: unknown };
        answered.set(res.status, (answered.get(res.status) ?? 0) + 1);
        expect([200, 400, 413, 502, 504]).toContain(res.status);
        if (res.status >= 400) expect([typeof json.error, typeof json.code]).toEqual(['string', 'string']);
      }),
      propertyParams(FILE, 150),
    );
    expect(child.exitCode, stderr).toBeNull();
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(stderr).not.toMatch(/unhandled|uncaught/i);
    // The fuzz reached past validation too, not only 400s.
    expect(answered.get(200) ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
