/**
 * Connection strategies: how a process's callers (UI pages, worker tasks) get to the gateway.
 * The legacy designs of the incident are kept runnable beside the recommended one, so scenarios
 * and benchmarks can show the difference on the same workload. One instance serves one process.
 */
import type { Clock } from '../../common/clock.ts';
import type { Log } from '../../common/log.ts';
import type { Recorder } from '../../common/op-history.ts';
import type { Rng } from '../../common/rng.ts';
import type { CollectorError } from '../errors.ts';
import type { ContractInfo, ContractSpec, GatewayConnector } from '../gateway-client.ts';
import type { HistoryOutcome, HistorySpec, SeriesCoverage } from '../history-collector.ts';
import type { CoordinationStore } from '../coordination/port.ts';
import type { LeaseStore } from '../ids/index.ts';
import type { PacingScheduler } from '../pacing/index.ts';
import type { QualifyResult } from '../qualifier.ts';
import type { SessionLiveness } from '../session.ts';
import type { WatchdogOptions } from '../watchdog.ts';
import type { CollectorStore } from '../store/index.ts';

export const STRATEGY_NAMES = ['per-page', 'timeout-wrapper', 'task-random-id', 'singleton', 'pooled'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface ActorSpec {
  /** e.g. `ui/page-2`, `worker-1/task-3`. */
  actor: string;
  role: 'ui' | 'worker';
  /**
   * A hard-wired client id, as legacy code had (`IBKRCollector(client_id=1)`). Strategies that
   * draw ids per caller use it instead of a random one; `pooled` ignores it (it leases ids).
   */
  clientId?: number;
}

/** What one caller uses; `close()` when the caller (page, task) is done. */
export interface CollectorClient {
  /** Connect now rather than on first use (the incident's UI connected at startup). */
  connect(): Promise<void>;
  qualify(spec: ContractSpec, opts?: { deadlineMs?: number; signal?: AbortSignal }): Promise<QualifyResult>;
  collectHistory(contract: ContractInfo, spec: HistorySpec, signal?: AbortSignal): Promise<HistoryOutcome>;
  /** What the store holds of the window `spec` asks for, on the gateway's clock as last measured; for reporting a collection that failed. */
  coverage?(contract: ContractInfo, spec: HistorySpec): SeriesCoverage;
  /** The client id this caller is connected with, when it has a connection. */
  readonly clientId: number | undefined;
  /** A round trip to the gateway on this caller's connection (connecting if needed): readiness. */
  probe(signal?: AbortSignal): Promise<{ clientId: number; gatewayTime: number }>;
  close(): Promise<void>;
}

export interface StrategyOptions {
  /** Client id of the singleton strategy (the incident's UI used 1). */
  singletonClientId?: number;
  /** Handshake deadline per connection attempt, model ms. */
  connectTimeoutMs?: number;
  /** Default deadline of one qualify call, model ms. */
  qualifyDeadlineMs?: number;
  /** How long an id is left alone after a 326. */
  idGraceMs?: number;
  /** How long a request waits for the session to (re)connect before NotConnected. */
  maxWaitMs?: number;
  /** How long a client-id lease lives without renewal, wall ms (pooled). Default 30 s. */
  leaseTtlMs?: number;
  /** Liveness probing for the pooled and singleton sessions (zombie detection, collector/watchdog.ts). */
  watchdog?: WatchdogOptions;
  /**
   * Check the gateway's pace against ours before the first connection is used (two probes half a
   * wall second apart; collector/session.ts checkTimeScale). Default: only at scale ≥ 1, since below
   * it the pause is many model seconds and would change a scenario's run; `collect` and `serve`
   * turn it on at every scale.
   */
  checkTimeScale?: boolean;
  /** Escalating timeouts of the legacy wrapper, model ms. */
  wrapperTimeoutsMs?: number[];
}

export interface StrategyDeps {
  /** Logical process this instance serves (`ui`, `worker-1`, …). */
  process: string;
  connector: GatewayConnector;
  clock: Clock;
  rng: Rng;
  log: Log;
  recorder: Recorder;
  store: CollectorStore;
  /**
   * What the processes of the gateway login share (pooled only): client-id leases, the pacing
   * budget and the qualification cache, on one host (files) or many (Redis). Takes precedence
   * over `leaseStore`.
   */
  coordination?: CoordinationStore;
  /** Client-id leases shared by the processes of the host, when no `coordination` is given (pooled only). */
  leaseStore?: LeaseStore;
  /**
   * One pacing scheduler shared by the simulated processes of a harness run (pooled only). By
   * default each process has its own, charging the login's budget in `coordination` (or, without
   * one, a budget of its own). IB counts pacing per login, not per connection, so processes that
   * each pace themselves can still break the rules together.
   */
  pacing?: PacingScheduler;
  options?: StrategyOptions;
}

export interface ConnectionStrategy {
  readonly name: StrategyName;
  readonly description: string;
  client(actor: ActorSpec): CollectorClient;
  /** Connections this instance has opened so far. */
  readonly connectionsOpened: number;
  /** The state of every session it holds (one for the shared-session strategies). */
  liveness(): SessionLiveness[];
  /** Why a session of this instance cannot get a client id right now (ids exhausted, coordination store recovering…), if so. */
  leaseTrouble(): CollectorError | undefined;
  close(): Promise<void>;
}
