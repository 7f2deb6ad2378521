/**
 * `collect --coordination`: the real CLI as a child process against a simulator in this process
 * and a real redis-server. A good URL coordinates through Redis (its keys show the leases'
 * fencing counter, the login's pacing windows and the shared qualifications); a bad one is a
 * usage error naming the flag; an unreachable Redis is named, with a hint, before anything is
 * collected.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../simulator/simulator.ts';
import { closedPort } from '../testing/env.ts';
import { redisAvailable, startRedis, type RedisServer } from './testing/redis-server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function collect(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.IBKR_HOST;
  delete env.IBKR_PORT;
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/ibkr-harness.ts', 'collect', ...args], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

const haveRedis = redisAvailable();

describe.runIf(haveRedis)('collect --coordination', { timeout: 90_000 }, () => {
  let redis: RedisServer;
  let sim: Simulator;
  let dir: string;

  beforeAll(async () => {
    redis = await startRedis();
    sim = await startSimulator({ port: 0, profile: 'instant', seed: 1 });
    dir = mkdtempSync(path.join(tmpdir(), 'collect-redis-'));
  });
  afterAll(async () => {
    await sim?.close();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('redis://…: collects through Redis — fencing counter, pacing windows and qualifications are kept there under the prefix and login', async () => {
    const login = `127.0.0.1:${sim.port}`;
    const client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    try {
      // A namespace on a Redis that has been up for longer than a lease TTL (a fresh server
      // would first hold new leases back for one TTL, 30 s by default: see scripts.ts).
      await client.hset(`cli:{${login}}:born`, 'epoch', '1', 'until', '0');
      const r = await collect([
        '--port',
        String(sim.port),
        '--data-dir',
        dir,
        '--coordination',
        `${redis.url}/0?prefix=cli`,
        '--symbols',
        'AAPL:USD,MSFT:USD',
        '--duration',
        '1 D',
        '--bar',
        '1 hour',
        '--log-level',
        'silent',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/run \d+ succeeded: 2 of 2 collected/);
      expect(Number(await client.get(`cli:{${login}}:fence`))).toBeGreaterThan(0);
      expect(await client.zcard(`cli:{${login}}:pace:all`)).toBe(2);
      expect((await client.keys(`cli:{${login}}:qualified:*`)).length).toBe(2);
      // The lease was released on exit.
      expect(await client.keys(`cli:{${login}}:lease:*`)).toEqual([]);
    } finally {
      client.disconnect();
    }
  });

  it('a malformed setting is a usage error naming the flag and the accepted forms', async () => {
    const r = await collect(['--port', String(sim.port), '--data-dir', dir, '--coordination', 'mysql://db:3306']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--coordination: unsupported scheme "mysql:"; use "files" or redis:\/\/host:port/);
  });

  it('an unreachable Redis is named, with a hint, before anything is collected', async () => {
    const port = await closedPort();
    const r = await collect(['--port', String(sim.port), '--data-dir', dir, '--coordination', `redis://127.0.0.1:${port}`, '--symbols', 'AAPL:USD']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `coordination store redis://127\\.0\\.0\\.1:${port} \\(prefix ibkr-harness\\) is unreachable; cannot connect: .*Hint: is redis-server running`,
      ),
    );
  });
});
