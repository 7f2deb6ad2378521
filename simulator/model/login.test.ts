/**
 * Handshake and login of the gateway model in virtual time: version negotiation, the START_API →
 * ready latency of each profile, and the messages a client sees once logged in
 * (docs/wire-facts/handshake.md#what-the-gateway-sends-after-start_api).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng.ts';
import { harness, AFTER_CLOSE } from '../testing/model-harness.ts';

const READY_TYPES = ['MANAGED_ACCTS', 'NEXT_VALID_ID', 'ERR_MSG', 'ERR_MSG', 'ERR_MSG', 'ERR_MSG', 'ERR_MSG', 'ERR_MSG'];

describe('handshake', () => {
  it('negotiates min(client max, 178) and reports the connection time in the profile zone', async () => {
    const h = harness();
    const a = h.connect({ minVersion: 100, maxVersion: 200 });
    const b = h.connect({ minVersion: 100, maxVersion: 176 });
    const c = h.connect({ minVersion: 178, maxVersion: 178 });
    await h.advance(0);
    expect(a.of('SERVER_VERSION').map((m) => m.msg)).toEqual([{ type: 'SERVER_VERSION', serverVersion: 178, connectionTime: '20251112 23:00:00 MET' }]);
    expect(b.of('SERVER_VERSION')[0]!.msg.serverVersion).toBe(176);
    expect(c.of('SERVER_VERSION')[0]!.msg.serverVersion).toBe(178);
    expect([a.session.version, b.session.version, c.session.version]).toEqual([178, 176, 178]);
    expect([a.session.state, b.session.state, c.session.state]).toEqual(['awaiting-start', 'awaiting-start', 'awaiting-start']);
    expect([a.closed, b.closed, c.closed]).toEqual([false, false, false]);
  });

  it('closes a client whose minimum version is above 178, without a version reply', async () => {
    const h = harness();
    const ok = h.connect();
    const tooNew = h.connect({ minVersion: 179, maxVersion: 200 });
    await h.advance(0);
    expect(tooNew.closed).toBe(true);
    expect(tooNew.messages).toEqual([]);
    expect(tooNew.session.state).toBe('closed');
    expect(ok.closed).toBe(false);
    expect(h.gw.sessionCount).toBe(1);
  });

  it('closes a client that only speaks versions below 100', async () => {
    const h = harness();
    const old = h.connect({ minVersion: 90, maxVersion: 99 });
    await h.advance(0);
    expect(old.closed).toBe(true);
    expect(old.messages).toEqual([]);
  });

  it('records +PACEAPI from the connect options', async () => {
    const h = harness();
    const paced = h.connect({ connectOptions: ['+PACEAPI'] });
    const plain = h.connect();
    expect(paced.session.paceApi).toBe(true);
    expect(plain.session.paceApi).toBe(false);
  });

  it('closes a connection that never sends START_API after handshakeTimeoutMs, and only that one', async () => {
    const h = harness();
    const idle = h.connect();
    const active = await h.login(1);
    await h.advance(20_000 - h.elapsed() - 1);
    expect(idle.closed).toBe(false);
    await h.advance(1);
    expect(idle.closed).toBe(true);
    expect(idle.closedAt).toBe(AFTER_CLOSE + 20_000);
    expect(active.closed).toBe(false);
    expect(h.gw.listSessions().map((s) => s.clientId)).toEqual([1]);
  });
});

describe('login', () => {
  it('sends MANAGED_ACCTS, NEXT_VALID_ID and the farm notices (id -1) after START_API', async () => {
    const h = harness({ profile: 'lynx-paper' });
    const c = h.connect();
    await h.advance(0);
    c.clear();
    c.startApi(7);
    await h.until(() => c.ready);
    expect(c.types()).toEqual(READY_TYPES);
    expect(c.messages[0]!.msg).toEqual({ type: 'MANAGED_ACCTS', accounts: 'DU0118471' });
    expect(c.messages[1]!.msg).toEqual({ type: 'NEXT_VALID_ID', orderId: 1 });
    const notices = c.errors().map((e) => e.msg);
    expect(notices.every((n) => n.id === -1)).toBe(true);
    expect(notices.map((n) => n.code)).toEqual([2104, 2104, 2104, 2106, 2106, 2158]);
    expect(notices.map((n) => n.message)).toEqual([
      'Market data farm connection is OK:usfarm.nj',
      'Market data farm connection is OK:usfarm',
      'Market data farm connection is OK:eufarm',
      'HMDS data farm connection is OK:ushmds',
      'HMDS data farm connection is OK:euhmds',
      'Sec-def data farm connection is OK:secdefil',
    ]);
    // Everything of the login burst arrives at one model instant.
    expect(new Set(c.messages.map((m) => m.at)).size).toBe(1);
    expect(h.faults.listSessions()).toMatchObject([{ clientId: 7, state: 'ready', serverVersion: 178, paceApi: false, stalled: false }]);
  });

  /** START_API → MANAGED_ACCTS in model ms for the first client of a fresh lynx-paper gateway. */
  async function firstLogin(seed: number, clients = 1): Promise<number[]> {
    const h = harness({ profile: 'lynx-paper', seed });
    const out: number[] = [];
    for (let i = 0; i < clients; i++) {
      const c = h.connect();
      const t0 = h.clock.now();
      c.startApi(i + 1);
      await h.until(() => c.ready, 5_000);
      out.push(c.of('MANAGED_ACCTS')[0]!.at - t0);
      c.conn.close(true); // so the next login has no other connection to wait for
    }
    return out;
  }

  it('lynx-paper: the login latency is the seeded log-normal draw (median 400, sigma 0.08)', async () => {
    expect(harness({ profile: 'lynx-paper' }).gw.profile.connections.loginLatency).toEqual({ median: 400, sigma: 0.08 });
    for (let seed = 1; seed <= 10; seed++) {
      const [latency] = await firstLogin(seed);
      // The login is the model's first random draw, so it is exactly the seeded draw.
      expect(latency).toBeCloseTo(new Rng(seed).lognormal(400, 0.08), 2); // epoch-ms doubles: ~0.004 ms resolution
    }
    // Later logins of one run (the model's later draws) spread around 400 ms.
    const later = (await firstLogin(3, 41)).slice(1);
    const sorted = [...later].sort((a, b) => a - b);
    expect(sorted[0]).toBeGreaterThan(400 * Math.exp(-5 * 0.08));
    expect(sorted.at(-1)).toBeLessThan(400 * Math.exp(5 * 0.08));
    expect((sorted[19]! + sorted[20]!) / 2).toBeGreaterThan(375);
    expect((sorted[19]! + sorted[20]!) / 2).toBeLessThan(425);
  });

  // MODEL BUG (common/rng.ts): xoroshiro128plus seeded with a small integer returns ≈0.99998 as its
  // first output for every seed, so the first normal() draw of every run is ≈ +3σ (mean 3.0 over
  // seeds 1..2000) and the first client's login takes ≈ 400·e^(3·0.08) ≈ 510–630 ms instead of ≈400.
  it('lynx-paper: the first login of a run is ≈400 ms whatever the seed (within ±5σ, median ≈400)', async () => {
    const latencies: number[] = [];
    for (let seed = 1; seed <= 40; seed++) latencies.push(...(await firstLogin(seed)));
    const sorted = [...latencies].sort((a, b) => a - b);
    expect(sorted[0]).toBeGreaterThan(400 * Math.exp(-5 * 0.08));
    expect(sorted.at(-1)).toBeLessThan(400 * Math.exp(5 * 0.08));
    expect((sorted[19]! + sorted[20]!) / 2).toBeGreaterThan(375);
    expect((sorted[19]! + sorted[20]!) / 2).toBeLessThan(425);
  });

  it('instant: the client is ready at the same model time as START_API', async () => {
    const h = harness({ profile: 'instant' });
    const c = h.connect();
    const t0 = h.clock.now();
    c.startApi(1);
    await h.advance(0);
    expect(c.ready).toBe(true);
    expect(c.of('NEXT_VALID_ID')[0]!.at).toBe(t0);
    expect(h.clock.now()).toBe(t0);
  });

  it('login latency grows by loginPerOtherClientMs for every other API client (docs/wire-facts/limits.md#what-slows-a-login)', async () => {
    const h = harness({ profile: 'lynx-paper', overrides: { connections: { loginLatency: { median: 400, sigma: 0 }, loginPerOtherClientMs: 350 } } });
    const latency = async (c: ReturnType<typeof h.connect>, clientId: number) => {
      const t = h.clock.now();
      c.startApi(clientId);
      await h.until(() => c.ready);
      return c.of('NEXT_VALID_ID')[0]!.at - t;
    };
    const a = h.connect();
    expect(await latency(a, 1)).toBe(400);
    const b = h.connect();
    expect(await latency(b, 2)).toBe(400 + 350);
    // c logs in while a and b are ready; d is connected but has not started its API session, so
    // it is no API client and does not count.
    const c = h.connect();
    const d = h.connect();
    expect(await latency(c, 3)).toBe(400 + 2 * 350);
    // Connections that left no longer count.
    a.conn.close(true);
    b.conn.close(true);
    d.conn.close(true);
    const e = h.connect();
    expect(await latency(e, 4)).toBe(400 + 350);
  });

  it("two logins that overlap each see the other, whichever sent START_API first: the incident's two parallel tasks both ≈1.1 s next to the UI", async () => {
    const h = harness({ profile: 'lynx-paper', overrides: { connections: { loginLatency: { median: 400, sigma: 0 }, loginPerOtherClientMs: 350 } } });
    const modeled: Array<[number, number]> = [];
    h.gw.observe({ loginCompleted: (clientId, ms) => modeled.push([clientId, ms]) });
    const ui = h.connect();
    ui.startApi(1);
    await h.until(() => ui.ready);
    const t = h.clock.now();
    const [a, b] = [h.connect(), h.connect()];
    a.startApi(639);
    await h.advance(5); // b's START_API arrives 5 ms after a's, while a is logging in
    b.startApi(145);
    await h.until(() => a.ready && b.ready);
    // a: 400 + 350 (the UI) + 350 (b, starting during a's login); b: 400 + 2 × 350, from 5 ms later.
    expect(a.of('NEXT_VALID_ID')[0]!.at - t).toBe(1_100);
    expect(b.of('NEXT_VALID_ID')[0]!.at - t).toBe(5 + 1_100);
    // The observer reports each login as modeled, pushes included, from its own START_API.
    expect(modeled).toEqual([
      [1, 400],
      [639, 1_100],
      [145, 1_100],
    ]);
    // A client that arrives once both are ready pushes nobody back.
    const c = h.connect();
    const u = h.clock.now();
    c.startApi(7);
    await h.until(() => c.ready);
    expect(c.of('NEXT_VALID_ID')[0]!.at - u).toBe(400 + 3 * 350);
    expect(a.of('NEXT_VALID_ID')).toHaveLength(1);
  });

  it('lynx-paper: 100 idle TCP connections that never handshake (and 20 that never send START_API) do not delay a login', async () => {
    /** START_API → NEXT_VALID_ID of client 1 on a fresh lynx-paper gateway of seed 3, after `crowd`. */
    const login = async (crowd: (h: ReturnType<typeof harness>) => Promise<void>) => {
      const h = harness({ profile: 'lynx-paper', seed: 3 });
      await crowd(h);
      const c = h.connect();
      const t = h.clock.now();
      c.startApi(1);
      await h.until(() => c.ready, 60_000);
      return c.of('NEXT_VALID_ID')[0]!.at - t;
    };
    const alone = await login(async () => {});
    const crowded = await login(async (h) => {
      for (let i = 0; i < 100; i++) h.faults.open({ send: () => {}, close: () => {} }, `idle-${i}`);
      for (let i = 0; i < 20; i++) h.connect();
      await h.advance(1_000);
      expect(h.gw.sessionCount).toBe(120);
    });
    expect(alone).toBeGreaterThan(300);
    expect(alone).toBeLessThan(700);
    expect(crowded).toBe(alone);
    // Two API clients do slow it down, by 350 ms each (the same seeded draw underneath).
    const withClients = await login(async (h) => {
      await h.login(10);
      await h.login(11);
    });
    expect(withClients).toBeGreaterThan(300 + 2 * 350);
    expect(withClients).toBeLessThan(700 + 2 * 350);
  });

  it('a client that disconnects while logging in gets nothing and frees its id', async () => {
    const h = harness({ profile: 'lynx-paper' });
    const c = h.connect();
    c.startApi(5);
    await h.advance(100);
    expect(h.gw.clientIds.snapshot(h.clock.now()).live).toEqual([5]);
    c.clear();
    c.conn.close(true);
    await h.advance(2_000);
    expect(c.messages).toEqual([]);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [], held: [] });
    const again = await h.login(5);
    expect(again.ready).toBe(true);
  });

  it('requests sent while logging in are answered after NEXT_VALID_ID, in order', async () => {
    const h = harness({ profile: 'lynx-paper' });
    const c = h.connect();
    await h.advance(0);
    c.clear();
    c.startApi(1);
    c.send({ type: 'REQ_POSITIONS' });
    c.send({ type: 'REQ_EXECUTIONS', reqId: 9, filterClientId: undefined, acctCode: '', time: '', symbol: '', secType: '', exchange: '', side: '' });
    await h.until(() => c.ready);
    await h.advance(0);
    expect(c.types()).toEqual([...READY_TYPES, 'POSITION_END', 'EXECUTION_DATA_END']);
  });

  it('a repeated START_API on a ready session is ignored', async () => {
    const h = harness();
    const c = await h.login(1);
    c.clear();
    c.startApi(2);
    await h.advance(1_000);
    expect(c.messages).toEqual([]);
    expect(h.gw.clientIds.snapshot(h.clock.now()).live).toEqual([1]);
    expect(c.session.clientId).toBe(1);
  });
});
