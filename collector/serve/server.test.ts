/**
 * The serve front over real HTTP, against the simulator over real TCP, with a real SQLite file.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator/simulator.ts';
import { closedPort } from '../testing/env.ts';
import type { ServeHandle } from './server.ts';
import * as http from './testing/http.ts';

const f = serveFixture();
let serve: ServeHandle | undefined;
let sim: Simulator;

/** The shared fixture, with `serve` and `sim` as plain names for the tests below. */
function serveFixture() {
  const fx = http.serveFixture('serve-');
  beforeEach(() => {
    sim = fx.sim;
  });
  return fx;
}

async function start(opts: Parameters<typeof f.start>[0] = {}): Promise<ServeHandle> {
  serve = await f.start(opts);
  return serve;
}

const post = (path: string, body: unknown) => http.post(serve!, path, body);
const get = (path: string) => http.get(serve!, path);
const healthWhen = (pred: (h: any) => boolean) => http.healthWhen(serve!, pred);

const contractRequests = (symbol: string) => sim.gateway.journal.query({ type: 'REQ_CONTRACT_DATA' }).filter((e) => e.message.symbol === symbol);

describe('serve', () => {
  it('POST /qualify: qualified, ambiguous with candidates, unknown', async () => {
    await start();
    const aapl = await post('/qualify', { symbol: 'AAPL', currency: 'USD' });
    expect(aapl.status).toBe(200);
    expect(aapl.body).toMatchObject({
      symbol: 'AAPL:USD',
      kind: 'qualified',
      source: 'gateway',
      contract: { conId: 265598, primaryExchange: 'NASDAQ', currency: 'USD' },
    });
    // The list syntax works in "symbol" too, and the second answer comes from the cache.
    expect((await post('/qualify', { symbol: 'aapl:usd' })).body).toMatchObject({ kind: 'qualified', source: 'cache', contract: { conId: 265598 } });

    const tte = await post('/qualify', { symbol: 'TTE' });
    expect(tte.status).toBe(200);
    expect(tte.body.kind).toBe('ambiguous');
    expect(tte.body.candidates.map((c: { conId: number; currency: string }) => `${c.conId}/${c.currency}`).sort()).toEqual(['900000001/EUR', '900000002/USD']);

    expect(await post('/qualify', { symbol: 'NOSUCH' })).toMatchObject({ status: 200, body: { symbol: 'NOSUCH', kind: 'unknown' } });
  });

  it('20 concurrent POST /qualify for one symbol reach the gateway as one request (pooled)', async () => {
    await start({ strategy: 'pooled' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => post('/qualify', { symbol: 'MSFT', currency: 'USD' })));
    for (const a of answers) expect(a).toMatchObject({ status: 200, body: { kind: 'qualified', contract: { conId: 272093 } } });
    expect(contractRequests('MSFT')).toHaveLength(1);
    expect(sim.gateway.journal.query({ type: 'START_API' })).toHaveLength(1);
  });

  it('a non-ASCII long name crosses HTTP intact: from the gateway, then from the store after a restart of serve', async () => {
    await start();
    const lvmh = 'LVMH MOËT HENNESSY LOUIS VUITTON';
    const first = await post('/collect', { symbols: ['MC:EUR'], duration: '1 D', barSize: '1 hour' });
    expect(first.status).toBe(200);
    expect(first.body.results[0]).toMatchObject({ symbol: 'MC:EUR', status: 'ok', longName: lvmh, qualifiedFrom: 'gateway' });
    expect((await post('/qualify', { symbol: 'MC:EUR' })).body).toMatchObject({ kind: 'qualified', contract: { longName: lvmh } });
    // A new serve on the same data directory answers from the SQLite store: stored as text, not mangled.
    await serve!.close();
    await start();
    const again = await post('/collect', { symbols: ['MC:EUR'], duration: '1 D', barSize: '1 hour' });
    expect(again.body.results[0]).toMatchObject({ longName: lvmh, qualifiedFrom: 'store' });
  });

  it('POST /collect returns one result per symbol and stores the bars', async () => {
    await start();
    const r = await post('/collect', { symbols: ['TTE:EUR', 'WLN:EUR', { symbol: 'AAPL', currency: 'USD' }, 'TTE'], duration: '1 D', barSize: '1 hour' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('partial');
    expect(r.body.results.map((x: { symbol: string; status: string }) => `${x.symbol} ${x.status}`)).toEqual([
      'TTE:EUR ok',
      'WLN:EUR ok',
      'AAPL:USD ok',
      'TTE ambiguous',
    ]);
    expect(r.body.results[2].barsAdded).toBeGreaterThan(0);
    expect(serve!.collector.store.getRun(r.body.runId)).toMatchObject({ status: 'partial' });
  });

  it('bad input is a 400 naming the field', async () => {
    await start();
    const cases: Array<[string, unknown, RegExp]> = [
      ['/qualify', {}, /^symbol: is required/],
      ['/qualify', { symbol: 42 }, /^symbol: must be a string/],
      ['/qualify', { symbol: 'AAPL', currency: 'DOLLARS' }, /^currency: /],
      ['/qualify', { symbol: 'AAPL', exchnage: 'SMART' }, /^exchnage: unknown field/],
      ['/qualify', { symbol: 'AAPL', deadlineMs: -1 }, /^deadlineMs: /],
      ['/qualify', [1, 2], /^body: must be a JSON object/],
      ['/qualify', '{"symbol": ', /JSON/],
      ['/collect', { symbols: ['AAPL:USD'], duration: '1 D', barSize: '1 hours' }, /^barSize: "1 hours" is not a bar size/],
      ['/collect', { symbols: ['AAPL:USD', 'MS:FT:X'], duration: '1 D', barSize: '1 hour' }, /^symbols\[1\]: /],
      ['/collect', { symbols: [], duration: '1 D', barSize: '1 hour' }, /^symbols: must not be empty/],
      ['/collect', { symbols: ['AAPL:USD'], barSize: '1 hour' }, /^duration: is required/],
      ['/collect', { symbols: ['AAPL:USD'], duration: '1 D', barSize: '1 hour', useRTH: 'yes' }, /^useRTH: /],
      ['/collect', { symbols: ['AAPL:USD'], duration: '1 D', bar: '1 hour' }, /^bar: unknown field/],
    ];
    for (const [route, body, message] of cases) {
      const r = await post(route, body);
      expect(r.status, `${route} ${JSON.stringify(body)}`).toBe(400);
      expect(r.body.error).toMatch(message);
    }
    // serve connects at start; bad input itself never reaches the gateway.
    expect(contractRequests('AAPL')).toHaveLength(0);
    expect(sim.gateway.journal.query({ type: 'REQ_HISTORICAL_DATA' })).toHaveLength(0);
    expect((await get('/nope')).status).toBe(404);
  });

  it('GET /health and GET /metrics report the connection, client id and counters', async () => {
    await start();
    // serve connects at start: /health is 200 once the gateway has answered, not before.
    const first = await healthWhen((h) => h.state === 'connected');
    expect(first).toMatchObject({ ok: true, state: 'connected', strategy: 'pooled', address: `127.0.0.1:${sim.port}`, connectivity: 'ok', stalledMs: 0 });
    await post('/qualify', { symbol: 'AAPL:USD' });
    await post('/qualify', { symbol: 'TTE' });
    await post('/qualify', {});
    await post('/collect', { symbols: 'AAPL:USD', duration: '1 D', barSize: '1 hour' });
    const health = await get('/health');
    const h = JSON.parse(health.text);
    expect(health.status).toBe(200);
    expect(h).toMatchObject({ ok: true, state: 'connected', strategy: 'pooled', connectionsOpened: 1, openConnections: 1 });
    const startApi = sim.gateway.journal.query({ type: 'START_API' });
    expect(h.clientId).toBe(startApi[0]!.message.clientId);

    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toContain('text/plain');
    const m = metrics.text;
    expect(m).toContain('collector_qualify_requests_total{result="qualified"} 1');
    expect(m).toContain('collector_qualify_requests_total{result="ambiguous"} 1');
    expect(m).toContain('collector_qualify_requests_total{result="invalid"} 1');
    expect(m).toMatch(/collector_qualify_duration_seconds_bucket\{le="\+Inf",result="qualified"\} 1/);
    expect(m).toContain('collector_collect_requests_total{status="succeeded"} 1');
    expect(m).toMatch(/collector_bars_stored_total [1-9]\d*/);
    expect(m).toContain('collector_gateway_connection_state{state="connected"} 1');
    expect(m).toContain('collector_gateway_connection_state{state="unreachable"} 0');
    expect(m).toContain('collector_gateway_connectivity{state="ok"} 1');
    expect(m).toContain('collector_gateway_resent_requests_total 0');
    expect(m).toContain('collector_gateway_zombies_dropped_total 0');
    expect(m).toContain(`collector_gateway_client_id ${h.clientId}`);
    expect(m).toContain('collector_gateway_connects_total 1');
    expect(m).toContain('collector_gateway_reconnects_total 0');
    expect(m).toContain('collector_errors_total{code="INVALID_INPUT"} 1');
  });

  it('gateway down: 502 naming the address, within the deadline; /health is 503', async () => {
    const port = await closedPort();
    await start({ gatewayPort: port, deadlineMs: 800 });
    const started = Date.now();
    const r = await post('/qualify', { symbol: 'AAPL:USD' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ code: 'GATEWAY_UNREACHABLE' });
    expect(r.body.error).toContain(`cannot reach gateway at 127.0.0.1:${port}`);
    const c = await post('/collect', { symbols: ['AAPL:USD', 'MSFT:USD'], duration: '1 D', barSize: '1 hour', deadlineMs: 500 });
    expect(c.status).toBe(502);
    expect(c.body.results.map((x: { error: { code: string } }) => x.error.code)).toEqual(['GATEWAY_UNREACHABLE', 'GATEWAY_UNREACHABLE']);
    const health = await get('/health');
    expect(health.status).toBe(503);
    expect(JSON.parse(health.text)).toMatchObject({ ok: false, state: 'unreachable', lastError: { code: 'GATEWAY_UNREACHABLE' } });
    expect((await get('/metrics')).text).toMatch(/collector_gateway_connect_failures_total\{code="GATEWAY_UNREACHABLE"\} [1-9]/);
  });

  it('close() stops serving and releases the client id', async () => {
    const s = await start();
    await post('/qualify', { symbol: 'AAPL:USD' });
    await s.close();
    serve = undefined;
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
    expect(s.collector.health().state).toBe('closed');
  });
});
