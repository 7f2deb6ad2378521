/**
 * The collector as a library: one object per process that owns the gateway connection strategy,
 * the client-id leases and the SQLite store, so applications never juggle IB() instances and
 * client ids themselves (the incident's root cause). Every call is bounded by a deadline in model
 * time, and a call that ran out of time while the gateway was unreachable says so, naming
 * host:port, instead of "timeout".
 */
import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { RealClock, wallTimeOf, type Clock } from '../common/clock.ts';
import { silentLog, type Log } from '../common/log.ts';
import { noRecorder, type Recorder } from '../common/op-history.ts';
import { hostname } from 'node:os';
import { Rng } from '../common/rng.ts';
import { StoqeyConnector } from './adapters/stoqey-connector.ts';
import {
  AmbiguousContract,
  CollectorError,
  CoordinationUnavailable,
  DeadlineExceeded,
  NoSecurityDefinition,
  NotConnected,
  RequestTimeout,
  Aborted,
  describeError,
} from './errors.ts';
import type { ContractInfo, ContractSpec, GatewayConnection, GatewayConnector } from './gateway-client.ts';
import { openCoordination, parseCoordination, type CoordinationStore } from './coordination/index.ts';
import { coverageOf, type SeriesCoverage } from './history-collector.ts';
import type { LeaseStore } from './ids/index.ts';
import { processIsAlive } from './ids/lease-store.ts';
import type { QualifyResult } from './qualifier.ts';
import { waitBounded } from './wait-bounded.ts';
import { openStore, type CollectorStore, type RunStatus } from './store/index.ts';
import {
  createStrategy,
  isStrategyName,
  STRATEGY_NAMES,
  type CollectorClient,
  type ConnectionStrategy,
  type StrategyName,
  type StrategyOptions,
} from './strategies/index.ts';
import { formatSymbol, InvalidInput, parseSymbol, parseSymbolList, validateHistorySpec, type SymbolSpec } from './symbols.ts';
import { ABUSIVE_STRATEGIES, guardConnector, type LivePolicy } from './live-guard.ts';
import { ObservedConnector, type ConnectionEvent } from './serve/observed-connector.ts';
import type { Connectivity } from './session.ts';
import { defaultWatchdog, wallFloorOn, type WatchdogOptions } from './watchdog.ts';

export interface CollectorOptions {
  host?: string;
  port?: number;
  strategy?: StrategyName;
  /** SQLite file; default `<dataDir>/ibkr-harness.db`. */
  dbPath?: string;
  /** Holds the database and, with files coordination, the lease directory every collector process of the host shares. Default `./data`. */
  dataDir?: string;
  /** Name of this process in logs and recorded operations. */
  process?: string;
  /** `ui` gets the fixed client id 1 (pooled), `worker` one of 4–999. */
  role?: 'ui' | 'worker';
  clock?: Clock;
  /** Seeds the id order and jitter; default random, so processes spread over the id range. */
  seed?: number;
  log?: Log;
  recorder?: Recorder;
  options?: StrategyOptions;
  /** Default deadline of one qualify and of one symbol's collection, model ms. Default 60 s. */
  deadlineMs?: number;
  /** Replace the TCP connector (in-process gateways, tests); the live guard is not applied to it. */
  connector?: GatewayConnector;
  /**
   * What the live guard allows on the TCP connector: every connection is checked before use, and
   * a gateway managing an account that is not a paper account is refused unless `allowLive`
   * (collector/live-guard.ts). Default: paper accounts only.
   */
  live?: LivePolicy;
  /**
   * What the processes of the gateway login share — client-id leases, the pacing budget, the
   * qualification cache: `'files'` (default: `<dataDir>/leases`, one host),
   * `'redis://host:port[/db][?prefix=…&login=…]'` (many hosts; collector/coordination/spec.ts), or
   * a store of your own (left open on close()).
   */
  coordination?: string | CoordinationStore;
  /** How long a client-id lease lives without renewal, wall ms; also how long a new Redis namespace recovers. Default 30 s. */
  leaseTtlMs?: number;
  /** Client-id leases only, for tests that bring their own (the budget and cache then stay in this process). */
  leaseStore?: LeaseStore;
  /**
   * Liveness probing of the connection (collector/watchdog.ts): a zombie is dropped and replaced,
   * a simulator on another time scale refused. Default defaultWatchdog(clock) (DEFAULT_WATCHDOG, at
   * least 5 wall seconds); `false` turns it off.
   */
  watchdog?: WatchdogOptions | false;
  /** A request pending this long (model ms) makes the health state `degraded`. Default 30 s. */
  stallAfterMs?: number;
}

export interface CollectRequest {
  /** `"TTE:EUR,AAPL:USD"`, or items: strings in that syntax or contract specs. */
  symbols: string | ReadonlyArray<string | ContractSpec>;
  duration: string;
  barSize: string;
  whatToShow?: string;
  useRTH?: boolean;
  deadlineMs?: number;
  /** Symbols in progress at once. Default: all of them. */
  concurrency?: number;
}

/** `no-data`: qualified, but the gateway had no bars anywhere in the window (162 "HMDS query returned no data"). */
export type SymbolStatus = 'ok' | 'unknown' | 'ambiguous' | 'no-data' | 'failed';

/** One listing of an ambiguous symbol. */
export type Candidate = Pick<ContractInfo, 'conId' | 'symbol' | 'exchange' | 'primaryExchange' | 'currency' | 'localSymbol' | 'longName'>;

export interface SymbolResult {
  /** The symbol as asked for (`TTE:EUR`). */
  symbol: string;
  status: SymbolStatus;
  /** The qualified contract (status ok). */
  conId?: number;
  exchange?: string;
  primaryExchange?: string;
  currency?: string;
  /** The contract's long name, as the gateway (or the store) has it, non-ASCII decoded. */
  longName?: string;
  /** Bars of the series now in the store, and how many of them this run added. */
  barsStored?: number;
  barsAdded?: number;
  /**
   * What the store holds of the window asked for, after this run: held windows, windows the
   * gateway had no data for (with IB's reason, and whether they are final) and gaps. Epoch
   * seconds, market time. Present whenever the symbol was qualified, also when collecting failed.
   */
  coverage?: SeriesCoverage;
  qualifiedFrom?: 'gateway' | 'cache' | 'store' | 'shared';
  /** Model ms from start to result. */
  ms: number;
  error?: { code: string; message: string; hint?: string };
  candidates?: Candidate[];
}

export interface CollectOutcome {
  runId: number;
  status: Exclude<RunStatus, 'running'>;
  results: SymbolResult[];
  ms: number;
}

/**
 * What `health()` says, in order of precedence: `closed`; `unreachable` (no connection, and the
 * last attempt failed, or the gateway was refused for good); `connecting` (no connection yet, or
 * reconnecting after a loss); `connectivity-lost` (connected, but the gateway lost IB's servers:
 * 1100 and no 1101/1102 since); `degraded` (connected, but a request has been pending longer than
 * `stallAfterMs`); `connected`; `idle` (never asked to connect).
 */
export type CollectorState = 'idle' | 'connecting' | 'connected' | 'degraded' | 'connectivity-lost' | 'unreachable' | 'closed';

export const COLLECTOR_STATES: readonly CollectorState[] = ['idle', 'connecting', 'connected', 'degraded', 'connectivity-lost', 'unreachable', 'closed'];

export interface CollectorHealth {
  state: CollectorState;
  clientId: number | null;
  address: string;
  strategy: StrategyName;
  connectionsOpened: number;
  openConnections: number;
  reconnects: number;
  /** IB's link to its servers as the gateway last reported it (1100 / 1101 / 1102). */
  connectivity: Connectivity;
  /** Model ms the longest-pending request has waited (0 when none is pending). */
  stalledMs: number;
  /** The last answered liveness probe: when (ISO, model time) and its round trip (model ms). */
  lastProbe: { at: string; rttMs: number } | null;
  zombiesDropped: number;
  resentRequests: number;
  lastError: { code: string; message: string; hint?: string } | null;
  /** The coordination store (pooled): where, and whether it can be reached. */
  coordination: { kind: string; description: string; state: 'ok' | 'unavailable'; error: string | null } | null;
}

export const DEFAULT_DEADLINE_MS = 60_000;
export const DEFAULT_STALL_AFTER_MS = 30_000;

/** Open the store and wire the strategy. Fails (StoreError naming the file) before touching the gateway. */
export async function createCollector(opts: CollectorOptions = {}): Promise<Collector> {
  const strategy = opts.strategy ?? 'pooled';
  if (!isStrategyName(strategy)) throw new InvalidInput('strategy', `unknown strategy "${String(strategy)}"; choose one of ${STRATEGY_NAMES.join(', ')}`);
  const dataDir = opts.dataDir ?? './data';
  const dbPath = opts.dbPath ?? path.join(dataDir, 'ibkr-harness.db');
  // The database's folder is created (the data dir by default, or an explicit --db's parent), as
  // `sqlite3` users expect from a file path; an unusable path still fails with StoreError naming it.
  try {
    mkdirSync(path.dirname(dbPath), { recursive: true });
  } catch (err) {
    throw new InvalidInput(
      opts.dbPath === undefined ? 'dataDir' : 'dbPath',
      `cannot create the folder ${path.dirname(dbPath)} for the database: ${describeError(err)}`,
    );
  }
  const spec =
    typeof opts.coordination === 'string' || opts.coordination === undefined ? parseCoordination(opts.coordination ?? 'files', 'coordination') : undefined;
  const store = openStore(dbPath);
  let coordination: { store: CoordinationStore; owned: boolean } | undefined;
  try {
    if (opts.coordination !== undefined && typeof opts.coordination !== 'string') coordination = { store: opts.coordination, owned: false };
    else if (strategy === 'pooled' && !(opts.leaseStore && opts.coordination === undefined)) {
      const clock = opts.clock ?? new RealClock();
      coordination = {
        store: await openCoordination(spec, {
          dataDir,
          clock,
          ...(opts.log ? { log: opts.log } : {}),
          ...(opts.leaseTtlMs !== undefined ? { leaseTtlMs: opts.leaseTtlMs } : {}),
        }),
        owned: true,
      };
      opts = { ...opts, clock };
    }
  } catch (err) {
    store.close();
    throw err;
  }
  const collector = new Collector({ ...opts, strategy, dataDir, dbPath }, store, coordination);
  try {
    await collector.clearDebris();
  } catch (err) {
    await collector.close();
    throw err;
  }
  return collector;
}

export class Collector {
  readonly strategyName: StrategyName;
  readonly dbPath: string;
  readonly clock: Clock;
  readonly store: CollectorStore;
  private readonly connector: ObservedConnector;
  private readonly strategy: ConnectionStrategy;
  /** The client-id leases of this process's strategy, if it leases ids (pooled). */
  private readonly leaseStore: LeaseStore | undefined;
  private readonly o: { process: string; role: 'ui' | 'worker'; deadlineMs: number; log: Log; stallAfterMs: number };
  private readonly shared = new Map<string, CollectorClient>();
  private readonly closing = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed: Promise<void> | undefined;

  /** What the processes of the login share (pooled); undefined for the legacy strategies, which share nothing. */
  readonly coordination: CoordinationStore | undefined;
  private readonly ownsCoordination: boolean;

  constructor(
    opts: CollectorOptions & { strategy: StrategyName; dataDir: string; dbPath: string },
    store: CollectorStore,
    coordination?: { store: CoordinationStore; owned: boolean },
  ) {
    this.clock = opts.clock ?? new RealClock();
    this.coordination = coordination?.store;
    this.ownsCoordination = coordination?.owned ?? false;
    this.strategyName = opts.strategy;
    this.dbPath = opts.dbPath;
    this.store = store;
    // Every call in flight listens for the close; hundreds at once under load is normal, not a leak.
    setMaxListeners(0, this.closing.signal);
    this.o = {
      process: opts.process ?? 'collector',
      role: opts.role ?? 'worker',
      deadlineMs: opts.deadlineMs ?? DEFAULT_DEADLINE_MS,
      log: opts.log ?? silentLog,
      stallAfterMs: opts.stallAfterMs ?? DEFAULT_STALL_AFTER_MS,
    };
    const watchdog = opts.watchdog === undefined ? defaultWatchdog(this.clock) : opts.watchdog;
    this.leaseStore = this.coordination?.leases ?? opts.leaseStore;
    const inner =
      opts.connector ??
      guardConnector(new StoqeyConnector({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 4002, clock: this.clock }), {
        ...(opts.live ?? { allowLive: false }),
        abusive: opts.live?.abusive ?? ABUSIVE_STRATEGIES[opts.strategy],
      });
    this.connector = new ObservedConnector(inner);
    const deadline = this.o.deadlineMs;
    this.strategy = createStrategy(this.strategyName, {
      process: this.o.process,
      connector: this.connector,
      clock: this.clock,
      rng: new Rng(opts.seed ?? randomInt(0, 2 ** 31 - 1)),
      log: this.o.log,
      recorder: opts.recorder ?? noRecorder,
      store,
      ...(this.coordination ? { coordination: this.coordination } : {}),
      ...(opts.leaseStore ? { leaseStore: opts.leaseStore } : {}),
      // No single handshake may outlive the caller's deadline; nor, at a small time scale, may it be
      // shorter than a loaded host or a modelled login takes in wall time (the watchdog's floor).
      options: {
        connectTimeoutMs: Math.min(Math.max(10_000, wallFloorOn(this.clock)), deadline),
        qualifyDeadlineMs: deadline,
        ...(watchdog ? { watchdog } : {}),
        ...(opts.leaseTtlMs !== undefined ? { leaseTtlMs: opts.leaseTtlMs } : {}),
        ...opts.options,
      },
    });
  }

  /**
   * What a killed process on this host left behind: its `running` run records are marked
   * `aborted` and its client-id leases (files or Redis, whichever coordinates this process) are
   * freed at once, not when they expire. Called by createCollector; returns the ids of the runs
   * marked aborted. Throws a StoreError when the database cannot be written.
   */
  async clearDebris(): Promise<number[]> {
    const aborted = this.store.abortOrphanedRuns({ hostname: hostname(), isAlive: processIsAlive, endedAt: wallTimeOf(this.clock).now() });
    if (aborted.length > 0) this.o.log.warn({ runs: aborted }, `marked ${aborted.length} run(s) of processes that died aborted`);
    if (!this.leaseStore) return aborted;
    try {
      const freed = await this.leaseStore.reclaimStale();
      if (freed) this.o.log.info({ leases: freed }, `freed ${freed} client-id lease(s) of processes that died or expired`);
    } catch (err) {
      // Only a head start: a stale lease met later is reclaimed by the allocation that meets it.
      this.o.log.warn({ err: describeError(err) }, `could not free stale client-id leases at start: ${describeError(err)}`);
    }
    return aborted;
  }

  get address(): string {
    return this.connector.address;
  }

  /** Connection events (connects, failures, losses), for metrics. */
  onConnectionEvent(listener: (e: ConnectionEvent) => void): () => void {
    return this.connector.onEvent(listener);
  }

  async qualify(spec: string | ContractSpec, opts: { deadlineMs?: number; signal?: AbortSignal } = {}): Promise<QualifyResult> {
    const s = toSymbolSpec(spec, 'symbol');
    const deadlineMs = opts.deadlineMs ?? this.o.deadlineMs;
    return this.bounded('qualify', `qualification of ${s.label}`, deadlineMs, opts.signal, (client, signal) =>
      client.qualify(contractOf(s), { deadlineMs, signal }),
    );
  }

  /**
   * Qualify and collect every symbol concurrently; one symbol's failure never stops the others.
   * `onResult` is called as each symbol finishes (for progress); `signal` abandons the rest.
   */
  async collect(req: CollectRequest, opts: { signal?: AbortSignal; onResult?: (r: SymbolResult) => void } = {}): Promise<CollectOutcome> {
    const specs = typeof req.symbols === 'string' ? parseSymbolList(req.symbols, 'symbols') : req.symbols.map((s, i) => toSymbolSpec(s, `symbols[${i}]`));
    if (specs.length === 0) throw new InvalidInput('symbols', 'must not be empty');
    const hist = {
      ...validateHistorySpec(
        req,
        {},
        specs.map((s) => s.secType ?? 'STK'),
      ),
      useRTH: req.useRTH ?? true,
    };
    const deadlineMs = req.deadlineMs ?? this.o.deadlineMs;
    if (!(deadlineMs > 0)) throw new InvalidInput('deadlineMs', `must be a positive number of ms, got ${deadlineMs}`);
    return this.track(async () => {
      const started = this.clock.now();
      // Run records are read by people and by later processes (which mark the runs of dead ones
      // aborted): wall-clock times, and the owner.
      const wall = wallTimeOf(this.clock);
      const runId = this.store.startRun({
        strategy: this.strategyName,
        symbols: specs.map((s) => s.label),
        startedAt: wall.now(),
        pid: process.pid,
        hostname: hostname(),
      });
      const results = new Array<SymbolResult>(specs.length);
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < specs.length; i = next++) {
          results[i] = await this.collectOne(specs[i]!, hist, deadlineMs, opts.signal);
          opts.onResult?.(results[i]!);
        }
      };
      const width = Math.max(1, Math.min(req.concurrency ?? specs.length, specs.length));
      await Promise.all(Array.from({ length: width }, worker));
      const okCount = results.filter((r) => r.status === 'ok').length;
      const status: CollectOutcome['status'] =
        opts.signal?.aborted || this.closing.signal.aborted ? 'aborted' : okCount === results.length ? 'succeeded' : okCount === 0 ? 'failed' : 'partial';
      const errors = results.filter((r) => r.error).map((r) => ({ symbol: r.symbol, code: r.error!.code, message: r.error!.message }));
      this.store.finishRun(runId, { status, endedAt: wall.now(), errors });
      return { runId, status, results, ms: Math.round(this.clock.now() - started) };
    });
  }

  /**
   * Connect now rather than on first use (`serve` does, so that its health says the truth from the
   * start). Resolves when connected; rejects like a request would. The shared-session strategies
   * keep the connection; the per-caller ones have nothing to keep, so this is a no-op for them.
   */
  async connect(opts: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.strategyName !== 'pooled' && this.strategyName !== 'singleton') return;
    const { client } = this.client(`${this.o.process}/session`);
    // Linked to close(): a connect still retrying must not hold close() up.
    const signal = this.linked(opts.signal);
    await this.track(() =>
      waitBounded(client.connect(), this.clock, Number.POSITIVE_INFINITY, signal.signal, `connect to ${this.address}`).finally(() => signal.dispose()),
    );
  }

  /**
   * Readiness: one round trip to the gateway (connecting first if needed) within `timeoutMs`
   * model ms (default 5 s). Resolves with the client id, the round trip and the gateway's clock;
   * rejects with why not (typed, naming the gateway), at once when health() says `unreachable`.
   */
  async ready(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<{ clientId: number; roundTripMs: number; gatewayTime: number }> {
    const timeoutMs = opts.timeoutMs ?? 5_000;
    // A gateway known to be unreachable answers at once with why (the session keeps retrying in
    // the background); a readiness probe must not hang for its whole timeout.
    if (this.health().state === 'unreachable') {
      const last = this.strategy.liveness().find((s) => s.lastError)?.lastError ?? this.connector.lastFailure;
      if (last) throw last;
    }
    const started = this.clock.now();
    const r = await this.bounded('ready', `readiness check of ${this.address}`, timeoutMs, opts.signal, (client, signal) => client.probe(signal));
    return { ...r, roundTripMs: Math.round(this.clock.now() - started) };
  }

  /**
   * One caller's piece of work on a client of the strategy, bounded by `ms` model ms (then
   * RequestTimeout naming `what`) and by the caller's signal and close(); work past its bound is
   * abandoned (its signal aborts), and the error is explained in the caller's terms.
   */
  private bounded<T>(
    role: string,
    what: string,
    ms: number,
    outer: AbortSignal | undefined,
    work: (client: CollectorClient, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    return this.track(async () => {
      const { client, done } = this.client(`${this.o.process}/${role}`);
      const signal = this.linked(outer);
      try {
        return await waitBounded(work(client, signal.signal), this.clock, ms, signal.signal, what, () => new RequestTimeout(what, ms));
      } catch (err) {
        signal.dispose(true);
        throw this.explain(err, outer);
      } finally {
        signal.dispose();
        await done();
      }
    });
  }

  health(): CollectorHealth {
    const c = this.connector;
    const sessions = this.strategy.liveness();
    const now = this.clock.now();
    const failed = sessions.find((s) => s.state === 'failed');
    const oldest = Math.min(...sessions.map((s) => s.oldestPendingSince ?? Number.POSITIVE_INFINITY));
    const stalledMs = Number.isFinite(oldest) ? Math.max(0, Math.round(now - oldest)) : 0;
    const connectivity: Connectivity = sessions.some((s) => s.state === 'connected' && s.connectivity === 'lost') ? 'lost' : 'ok';
    const state: CollectorState = this.closed
      ? 'closed'
      : failed
        ? 'unreachable'
        : c.openCount > 0
          ? connectivity === 'lost'
            ? 'connectivity-lost'
            : stalledMs > this.o.stallAfterMs
              ? 'degraded'
              : 'connected'
          : // A connect attempt that failed leaves "unreachable" (with its error) while retries go
            // on in the background, so health does not flap with each retry; after a lost
            // connection the session is reconnecting.
            c.lastFailure && c.lastFailureKind === 'connect'
            ? 'unreachable'
            : c.connecting > 0 || c.lastFailureKind === 'loss'
              ? 'connecting'
              : 'idle';
    const last = failed?.lastError ?? c.lastFailure;
    const probe = sessions.map((s) => s.lastProbe).find((p) => p !== undefined);
    return {
      state,
      clientId: c.currentClientId ?? null,
      address: this.address,
      strategy: this.strategyName,
      connectionsOpened: this.strategy.connectionsOpened,
      openConnections: c.openCount,
      reconnects: c.reconnects,
      connectivity,
      stalledMs,
      lastProbe: probe ? { at: new Date(probe.at).toISOString(), rttMs: Math.round(probe.rttMs) } : null,
      zombiesDropped: sessions.reduce((n, s) => n + s.zombiesDropped, 0),
      resentRequests: sessions.reduce((n, s) => n + s.resentRequests, 0),
      lastError: last ? errorOf(last) : null,
      coordination: this.coordinationHealth(),
    };
  }

  private coordinationHealth(): CollectorHealth['coordination'] {
    const co = this.coordination;
    if (!co) return null;
    const s = co.status();
    return { kind: co.kind, description: co.description, state: s.state, error: s.state === 'unavailable' ? describeError(s.error) : null };
  }

  /** Abort what is in flight, disconnect, release the client-id leases, close the database. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing.abort(new Aborted('collector', 'the collector is closing'));
      await Promise.allSettled([...this.inFlight]);
      await this.strategy.close();
      this.store.close();
      if (this.ownsCoordination) await this.coordination?.close();
    })();
    return this.closed;
  }

  private async collectOne(
    spec: SymbolSpec,
    hist: { duration: string; barSize: string; whatToShow: string; useRTH: boolean },
    deadlineMs: number,
    outer?: AbortSignal,
  ): Promise<SymbolResult> {
    const started = this.clock.now();
    const signal = this.linked(outer);
    const { client, done } = this.client(`${this.o.process}/${spec.label}`);
    const base = { symbol: spec.label };
    let qualified: ContractInfo | undefined;
    const work = async (): Promise<SymbolResult> => {
      const q = await client.qualify(contractOf(spec), { deadlineMs, signal: signal.signal });
      const ms = () => Math.round(this.clock.now() - started);
      if (q.kind === 'unknown') return { ...base, status: 'unknown', ms: ms(), error: errorOf(new NoSecurityDefinition(spec.symbol, spec.label)) };
      if (q.kind === 'ambiguous') {
        const candidates = q.candidates.map(candidateOf);
        const hint = `; add a currency or primary exchange, e.g. ${candidates.map((c) => formatSymbol({ symbol: spec.symbol, currency: c.currency, primaryExchange: candidates.filter((o) => o.currency === c.currency).length > 1 ? c.primaryExchange : undefined })).join(' or ')}`;
        const err = new AmbiguousContract(spec.label, candidates);
        return { ...base, status: 'ambiguous', ms: ms(), candidates, error: { code: err.code, message: err.message + hint } };
      }
      const c = q.contract;
      qualified = c;
      const h = await client.collectHistory(c, hist, signal.signal);
      const result: SymbolResult = {
        ...base,
        status: 'ok',
        ...contractFields(c),
        barsStored: h.stored,
        barsAdded: h.added,
        coverage: h.coverage,
        qualifiedFrom: q.source,
        ms: ms(),
      };
      // Nothing held anywhere in the window and the gateway said why: not a success.
      if (h.coverage.held.length === 0 && h.coverage.noData.length > 0) {
        const reasons = [...new Set(h.coverage.noData.map((w) => w.reason))].join('; ');
        return {
          ...result,
          status: 'no-data',
          error: {
            code: 'NO_DATA',
            message: `the gateway has no ${hist.barSize} ${hist.whatToShow} bars for ${spec.label} in the window asked for (error 162: ${reasons})`,
          },
        };
      }
      return result;
    };
    try {
      const what = `collection of ${spec.label}`;
      return await waitBounded(work(), this.clock, deadlineMs, signal.signal, what, () => new DeadlineExceeded(what, deadlineMs, 1, undefined));
    } catch (err) {
      signal.dispose(true);
      const e = this.explain(err, outer);
      this.o.log.warn({ symbol: spec.label, err: describeError(e) }, `${spec.label} failed: ${describeError(e)}`);
      const failed: SymbolResult = { ...base, status: 'failed', ms: Math.round(this.clock.now() - started), error: errorOf(e) };
      // What the failed collection did get, and what it left out: a gap is never silent.
      if (qualified) return { ...failed, ...contractFields(qualified), coverage: this.coverageAfterFailure(client, qualified, hist) };
      return failed;
    } finally {
      signal.dispose();
      await done();
    }
  }

  private coverageAfterFailure(
    client: CollectorClient,
    c: ContractInfo,
    hist: { duration: string; barSize: string; whatToShow: string; useRTH: boolean },
  ): SeriesCoverage | undefined {
    try {
      // The client knows the gateway's clock; without one (legacy strategies) ours has to do.
      return client.coverage?.(c, hist) ?? coverageOf(this.store, c, hist, this.clock);
    } catch {
      return undefined; // an unusable store was reported already, as the failure
    }
  }

  /** Shared-session strategies hand out interchangeable clients: keep one per actor instead of one per call. */
  private client(actor: string): { client: CollectorClient; done: () => Promise<void> } {
    if (this.closed) throw new NotConnected('use a closed collector');
    if (this.strategyName === 'pooled' || this.strategyName === 'singleton') {
      let c = this.shared.get(actor);
      if (!c) this.shared.set(actor, (c = this.strategy.client({ actor, role: this.o.role })));
      return { client: c, done: async () => {} };
    }
    const c = this.strategy.client({ actor, role: this.o.role });
    return { client: c, done: () => c.close().catch(() => {}) };
  }

  /**
   * A timeout while no connection is open says little; the last connect failure (unreachable,
   * handshake timeout, ids exhausted) says what is wrong and names the gateway.
   */
  private explain(err: unknown, outer?: AbortSignal): unknown {
    if (outer?.aborted) return err;
    const vague = err instanceof RequestTimeout || err instanceof DeadlineExceeded || err instanceof NotConnected || err instanceof Aborted;
    if (!vague) return err;
    // No client id and no pacing budget can be had while the coordination store is unreachable:
    // that, not "timeout", is what the caller needs to hear.
    const coordination = this.coordination?.status();
    if (coordination?.state === 'unavailable') {
      return new CoordinationUnavailable(this.coordination!.description, 'lease client ids or take pacing budget', 'unreachable', {
        cause: coordination.error,
      });
    }
    const last = this.connector.lastFailure;
    if (this.connector.openCount > 0) return err;
    return this.strategy.leaseTrouble() ?? last ?? err;
  }

  /**
   * A signal that aborts with the caller's or when the collector closes. dispose(true) also aborts
   * it: work we gave up on (deadline) stops waiting for pacing slots and connections.
   */
  private linked(outer?: AbortSignal): { signal: AbortSignal; dispose(abandon?: boolean): void } {
    const ctl = new AbortController();
    const sources = [this.closing.signal, ...(outer ? [outer] : [])];
    const onAbort = (e: Event) => ctl.abort((e.target as AbortSignal).reason);
    for (const s of sources) {
      if (s.aborted) ctl.abort(s.reason);
      else s.addEventListener('abort', onAbort, { once: true });
    }
    return {
      signal: ctl.signal,
      dispose: (abandon = false) => {
        for (const s of sources) s.removeEventListener('abort', onAbort);
        if (abandon) ctl.abort(new Aborted('work past its deadline'));
      },
    };
  }

  private track<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new NotConnected('use a closed collector'));
    const p = op();
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => {});
    return p;
  }
}

function toSymbolSpec(item: string | ContractSpec | SymbolSpec, field: string): SymbolSpec {
  if (typeof item === 'string') return parseSymbol(item, field);
  if (typeof item?.symbol !== 'string' || item.symbol.trim() === '') throw new InvalidInput(`${field}.symbol`, 'is required');
  return 'label' in item && typeof item.label === 'string' ? item : { ...item, label: formatSymbol(item) };
}

function contractOf(s: SymbolSpec): ContractSpec {
  const { label: _label, ...spec } = s;
  return spec;
}

function contractFields(c: ContractInfo): Pick<SymbolResult, 'conId' | 'exchange' | 'primaryExchange' | 'currency' | 'longName'> {
  return { conId: c.conId, exchange: c.exchange, primaryExchange: c.primaryExchange, currency: c.currency, ...(c.longName ? { longName: c.longName } : {}) };
}

function candidateOf(c: ContractInfo): Candidate {
  return {
    conId: c.conId,
    symbol: c.symbol,
    exchange: c.exchange,
    primaryExchange: c.primaryExchange,
    currency: c.currency,
    localSymbol: c.localSymbol,
    longName: c.longName,
  };
}

/** The JSON form of an error: its code, message and (for the collector's typed errors) hint. */
export function errorOf(err: unknown): { code: string; message: string; hint?: string } {
  if (err instanceof CollectorError) return { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  return { code: 'ERROR', message: describeError(err) };
}

export type { ConnectionEvent, GatewayConnection };
