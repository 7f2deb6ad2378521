import { afterEach, describe, expect, it } from 'vitest';
import { ControlError } from './control-client.ts';
import { contractAnswer, eventually, Harness, requestContract } from '../testing/control-harness.ts';

const h = new Harness();
afterEach(() => h.closeAll());

describe('control plane: inspection', () => {
  it('reports health', async () => {
    const { control, sim } = await h.start();
    const health = await control.health();
    expect(health).toMatchObject({
      status: 'ok',
      profile: 'instant',
      seed: 1,
      timeScale: 1,
      sessions: 0,
      apiClients: 0,
      connectivity: 'ok',
      secdefQueueDepth: 0,
      faults: 0,
      apiPort: sim.port,
    });
    expect(Math.abs(Date.parse(health.modelTime) - Date.now())).toBeLessThan(60_000);
  });

  it('lists a connected client with its client id and message counts', async () => {
    const { sim, control } = await h.start();
    await h.connect(sim, 7);
    const sessions = await control.sessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ clientId: 7, state: 'ready', serverVersion: 178, stalled: false });
    expect(sessions[0]!.messagesIn).toBeGreaterThanOrEqual(1); // START_API
    expect(sessions[0]!.messagesOut).toBeGreaterThanOrEqual(2); // MANAGED_ACCTS, NEXT_VALID_ID, farm notices
    expect((await control.health()).apiClients).toBe(1);
  });

  it('journals REQ_CONTRACT_DATA in and CONTRACT_DATA out, and can be switched off', async () => {
    const { sim, control } = await h.start();
    const c = await h.connect(sim, 3);
    requestContract(c, 11, 'AAPL');
    expect((await contractAnswer(c, 11)).type).toBe('CONTRACT_DATA_END');

    const [req] = await control.journal({ type: 'REQ_CONTRACT_DATA', dir: 'in' });
    expect(req).toMatchObject({ clientId: 3, dir: 'in', message: { type: 'REQ_CONTRACT_DATA', reqId: 11, symbol: 'AAPL', currency: 'USD' } });
    const out = await control.journal({ type: 'CONTRACT_DATA', dir: 'out', clientId: 3 });
    expect(out.length).toBeGreaterThanOrEqual(1);
    expect(out[0]!.message).toMatchObject({ type: 'CONTRACT_DATA', reqId: 11, symbol: 'AAPL' });
    expect(await control.journal({ sinceSeq: req!.seq, type: 'REQ_CONTRACT_DATA' })).toEqual([]);
    expect(await control.journal({ limit: 2 })).toHaveLength(2);

    expect(await control.setJournal({ enabled: false })).toEqual({ enabled: false, capacity: 10_000, maxBytes: 32 * 1024 * 1024 });
    const before = (await control.journal()).length;
    requestContract(c, 12, 'AAPL');
    await contractAnswer(c, 12);
    expect(await control.journal()).toHaveLength(before);

    await control.setJournal({ enabled: true, capacity: 5 });
    requestContract(c, 13, 'AAPL');
    await contractAnswer(c, 13);
    expect(await control.journal()).toHaveLength(5);
    await control.clearJournal();
    expect(await control.journal()).toEqual([]);
  });

  it('exposes Prometheus counters after traffic', async () => {
    const { sim, control, base } = await h.start();
    const c = await h.connect(sim, 4);
    requestContract(c, 1, 'AAPL');
    await contractAnswer(c, 1);

    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await control.metrics();
    expect(text).toContain('ibsim_messages_in_total{type="REQ_CONTRACT_DATA"} 1');
    expect(text).toContain('ibsim_messages_in_total{type="START_API"} 1');
    expect(text).toContain('ibsim_messages_out_total{type="CONTRACT_DATA_END"} 1');
    expect(text).toContain('ibsim_errors_sent_total{code="2104"}');
    expect(text).toContain('ibsim_sessions_opened_total 1');
    expect(text).toContain('ibsim_sessions 1');
    expect(text).toContain('ibsim_api_clients 1');
    expect(text).toContain('ibsim_secdef_queue_depth 0');
    expect(text).toContain('ibsim_secdef_wait_seconds_count 1');
    expect(text).toContain('ibsim_secdef_service_seconds_bucket{le="120"} 1');

    c.destroy();
    const after = await eventually(
      () => control.metrics(),
      (t) => t.includes('ibsim_sessions_closed_total{reason='),
    );
    expect(after).toMatch(/ibsim_sessions_closed_total\{reason="(client closed|connection lost)"\} 1/);
    expect(after).toContain('ibsim_sessions 0');
  });

  it('keeps separate metrics per simulator and unsubscribes its observer on close', async () => {
    const a = await h.start();
    const b = await h.start();
    await h.connect(a.sim, 1);
    expect(await a.control.metrics()).toContain('ibsim_sessions_opened_total 1');
    expect(await b.control.metrics()).toContain('ibsim_sessions_opened_total 0');
    const subscribed = a.sim.gateway.observerCount;
    await a.sim.controlServer!.close();
    expect(a.sim.gateway.observerCount).toBe(subscribed - 1);
  });
});

describe('control plane: profile and reset', () => {
  it('rejects an invalid profile field with 400 naming it, and applies a valid one', async () => {
    const { control, base } = await h.start();
    await expect(control.patchProfile({ connections: { idGraceMs: 'soon' as unknown as number } })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('connections.idGraceMs'),
    });
    await expect(control.patchProfile({ conections: {} } as never)).rejects.toThrow(/unknown field "conections"/);
    await expect(control.patchProfile({ secdef: { throttle: { windowMz: 1 } } } as never)).rejects.toThrow(/secdef\.throttle\.windowMz/);
    await expect(control.patchProfile({ messageRate: { maxPerSecond: -1 } })).rejects.toThrow(/messageRate\.maxPerSecond.*negative/);
    const bad = await fetch(`${base}/profile`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '[1]' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'profile overrides must be a JSON object' });

    const updated = await control.patchProfile({ connections: { idGraceMs: 45_000 }, accounts: ['DU1', 'DU2'] });
    expect(updated.connections.idGraceMs).toBe(45_000);
    const profile = await control.profile();
    expect(profile.connections.idGraceMs).toBe(45_000);
    expect(profile.accounts).toEqual(['DU1', 'DU2']);
    expect(profile.connections.maxClients).toBe(32); // siblings untouched
  });

  it('resets the gateway: clients closed, faults and journal cleared', async () => {
    const { sim, control } = await h.start();
    const c = await h.connect(sim, 1);
    await control.apply({ kind: 'ignore', match: { message: 'REQ_IDS' } });
    expect(await control.reset()).toEqual({ status: 'reset' });
    await c.whenClosed(3000);
    expect(await control.list()).toEqual([]);
    expect(await control.journal()).toEqual([]);
    expect((await control.health()).sessions).toBe(0);

    // Another profile and seed, with overrides: as a freshly started simulator would have them.
    await control.reset({ profile: 'lynx-paper', seed: 9, overrides: { connections: { idGraceMs: 1_000 } } });
    expect(await control.health()).toMatchObject({ profile: 'lynx-paper', seed: 9 });
    expect((await control.profile()).connections).toMatchObject({ idGraceMs: 1_000, loginPerOtherClientMs: 350 });
  });

  it('measures its own event-loop lateness from a reset that asks for it until the next reset', async () => {
    const { control } = await h.start();
    expect(await control.lateness()).toEqual({ measured: null });
    const before = Date.now();
    await control.reset({ sampleLateness: true });
    // The server runs in this process: a 30 ms busy loop here is a 30 ms stall of its event loop.
    const until = performance.now() + 30;
    while (performance.now() < until) {
      // busy
    }
    const { measured } = await control.lateness();
    expect(measured).toMatchObject({ everyMs: 2 });
    expect(measured!.from).toBeGreaterThanOrEqual(before - 1);
    expect(Math.max(...measured!.spans.map((s) => s.to - s.from))).toBeGreaterThanOrEqual(25);
    await control.reset();
    expect(await control.lateness()).toEqual({ measured: null });
  });
});

describe('control plane: bad input', () => {
  it('answers unknown routes and malformed bodies with JSON errors, never 500', async () => {
    const { base } = await h.start();
    const call = async (method: string, path: string, body?: string, type = 'application/json') => {
      const res = await fetch(base + path, { method, ...(body !== undefined ? { body, headers: { 'content-type': type } } : {}) });
      return { status: res.status, body: (await res.json()) as { error: string } };
    };
    expect(await call('GET', '/nope')).toEqual({ status: 404, body: { error: expect.stringContaining('no route GET /nope') } });
    expect(await call('PUT', '/health')).toMatchObject({ status: 404 });
    expect(await call('POST', '/faults/drop', '{"clientId":')).toMatchObject({ status: 400, body: { error: expect.stringContaining('not valid JSON') } });
    expect(await call('POST', '/faults/drop', 'x', 'text/plain')).toMatchObject({ status: 415, body: { error: expect.any(String) } });
    expect(await call('POST', '/faults/drop', '{}')).toMatchObject({ status: 400, body: { error: expect.stringContaining('"sessionId" or "clientId"') } });
    expect(await call('POST', '/faults/drop', '{"clientId":"7"}')).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('"clientId" must be an integer') },
    });
    expect(await call('POST', '/faults/stall', '{"client":7}')).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('unknown field "client"') },
    });
    expect(await call('POST', '/faults/drop', '{"clientId":99}')).toEqual({
      status: 404,
      body: { error: 'no open session with clientId 99 (see GET /sessions)' },
    });
    expect(await call('POST', '/faults/connectivity', '{"state":"gone"}')).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('"state" must be "lost" or "restored"') },
    });
    expect(await call('POST', '/faults/connectivity', '{"state":"lost","dataLost":true}')).toMatchObject({ status: 400 });
    expect(await call('GET', '/journal?dir=sideways')).toMatchObject({ status: 400, body: { error: expect.stringContaining('"dir"') } });
    expect(await call('GET', '/journal?limit=0')).toMatchObject({ status: 400, body: { error: expect.stringContaining('"limit"') } });
    expect(await call('GET', '/journal?limit=1&limit=2')).toMatchObject({ status: 400, body: { error: expect.stringContaining('given once') } });
    expect(await call('GET', '/journal?sessionid=1')).toMatchObject({ status: 400, body: { error: expect.stringContaining('unknown field "sessionid"') } });
    expect(await call('PATCH', '/journal', '{"capacity":0}')).toMatchObject({ status: 400, body: { error: expect.stringContaining('"capacity"') } });
    expect(await call('PATCH', '/journal', '{"enabled":"yes"}')).toMatchObject({ status: 400, body: { error: expect.stringContaining('"enabled"') } });
    expect(await call('PATCH', '/profile', '{"constructor":{}}')).toMatchObject({ status: 400 });
    expect(await call('PATCH', '/profile', '{"__proto__":{"name":"x"}}')).toMatchObject({ status: 400 });
    expect(await call('DELETE', '/faults/abc')).toMatchObject({ status: 400, body: { error: expect.stringContaining('"abc"') } });
    expect(await call('DELETE', '/faults/42')).toEqual({ status: 404, body: { error: 'no fault with id 42 (see GET /faults)' } });
    expect(await call('POST', '/reset', '{"profile":"fast"}')).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('"profile" must be one of "lynx-paper", "ibkr-paper" or "instant"') },
    });
    expect(await call('POST', '/faults/restart', '{"now":true}')).toMatchObject({ status: 400 });
    expect(await call('POST', '/reset', '{"sampleLateness":"yes"}')).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('"sampleLateness"') },
    });
  });

  it('surfaces the server message through the typed client', async () => {
    const { control } = await h.start();
    const err = await control.drop({ clientId: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlError);
    expect(err).toMatchObject({ status: 404, message: 'POST /faults/drop failed (404): no open session with clientId 5 (see GET /sessions)' });
  });
});
