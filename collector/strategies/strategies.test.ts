/**
 * The five connection strategies do what their names claim, seen from the gateway's journal:
 * the incident's legacy designs really misbehave the way the incident describes (so scenarios
 * and benchmarks compare against the real thing), and `pooled` does not. Virtual time.
 */
import { describe, expect, it } from 'vitest';
import { ClientIdInUse } from '../errors.ts';
import type { GatewayModel } from '../../simulator/model/gateway.ts';
import type { ContractSpec } from '../gateway-client.ts';
import { InMemoryLeaseStore } from '../ids/index.ts';
import { createStrategy, type ConnectionStrategy, type StrategyName } from './index.ts';
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
  errorsSent,
  received,
  secdefSpans,
  startApiIds,
  strategyDeps,
  virtualEnv,
  type StrategyKit,
  type VirtualEnv,
} from '../testing/env.ts';

const { later } = autoCleanup();

function make(env: VirtualEnv, name: StrategyName, opts: Parameters<typeof strategyDeps>[2] = {}): { strategy: ConnectionStrategy; kit: StrategyKit } {
  const kit = strategyDeps(env.connector, env.clock, opts);
  const strategy = createStrategy(name, kit.deps);
  later(() => kit.store.close());
  later(() => strategy.close());
  return { strategy, kit };
}

/** Distinct gateway sessions that completed a login. */
function loggedInSessions(gw: GatewayModel): Set<number> {
  return new Set(gw.journal.query({ type: 'NEXT_VALID_ID', dir: 'out' }).map((e) => e.sessionId));
}

/** For every contract key, its requests at the gateway never overlap in time. */
function overlappingSameKey(gw: GatewayModel): string[] {
  const byKey = new Map<string, ReturnType<typeof secdefSpans>>();
  for (const s of secdefSpans(gw)) byKey.set(`${s.symbol}/${s.currency}`, [...(byKey.get(`${s.symbol}/${s.currency}`) ?? []), s]);
  const bad: string[] = [];
  for (const [key, spans] of byKey) {
    for (let i = 1; i < spans.length; i++) if (spans[i - 1]!.answeredSeq === undefined || spans[i]!.inSeq < spans[i - 1]!.answeredSeq!) bad.push(key);
  }
  return bad;
}

const PAGES = 4;

describe('per-page (legacy)', () => {
  it('opens one connection per page, each with its own random id in 2..999, and sends every page its own request', async () => {
    const env = virtualEnv();
    const { strategy } = make(env, 'per-page', { process: 'ui', seed: 3 });
    const pages = Array.from({ length: PAGES }, (_, i) => strategy.client({ actor: `ui/page-${i}`, role: 'ui' }));
    const results = await drive(env.clock, Promise.all(pages.map((p) => p.qualify(AAPL))));
    expect(results.every((r) => r.kind === 'qualified')).toBe(true);
    expect(loggedInSessions(env.gateway).size).toBe(PAGES);
    expect(strategy.connectionsOpened).toBe(PAGES);
    const ids = startApiIds(env.gateway);
    expect(new Set(ids).size).toBe(PAGES);
    expect(ids.every((id) => id >= 2 && id <= 999)).toBe(true);
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(PAGES); // no sharing, no cache
    expect(env.gateway.sessionCount).toBe(PAGES); // pages keep their connections open
  });
});

describe('singleton (the incident UI fix)', () => {
  it('shares one connection with client id 1 among all pages of the process', async () => {
    const env = virtualEnv();
    const { strategy } = make(env, 'singleton', { process: 'ui' });
    const pages = Array.from({ length: PAGES }, (_, i) => strategy.client({ actor: `ui/page-${i}`, role: 'ui' }));
    await drive(env.clock, Promise.all(pages.map((p) => p.qualify(MSFT))));
    expect(startApiIds(env.gateway)).toEqual([1]);
    expect(strategy.connectionsOpened).toBe(1);
    for (const p of pages) expect(p.clientId).toBe(1);
    // It shares the connection but not the work: every page still sends its own request.
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(PAGES);
  });

  it('two processes using the singleton with id 1 (Streamlit + Celery on one id): the second gets a 326', async () => {
    const env = virtualEnv();
    const ui = make(env, 'singleton', { process: 'ui' }).strategy.client({ actor: 'ui/page-0', role: 'ui' });
    const worker = make(env, 'singleton', { process: 'worker-1' }).strategy.client({ actor: 'worker-1/task-0', role: 'worker' });
    await drive(env.clock, ui.qualify(AAPL));
    const err = await drive(env.clock, worker.qualify(AAPL)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientIdInUse);
    expect(errorsSent(env.gateway, 326)).toHaveLength(1);
  });
});

describe('task-random-id (the incident worker fix)', () => {
  it('opens a connection with a random id in 4..999 for each task and closes it when the task ends', async () => {
    const env = virtualEnv();
    const { strategy } = make(env, 'task-random-id', { seed: 5 });
    const sessionsDuring: number[] = [];
    for (let i = 0; i < 5; i++) {
      const task = strategy.client({ actor: `worker-1/task-${i}`, role: 'worker' });
      const r = await drive(env.clock, task.qualify([AAPL, MSFT, TSLA, AMD, WLN][i]!));
      expect(r.kind).toBe('qualified');
      sessionsDuring.push(env.gateway.sessionCount);
      await task.close();
      await env.clock.advance(10);
      expect(env.gateway.sessionCount, `after task ${i} closed`).toBe(0);
    }
    expect(sessionsDuring).toEqual([1, 1, 1, 1, 1]);
    const ids = startApiIds(env.gateway);
    expect(ids).toHaveLength(5);
    expect(ids.every((id) => id >= 4 && id <= 999)).toBe(true);
    expect(strategy.connectionsOpened).toBe(5);
    // No sharing across tasks: every task asks the gateway itself.
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(5);
  });
});

describe('timeout-wrapper (legacy)', () => {
  it('abandons and re-sends the request after each timeout: 4 requests and 64 s for a qualification the gateway answers in 16 s', async () => {
    // A slow, serialized secdef service: 16 s per request, nothing else.
    const overrides = { secdef: { service: { median: 16_000, sigma: 0 } }, connections: { loginLatency: { median: 300, sigma: 0 } } };
    const env = virtualEnv({ overrides });
    const { strategy } = make(env, 'timeout-wrapper', { process: 'ui' });
    const page = strategy.client({ actor: 'ui/page-0', role: 'ui' });
    const r = await drive(env.clock, page.qualify(TTE), { limitMs: 600_000 });
    expect(r).toMatchObject({ kind: 'qualified', contract: { conId: CONID.TTE_SBF } });
    // Timeouts 3 s, 15 s, 20 s, 30 s: sent at 0, 3, 18 and 38 s; each queued behind the previous
    // ones, the 4th is answered at 64 s, within its 30 s.
    const sent = received(env.gateway, 'REQ_CONTRACT_DATA').map((e) => e.at - env.gateway.journal.query({ type: 'NEXT_VALID_ID' })[0]!.at);
    expect(sent).toEqual([0, 3_000, 18_000, 38_000]);
    expect(r.ms).toBe(300 + 64_000);

    // The same qualification through pooled on an identical gateway: one request, 16 s.
    const env2 = virtualEnv({ overrides });
    const pooled = make(env2, 'pooled').strategy.client({ actor: 'worker-1/task-0', role: 'worker' });
    const p = await drive(env2.clock, pooled.qualify(TTE), { limitMs: 600_000 });
    expect(p).toMatchObject({ kind: 'qualified', contract: { conId: CONID.TTE_SBF } });
    expect(received(env2.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(1);
    expect(p.ms).toBe(300 + 16_000);
  });

  it('gives up with RequestTimeout after the last (60 s) timeout when the gateway never answers, having sent 5 requests', async () => {
    const env = virtualEnv();
    env.faults.apply({ kind: 'ignore', match: { message: 'REQ_CONTRACT_DATA' } });
    const { strategy } = make(env, 'timeout-wrapper', { process: 'ui' });
    const err = await drive(env.clock, strategy.client({ actor: 'ui/page-0', role: 'ui' }).qualify(WLN), { limitMs: 600_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(5);
  });
});

describe('pooled (recommended)', () => {
  const workload: ContractSpec[][] = [
    [AAPL, MSFT, TTE],
    [MSFT, AAPL, WLN],
    [TTE, TSLA, AAPL],
    [AMD, MSFT, TTE],
    [AAPL, AAPL, WLN],
    [WLN, TSLA, AMD],
  ];

  async function runWorkload(name: StrategyName): Promise<VirtualEnv> {
    const env = virtualEnv({ overrides: { secdef: { service: { median: 300, sigma: 0 } } } });
    const { strategy } = make(env, name, { process: 'worker-1' });
    const actors = workload.map((_, i) => strategy.client({ actor: `worker-1/task-${i}`, role: 'worker' }));
    // Every actor fires its three qualifications at once; actors start 100 ms apart.
    const jobs = actors.map(async (a, i) => {
      await env.clock.sleep(100 * i);
      return Promise.all(workload[i]!.map((s) => a.qualify(s)));
    });
    const results = await drive(env.clock, Promise.all(jobs), { limitMs: 600_000 });
    expect(results.flat().every((r) => r.kind === 'qualified')).toBe(true);
    return env;
  }

  it('never has two requests for the same contract at the gateway at once — in fact one request per contract, on one connection', async () => {
    const env = await runWorkload('pooled');
    expect(overlappingSameKey(env.gateway)).toEqual([]);
    const symbols = received(env.gateway, 'REQ_CONTRACT_DATA').map((e) => `${e.message.symbol}/${e.message.currency}`);
    expect(symbols.sort()).toEqual(['AAPL/USD', 'AMD/USD', 'MSFT/USD', 'TSLA/USD', 'TTE/EUR', 'WLN/EUR']);
    expect(loggedInSessions(env.gateway).size).toBe(1);
    // One at a time overall, too.
    const spans = secdefSpans(env.gateway);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.inSeq).toBeGreaterThan(spans[i - 1]!.answeredSeq!);
  });

  it('control: per-page on the same workload has concurrent duplicate requests (so the check above has teeth)', async () => {
    const env = await runWorkload('per-page');
    expect(overlappingSameKey(env.gateway).length).toBeGreaterThan(0);
    expect(received(env.gateway, 'REQ_CONTRACT_DATA').length).toBe(workload.flat().length);
  });

  it('processes sharing a lease store get distinct ids without a 326: ui fixed id 1, workers from 4..999', async () => {
    const env = virtualEnv();
    const leaseStore = new InMemoryLeaseStore({ clock: env.clock });
    const ui = make(env, 'pooled', { process: 'ui', leaseStore, seed: 1 }).strategy.client({ actor: 'ui/page-0', role: 'ui' });
    const w1 = make(env, 'pooled', { process: 'worker-1', leaseStore, seed: 2 }).strategy.client({ actor: 'worker-1/task-0', role: 'worker' });
    const w2 = make(env, 'pooled', { process: 'worker-2', leaseStore, seed: 2 }).strategy.client({ actor: 'worker-2/task-0', role: 'worker' });
    await drive(env.clock, Promise.all([ui.qualify(AAPL), w1.qualify(AAPL), w2.qualify(AAPL)]));
    const ids = startApiIds(env.gateway);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(ids).toContain(1);
    expect(errorsSent(env.gateway, 326)).toEqual([]);
    for (const id of ids.filter((i) => i !== 1)) expect(id).toBeGreaterThanOrEqual(4);
  });

  it('callers closing their client do not close the shared session; closing the strategy does, and frees the id', async () => {
    const env = virtualEnv();
    const { strategy, kit } = make(env, 'pooled');
    const a = strategy.client({ actor: 'worker-1/task-0', role: 'worker' });
    await drive(env.clock, a.qualify(AAPL));
    await a.close();
    const b = strategy.client({ actor: 'worker-1/task-1', role: 'worker' });
    await drive(env.clock, b.qualify(MSFT));
    expect(startApiIds(env.gateway)).toHaveLength(1);
    await strategy.close();
    await env.clock.advance(10);
    expect(env.gateway.sessionCount).toBe(0);
    expect((await kit.deps.leaseStore!.list(env.connector.address)).filter((e) => e.live)).toEqual([]);
  });
});
