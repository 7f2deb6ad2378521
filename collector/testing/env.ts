/**
 * Shared set-up for the collector tests and the qualification benchmark: a gateway model on a
 * VirtualClock behind the in-process connector (exact and fast), or a real simulator over TCP
 * behind the @stoqey/ib connector; sessions with leased ids; journal counting. Nothing here
 * decides a test's outcome: it only builds and measures.
 */
import { afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ScaledClock, VirtualClock, type Clock } from '../../common/clock.ts';
import { silentLog } from '../../common/log.ts';
import { OpRecorder } from '../../common/op-history.ts';
import { Rng } from '../../common/rng.ts';
import { spans } from '../../common/spans.ts';
import { createMarketData } from '../../simulator/market/market-data.ts';
import { FaultStage } from '../../simulator/faults/stage.ts';
import type { GatewayModel } from '../../simulator/model/gateway.ts';
import type { JournalEntry } from '../../simulator/model/journal.ts';
import type { MarketData } from '../../simulator/model/ports.ts';
import type { ProfileOverrides } from '../../simulator/model/profile.ts';
import { createGateway, startSimulator, type Simulator } from '../../simulator/simulator.ts';
import { ModelConnector } from '../adapters/model-connector.ts';
import { StoqeyConnector } from '../adapters/stoqey-connector.ts';
import type { GatewayConnector } from '../gateway-client.ts';
import { HistoryCollector } from '../history-collector.ts';
import { ClientIdAllocator, InMemoryLeaseStore, type LeaseStore } from '../ids/index.ts';
import { PacingScheduler } from '../pacing/index.ts';
import { Qualifier, type QualifierOptions } from '../qualifier.ts';
import { GatewaySession, type GatewaySessionOptions } from '../session.ts';
import { openStore, type SqliteStore } from '../store/index.ts';
import type { StrategyDeps, StrategyOptions } from '../strategies/index.ts';

export { AAPL, AFTER_CLOSE, AMD, CONID, MSFT, TSLA, TTE, WLN } from '../../common/testing/fixtures.ts';
import { AFTER_CLOSE } from '../../common/testing/fixtures.ts';

const markets = new Map<number, MarketData>();
/** Market data depends only on the seed; building it once per seed keeps property runs cheap. */
export function marketFor(seed: number): MarketData {
  let m = markets.get(seed);
  if (!m) {
    m = createMarketData({ seed });
    markets.set(seed, m);
  }
  return m;
}

// ---- virtual time ----------------------------------------------------------------------------------

export interface VirtualEnv {
  clock: VirtualClock;
  gateway: GatewayModel;
  /** The fault stage in front of the gateway (the connector goes through it). */
  faults: FaultStage;
  connector: ModelConnector;
  /** Model ms since the environment was built. */
  elapsed(): number;
}

export function virtualEnv(opts: { profile?: string; overrides?: ProfileOverrides; seed?: number; start?: number } = {}): VirtualEnv {
  const clock = new VirtualClock(opts.start ?? AFTER_CLOSE);
  const t0 = clock.now();
  const seed = opts.seed ?? 1;
  const gateway = createGateway({
    clock,
    seed,
    profile: opts.profile ?? 'ibkr-paper',
    market: marketFor(seed),
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
  });
  const faults = new FaultStage(gateway);
  return { clock, gateway, faults, connector: new ModelConnector(faults, clock, { name: 'model-gateway' }), elapsed: () => clock.now() - t0 };
}

/**
 * Run the virtual clock until `p` settles (or `limitMs` of model time passed, then throw: a hang
 * is a test failure, never a stuck test). Timers fire at their exact model time whatever `stepMs`
 * is; the step only bounds how far past the settlement the clock may run.
 */
export async function drive<T>(clock: VirtualClock, p: Promise<T>, opts: { limitMs?: number; stepMs?: number; what?: string } = {}): Promise<T> {
  const t = track(p);
  const end = clock.now() + (opts.limitMs ?? 3_600_000);
  await clock.advance(0);
  while (!t.settled && clock.now() < end) await clock.advance(Math.min(opts.stepMs ?? 100, end - clock.now()));
  if (!t.settled) throw new Error(`${opts.what ?? 'operation'} still pending after ${opts.limitMs ?? 3_600_000} model ms`);
  return p;
}

export interface Tracked<T> {
  readonly settled: boolean;
  /** Model time (of the given clock) at which it settled. */
  readonly at: number | undefined;
  readonly value: T | undefined;
  readonly error: unknown;
}

/** Observe a promise without consuming its rejection. */
export function track<T>(p: Promise<T>, clock?: Clock): Tracked<T> {
  const t: { settled: boolean; at: number | undefined; value: T | undefined; error: unknown } = {
    settled: false,
    at: undefined,
    value: undefined,
    error: undefined,
  };
  p.then(
    (v) => {
      t.settled = true;
      t.value = v;
      t.at = clock?.now();
    },
    (e) => {
      t.settled = true;
      t.error = e;
      t.at = clock?.now();
    },
  );
  return t;
}

// ---- real TCP -----------------------------------------------------------------------------------------

export interface TcpEnv {
  sim: Simulator;
  /** The simulator's clock; the collector shares it so both agree on model time. */
  clock: ScaledClock;
  connector: StoqeyConnector;
  close(): Promise<void>;
}

/**
 * A simulator on an ephemeral port and a @stoqey/ib connector onto it. `timeScale` real ms per
 * model ms (0.02: one model second lasts 20 real ms); `start` fixes model "now" (default after
 * the US close, so bars do not change while a test runs).
 */
export async function tcpEnv(
  opts: { profile?: string; overrides?: ProfileOverrides; seed?: number; timeScale?: number; start?: number } = {},
): Promise<TcpEnv> {
  const clock = new ScaledClock(opts.timeScale ?? 1, opts.start ?? AFTER_CLOSE);
  const sim = await startSimulator({
    port: 0,
    clock,
    seed: opts.seed ?? 1,
    profile: opts.profile ?? 'instant',
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
  });
  const connector = new StoqeyConnector({ host: sim.host, port: sim.port, clock });
  return { sim, clock, connector, close: () => sim.close() };
}

/** Poll in real time until `pred` holds; throws after `timeoutMs` real ms. */
export async function waitFor(pred: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A TCP port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

// ---- collector parts ------------------------------------------------------------------------------

export interface SessionKit {
  session: GatewaySession;
  allocator: ClientIdAllocator;
  leases: LeaseStore;
  recorder: OpRecorder;
}

/** A session leasing worker ids from `range` (lowest first, so tests know which id comes first). */
export function leasedSession(
  connector: GatewayConnector,
  clock: Clock,
  opts: Partial<Omit<GatewaySessionOptions, 'connector' | 'ids' | 'clock'>> & { range?: { min: number; max: number }; leases?: LeaseStore } = {},
): SessionKit {
  const { range, leases: given, ...sessionOpts } = opts;
  const leases = given ?? new InMemoryLeaseStore({ clock });
  const allocator = new ClientIdAllocator({
    store: leases,
    clock,
    gateway: connector.address,
    roles: { worker: range ?? { min: 10, max: 99 } },
    order: 'lowest',
  });
  const recorder = new OpRecorder(() => clock.now());
  const session = new GatewaySession({ connector, ids: allocator, role: 'worker', clock, rng: new Rng(7), recorder, ...sessionOpts });
  return { session, allocator, leases, recorder };
}

export function qualifierOn(kit: SessionKit, clock: Clock, opts: Partial<Omit<QualifierOptions, 'session' | 'clock'>> = {}): Qualifier {
  return new Qualifier({ session: kit.session, clock, recorder: kit.recorder, ...opts });
}

export function historyOn(kit: SessionKit, clock: Clock, store: SqliteStore, pacing = new PacingScheduler({ clock })): HistoryCollector {
  return new HistoryCollector({ session: kit.session, store, pacing, clock, recorder: kit.recorder });
}

export function memoryStore(): SqliteStore {
  return openStore(':memory:');
}

/** A scratch directory, removed by the returned cleanup. */
export function scratchDir(prefix = 'collector-'): { dir: string; file(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, file: (name) => path.join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---- the journal ------------------------------------------------------------------------------------

/** Requests of a type that reached the gateway. */
export function received(gw: GatewayModel, type: string): JournalEntry[] {
  return gw.journal.query({ type, dir: 'in' });
}

/** ERR_MSG frames the gateway sent with this code. */
export function errorsSent(gw: GatewayModel, code: number): JournalEntry[] {
  return gw.journal.query({ type: 'ERR_MSG', dir: 'out' }).filter((e) => e.message.code === code);
}

/** Client ids of every START_API that reached the gateway, in order. */
export function startApiIds(gw: GatewayModel): number[] {
  return received(gw, 'START_API').map((e) => e.message.clientId as number);
}

/**
 * REQ_CONTRACT_DATA requests with the time they were answered (common/spans.ts: the end marker or
 * an error that ends the request), in arrival order. `answeredSeq` is undefined while unanswered.
 */
export interface SecdefSpan {
  sessionId: number;
  reqId: number;
  symbol: string;
  currency: string;
  inSeq: number;
  inAt: number;
  answeredSeq: number | undefined;
  answeredAt: number | undefined;
}

export function secdefSpans(gw: GatewayModel): SecdefSpan[] {
  return spans(gw.journal.query({}), 'REQ_CONTRACT_DATA').map((s) => ({
    sessionId: s.sessionId,
    reqId: s.reqId,
    symbol: String(s.request.message.symbol),
    currency: String(s.request.message.currency ?? ''),
    inSeq: s.request.seq,
    inAt: s.request.at,
    answeredSeq: s.end?.seq,
    answeredAt: s.end?.at,
  }));
}

// ---- strategies ---------------------------------------------------------------------------------------

export interface StrategyKit {
  deps: StrategyDeps;
  recorder: OpRecorder;
  store: SqliteStore;
}

/**
 * Dependencies of one strategy instance (one logical process). Processes of one host share
 * `leaseStore`; each gets its own recorder and store unless given.
 */
export function strategyDeps(
  connector: GatewayConnector,
  clock: Clock,
  opts: { process?: string; seed?: number; leaseStore?: LeaseStore; store?: SqliteStore; recorder?: OpRecorder; options?: StrategyOptions } = {},
): StrategyKit {
  const recorder = opts.recorder ?? new OpRecorder(() => clock.now());
  const store = opts.store ?? memoryStore();
  const deps: StrategyDeps = {
    process: opts.process ?? 'worker-1',
    connector,
    clock,
    rng: new Rng(opts.seed ?? 1),
    log: silentLog,
    recorder,
    store,
    leaseStore: opts.leaseStore ?? new InMemoryLeaseStore({ clock }),
    ...(opts.options ? { options: opts.options } : {}),
  };
  return { deps, recorder, store };
}

/**
 * Cleanups for the calling test file: registered with `later`, run in reverse order after each
 * test. `closeLater` and `tcp` register the usual ones.
 */
export function autoCleanup() {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const later = (...fns: Array<() => Promise<void> | void>) => {
    cleanups.push(...fns);
  };
  return {
    later,
    closeLater(kit: SessionKit): SessionKit {
      later(() => kit.session.close());
      return kit;
    },
    async tcp(opts: Parameters<typeof tcpEnv>[0]): Promise<TcpEnv> {
      const env = await tcpEnv(opts);
      later(() => env.close());
      return env;
    },
  };
}
