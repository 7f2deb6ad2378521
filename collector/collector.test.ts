/**
 * The library facade over real TCP against the simulator, with real SQLite files and a real
 * lease directory in a temp dir.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../common/clock.ts';
import { AFTER_CLOSE } from '../common/testing/fixtures.ts';
import { startSimulator, type Simulator } from '../simulator/simulator.ts';
import { createCollector, type Collector } from './collector.ts';
import { GatewayUnreachable } from './errors.ts';
import { DEFAULT_WATCHLIST, InvalidInput } from './symbols.ts';

let sim: Simulator;
let clock: ScaledClock;
let dir: string;
const open: Collector[] = [];

beforeEach(async () => {
  // One clock for both sides, at real pace from a fixed instant after the US close: what the
  // collector finds complete (and so skips on a second run) must not depend on the time of day.
  clock = new ScaledClock(1, AFTER_CLOSE);
  sim = await startSimulator({ port: 0, profile: 'instant', seed: 1, clock });
  dir = mkdtempSync(path.join(tmpdir(), 'collector-'));
});
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

async function collector(opts: Parameters<typeof createCollector>[0] = {}): Promise<Collector> {
  const c = await createCollector({ port: sim.port, dataDir: dir, seed: 3, clock, ...opts });
  open.push(c);
  return c;
}

/** A port with nothing listening. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const HOURLY = { duration: '1 D', barSize: '1 hour' };

describe('createCollector', () => {
  it('collects the watchlist into SQLite and records the run; a second run adds nothing', async () => {
    const c = await collector();
    const first = await c.collect({ symbols: DEFAULT_WATCHLIST, ...HOURLY });
    expect(first.status).toBe('succeeded');
    expect(first.results.map((r) => [r.symbol, r.status, r.conId, r.currency])).toEqual([
      ['TTE:EUR', 'ok', 900000001, 'EUR'],
      ['WLN:EUR', 'ok', 900000003, 'EUR'],
      ['AAPL:USD', 'ok', 265598, 'USD'],
      ['TSLA:USD', 'ok', 76792991, 'USD'],
      ['MSFT:USD', 'ok', 272093, 'USD'],
    ]);
    for (const r of first.results) {
      expect(r.barsAdded).toBeGreaterThan(0);
      expect(r.barsStored).toBe(r.barsAdded);
    }
    expect(c.store.getRun(first.runId)).toMatchObject({ status: 'succeeded', strategy: 'pooled', errors: [] });

    const second = await c.collect({ symbols: DEFAULT_WATCHLIST, ...HOURLY });
    expect(second.results.map((r) => r.barsAdded)).toEqual([0, 0, 0, 0, 0]);
    expect(second.results.map((r) => r.barsStored)).toEqual(first.results.map((r) => r.barsStored));
    // One process, one connection, one client id, for both runs.
    expect(c.health()).toMatchObject({ state: 'connected', strategy: 'pooled', connectionsOpened: 1, openConnections: 1 });
    expect(sim.gateway.journal.query({ type: 'START_API' })).toHaveLength(1);
  });

  it('reports ambiguous (with candidates) and unknown symbols without stopping the others', async () => {
    const c = await collector();
    const out = await c.collect({ symbols: 'TTE,NOSUCH:USD,AAPL:USD', ...HOURLY });
    expect(out.status).toBe('partial');
    const [tte, unknown, aapl] = out.results;
    expect(tte).toMatchObject({ symbol: 'TTE', status: 'ambiguous', error: { code: 'AMBIGUOUS_CONTRACT' } });
    expect(tte!.candidates!.map((x) => `${x.conId} ${x.primaryExchange}/${x.currency}`).sort()).toEqual(['900000001 SBF/EUR', '900000002 NYSE/USD']);
    expect(tte!.error!.message).toContain('TTE:EUR or TTE:USD');
    expect(unknown).toMatchObject({ status: 'unknown', error: { code: 'NO_SECURITY_DEFINITION' } });
    expect(aapl).toMatchObject({ status: 'ok', conId: 265598 });
    expect(c.store.getRun(out.runId)!.errors.map((e) => [e.symbol, e.code])).toEqual([
      ['TTE', 'AMBIGUOUS_CONTRACT'],
      ['NOSUCH:USD', 'NO_SECURITY_DEFINITION'],
    ]);
  });

  it('qualify() returns the typed result', async () => {
    const c = await collector();
    const r = await c.qualify('AAPL:USD');
    expect(r.kind === 'qualified' && r.contract.conId).toBe(265598);
    expect((await c.qualify({ symbol: 'TTE' })).kind).toBe('ambiguous');
    expect((await c.qualify('NOSUCH')).kind).toBe('unknown');
  });

  it('rejects bad input before recording anything', async () => {
    const c = await collector();
    await expect(c.collect({ symbols: 'AAPL:USD', duration: '1 D', barSize: '1 hours' })).rejects.toMatchObject({ field: 'barSize' });
    await expect(c.collect({ symbols: 'AAPL:USD', duration: 'one day', barSize: '1 hour' })).rejects.toBeInstanceOf(InvalidInput);
    await expect(c.collect({ symbols: 'AAPL:USD', ...HOURLY, whatToShow: 'PRICES' })).rejects.toMatchObject({ field: 'whatToShow' });
    expect(c.store.getRun(1)).toBeNull();
    expect(sim.gateway.journal.query({ type: 'START_API' })).toHaveLength(0);
  });

  it('gateway down: every symbol fails with GatewayUnreachable naming host:port within the deadline', async () => {
    const port = await closedPort();
    const c = await collector({ port, deadlineMs: 1_000 });
    const started = Date.now();
    const out = await c.collect({ symbols: 'AAPL:USD,MSFT:USD', ...HOURLY });
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(out.status).toBe('failed');
    for (const r of out.results) {
      expect(r.status).toBe('failed');
      expect(r.error).toMatchObject({ code: 'GATEWAY_UNREACHABLE' });
      expect(r.error!.message).toContain(`127.0.0.1:${port}`);
    }
    await expect(c.qualify('AAPL:USD', { deadlineMs: 500 })).rejects.toBeInstanceOf(GatewayUnreachable);
    expect(c.health()).toMatchObject({ state: 'unreachable', clientId: null, lastError: { code: 'GATEWAY_UNREACHABLE' } });
  });

  it('close() releases the client-id lease and ends the connection', async () => {
    const c = await createCollector({ port: sim.port, dataDir: dir });
    await c.collect({ symbols: 'AAPL:USD', ...HOURLY });
    expect(readdirSync(path.join(dir, 'leases')).filter((f) => f.endsWith('.lease'))).toHaveLength(1);
    await c.close();
    expect(readdirSync(path.join(dir, 'leases')).filter((f) => f.endsWith('.lease'))).toHaveLength(0);
    expect(c.health().state).toBe('closed');
    await expect(c.qualify('AAPL:USD')).rejects.toThrow(/closed collector/);
  });

  it('an aborted run is recorded as aborted', async () => {
    const c = await collector({ port: await closedPort() });
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('user pressed ^C')), 200);
    const out = await c.collect({ symbols: 'AAPL:USD', ...HOURLY }, { signal: abort.signal });
    expect(out.status).toBe('aborted');
    expect(out.results[0]).toMatchObject({ status: 'failed', error: { code: 'ABORTED' } });
    expect(c.store.getRun(out.runId)!.status).toBe('aborted');
  });

  it('the legacy per-task strategy works too, one connection per symbol', async () => {
    const c = await collector({ strategy: 'task-random-id' });
    const out = await c.collect({ symbols: 'AAPL:USD,MSFT:USD,TSLA:USD', ...HOURLY });
    expect(out.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(c.health().connectionsOpened).toBe(3);
  });
});
