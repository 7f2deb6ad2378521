/**
 * The qualifier's claims, checked at the gateway (its journal is the packet capture):
 * one request per contract however many callers, deadlines that never re-send, a late answer kept
 * in the cache, TTL and SQLite persistence, ambiguous and unknown contracts, one request at a time.
 */
import { describe, expect, it } from 'vitest';
import { RequestTimeout } from './errors.ts';
import type { QualifyResult } from './qualifier.ts';
import {
  autoCleanup,
  AAPL,
  AMD,
  CONID,
  MSFT,
  TSLA,
  TTE,
  WLN,
  drive,
  leasedSession,
  qualifierOn,
  received,
  scratchDir,
  secdefSpans,
  track,
  virtualEnv,
} from './testing/env.ts';
import { openStore } from './store/index.ts';

const { later, closeLater, tcp } = autoCleanup();

describe('Qualifier over TCP (@stoqey/ib against the simulator)', () => {
  it('20 concurrent callers for one symbol cause exactly one REQ_CONTRACT_DATA and all get the same contract', async () => {
    // 200 model ms of service at 1/10 real time: the request is pending while the callers pile up.
    const env = await tcp({ profile: 'instant', timeScale: 0.1, overrides: { secdef: { service: { median: 200, sigma: 0 } } } });
    const kit = closeLater(leasedSession(env.connector, env.clock));
    const q = qualifierOn(kit, env.clock);
    const results = await Promise.all(Array.from({ length: 20 }, () => q.qualify(AAPL)));
    expect(received(env.sim.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(1);
    expect(q.requestsSent).toBe(1);
    for (const r of results)
      expect(r).toMatchObject({ kind: 'qualified', source: 'gateway', contract: { conId: CONID.AAPL, symbol: 'AAPL', currency: 'USD' } });
    // A 21st caller after the answer: the cache, no request.
    expect(await q.qualify(AAPL)).toMatchObject({ kind: 'qualified', source: 'cache', ms: 0 });
    expect(received(env.sim.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(1);
  });

  it('TTE without a currency is ambiguous and lists both listings; an unknown symbol (error 200) is unknown', async () => {
    const env = await tcp({ profile: 'instant' });
    const kit = closeLater(leasedSession(env.connector, env.clock));
    const q = qualifierOn(kit, env.clock);
    const tte = await q.qualify({ symbol: 'TTE' });
    expect(tte.kind).toBe('ambiguous');
    const candidates = (tte as Extract<QualifyResult, { kind: 'ambiguous' }>).candidates;
    expect(candidates.map((c) => c.conId).sort()).toEqual([CONID.TTE_SBF, CONID.TTE_NYSE]);
    expect(candidates.map((c) => `${c.primaryExchange}/${c.currency}`).sort()).toEqual(['NYSE/USD', 'SBF/EUR']);

    const unknown = await q.qualify({ symbol: 'NOSUCHSYM', currency: 'USD' });
    expect(unknown.kind).toBe('unknown');
    const errors = env.sim.gateway.journal.query({ type: 'ERR_MSG', dir: 'out' }).filter((e) => e.message.code === 200);
    expect(errors).toHaveLength(1);

    // With the currency TTE is one contract.
    expect(await q.qualify(TTE)).toMatchObject({ kind: 'qualified', contract: { conId: CONID.TTE_SBF, primaryExchange: 'SBF' } });
  });

  it('with concurrency 1 each REQ_CONTRACT_DATA reaches the gateway only after the previous one was answered', async () => {
    const env = await tcp({ profile: 'instant', timeScale: 0.1, overrides: { secdef: { service: { median: 100, sigma: 0 } } } });
    const kit = closeLater(leasedSession(env.connector, env.clock));
    const q = qualifierOn(kit, env.clock);
    const specs = [AAPL, MSFT, TSLA, AMD, TTE, WLN, { symbol: 'NOSUCHSYM', currency: 'USD' }];
    const results = await Promise.all(specs.map((s) => q.qualify(s)));
    expect(results.map((r) => r.kind)).toEqual(['qualified', 'qualified', 'qualified', 'qualified', 'qualified', 'qualified', 'unknown']);
    const spans = secdefSpans(env.sim.gateway);
    expect(spans.map((s) => s.symbol)).toEqual(specs.map((s) => s.symbol));
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i - 1]!.answeredSeq, `${spans[i - 1]!.symbol} answered`).toBeDefined();
      expect(spans[i]!.inSeq, `${spans[i]!.symbol} sent after ${spans[i - 1]!.symbol} was answered`).toBeGreaterThan(spans[i - 1]!.answeredSeq!);
    }
  });

  it('control: with concurrency 3 the journal does show overlapping requests (the ordering check has teeth)', async () => {
    const env = await tcp({ profile: 'instant', timeScale: 0.1, overrides: { secdef: { service: { median: 100, sigma: 0 } } } });
    const kit = closeLater(leasedSession(env.connector, env.clock));
    const q = qualifierOn(kit, env.clock, { concurrency: 3 });
    await Promise.all([AAPL, MSFT, TSLA, AMD].map((s) => q.qualify(s)));
    const spans = secdefSpans(env.sim.gateway);
    const overlapping = spans.slice(1).filter((s, i) => s.inSeq < spans[i]!.answeredSeq!);
    expect(overlapping.length).toBeGreaterThan(0);
  });
});

describe('Qualifier in virtual time (model connector)', () => {
  it('a caller past its deadline gets RequestTimeout; the pending request is not re-sent and its late answer lands in the cache', async () => {
    const env = virtualEnv({ profile: 'ibkr-paper', overrides: { secdef: { service: { median: 5_000, sigma: 0 } } } });
    const kit = closeLater(leasedSession(env.connector, env.clock));
    const q = qualifierOn(kit, env.clock);

    const first = q.qualify(TTE, { deadlineMs: 1_000 });
    const t1 = track(first, env.clock);
    await expect(drive(env.clock, first)).rejects.toBeInstanceOf(RequestTimeout);
    const sentAt = received(env.gateway, 'REQ_CONTRACT_DATA')[0]!.at;
    expect(t1.at! - sentAt).toBeLessThanOrEqual(1_000);
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(1);
    expect(q.pending).toBe(1);

    // A second caller while the request is still pending joins it, and also times out: no re-send.
    await expect(drive(env.clock, q.qualify(TTE, { deadlineMs: 1_000 }))).rejects.toBeInstanceOf(RequestTimeout);
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(1);

    // Let the gateway answer (5 s after the request); nobody is waiting for it any more.
    await env.clock.advance(sentAt + 5_000 - env.clock.now() + 1);
    expect(env.gateway.journal.query({ type: 'CONTRACT_DATA_END', dir: 'out' })).toHaveLength(1);
    expect(q.pending).toBe(0);

    const later = await drive(env.clock, q.qualify(TTE, { deadlineMs: 1_000 }));
    expect(later).toMatchObject({ kind: 'qualified', source: 'cache', contract: { conId: CONID.TTE_SBF } });
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(1);
    expect(q.requestsSent).toBe(1);
  });

  it('a cached contract expires after the TTL, and the next caller causes one new request', async () => {
    const env = virtualEnv();
    const kit = closeLater(leasedSession(env.connector, env.clock));
    const store = openStore(':memory:');
    later(() => store.close());
    const q = qualifierOn(kit, env.clock, { cacheTtlMs: 60_000, store });
    expect(await drive(env.clock, q.qualify(MSFT))).toMatchObject({ source: 'gateway' });
    await env.clock.advance(59_000);
    expect(await drive(env.clock, q.qualify(MSFT))).toMatchObject({ source: 'cache' });
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(1);
    await env.clock.advance(1_500); // 60.5 s after the answer: both the memory and the SQLite entry are stale
    expect(await drive(env.clock, q.qualify(MSFT))).toMatchObject({ kind: 'qualified', source: 'gateway', contract: { conId: CONID.MSFT } });
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(2);
  });

  it('the SQLite cache survives a new Qualifier (and a new session) on the same database file: source "store", no request', async () => {
    const env = virtualEnv();
    const tmp = scratchDir('qualifier-');
    later(() => tmp.cleanup());
    const file = tmp.file('collector.db');

    const store1 = openStore(file);
    const kit1 = leasedSession(env.connector, env.clock);
    const q1 = qualifierOn(kit1, env.clock, { store: store1 });
    expect(await drive(env.clock, q1.qualify(WLN))).toMatchObject({ kind: 'qualified', source: 'gateway', contract: { conId: CONID.WLN } });
    await kit1.session.close();
    store1.close();
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(1);

    await env.clock.advance(3_600_000); // an hour later, well within the default 24 h TTL
    const store2 = openStore(file);
    later(() => store2.close());
    const kit2 = closeLater(leasedSession(env.connector, env.clock));
    const q2 = qualifierOn(kit2, env.clock, { store: store2 });
    const r = await drive(env.clock, q2.qualify(WLN));
    expect(r).toMatchObject({ kind: 'qualified', source: 'store', contract: { conId: CONID.WLN, symbol: 'WLN', currency: 'EUR', primaryExchange: 'SBF' } });
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(1);
    // Served from the store, the session never even connected.
    expect(kit2.session.state).toBe('idle');
    // Once read from the store it is in memory too.
    expect(await drive(env.clock, q2.qualify(WLN))).toMatchObject({ source: 'cache' });
  });

  it('callers for different keys are served in arrival order, one request each, never two at once', async () => {
    const env = virtualEnv({ overrides: { secdef: { service: { median: 200, sigma: 0 } } } });
    const kit = closeLater(leasedSession(env.connector, env.clock));
    const q = qualifierOn(kit, env.clock);
    const specs = [AAPL, MSFT, AAPL, TSLA, MSFT, AMD, AAPL, TTE, WLN, TSLA];
    const results = await drive(env.clock, Promise.all(specs.map((s) => q.qualify(s))));
    expect(results.every((r) => r.kind === 'qualified')).toBe(true);
    const spans = secdefSpans(env.gateway);
    expect(spans.map((s) => s.symbol)).toEqual(['AAPL', 'MSFT', 'TSLA', 'AMD', 'TTE', 'WLN']);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.inAt).toBe(spans[i - 1]!.answeredAt);
  });

  it('after 1101 (data lost) a qualification the gateway dropped from its queue is sent again; the key does not stay dead', async () => {
    const env = virtualEnv({ overrides: { secdef: { service: { median: 2_000, sigma: 0 } } } });
    const kit = closeLater(leasedSession(env.connector, env.clock));
    const q = qualifierOn(kit, env.clock);
    // Another client's request occupies the gateway's secdef service, so ours waits in its queue.
    const other = await drive(env.clock, env.connector.connect({ clientId: 70, timeoutMs: 5_000 }));
    later(() => other.close());
    other.contractDetails(MSFT).result.catch(() => {});
    const first = q.qualify(AAPL, { deadlineMs: 30_000 });
    await drive(env.clock, new Promise<void>((r) => kit.session.onConnection(() => r())));
    await env.clock.advance(100);
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(2);
    env.gateway.loseConnectivity();
    await env.clock.advance(500);
    // The simulator drops the queued request without answering it.
    env.gateway.restoreConnectivity(true);
    expect(await drive(env.clock, first)).toMatchObject({ kind: 'qualified', source: 'gateway', contract: { conId: CONID.AAPL } });
    expect(received(env.gateway, 'REQ_CONTRACT_DATA').map((e) => e.message.symbol)).toEqual(['MSFT', 'AAPL', 'AAPL']);
    expect(q.pending).toBe(0);
    expect(await drive(env.clock, q.qualify(AAPL))).toMatchObject({ source: 'cache' });
  });

  it('a slow qualification says where the time went: waiting to send (login, lease) or at the gateway', async () => {
    const warnings = (lines: string[]) => ({ debug() {}, info() {}, error() {}, warn: (_o: object, msg?: string) => void lines.push(msg ?? '') });
    // ibkr-paper's login (≈300 model ms) is on this side of the request; the answer is quick.
    const slowLogin = virtualEnv({ profile: 'ibkr-paper' });
    const first: string[] = [];
    const q1 = qualifierOn(closeLater(leasedSession(slowLogin.connector, slowLogin.clock)), slowLogin.clock, { slowThresholdMs: 100, log: warnings(first) });
    await drive(slowLogin.clock, q1.qualify(AAPL));
    expect(first).toEqual([
      expect.stringMatching(
        /^qualifying AAPL took \d+ ms: \d+ ms of it waiting to send \(a gateway connection, a client id or the message budget\), \d+ ms at the gateway$/,
      ),
    ]);
    // A 2 s sec-def service: the time is the gateway's.
    const slowGateway = virtualEnv({ profile: 'instant', overrides: { secdef: { service: { median: 2_000, sigma: 0 } } } });
    const second: string[] = [];
    const q2 = qualifierOn(closeLater(leasedSession(slowGateway.connector, slowGateway.clock)), slowGateway.clock, {
      slowThresholdMs: 1_000,
      log: warnings(second),
    });
    await drive(slowGateway.clock, q2.qualify(AAPL));
    expect(second).toEqual([expect.stringMatching(/^qualifying AAPL took \d+ ms: \d+ ms of it at the gateway, which may be throttling$/)]);
  });
});
