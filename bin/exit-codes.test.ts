/**
 * The exit-code convention (common/exit-codes.ts, README "Exit codes") for every subcommand: each
 * code a subcommand can return is provoked and checked. The CLI runs in-process through
 * `run()` (what bin/ibkr-harness.ts runs, minus process start-up), and two spawned processes
 * check that the real binary exits with the code `run()` returns.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closedPort } from '../collector/testing/env.ts';
import { exitCodeOf } from '../common/exit-codes.ts';
import { PublishError } from '../reports/publish/http-retry.ts';
import { alter } from '../reports/testing/bench-fixtures.ts';
import { startSimulator, type Simulator } from '../simulator/simulator.ts';
import { run } from './program.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Outcome {
  code: number;
  out: string;
  err: string;
}

/** One CLI invocation in this process, its output captured. */
async function cli(...args: string[]): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const text = (xs: unknown[]) => `${xs.map(String).join(' ')}\n`;
  const spies = [
    vi.spyOn(console, 'log').mockImplementation((...xs) => void out.push(text(xs))),
    vi.spyOn(console, 'error').mockImplementation((...xs) => void err.push(text(xs))),
    vi.spyOn(console, 'warn').mockImplementation((...xs) => void err.push(text(xs))),
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0),
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => err.push(String(s)) > 0),
  ];
  try {
    const code = await run(['node', 'ibkr-harness', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

let dir: string;
let paper: Simulator;
let live: Simulator;
let closed: number;
let webhook: Server;
let hook: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'exit-codes-'));
  paper = await startSimulator({ port: 0, profile: 'instant', seed: 1 });
  live = await startSimulator({ port: 0, profile: 'instant', seed: 1, overrides: { accounts: ['U1234567'] } });
  closed = await closedPort();
  // A webhook that takes what it is sent, except on /bad (a 400: the URL is wrong).
  webhook = createHttpServer((req, res) => {
    req.resume();
    res.statusCode = req.url === '/bad' ? 400 : 200;
    res.end('{}');
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  hook = `http://127.0.0.1:${(webhook.address() as { port: number }).port}`;
});

afterAll(async () => {
  await paper?.close();
  await live?.close();
  await new Promise((r) => webhook?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('exit codes: 0 success, 1 the check failed, 2 usage or input, 3 gateway unreachable', () => {
  it('the program: an unknown subcommand, none at all, a bad flag are usage errors; --help is not', async () => {
    expect(await cli('nosuch')).toMatchObject({ code: 2, err: expect.stringMatching(/^error: unknown command 'nosuch'/) });
    expect((await cli()).code).toBe(2);
    expect((await cli('--help')).code).toBe(0);
    const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(await cli('--version')).toMatchObject({ code: 0, out: `${version}\n` });
    expect((await cli('collect', '--no-such-flag')).code).toBe(2);
  });

  it('sim: a bad value, an unknown profile field, a busy port are usage errors (0 on SIGTERM: spawned below)', async () => {
    expect((await cli('sim', '--port', 'x')).code).toBe(2);
    expect(await cli('sim', '--port', '0', '--log-format', 'xml')).toMatchObject({ code: 2, err: expect.stringContaining('Allowed choices are json, human') });
    const zoneless = await cli('sim', '--port', '0', '--start', '2026-11-30T15:00:00');
    expect(zoneless).toMatchObject({ code: 2, err: expect.stringContaining('--start must be an ISO 8601 time with its zone') });
    const unknownField = await cli('sim', '--port', '0', '--set', 'secdef.nosuch=1', '--log-level', 'silent');
    expect(unknownField).toMatchObject({ code: 2, err: expect.stringContaining('unknown field "secdef.nosuch"') });
    const busy = await cli('sim', '--port', String(paper.port), '--log-level', 'silent');
    expect(busy).toMatchObject({ code: 2, err: expect.stringContaining('EADDRINUSE') });
  });

  it('collect: 0 collected, 1 a symbol not, 2 bad input or a live account, 3 no gateway', async () => {
    // Each run its own data directory: a symbol already in the store needs no gateway at all.
    const common = (name: string) => ['--data-dir', file(name), '--log-level', 'silent', '--duration', '1 D', '--bar', '1 hour'];
    expect((await cli('collect', '--port', String(paper.port), '--symbols', 'AAPL:USD', ...common('c0'))).code).toBe(0);
    expect((await cli('collect', '--port', String(paper.port), '--symbols', 'NOSUCH:USD', ...common('c1'))).code).toBe(1);
    expect((await cli('collect', '--port', 'x', ...common('c2'))).code).toBe(2);
    const refused = await cli('collect', '--port', String(live.port), '--symbols', 'AAPL:USD', ...common('c3'));
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^error: refusing gateway 127\.0\.0\.1:\d+: it manages U1234567, and U1234567 is not a paper account/);
    expect(live.gateway.journal.query({ dir: 'in' }).filter((e) => !['START_API'].includes(e.message.type))).toEqual([]);
    const down = await cli('collect', '--port', String(closed), '--symbols', 'AAPL:USD', '--deadline', '300', ...common('c4'));
    expect(down.code).toBe(3);
    // A port that answers HTTP is the wrong address given (input), as common/exit-codes.ts classes NOT_A_GATEWAY.
    const http = await cli('collect', '--port', String((webhook.address() as { port: number }).port), '--symbols', 'AAPL:USD', ...common('c5'));
    expect([http.code, http.err.split('\n')[0]]).toEqual([2, expect.stringMatching(/^error: not a gateway to collect from, nothing collected: .*/)]);
    expect(http.err).toMatch(/is not an IB gateway: it answered "HTTP\/1\.1 400/);
  });

  it('serve: a bad value is a usage error (0 when stopped: collector/cli.test.ts spawns it)', async () => {
    expect((await cli('serve', '--port', 'x')).code).toBe(2);
    expect((await cli('serve', '--gateway-port', '70000')).code).toBe(2);
  });

  it('scenario: 0 met, 1 a claim failed or judged nothing, 2 unknown name or refused account, 3 no gateway', async () => {
    expect((await cli('scenario', 'run', 'tte-wln-after-fix', '--target', 'virtual')).code).toBe(0);
    // Against a live target the simulator's own timings are not there: that claim judges nothing.
    const unjudged = await cli('scenario', 'run', 'diagnostic-single-client', '--target', 'live', '--port', String(paper.port));
    expect(unjudged.code).toBe(1);
    expect(unjudged.out).toContain('✘ each qualification is answered < 200 ms after it reached the gateway (judged 0 operations) — saw: nothing to judge');
    expect((await cli('scenario', 'run', 'nosuch')).code).toBe(2);
    expect((await cli('scenario', 'run', 'all', '--target', 'nowhere')).code).toBe(2);
    const before = live.gateway.journal.query({ dir: 'in' }).length;
    const refused = await cli('scenario', 'run', 'tte-wln-after-fix', '--target', 'live', '--port', String(live.port));
    expect(refused.code).toBe(2);
    expect(refused.err.split('\n')[0]).toMatch(/^error: refusing gateway .*U1234567 is not a paper account .*add --i-know-this-is-live/);
    const abusive = await cli('scenario', 'run', 'message-rate-100', '--target', 'live', '--port', String(live.port), '--i-know-this-is-live');
    expect(abusive.code).toBe(2);
    expect(abusive.err).toMatch(/scenario message-rate-100 is abusive: a burst of 150 requests/);
    // Refused before any request: the gateway saw handshakes and nothing else.
    const seen = live.gateway.journal.query({ dir: 'in' }).slice(before);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((e) => e.message.type !== 'START_API')).toEqual([]);
    const down = await cli('scenario', 'run', 'tte-wln-after-fix', '--target', 'live', '--port', String(closed));
    expect(down.code).toBe(3);
    expect(down.err.split('\n')[0]).toBe(`error: cannot reach gateway at 127.0.0.1:${closed}: connect ECONNREFUSED 127.0.0.1:${closed}`);
  });

  it('repro: 0 when the incident reproduces, 2 on a bad value (1: a failed expectation, not provoked on a working build)', async () => {
    expect((await cli('repro', '--target', 'virtual', '--out', file('repro'))).code).toBe(0);
    expect((await cli('repro', '--seed', 'x')).code).toBe(2);
  });

  it('bench and report: 0 no regression, 1 a regression, 2 bad input or runs that cannot be compared, 3 no gateway', async () => {
    const small = ['--workloads', '2sym-1p1t', '--seeds', '1', '--strategies', 'pooled,per-page', '--no-progress'];
    expect((await cli('bench', ...small, '--out', file('a'))).code).toBe(0);
    const a = JSON.parse(readFileSync(file('a/results.json'), 'utf8'));
    // A baseline in which pooled was twice as fast: the current code is a regression against it.
    writeFileSync(file('faster.json'), JSON.stringify(alter(a, 'pooled', (r) => void (r.metrics.makespanMs /= 2))));
    writeFileSync(file('sim.json'), JSON.stringify({ ...a, environment: { ...a.environment, target: 'sim', timeScale: 0.02, repeats: 3 } }));
    writeFileSync(file('garbled.json'), '{"schema": "ibkr-harness/bench@1"');

    expect((await cli('bench', ...small, '--out', file('b'), '--baseline', file('faster.json'))).code).toBe(1);
    const mixed = await cli('bench', ...small, '--out', file('c'), '--baseline', file('sim.json'));
    expect(mixed).toMatchObject({
      code: 2,
      err: expect.stringContaining('cannot compare these runs: environment.target differs: baseline sim, current virtual'),
    });
    expect((await cli('bench', '--workloads', 'nosuch', '--out', file('d'))).code).toBe(2);
    expect((await cli('bench', ...small, '--target', 'live', '--port', String(closed), '--out', file('e'))).code).toBe(3);

    const current = ['--current', file('a/results.json')];
    expect((await cli('report', '--baseline', file('a/results.json'), ...current, '--out', file('r0'))).code).toBe(0);
    expect((await cli('report', '--baseline', file('faster.json'), ...current, '--out', file('r1'))).code).toBe(1);
    expect((await cli('report', '--baseline', file('missing.json'), ...current)).code).toBe(2);
    expect((await cli('report', '--baseline', file('garbled.json'), ...current)).code).toBe(2);
    const refused = await cli('report', '--baseline', file('sim.json'), ...current, '--out', file('r2'));
    expect(refused).toMatchObject({ code: 2, err: expect.stringContaining('environment.target differs') });
  });

  it('publish: 0 posted, 2 nothing to do, no report, or a 4xx (1: 5xx or network after the retries)', async () => {
    const md = file('a/report.md');
    writeFileSync(md, '# report\n');
    expect((await cli('publish', '--report', md, '--webhook', `${hook}/ok`)).code).toBe(0);
    expect((await cli('publish', '--report', md)).code).toBe(2);
    expect((await cli('publish', '--report', file('missing.md'), '--webhook', `${hook}/ok`)).code).toBe(2);
    expect((await cli('publish', '--report', md, '--webhook', `${hook}/bad`)).code).toBe(2);
    // Retried for seconds before it gives up, so checked on the error rather than end to end.
    expect(exitCodeOf(new PublishError('webhook: 502 Bad Gateway after 4 attempts', 502))).toBe(1);
    expect(exitCodeOf(new PublishError('webhook: fetch failed (gave up after 4 attempts)'))).toBe(1);
  });
  it('wait, record, replay, diff: 0 ready / no difference, 1 not ready / a difference, 2 bad input, 3 no gateway to diff against', async () => {
    expect((await cli('wait', '--port', String(paper.port), '--timeout', '5')).code).toBe(0);
    const down = await cli('wait', '--port', String(closed), '--timeout', '0.2');
    expect(down.code).toBe(1);
    expect(down.err).toContain('refused');
    expect((await cli('wait', '--port', 'x')).code).toBe(2);
    expect((await cli('record', '--upstream', 'nowhere', '--out', file('c.jsonl'))).code).toBe(2);
    expect((await cli('replay', file('missing.jsonl'))).code).toBe(2);
    for (const cmd of ['record', 'replay', 'collect', 'serve'])
      expect(await cli(cmd, '--log-format', 'yaml'), cmd).toMatchObject({
        code: 2,
        err: expect.stringContaining("option '--log-format <format>' argument 'yaml' is invalid"),
      });
    const capture = path.join(ROOT, 'docs/captures/stoqey-aapl-history.jsonl');
    expect((await cli('diff', capture, '--against', `127.0.0.1:${closed}`)).code).toBe(3);
    writeFileSync(file('garbled.jsonl'), 'not a capture\n');
    expect((await cli('diff', file('garbled.jsonl'))).code).toBe(2);
  });
});

describe('the real binary exits with those codes', () => {
  function spawnCli(args: string[], untilOut?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env = { ...process.env };
    delete env.IBKR_HOST;
    delete env.IBKR_PORT;
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/ibkr-harness.ts', ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    // The SIGKILL backstop counts from the SIGTERM (or from the start when there is none), so a slow
    // start on a loaded host is not mistaken for a simulator that ignored its signal.
    let killer = setTimeout(() => child.kill('SIGKILL'), 80_000);
    let signalled = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!signalled && untilOut?.test(stdout)) {
        signalled = true;
        child.kill('SIGTERM');
        clearTimeout(killer);
        killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    return new Promise((resolve) =>
      child.on('close', (code) => {
        clearTimeout(killer);
        resolve({ code, stdout, stderr });
      }),
    );
  }

  it('3 for a live scenario with no gateway (the error first), 0 for a simulator stopped by SIGTERM', async () => {
    const [down, sim] = await Promise.all([
      spawnCli(['scenario', 'run', 'tte-wln-pooled', '--target', 'live', '--port', String(closed)]),
      spawnCli(['sim', '--port', '0', '--log-level', 'silent'], /listening on/),
    ]);
    expect(down.code, down.stderr).toBe(3);
    expect(down.stderr.split('\n')[0]).toMatch(/^error: cannot reach gateway at 127\.0\.0\.1:\d+/);
    expect(sim.code, sim.stderr).toBe(0);
    expect(sim.stdout).toContain('simulator stopped');
  }, 120_000);
});
