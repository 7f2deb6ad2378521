/**
 * `ibkr-harness wait` over real TCP: a ready simulator, a port where an HTTP server answers, a
 * closed port, a taken probe id (326), a port that accepts and stays silent, and a gateway that
 * comes up while the probe is already waiting.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator/simulator.ts';
import { WireClient } from '../simulator/testing/wire-client.ts';
import { waitCommand } from './cli/wait.ts';
import { runCli } from './testing/run-cli.ts';
import { PROBE_CLIENT_ID, waitForGateway } from './wait.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function simulator(port = 0): Promise<Simulator> {
  const sim = await startSimulator({ port, profile: 'instant', seed: 1 });
  cleanup.push(() => sim.close());
  return sim;
}

/** A port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  cleanup.push(() => new Promise((r) => server.close(r)));
  return (server.address() as net.AddressInfo).port;
}

describe('ibkr-harness wait', () => {
  it('exits 0 on a ready simulator: handshake, START_API, NEXT_VALID_ID and MANAGED_ACCTS, then a clean close', async () => {
    const sim = await simulator();
    const run = await runCli(waitCommand(), ['--port', String(sim.port), '--timeout', '5']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`^ready: 127\\.0\\.0\\.1:${sim.port} \\(server version 178, 1 managed account\\) after [\\d.]+ s, 1 attempt$`));

    const result = await waitForGateway({ port: sim.port, timeoutMs: 5000 });
    expect(result).toMatchObject({ ready: true, serverVersion: 178, accounts: ['DU0118471'], attempts: 1 });
    // The probe logged in with its own id and closed cleanly: the id is free again at once.
    expect(sim.gateway.sessionCount).toBe(0);
    const again = await WireClient.ready({ port: sim.port, clientId: PROBE_CLIENT_ID });
    cleanup.push(() => again.close());
  });

  it('exits 1 on a port where an HTTP server answers, quoting what it said', async () => {
    const port = await listen(http.createServer((_req, res) => res.end('hello')));
    const run = await runCli(waitCommand(), ['--port', String(port), '--timeout', '5']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`not ready: 127.0.0.1:${port}`);
    expect(run.stderr).toContain('is not a TWS API port: it answered "HTTP/1.1 400 Bad Request"');
    // Not an API port is a final answer: no point waiting out the timeout.
    expect(run.stderr).toMatch(/after [\d.]+ s, 1 attempt:/);
  });

  it('exits 1 on a closed port with "connection refused", after retrying until the timeout', async () => {
    const port = await closedPort();
    const run = await runCli(waitCommand(), ['--port', String(port), '--timeout', '0.4', '--interval', '0.1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`connection refused: nothing listens on 127.0.0.1:${port}`);
    const attempts = Number(/, (\d+) attempts:/.exec(run.stderr)?.[1]);
    expect(attempts).toBeGreaterThan(1);
  });

  it('exits 1 with the 326 reason when the probe id is taken, and names the option to choose another', async () => {
    const sim = await simulator();
    const holder = await WireClient.ready({ port: sim.port, clientId: 4242 });
    cleanup.push(() => holder.close());
    const run = await runCli(waitCommand(), ['--port', String(sim.port), '--timeout', '5', '--client-id', '4242']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('client id 4242 is already in use (error 326: Unable to connect as the client id is already in use');
    expect(run.stderr).toContain('choose another with --client-id');
    expect(run.stderr).toMatch(/1 attempt:/);
  });

  it("reports too many clients, and the gateway's own error text when it refuses the login", async () => {
    const full = await startSimulator({ port: 0, profile: 'instant', seed: 1, overrides: { connections: { maxClients: 1 } } });
    cleanup.push(() => full.close());
    const holder = await WireClient.ready({ port: full.port, clientId: 1 });
    cleanup.push(() => holder.close());
    const crowded = await waitForGateway({ port: full.port, timeoutMs: 200, retryIntervalMs: 50 });
    expect(crowded).toMatchObject({ ready: false, code: 'TOO_MANY_CLIENTS', serverVersion: 178 });
    expect(crowded.reason).toContain(
      "the gateway refused another client (error 502: Couldn't connect to TWS. The maximum API connection threshold (1) has been reached.)",
    );
    expect(crowded.attempts).toBeGreaterThan(1);

    const sim = await simulator();
    sim.faults.apply({ kind: 'error', match: { message: 'START_API' }, code: 1100, text: 'Connectivity between IB and Trader Workstation has been lost.' });
    const refused = await waitForGateway({ port: sim.port, timeoutMs: 200, retryIntervalMs: 50 });
    expect(refused).toMatchObject({
      ready: false,
      code: 'GATEWAY_ERROR',
      reason: 'the gateway closed the connection after error 1100: Connectivity between IB and Trader Workstation has been lost.',
    });
  });

  it('reports no handshake reply from a port that accepts and stays silent', async () => {
    const silent: net.Socket[] = [];
    const server = net.createServer((s) => silent.push(s));
    const port = await listen(server);
    cleanup.push(() => {
      for (const s of silent) s.destroy();
    });
    const result = await waitForGateway({ port, timeoutMs: 300, attemptTimeoutMs: 100, retryIntervalMs: 20 });
    expect(result).toMatchObject({ ready: false, code: 'NO_HANDSHAKE_REPLY' });
    // The last attempt gets what is left of timeoutMs, at most attemptTimeoutMs (a loaded host leaves less).
    const within = new RegExp(`^127\\.0\\.0\\.1:${port} accepted the connection but sent no handshake reply within (\\d+) ms$`).exec(result.reason ?? '');
    expect(within, result.reason).not.toBeNull();
    expect(Number(within![1])).toBeGreaterThan(0);
    expect(Number(within![1])).toBeLessThanOrEqual(100);
  });

  it('keeps retrying until a gateway comes up on the port', async () => {
    const port = await closedPort();
    const waiting = waitForGateway({ port, timeoutMs: 10_000, retryIntervalMs: 50 });
    await new Promise((r) => setTimeout(r, 200));
    await simulator(port);
    const result = await waiting;
    expect(result).toMatchObject({ ready: true, serverVersion: 178 });
    expect(result.attempts).toBeGreaterThan(1);
  });

  it('exits 2 on a usage error, naming the bad value', async () => {
    expect(await runCli(waitCommand(), ['--port', 'x4002'])).toMatchObject({ code: 2, stderr: 'error: --port must be a TCP port (1..65535), got "x4002"' });
    expect(await runCli(waitCommand(), ['--timeout', 'soon'])).toMatchObject({
      code: 2,
      stderr: 'error: --timeout must be a number of seconds ≥ 0, got "soon"',
    });
  });

  it('gates a CI step from the shell: `ibkr-harness wait … && <tests>`', async () => {
    const sim = await simulator();
    const cli = path.join(ROOT, 'bin/ibkr-harness.mjs');
    const { stdout } = await promisify(execFile)(
      'sh',
      ['-c', `"${process.execPath}" "${cli}" wait --port ${sim.port} --timeout 10 --quiet && echo tests-run`],
      {
        cwd: ROOT,
      },
    );
    expect(stdout.trim()).toBe('tests-run');
  });
});
