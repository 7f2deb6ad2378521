/**
 * `serve` tells the truth about the gateway, over real HTTP against the simulator over real TCP:
 * /health is 200 only when connected and answering; a zombie is noticed by the watchdog (on by
 * default), dropped and replaced; a connectivity loss (1100) shows; /ready reaches the gateway.
 */
import { describe, expect, it } from 'vitest';
import { closedPort } from '../testing/env.ts';
import { DEFAULT_WATCHDOG } from '../watchdog.ts';
import { get, healthWhen, post, serveFixture } from './testing/http.ts';

const f = serveFixture('serve-live-');
const start = f.start;

describe('serve liveness', () => {
  it('an idle serve with no gateway is never 200: /health 503 unreachable with a hint, /ready 503 naming the address', async () => {
    const port = await closedPort();
    const s = await start({ gatewayPort: port });
    const h = await healthWhen(s, (x) => x.state === 'unreachable');
    expect(h).toMatchObject({ status: 503, ok: false, lastError: { code: 'GATEWAY_UNREACHABLE' } });
    expect(h.lastError.hint).toMatch(/is the gateway running there/);
    const ready = await get(s, '/ready');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toMatchObject({ ready: false, address: `127.0.0.1:${port}`, code: 'GATEWAY_UNREACHABLE' });

    // Without connecting at start, idle is not "ok" either.
    await s.close();
    const lazy = await start({ gatewayPort: port, connectAtStart: false });
    expect(await healthWhen(lazy, () => true)).toMatchObject({ status: 503, ok: false, state: 'idle' });
  });

  it('GET /ready makes a round trip to the gateway (REQ_CURRENT_TIME) and answers with its clock', async () => {
    const s = await start({ watchdog: false });
    const before = f.sim.gateway.journal.query({ type: 'REQ_CURRENT_TIME' }).length;
    const r = await get(s, '/ready');
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text);
    expect(body).toMatchObject({ ready: true, address: `127.0.0.1:${f.sim.port}` });
    expect(body.clientId).toBe(s.collector.health().clientId);
    expect(Math.abs(Date.parse(body.gatewayTime) - Date.now())).toBeLessThan(5_000);
    expect(f.sim.gateway.journal.query({ type: 'REQ_CURRENT_TIME' }).length).toBe(before + 1);
  });

  it('1100 shows: /health 503 connectivity-lost and the metric, back to 200 after 1102', async () => {
    const s = await start();
    await healthWhen(s, (h) => h.state === 'connected');
    f.sim.gateway.loseConnectivity();
    expect(await healthWhen(s, (h) => h.state === 'connectivity-lost')).toMatchObject({ status: 503, ok: false, connectivity: 'lost' });
    expect((await get(s, '/metrics')).text).toContain('collector_gateway_connectivity{state="lost"} 1');
    // Not ready either: the gateway answers its clock, but data requests would wait.
    const lost = await get(s, '/ready');
    expect([lost.status, JSON.parse(lost.text)]).toMatchObject([503, { ready: false, code: 'CONNECTIVITY_LOST' }]);
    f.sim.gateway.restoreConnectivity(false);
    expect(await healthWhen(s, (h) => h.state === 'connected')).toMatchObject({ status: 200, ok: true, connectivity: 'ok' });
    const back = await get(s, '/ready');
    expect([back.status, JSON.parse(back.text)]).toMatchObject([200, { ready: true }]);
  });

  it('a zombie under serve: degraded while a request stalls, dropped by the watchdog, the request answered on a new connection', async () => {
    const s = await start({ watchdog: { intervalMs: 300, timeoutMs: 300 }, stallAfterMs: 100 });
    const first = await healthWhen(s, (h) => h.state === 'connected' && h.lastProbe !== null);
    expect(first.status).toBe(200);
    expect(f.sim.faults.apply({ kind: 'stall', match: { clientId: first.clientId } }).sessions).toHaveLength(1);

    const answer = post(s, '/qualify', { symbol: 'AAPL:USD', deadlineMs: 10_000 });
    expect(await healthWhen(s, (h) => h.state === 'degraded')).toMatchObject({ status: 503, ok: false });
    expect(await answer).toMatchObject({ status: 200, body: { kind: 'qualified', contract: { conId: 265598 } } });
    const after = await healthWhen(s, (h) => h.state === 'connected');
    expect(after).toMatchObject({ status: 200, zombiesDropped: 1, stalledMs: 0 });
    expect(after.clientId).not.toBe(first.clientId);
    // The dropped zombie is a lost connection and the new one a reconnect (before: counted as a
    // clean close, so /health said reconnects 0 and both counters stayed 0).
    expect(after.reconnects).toBe(1);
    const metrics = (await get(s, '/metrics')).text;
    expect(metrics).toContain('collector_gateway_zombies_dropped_total 1');
    expect(metrics).toContain('collector_gateway_connections_lost_total 1');
    expect(metrics).toContain('collector_gateway_reconnects_total 1');
  });

  it('the watchdog is on by default (DEFAULT_WATCHDOG): the first probe is sent at connect', async () => {
    const s = await start();
    const h = await healthWhen(s, (x) => x.state === 'connected' && x.lastProbe !== null);
    expect(h.lastProbe.rttMs).toBeGreaterThanOrEqual(0);
    expect(DEFAULT_WATCHDOG.intervalMs + DEFAULT_WATCHDOG.timeoutMs).toBeLessThanOrEqual(30_000);
  });
});
