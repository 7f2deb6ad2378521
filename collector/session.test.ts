/**
 * GatewaySession: lazy connection, client-id leasing and the 326 cure, failures that name the
 * gateway and never hang the callers, and the watchdog that turns a zombie connection into a
 * reconnect. Over real TCP with @stoqey/ib where the socket behaviour matters, in virtual time
 * where exact model timing is the point.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ScaledClock, toModelMs } from '../common/clock.ts';
import { Rng } from '../common/rng.ts';
import { silentLog } from '../common/log.ts';
import { InMemoryLeaseStore } from './ids/index.ts';
import { RandomIdStrategy } from './ids/random-strategy.ts';
import { OpRecorder } from '../common/op-history.ts';
import { GatewaySession } from './session.ts';
import type { GatewayModel } from '../simulator/model/gateway.ts';
import { startSimulator } from '../simulator/simulator.ts';
import { WireClient } from '../simulator/testing/wire-client.ts';
import { StoqeyConnector } from './adapters/stoqey-connector.ts';
import { ClientIdInUse, CoordinationUnavailable, GatewayUnreachable, HandshakeTimeout, NotConnected, RequestTimeout } from './errors.ts';
import {
  autoCleanup,
  AAPL,
  CONID,
  MSFT,
  closedPort,
  drive,
  errorsSent,
  leasedSession,
  qualifierOn,
  received,
  startApiIds,
  track,
  virtualEnv,
  waitFor,
  type SessionKit,
} from './testing/env.ts';

const { later, closeLater, tcp } = autoCleanup();

/**
 * After an unclean loss of the connection using `staleId` while the gateway holds that id: the
 * session is connected with another id, got at most one 326 on the way (none if it set the id
 * aside by itself), and the lease store marks `staleId` taken so no process of the host tries it.
 */
async function expectMovedOffStaleId(kit: SessionKit, gw: GatewayModel, staleId: number): Promise<void> {
  const ids = startApiIds(gw);
  expect(ids[0]).toBe(staleId);
  expect(kit.session.clientId).toBeDefined();
  expect(kit.session.clientId).not.toBe(staleId);
  expect(ids.at(-1)).toBe(kit.session.clientId);
  const refusals = errorsSent(gw, 326).length;
  expect(refusals).toBeLessThanOrEqual(1);
  expect(ids).toHaveLength(2 + refusals);
  const taken = (await kit.leases.list(kit.session.address)).filter((e) => e.kind === 'taken' && e.live);
  expect(taken.map((e) => e.clientId)).toEqual([staleId]);
}

describe('GatewaySession over TCP', () => {
  it('connects lazily: nothing reaches the gateway until the first caller needs the connection', async () => {
    const env = await tcp({ profile: 'instant' });
    const kit = closeLater(leasedSession(env.connector, env.clock));
    await new Promise((r) => setTimeout(r, 50));
    expect(kit.session.state).toBe('idle');
    expect(env.sim.gateway.sessionCount).toBe(0);
    expect(received(env.sim.gateway, 'START_API')).toHaveLength(0);

    const [a, b] = await Promise.all([kit.session.connection(), kit.session.connection()]);
    expect(a).toBe(b);
    expect(kit.session.state).toBe('connected');
    expect(startApiIds(env.sim.gateway)).toEqual([10]);
    expect(kit.session.clientId).toBe(10);
    // Later callers reuse it.
    expect(await kit.session.connection()).toBe(a);
    expect(received(env.sim.gateway, 'START_API')).toHaveLength(1);
    expect(kit.session.connectCount).toBe(1);
  });

  it('on a 326 for its first id it marks the id taken in the lease store and connects with another id', async () => {
    const env = await tcp({ profile: 'instant' });
    // Someone outside the collector (another app, an old process) already uses client id 10.
    const squatter = await WireClient.ready({ port: env.sim.port, clientId: 10 });
    later(() => squatter.destroy());

    const kit = closeLater(leasedSession(env.connector, env.clock, { idGraceMs: 60_000 }));
    const conn = await kit.session.connection();
    expect(conn.clientId).toBe(11);
    expect(startApiIds(env.sim.gateway)).toEqual([10, 10, 11]);
    expect(env.sim.gateway.journal.query({ type: 'ERR_MSG', dir: 'out' }).filter((e) => e.message.code === 326)).toHaveLength(1);

    const marks = (await kit.leases.list(env.connector.address)).filter((e) => e.kind === 'taken');
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ kind: 'taken', clientId: 10, live: true });
    expect((marks[0] as { until: number }).until).toBeGreaterThan(env.clock.now() + 50_000);

    const failed = kit.recorder.events().filter((e) => e.op === 'connect' && e.type === 'fail');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toMatchObject({ code: 'CLIENT_ID_IN_USE', ibCode: 326 });
    expect(failed[0]!.clientId).toBe(10);

    // A second process sharing the lease store skips both the taken id and the leased one: no 326.
    const other = closeLater(leasedSession(env.connector, env.clock, { leases: kit.leases }));
    expect((await other.session.connection()).clientId).toBe(12);
    expect(startApiIds(env.sim.gateway)).toEqual([10, 10, 11, 12]);
  });

  it('legacy behaviour for comparison: onClientIdInUse "fail" surfaces the 326 as ClientIdInUse', async () => {
    const env = await tcp({ profile: 'instant' });
    const squatter = await WireClient.ready({ port: env.sim.port, clientId: 10 });
    later(() => squatter.destroy());
    const kit = closeLater(leasedSession(env.connector, env.clock, { onClientIdInUse: 'fail' }));
    const err = await kit.session.connection().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientIdInUse);
    expect((err as Error).message).toContain(`client id 10 is already in use on gateway ${env.connector.address}`);
  });

  it('nothing listening: GatewayUnreachable names host:port; waiting callers fail with NotConnected after maxWaitMs, not hang', async () => {
    const port = await closedPort();
    const clock = new ScaledClock(0.2);
    const connector = new StoqeyConnector({ host: '127.0.0.1', port, clock });

    const once = closeLater(leasedSession(connector, clock, { maxConnectAttempts: 1 }));
    const err = await once.session.connection().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayUnreachable);
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);

    // With unlimited attempts the session keeps trying; callers wait at most maxWaitMs.
    const kit = closeLater(leasedSession(connector, clock, { maxWaitMs: 2_000, backoff: { maxDelayMs: 1_000 } }));
    const t0 = clock.now();
    const waits = [kit.session.connection(), kit.session.connection(), kit.session.connection()].map((p) => track(p, clock));
    await waitFor(() => waits.every((w) => w.settled), 2_000, 'callers failing');
    for (const w of waits) {
      expect(w.error).toBeInstanceOf(NotConnected);
      expect((w.error as Error).message).toContain(`127.0.0.1:${port}`);
      expect(w.at! - t0).toBeGreaterThanOrEqual(2_000);
      expect(w.at! - t0).toBeLessThan(4_000);
    }
    const attempts = kit.recorder.events().filter((e) => e.op === 'connect' && e.type === 'fail');
    expect(attempts.length).toBeGreaterThanOrEqual(2); // it retried with backoff in the meantime
    for (const a of attempts) expect(a.error).toMatchObject({ code: 'GATEWAY_UNREACHABLE' });
    expect(attempts[0]!.error!.message).toContain(`127.0.0.1:${port}`);

    // Qualifications waiting on that session end too: at maxWaitMs with NotConnected, or at the
    // caller's own deadline if that comes first.
    const q = qualifierOn(kit, clock);
    const t1 = clock.now();
    const patient = track(q.qualify(AAPL, { deadlineMs: 60_000 }), clock);
    const hasty = track(q.qualify(MSFT, { deadlineMs: 1_000 }), clock);
    await waitFor(() => patient.settled && hasty.settled, 3_000, 'qualifications failing');
    expect(patient.error).toBeInstanceOf(NotConnected);
    expect(patient.at! - t1).toBeGreaterThanOrEqual(2_000);
    expect(patient.at! - t1).toBeLessThan(4_000);
    expect(hasty.error).toBeInstanceOf(RequestTimeout);
    expect(hasty.at! - t1).toBeLessThan(2_000);

    // The gateway comes up on that port: the same session connects without anyone restarting it
    // (backoff is capped at 1 s, below maxWaitMs, so the next caller sees the next attempt).
    const sim = await startSimulator({ port, clock, profile: 'instant', seed: 1 });
    later(() => sim.close());
    const conn = await kit.session.connection();
    expect(conn.isOpen).toBe(true);
    expect(sim.gateway.sessionCount).toBeGreaterThanOrEqual(1);
  });

  it('HandshakeTimeout when the gateway swallows START_API; with retries the session connects once the gateway answers', async () => {
    const env = await tcp({ profile: 'instant', timeScale: 0.05 });
    const rule = env.sim.faults.apply({ kind: 'ignore', match: { message: 'START_API' }, times: 2 });

    const once = closeLater(leasedSession(env.connector, env.clock, { maxConnectAttempts: 1, connectTimeoutMs: 1_000 }));
    const t0 = env.clock.now();
    const err = await once.session.connection().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandshakeTimeout);
    expect((err as Error).message).toContain(env.connector.address);
    expect((err as Error).message).toContain('client id 10');
    expect(env.clock.now() - t0).toBeGreaterThanOrEqual(1_000);
    expect(once.session.state).toBe('idle');

    // Second session: the rule swallows one more START_API, then lets them through.
    const kit = closeLater(leasedSession(env.connector, env.clock, { connectTimeoutMs: 1_000, backoff: { baseDelayMs: 100 } }));
    const conn = await kit.session.connection();
    expect(conn.isOpen).toBe(true);
    expect(env.sim.faults.list().find((f) => f.id === rule.id)?.applied).toBe(2);
    expect(received(env.sim.gateway, 'START_API')).toHaveLength(3);
    const timeouts = kit.recorder.events().filter((e) => e.op === 'connect' && e.type === 'fail');
    expect(timeouts.map((e) => e.error?.code)).toEqual(['HANDSHAKE_TIMEOUT']);
  });

  it('the default handshake deadline is never under 5 s of wall time on a scaled clock: a 12 model s login at 0.02 (240 real ms) connects', async () => {
    const env = await tcp({ profile: 'instant', timeScale: 0.02, overrides: { connections: { loginLatency: { median: 12_000, sigma: 0 } } } });
    const kit = closeLater(leasedSession(env.connector, env.clock, { maxConnectAttempts: 1 }));
    const t0 = env.clock.now();
    const conn = await kit.session.connection();
    expect(conn.isOpen).toBe(true);
    expect(env.clock.now() - t0).toBeGreaterThanOrEqual(12_000); // the login took what the profile says
    expect(kit.session.o.connectTimeoutMs).toBe(toModelMs(env.clock, 5_000));
    // Given explicitly, the deadline is used as is: 10 model s is too short for that login.
    const strict = closeLater(leasedSession(env.connector, env.clock, { maxConnectAttempts: 1, connectTimeoutMs: 10_000 }));
    expect(await strict.session.connection().catch((e: unknown) => e)).toBeInstanceOf(HandshakeTimeout);
  });

  it('zombie over TCP: the watchdog drops a stalled connection, reconnects, and the qualification issued during the stall completes', async () => {
    const env = await tcp({ profile: 'ibkr-paper', timeScale: 0.2, overrides: { connections: { idGraceMs: 30_000 }, messageRate: { enabled: false } } });
    const kit = closeLater(leasedSession(env.connector, env.clock, { watchdog: { intervalMs: 2_000, timeoutMs: 1_000 } }));
    const q = qualifierOn(kit, env.clock);
    expect(await q.qualify(MSFT)).toMatchObject({ kind: 'qualified' });
    expect(env.sim.faults.apply({ kind: 'stall', match: { clientId: 10 } }).sessions).toHaveLength(1);

    const t0 = env.clock.now();
    const r = await q.qualify(AAPL, { deadlineMs: 20_000 });
    expect(r).toMatchObject({ kind: 'qualified', source: 'gateway', contract: { conId: CONID.AAPL } });
    expect(env.clock.now() - t0).toBeLessThan(2_000 + 1_000 + 2_000); // probe period + probe timeout + reconnect
    expect(kit.session.connectCount).toBe(2);
    // The zombie's id 10 stays held by the gateway for its grace period, so the session ends up on
    // another id — whether it learns that from a 326 or sets the id aside at once — and the lease
    // store keeps 10 marked taken.
    await expectMovedOffStaleId(kit, env.sim.gateway, 10);
    // One request was swallowed by the zombie, one answered on the new connection.
    expect(received(env.sim.gateway, 'REQ_CONTRACT_DATA').map((e) => e.message.symbol)).toEqual(['MSFT', 'AAPL', 'AAPL']);
  });
});

describe('GatewaySession in virtual time', () => {
  it('zombie: the watchdog drops it after probe period + probe timeout and the qualification issued during the stall completes', async () => {
    const env = virtualEnv({ profile: 'ibkr-paper', overrides: { connections: { idGraceMs: 0 } } });
    const kit = closeLater(leasedSession(env.connector, env.clock, { watchdog: { intervalMs: 5_000, timeoutMs: 2_000 } }));
    const q = qualifierOn(kit, env.clock);
    await drive(env.clock, q.qualify(MSFT));
    const connectedAt = received(env.gateway, 'START_API')[0]!.at;
    env.faults.apply({ kind: 'stall', match: { clientId: 10 } });

    const qual = q.qualify(AAPL, { deadlineMs: 60_000 });
    const t = track(qual, env.clock);
    const r = await drive(env.clock, qual, { limitMs: 60_000 });
    expect(r).toMatchObject({ kind: 'qualified', contract: { conId: CONID.AAPL } });
    // With no grace at the gateway, either the same id (reused at once) or another one is fine;
    // what matters is one reconnect and no 326 at all.
    const ids = startApiIds(env.gateway);
    expect(ids).toHaveLength(2);
    expect(errorsSent(env.gateway, 326)).toEqual([]);
    expect(kit.session.clientId).toBe(ids[1]);
    const reconnectAt = received(env.gateway, 'START_API')[1]!.at;
    // The first probe after the stall (5 s after login) goes unanswered and is judged 2 s later.
    expect(reconnectAt - connectedAt).toBeGreaterThan(5_000 + 2_000);
    expect(reconnectAt - connectedAt).toBeLessThanOrEqual(2 * 5_000 + 2 * 2_000);
    expect(t.at! - reconnectAt).toBeLessThan(1_000); // login + one service time
    expect(kit.recorder.events().filter((e) => e.op === 'connection-lost' && e.type === 'invoke')).toHaveLength(1);
  });

  it('zombie with the id held for the grace period: reconnects with another id, the held one marked taken', async () => {
    const env = virtualEnv({ profile: 'ibkr-paper', overrides: { connections: { idGraceMs: 30_000 } } });
    const kit = closeLater(leasedSession(env.connector, env.clock, { watchdog: { intervalMs: 1_000, timeoutMs: 500 }, idGraceMs: 30_000 }));
    const q = qualifierOn(kit, env.clock);
    await drive(env.clock, kit.session.connection());
    env.faults.apply({ kind: 'stall', match: { clientId: 10 } });
    const r = await drive(env.clock, q.qualify(AAPL, { deadlineMs: 10_000 }));
    expect(r.kind).toBe('qualified');
    await expectMovedOffStaleId(kit, env.gateway, 10);
  });

  it('a dropped connection fails the request in flight and the qualifier sends it again after the reconnect', async () => {
    const env = virtualEnv({ profile: 'ibkr-paper', overrides: { secdef: { service: { median: 2_000, sigma: 0 } }, connections: { idGraceMs: 0 } } });
    const kit = closeLater(leasedSession(env.connector, env.clock));
    const q = qualifierOn(kit, env.clock);
    const qual = q.qualify(AAPL);
    const t = track(qual);
    await drive(env.clock, new Promise<void>((resolve) => kit.session.onConnection(() => resolve())));
    await env.clock.advance(500);
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(1);
    env.faults.apply({ kind: 'drop', match: { clientId: 10 } });
    expect(t.settled).toBe(false);
    const r = await drive(env.clock, qual);
    expect(r).toMatchObject({ kind: 'qualified', source: 'gateway' });
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(2);
    expect(q.requestsSent).toBe(2);
    expect(kit.session.connectCount).toBe(2);
  });

  it('a closed session refuses callers with NotConnected and releases its lease', async () => {
    const env = virtualEnv();
    const kit = leasedSession(env.connector, env.clock);
    await drive(env.clock, kit.session.connection());
    expect((await kit.leases.list(env.connector.address)).filter((e) => e.kind === 'lease' && e.live)).toHaveLength(1);
    await kit.session.close();
    await expect(kit.session.connection()).rejects.toBeInstanceOf(NotConnected);
    expect((await kit.leases.list(env.connector.address)).filter((e) => e.kind === 'lease' && e.live)).toHaveLength(0);
    await env.clock.advance(10);
    expect(env.gateway.sessionCount).toBe(0);
  });

  it('a lease store unreachable at close is a warning, not a failure: close resolves and the lease is left to its TTL', async () => {
    const env = virtualEnv();
    const leases = new InMemoryLeaseStore({ clock: env.clock });
    const warnings: string[] = [];
    const log = { ...silentLog, warn: (_: object, msg?: string) => void warnings.push(msg ?? '') };
    const kit = leasedSession(env.connector, env.clock, { leases, log });
    await drive(env.clock, kit.session.connection());
    const down = new CoordinationUnavailable('redis://127.0.0.1:6379/0 (prefix fleet)', 'release a client-id lease', 'unreachable', {
      cause: new Error("Stream isn't writeable"),
    });
    leases.release = () => Promise.reject(down);
    const id = kit.session.clientId;
    await expect(kit.session.close()).resolves.toBeUndefined();
    expect(warnings).toContain(`could not release client id ${id}; its lease expires by its TTL`);
    await env.clock.advance(10);
    expect(env.gateway.sessionCount).toBe(0);
  });

  describe("a fixed-id role (the UI's client id 1) recovers once its only id is free again", () => {
    it('after a 326: waits out the grace period, then connects with id 1', async () => {
      const env = virtualEnv({ profile: 'ibkr-paper', overrides: { connections: { idGraceMs: 0 } } });
      const squatter = await drive(env.clock, env.connector.connect({ clientId: 1, timeoutMs: 5_000 }));
      const kit = closeLater(leasedSession(env.connector, env.clock, { range: { min: 1, max: 1 }, idGraceMs: 5_000, maxWaitMs: 3_000 }));
      await expect(drive(env.clock, kit.session.connection())).rejects.toBeInstanceOf(NotConnected);
      expect(errorsSent(env.gateway, 326)).toHaveLength(1);
      squatter.close();
      await env.clock.advance(10_000); // past the 5 s the id was marked taken
      const conn = await drive(env.clock, kit.session.connection());
      expect(conn.clientId).toBe(1);
      expect(errorsSent(env.gateway, 326)).toHaveLength(1);
    });

    it("after an unclean drop: reconnects with id 1 within the session's grace period", async () => {
      const env = virtualEnv({ profile: 'ibkr-paper', overrides: { connections: { idGraceMs: 2_000 } } });
      const kit = closeLater(leasedSession(env.connector, env.clock, { range: { min: 1, max: 1 }, idGraceMs: 5_000, maxWaitMs: 30_000 }));
      await drive(env.clock, kit.session.connection());
      env.faults.apply({ kind: 'drop', match: { clientId: 1 } });
      await env.clock.advance(10);
      expect(kit.session.state).toBe('reconnecting');
      const conn = await drive(env.clock, kit.session.connection(), { limitMs: 60_000 });
      expect(conn.clientId).toBe(1);
      expect(kit.session.connectCount).toBe(2);
    });
  });
});

describe('GatewaySession and the lease it watches', () => {
  it('a closed session leaves no listener on its lease: the shared never-lost signal of random ids does not grow per task', async () => {
    const env = virtualEnv({ profile: 'instant' });
    const ids = new RandomIdStrategy({ worker: { min: 4, max: 999 } }, new Rng(3), env.connector.address);
    const shared = ids.draw('worker').lostSignal;
    const before = getEventListeners(shared, 'abort').length;
    // The incident's task-random-id design: a new session per task, closed after it.
    for (let task = 0; task < 12; task++) {
      const session = new GatewaySession({
        connector: env.connector,
        ids,
        role: 'worker',
        clock: env.clock,
        rng: new Rng(task),
        recorder: new OpRecorder(() => env.clock.now()),
      });
      await drive(env.clock, session.connection());
      await drive(env.clock, session.close());
    }
    // Before: one listener per task stayed on the module-level signal, holding each closed session.
    expect(getEventListeners(shared, 'abort').length).toBe(before);
  });
});
