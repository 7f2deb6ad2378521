/**
 * The pooled collector in the middle of a history collection of several symbols, over real TCP
 * with @stoqey/ib, when the gateway (a) drops the session, (b) loses and regains its own
 * connectivity (1100 → 1102, data maintained), (c) restarts, (d) regains connectivity with data
 * lost (1100 → 1101). In each case the collection completes, every series
 * holds exactly the bars a fresh direct request returns (bars are deterministic per seed), and
 * nothing is stored twice.
 *
 * Timeline (model ms, at 1/50 real time): every history answer takes 3 s; AMD's and SPY's first
 * requests are held 20 s longer by a one-shot delay rule, so when the other three have been
 * answered those two are certainly still pending at the gateway (for 400 real ms, ample margin for
 * a loaded machine) — that is when the fault strikes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../common/log.ts';
import { OpRecorder } from '../common/op-history.ts';
import { Rng } from '../common/rng.ts';
import type { GatewayModel } from '../simulator/model/gateway.ts';
import type { ContractSpec } from './gateway-client.ts';
import type { HistoryOutcome } from './history-collector.ts';
import { InMemoryLeaseStore } from './ids/index.ts';
import { createStrategy, type ConnectionStrategy } from './strategies/index.ts';
import { errorsSent, memoryStore, received, startApiIds, tcpEnv, waitFor, type TcpEnv } from './testing/env.ts';
import type { SqliteStore } from './store/index.ts';

const SYMBOLS: ContractSpec[] = ['AAPL', 'MSFT', 'TSLA', 'AMD', 'SPY'].map((symbol) => ({ symbol, currency: 'USD' }));
const HELD = ['AMD', 'SPY'];
const SERIES = { duration: '5 D', barSize: '1 hour' };
const HOLD_MS = 20_000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Run {
  env: TcpEnv;
  store: SqliteStore;
  strategy: ConnectionStrategy;
  recorder: OpRecorder;
  /** Qualify and collect every symbol, all at once, through one pooled client. */
  collect(): Promise<HistoryOutcome[]>;
}

async function pooledRun(): Promise<Run> {
  const env = await tcpEnv({
    profile: 'instant',
    timeScale: 0.02,
    seed: 11,
    overrides: { history: { service: { median: 3_000, sigma: 0 } }, connections: { idGraceMs: 30_000, restartDowntimeMs: 3_000 } },
  });
  const store = memoryStore();
  const recorder = new OpRecorder(() => env.clock.now());
  const strategy = createStrategy('pooled', {
    process: 'worker-1',
    connector: env.connector,
    clock: env.clock,
    rng: new Rng(11),
    log: silentLog,
    recorder,
    store,
    leaseStore: new InMemoryLeaseStore({ clock: env.clock }),
    options: { idGraceMs: 30_000 },
  });
  cleanups.push(
    () => env.close(),
    () => store.close(),
    () => strategy.close(),
  );
  for (const symbol of HELD) env.sim.faults.apply({ kind: 'delay', ms: HOLD_MS, match: { message: 'REQ_HISTORICAL_DATA', symbol }, times: 1 });
  const client = strategy.client({ actor: 'worker-1/task-1', role: 'worker' });
  const collect = () =>
    Promise.all(
      SYMBOLS.map(async (spec) => {
        const q = await client.qualify(spec);
        if (q.kind !== 'qualified') throw new Error(`${spec.symbol}: ${q.kind}`);
        return client.collectHistory(q.contract, SERIES);
      }),
    );
  return { env, store, strategy, recorder, collect };
}

function answered(gw: GatewayModel): string[] {
  const bySession = new Map<string, string>();
  for (const e of gw.journal.query({ type: 'REQ_HISTORICAL_DATA', dir: 'in' })) bySession.set(`${e.sessionId}/${e.message.reqId}`, String(e.message.symbol));
  return gw.journal.query({ type: 'HISTORICAL_DATA', dir: 'out' }).map((e) => bySession.get(`${e.sessionId}/${e.message.reqId}`) ?? '?');
}

/** Wait until the three unheld series are answered and the two held ones are still pending. */
async function midCollection(run: Run): Promise<void> {
  await waitFor(() => answered(run.env.sim.gateway).length >= 3, 5_000, 'three answers');
  expect(answered(run.env.sim.gateway).sort()).toEqual(['AAPL', 'MSFT', 'TSLA']);
}

/** Every series holds exactly what a fresh request on a new connection returns, each bar once. */
async function expectExact(run: Run, outcomes: HistoryOutcome[]): Promise<void> {
  const conn = await run.env.connector.connect({ clientId: 900, timeoutMs: 10_000 });
  try {
    for (const o of outcomes) {
      const contract = run.store.getContract(o.conId)!;
      const fresh = await conn
        .historicalData({
          contract: {
            ...contract,
            primaryExchange: contract.primaryExchange ?? '',
            localSymbol: contract.localSymbol ?? '',
            longName: contract.longName ?? '',
            timeZoneId: '',
          },
          endDateTime: '',
          duration: SERIES.duration,
          barSize: SERIES.barSize,
          whatToShow: 'TRADES',
          useRTH: true,
        })
        .result.then((r) => r.bars);
      expect(fresh.length, o.symbol).toBe(35); // 5 trading days × 7 hourly regular-session bars
      const series = { conId: o.conId, exchange: contract.exchange, barSize: SERIES.barSize, whatToShow: 'TRADES', useRTH: true };
      const times = run.store.barTimes(series);
      expect(times, `${o.symbol} bar times`).toEqual(fresh.map((b) => Number(b.time)));
      expect(new Set(times).size).toBe(times.length);
      expect(run.store.countBars(series)).toBe(fresh.length);
      expect(o).toMatchObject({ received: fresh.length, added: fresh.length, stored: fresh.length, skipped: false });
    }
  } finally {
    conn.close();
  }
}

describe('pooled history collection over TCP survives gateway faults', () => {
  it('dropSession: the lost requests are sent again after the reconnect (on another id), the stored bars are exact', async () => {
    const run = await pooledRun();
    const collection = run.collect();
    await midCollection(run);
    const [session] = run.env.sim.gateway.findSessions({});
    const droppedId = session!.clientId!;
    run.env.sim.faults.apply({ kind: 'drop', match: { sessionId: session!.id } });

    const outcomes = await collection;
    const bySymbol = Object.fromEntries(outcomes.map((o) => [o.symbol, o.requests]));
    expect(bySymbol).toEqual({ AAPL: 1, MSFT: 1, TSLA: 1, AMD: 2, SPY: 2 });
    // The dropped id stays held by the gateway for its grace period: the session ends up on another
    // id, with at most one 326 on the way.
    const ids = startApiIds(run.env.sim.gateway);
    const refusals = errorsSent(run.env.sim.gateway, 326).length;
    expect(refusals).toBeLessThanOrEqual(1);
    expect(ids).toHaveLength(2 + refusals);
    expect(ids[0]).toBe(droppedId);
    expect(ids.at(-1)).not.toBe(droppedId);
    expect(run.recorder.events().filter((e) => e.op === 'connection-lost' && e.type === 'invoke')).toHaveLength(1);
    expect(received(run.env.sim.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(5);
    await expectExact(run, outcomes);
  });

  it('1100 then 1102 (data maintained): the held answers arrive after the restore, nothing is re-sent, the stored bars are exact', async () => {
    const run = await pooledRun();
    const collection = run.collect();
    await midCollection(run);
    run.env.sim.gateway.loseConnectivity();
    // Past the hold and the 3 s service: the two series are served during the outage and their
    // answers held by the gateway until connectivity returns.
    await run.env.clock.sleep(HOLD_MS + 5_000);
    expect(answered(run.env.sim.gateway)).toHaveLength(3);
    run.env.sim.gateway.restoreConnectivity(false);

    const outcomes = await collection;
    expect(outcomes.map((o) => o.requests)).toEqual([1, 1, 1, 1, 1]);
    expect(received(run.env.sim.gateway, 'REQ_HISTORICAL_DATA')).toHaveLength(5);
    expect(received(run.env.sim.gateway, 'START_API')).toHaveLength(1);
    const notices = run.env.sim.gateway.journal.query({ type: 'ERR_MSG', dir: 'out' }).map((e) => e.message.code);
    expect(notices).toEqual(expect.arrayContaining([1100, 1102]));
    await expectExact(run, outcomes);
  });

  it('restart: every session dropped and connections refused for 3 s; the collection resumes and the stored bars are exact', async () => {
    const run = await pooledRun();
    const collection = run.collect();
    await midCollection(run);
    const restartedAt = run.env.clock.now();
    run.env.sim.gateway.restart();

    const outcomes = await collection;
    expect(Object.fromEntries(outcomes.map((o) => [o.symbol, o.requests]))).toEqual({ AAPL: 1, MSFT: 1, TSLA: 1, AMD: 2, SPY: 2 });
    // Nothing got through before the gateway was back.
    const logins = run.env.sim.gateway.journal.query({ type: 'NEXT_VALID_ID', dir: 'out' }).map((e) => e.at);
    expect(logins).toHaveLength(2);
    expect(logins[1]! - restartedAt).toBeGreaterThanOrEqual(3_000);
    await expectExact(run, outcomes);
  });

  it('1100 then 1101 (data lost): the requests the gateway dropped are sent again, the stored bars are exact', async () => {
    const run = await pooledRun();
    const collection = run.collect();
    await midCollection(run);
    run.env.sim.gateway.loseConnectivity();
    await run.env.clock.sleep(HOLD_MS + 5_000);
    // The simulator drops what it was holding, without an answer, as TWS does: the client must
    // send those requests again.
    run.env.sim.gateway.restoreConnectivity(true);
    const outcome = await Promise.race([collection, run.env.clock.sleep(30_000).then(() => 'still pending 30 model s after the 1101' as const)]);
    expect(outcome).not.toBe('still pending 30 model s after the 1101');
    const outcomes = outcome as HistoryOutcome[];
    expect(Object.fromEntries(outcomes.map((o) => [o.symbol, o.requests]))).toEqual({ AAPL: 1, MSFT: 1, TSLA: 1, AMD: 2, SPY: 2 });
    expect(received(run.env.sim.gateway, 'START_API')).toHaveLength(1); // same connection throughout
    await expectExact(run, outcomes);
  });
});
