/**
 * The TCP adapter's bounds on hostile input, over real sockets: frames before login are small,
 * connections that have not logged in are capped in number and in bytes buffered, and malformed
 * frames reach the model's message-rate rule. Limits and why: docs/wire-facts/limits.md.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { API_PREFIX, encodeClientMessage, encodeFrame, encodeHandshake, SIM_MAX_VERSION } from '../protocol/index.ts';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator.ts';
import { pollUntil, RawClient, SERVER_ID } from '../testing/raw-client.ts';
import { bucketCapacity } from '../model/message-rate.ts';
import { PRE_LOGIN_MAX_FRAME } from './pending-connections.ts';

const sims: Simulator[] = [];
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sims.splice(0)) await s.close();
});

async function sim(opts: SimulatorOptions = {}): Promise<Simulator> {
  const s = await startSimulator({ port: 0, profile: 'instant', ...opts });
  sims.push(s);
  return s;
}

async function raw(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  clients.push(c);
  return c;
}

const startApi = (clientId: number, optionalCapabilities = '') => encodeClientMessage({ type: 'START_API', clientId, optionalCapabilities }, SIM_MAX_VERSION);

/** A frame header announcing `length` bytes, and nothing after it yet. */
function lengthOnly(length: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(length);
  return b;
}

describe('frames before login', () => {
  it(`are limited to ${PRE_LOGIN_MAX_FRAME} bytes: a bigger length prefix closes the connection at once, before its body arrives`, async () => {
    const s = await sim();
    for (const before of [Buffer.alloc(0), encodeHandshake(100, SIM_MAX_VERSION)]) {
      const c = await raw(s.port);
      c.write(Buffer.concat([before.length ? before : API_PREFIX, lengthOnly(PRE_LOGIN_MAX_FRAME + 1)]));
      expect(await c.whenClosed(3000), before.length ? 'after the handshake' : 'as the handshake').toBe(true);
      expect(c.closedByPeer).toBe(true);
    }
    expect(await pollUntil(() => s.gateway.sessionCount === 0, 2000)).toBe(true);
  });

  it('a START_API with long optional capabilities fits, and requests pipelined behind it may be large', async () => {
    const s = await sim();
    const c = await raw(s.port);
    const big = encodeFrame(['81', '7', 'Q'.repeat(64 * 1024)]); // REQ_MATCHING_SYMBOLS, 64 KiB pattern
    c.write(Buffer.concat([encodeHandshake(100, SIM_MAX_VERSION), startApi(1, 'x'.repeat(900)), big]));
    expect(await c.waitFor((f) => f[0] === '79' && f[1] === '7', 5000)).toBeDefined(); // SYMBOL_SAMPLES
    expect(c.closed).toBe(false);
  });
});

describe('connections not yet logged in', () => {
  it('past maxPendingConnections the oldest is closed; a client that logs in at once is never the one', async () => {
    const s = await sim({ pending: { maxPendingConnections: 5 } });
    const idle: RawClient[] = [];
    for (let i = 0; i < 8; i++) {
      idle.push(await raw(s.port));
      await pollUntil(() => s.gateway.sessionCount >= Math.min(i + 1, 5), 1000);
    }
    const closed = async () => (await Promise.all(idle.map((c) => c.whenClosed(1)))).map((x) => (x ? 'closed' : 'open'));
    await pollUntil(() => idle.filter((c) => c.closed).length >= 3, 3000);
    expect(await closed()).toEqual(['closed', 'closed', 'closed', 'open', 'open', 'open', 'open', 'open']);
    expect(s.tcp.pendingStats.connections).toBe(5);
    const client = await RawClient.ready(s.port, 1);
    clients.push(client);
    // The new login evicted one more idle socket, and then no longer counted as pending.
    expect(await pollUntil(() => idle.filter((c) => c.closed).length === 4, 3000)).toBe(true);
    expect(s.tcp.pendingStats.connections).toBe(4);
    expect(client.closed).toBe(false);
  });

  it('past maxPendingBytes buffered across them, the connection that sent the last bytes is closed', async () => {
    const s = await sim({ pending: { maxPendingBytes: 2048 } });
    const partial = Buffer.concat([encodeHandshake(100, SIM_MAX_VERSION), lengthOnly(1000), Buffer.alloc(900, 0x41)]); // 904 bytes left buffered
    const a = await raw(s.port);
    a.write(partial);
    await pollUntil(() => s.tcp.pendingStats.bufferedBytes === 904, 2000);
    const b = await raw(s.port);
    b.write(partial);
    await pollUntil(() => s.tcp.pendingStats.bufferedBytes === 1808, 2000);
    expect(s.tcp.pendingStats).toEqual({ connections: 2, bufferedBytes: 1808 });
    const c = await raw(s.port);
    c.write(partial);
    expect(await c.whenClosed(3000)).toBe(true);
    expect([a.closed, b.closed]).toEqual([false, false]);
    expect(s.tcp.pendingStats).toEqual({ connections: 2, bufferedBytes: 1808 });
    // A pending connection that goes away no longer counts.
    a.destroy();
    expect(await pollUntil(() => s.tcp.pendingStats.bufferedBytes === 904, 2000)).toBe(true);
  });
});

describe('malformed frames over TCP', () => {
  it('a flood on a logged-in session meets error 100 and then the close (ibkr-paper, time scale 0.1)', async () => {
    const s = await sim({ profile: 'ibkr-paper', timeScale: 0.1 });
    const flooder = await RawClient.ready(s.port, 1);
    clients.push(flooder);
    const bystander = await RawClient.ready(s.port, 2);
    clients.push(bystander);
    const bad = encodeFrame(['8', '1', 'x']); // REQ_IDS with a numIds that is no integer
    const batch = Buffer.concat(Array.from({ length: 200 }, () => bad));
    const t0 = s.clock.now();
    let sent = 0;
    for (let i = 0; i < 400 && !flooder.closed; i++) {
      flooder.write(batch);
      sent += 200;
      await new Promise((r) => setTimeout(r, 5)); // 5 real ms = 50 model ms: every model second is over the rate
    }
    expect(await flooder.whenClosed(5000)).toBe(true);
    expect(flooder.closedByPeer).toBe(true);
    const modelSeconds = (s.clock.now() - t0) / 1000;
    const errors = flooder.errors();
    expect(errors.filter((e) => e.code === 100).length).toBeGreaterThan(0);
    // Only what the rate let through got its own 320: a full bucket (50 plus the 200 ms of jitter
    // forgiven, 60) and 50 per model second after it (docs/wire-facts/pacing.md#the-rule-the-simulator-applies).
    const answered = errors.filter((e) => e.code === 320).length;
    const rate = s.gateway.profile.messageRate;
    expect(answered).toBeLessThanOrEqual(bucketCapacity(rate) + Math.floor(rate.maxPerSecond * modelSeconds));
    expect(answered).toBeLessThan(sent);
    bystander.send({ type: 'REQ_CURRENT_TIME' });
    expect(await bystander.waitFor((f) => f[0] === SERVER_ID.CURRENT_TIME, 3000)).toBeDefined();
    expect(bystander.errors().filter((e) => e.id !== -1)).toEqual([]);
  });
});

describe('binding', () => {
  it('beyond loopback the simulated gateway warns that anyone can reach it', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_o: object, msg?: string) => warnings.push(msg ?? '') };
    await sim({ host: '0.0.0.0', logger });
    expect(warnings).toContain(
      'the simulated gateway listens on 0.0.0.0, beyond loopback: anyone who can reach this machine can use it (the TWS protocol has no authentication)',
    );
    await sim({ logger });
    expect(warnings).toHaveLength(1);
  });
});

describe('a port already in use', () => {
  it("rejects startSimulator with EADDRINUSE and logs nothing of it: the caller's one report is the error", async () => {
    const taken = await sim();
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (o: { err?: string }, msg?: string) => errors.push(`${msg}: ${o.err}`) };
    await expect(startSimulator({ port: taken.port, profile: 'instant', logger })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(errors).toEqual([]);
  });
});
