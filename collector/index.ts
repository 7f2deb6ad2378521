/**
 * The collector's public API. Most applications need only `createCollector`: one per process, it
 * owns the gateway connection, the client-id lease and the SQLite store.
 *
 *   const collector = await createCollector({ port: 4002, dataDir: './data' });
 *   const run = await collector.collect({ symbols: 'TTE:EUR,AAPL:USD', duration: '1 D', barSize: '1 hour' });
 *   await collector.close();
 *
 * The building blocks (strategies, session, qualifier, history collector, leases, store) are
 * exported for harnesses and tests that assemble their own.
 */
export {
  createCollector,
  DEFAULT_DEADLINE_MS,
  Collector,
  type Candidate,
  type CollectOutcome,
  type CollectRequest,
  type CollectorHealth,
  type CollectorOptions,
  type CollectorState,
  type SymbolResult,
  type SymbolStatus,
} from './collector.ts';
export {
  BAR_SIZES,
  DEFAULT_WATCHLIST,
  InvalidInput,
  WHAT_TO_SHOW,
  formatSymbol,
  parseSymbol,
  parseSymbolItems,
  parseSymbolList,
  symbolFromObject,
  validateHistorySpec,
  type SymbolSpec,
} from './symbols.ts';
export { startServe, httpStatusOf, type ServeHandle, type ServeOptions } from './serve/server.ts';
export type { ConnectionEvent } from './serve/observed-connector.ts';
export * from './errors.ts';
export {
  createStrategy,
  isStrategyName,
  STRATEGY_NAMES,
  STRATEGY_DESCRIPTIONS,
  type ActorSpec,
  type CollectorClient,
  type ConnectionStrategy,
  type StrategyDeps,
  type StrategyName,
  type StrategyOptions,
} from './strategies/index.ts';
export type { ContractInfo, ContractSpec, GatewayConnection, GatewayConnector, HistoricalReply, HistoryQuery, RawBar } from './gateway-client.ts';
export { StoqeyConnector, type StoqeyConnectorOptions } from './adapters/stoqey-connector.ts';
export { GatewaySession, type GatewaySessionOptions, type SessionState } from './session.ts';
export { Qualifier, type QualifierOptions, type QualifyResult } from './qualifier.ts';
export {
  HistoryCollector,
  coverageOf,
  type HistoryCollectorOptions,
  type HistoryOutcome,
  type HistorySpec,
  type SeriesCoverage,
} from './history-collector.ts';
export type { NoDataWindow } from './history/coverage.ts';
export type { Window } from './history/windows.ts';
export { ClientIdAllocator, FileLeaseStore, InMemoryLeaseStore, defaultLeaseDir, type LeaseStore } from './ids/index.ts';
export { openStore, type CollectorStore, type HistoryWindow, type OpenStoreOptions, type RunRecord, type SeriesKey } from './store/index.ts';
export { RealClock, ScaledClock, type Clock } from '../common/clock.ts';
export type { Log } from '../common/log.ts';
