/**
 * The gateway said no, over real TCP with @stoqey/ib: IB's errors end requests at once with IB's
 * code and text (docs/wire-facts/request-ends.md#which-codes-end-which-request), and each way a
 * connection is refused is named as what it is
 * (docs/wire-facts/request-ends.md#how-a-gateway-refuses-a-connection).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RealClock, ScaledClock } from '../common/clock.ts';
import { IbError } from '../common/ib/errors.ts';
import { startSimulator, type Simulator } from '../simulator/simulator.ts';
import { StoqeyConnector } from './adapters/stoqey-connector.ts';
import { createCollector, type Collector } from './collector.ts';
import type { GatewayConnection } from './gateway-client.ts';

let sim: Simulator | undefined;
let dir: string;
const open: Collector[] = [];
const fillers: GatewayConnection[] = [];
const servers: Array<{ close(cb: () => void): unknown }> = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'refusals-'));
});
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  for (const f of fillers.splice(0)) f.close();
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
  await sim?.close();
  sim = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function collector(port: number, opts: Parameters<typeof createCollector>[0] = {}): Promise<Collector> {
  const c = await createCollector({ port, dataDir: dir, seed: 3, ...opts });
  open.push(c);
  return c;
}

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

describe('IB errors end requests', () => {
  it('a 321 (a request the gateway refuses as sent) ends the symbol at once with IB code and text, not at the deadline', async () => {
    sim = await startSimulator({ port: 0, profile: 'instant', seed: 1 });
    // The simulator refuses every input the collector lets through only with a 322 "not simulated"
    // (next test), so the gateway's 321 is sent by the error fault, with IB's text.
    const refusal = IbError.validation('bM', 'Historical data bar size setting is invalid.');
    sim.faults.apply({ kind: 'error', code: refusal.code, text: refusal.message, match: { message: 'REQ_HISTORICAL_DATA' } });
    const c = await collector(sim.port);
    const out = await c.collect({ symbols: 'AAPL:USD', duration: '1 D', barSize: '1 hour', deadlineMs: 60_000 });
    const [r] = out.results;
    expect(r).toMatchObject({ symbol: 'AAPL:USD', status: 'failed', error: { code: 'GATEWAY_REJECTED' } });
    expect(r!.error!.message).toContain('error 321');
    expect(r!.error!.message).toContain(refusal.message);
    expect(r!.error!.hint).toMatch(/fix the input/);
    // Ended by the gateway's answer: a fraction of the 60 s deadline (model ms, real clock here).
    expect(r!.ms).toBeLessThan(10_000);
    expect(out.status).toBe('failed');
  });

  it('a 322 (a whatToShow the simulator does not model) ends the symbol at once with IB code and text, not at the deadline', async () => {
    sim = await startSimulator({ port: 0, profile: 'instant', seed: 1 });
    const c = await collector(sim.port);
    const out = await c.collect({ symbols: 'AAPL:USD', duration: '1 D', barSize: '1 hour', whatToShow: 'HISTORICAL_VOLATILITY', deadlineMs: 60_000 });
    const [r] = out.results;
    const sent = sim.gateway.journal.query({ type: 'ERR_MSG' }).find((e) => e.message.code === 322);
    expect(sent, 'the simulator refused the request with a 322').toBeDefined();
    expect(r).toMatchObject({ symbol: 'AAPL:USD', status: 'failed', error: { code: 'GATEWAY_REJECTED' } });
    expect(r!.error!.message).toContain('error 322');
    expect(r!.error!.message).toContain(String(sent!.message.message));
    // The 322 says the simulator does not model it: the hint says so, not "a duplicate request id".
    expect(r!.error!.hint).toMatch(/^the ibkr-harness simulator does not model this request \(docs\/simulated\.md/);
    expect(r!.ms).toBeLessThan(10_000);
    expect(out.status).toBe('failed');
  });
});

describe('refused connections are named', () => {
  it('a full gateway (its 32 API clients): TOO_MANY_CLIENTS with IB text and a hint; no id is marked, so the ui id 1 connects as soon as room is made', async () => {
    sim = await startSimulator({ port: 0, profile: 'instant', seed: 1 });
    expect(sim.gateway.profile.connections.maxClients).toBe(32); // docs/wire-facts/gateway.md#max-32-api-clients
    const connector = new StoqeyConnector({ host: '127.0.0.1', port: sim.port, clock: new RealClock() });
    for (let clientId = 101; clientId < 101 + 32; clientId++) fillers.push(await connector.connect({ clientId, timeoutMs: 5_000 }));

    const ui = await collector(sim.port, { role: 'ui', deadlineMs: 1_500 });
    const refused = await ui.qualify({ symbol: 'AAPL', currency: 'USD' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'TOO_MANY_CLIENTS', ibCode: 502 });
    expect((refused as Error).message).toMatch(/maximum of API clients/);
    expect((refused as { hint?: string }).hint).toMatch(/close idle API connections/);
    expect(ui.health()).toMatchObject({ state: 'unreachable', lastError: { code: 'TOO_MANY_CLIENTS' } });
    const codes = sim.gateway.journal.query({ type: 'ERR_MSG' }).map((e) => e.message.code);
    expect(codes).not.toContain(326);

    // Room is made: a new ui collector gets id 1 at once (nothing was marked in use for 60 s).
    fillers.pop()!.close();
    await ui.close();
    const again = await collector(sim.port, { role: 'ui', deadlineMs: 5_000 });
    await expect(again.qualify({ symbol: 'AAPL', currency: 'USD' })).resolves.toMatchObject({ kind: 'qualified' });
    expect(again.health().clientId).toBe(1);
  });

  it('an HTTP server on the port: NOT_A_GATEWAY quoting what it answered, with a hint about ports', async () => {
    const port = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(400).end();
      }),
    );
    const c = await collector(port, { deadlineMs: 3_000 });
    const err = await c.qualify({ symbol: 'AAPL', currency: 'USD' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_A_GATEWAY', retryable: false });
    expect((err as Error).message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} is not an IB gateway: it answered "HTTP/1\\.1 400`));
    expect((err as { hint?: string }).hint).toMatch(/4002 \(paper\)/);
  });

  it('accepted and closed before the handshake reply: GATEWAY_CLOSED_CONNECTION (restarting), not "connection lost"', async () => {
    const port = await listen(createServer((socket) => socket.destroy()));
    const c = await collector(port, { deadlineMs: 1_500 });
    const err = await c.qualify({ symbol: 'AAPL', currency: 'USD' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GATEWAY_CLOSED_CONNECTION' });
    expect((err as { hint?: string }).hint).toMatch(/restarting/);
  });

  it('a simulator at another time scale: the watchdog sees its clock run at another pace and refuses it with TIME_SCALE_MISMATCH', async () => {
    // The simulator runs in real time; this collector thinks one model second takes 50 ms.
    sim = await startSimulator({ port: 0, profile: 'instant', seed: 1 });
    const c = await collector(sim.port, { clock: new ScaledClock(0.05), watchdog: { intervalMs: 2_000, timeoutMs: 20_000 } });
    await c.connect();
    const deadline = Date.now() + 10_000;
    while (c.health().state !== 'unreachable' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(c.health()).toMatchObject({ state: 'unreachable', lastError: { code: 'TIME_SCALE_MISMATCH' } });
    expect(c.health().lastError!.hint).toMatch(/--time-scale/);
    await expect(c.qualify({ symbol: 'AAPL', currency: 'USD' })).rejects.toMatchObject({ code: 'TIME_SCALE_MISMATCH' });
  });

  it('a short run against a simulator at another time scale is refused at connect, before the watchdog first judges the pace', async () => {
    // The simulator's clock runs 50 times faster than this collector's (sim --time-scale 0.02, collect at scale 1).
    sim = await startSimulator({ port: 0, profile: 'instant', seed: 1, timeScale: 0.02 });
    const c = await collector(sim.port, { clock: new ScaledClock(1), watchdog: { intervalMs: 60_000, timeoutMs: 20_000 } });
    await expect(c.qualify({ symbol: 'AAPL', currency: 'USD' })).rejects.toMatchObject({ code: 'TIME_SCALE_MISMATCH' });
    expect(sim.gateway.journal.query({ type: 'REQ_CONTRACT_DATA' })).toHaveLength(0);
  });

  it('a collector faster than its simulator (collect --time-scale 0.02, sim at 1 with a modelled login) is refused at connect, before any request', async () => {
    sim = await startSimulator({ port: 0, profile: 'lynx-paper', seed: 1, timeScale: 1 });
    // What `collect` and `serve` pass: the check at every scale (collector/cli.ts).
    const c = await collector(sim.port, { clock: new ScaledClock(0.02), options: { checkTimeScale: true } });
    await expect(c.qualify({ symbol: 'AAPL', currency: 'USD' })).rejects.toMatchObject({ code: 'TIME_SCALE_MISMATCH' });
    expect(sim.gateway.journal.query({ type: 'REQ_CONTRACT_DATA' })).toHaveLength(0);
  });

  it('the same time scale on both sides is not a mismatch (several probes over 30 model seconds)', async () => {
    sim = await startSimulator({ port: 0, profile: 'instant', seed: 1, timeScale: 0.05 });
    const clock = new ScaledClock(0.05);
    const c = await collector(sim.port, { clock, watchdog: { intervalMs: 2_000, timeoutMs: 20_000 } });
    await c.connect();
    const start = clock.now();
    while (clock.now() - start < 30_000) await new Promise((r) => setTimeout(r, 50));
    expect(c.health()).toMatchObject({ state: 'connected', lastError: null });
    expect(sim.gateway.journal.query({ type: 'REQ_CURRENT_TIME' }).length).toBeGreaterThanOrEqual(10);
  });
});
