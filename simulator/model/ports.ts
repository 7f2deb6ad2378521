/**
 * What the gateway model needs from the outside world, as narrow interfaces: the market data it
 * serves, somewhere to write log lines, and someone to tell about measurable events. The model
 * itself never touches sockets, timers or Math.random.
 */
import type { ClientMessageOf, ServerMessage, ServerMessageOf } from '../protocol/index.ts';

export type ContractQuery = Omit<ClientMessageOf<'REQ_CONTRACT_DATA'>, 'type' | 'reqId'>;
export type ContractDetailsFields = Omit<ServerMessageOf<'CONTRACT_DATA'>, 'type' | 'reqId'>;
export type SymbolSample = ServerMessageOf<'SYMBOL_SAMPLES'>['descriptions'][number];
export type HistoricalRequest = ClientMessageOf<'REQ_HISTORICAL_DATA'>;
export type Bar = ServerMessageOf<'HISTORICAL_DATA'>['bars'][number];

/** One SECURITY_DEFINITION_OPTION_PARAMETER body (without reqId). */
export type OptionChainParams = Omit<ServerMessageOf<'SECURITY_DEFINITION_OPTION_PARAMETER'>, 'type' | 'reqId'>;
export type PriceIncrement = ServerMessageOf<'MARKET_RULE'>['priceIncrements'][number];
export type SmartComponentEntry = ServerMessageOf<'SMART_COMPONENTS'>['components'][number];

export type HistoricalResult =
  | { ok: true; startDate: string; endDate: string; bars: Bar[]; warning?: { code: number; message: string } }
  | { ok: false; code: number; message: string };

export interface InstrumentRef {
  conId: number;
  symbol: string;
  localSymbol: string;
}

export interface MarketData {
  /** Contract details matching a REQ_CONTRACT_DATA query (empty: no security definition). */
  matchContracts(query: ContractQuery, nowMs: number): ContractDetailsFields[];
  /** REQ_MATCHING_SYMBOLS results. */
  searchSymbols(pattern: string): SymbolSample[];
  /** The single instrument a historical request refers to, or why there is none. */
  resolveInstrument(req: HistoricalRequest, nowMs: number): { ok: true; instrument: InstrumentRef } | { ok: false; code: number; message: string };
  /** Bars (or an IB error) for a historical request; deterministic in (seed, conId, bar time). */
  historical(req: HistoricalRequest, instrument: InstrumentRef, nowMs: number): HistoricalResult;
  /**
   * REQ_SEC_DEF_OPT_PARAMS: the option chains on an underlying at `nowMs`, one body per exchange
   * and trading class; `undefined` when the underlying itself is unknown (error 200).
   */
  optionChains(
    req: { underlyingSymbol: string; underlyingSecType: string; underlyingConId: number; futFopExchange: string },
    nowMs: number,
  ): OptionChainParams[] | undefined;
  /** REQ_MARKET_RULE: the rule's price increments, or undefined for an unknown id. */
  marketRule(marketRuleId: number): readonly PriceIncrement[] | undefined;
  /** REQ_SMART_COMPONENTS: the exchanges behind a bboExchange name (empty when unknown). */
  smartComponents(bboExchange: string): readonly SmartComponentEntry[];
}

export type { Log as Logger } from '../../common/log.ts';
export { silentLog as silentLogger } from '../../common/log.ts';

/** Measurable events, for metrics. Every method is optional. */
export interface GatewayObserver {
  sessionOpened?(): void;
  sessionClosed?(reason: string): void;
  errorSent?(code: number): void;
  secdefServed?(waitMs: number, serviceMs: number): void;
  historyServed?(latencyMs: number): void;
  messageIn?(type: string): void;
  messageOut?(type: string): void;
}

/** How the model talks back to one client connection. */
export interface SessionTransport {
  send(msg: ServerMessage): void;
  /** Close the connection from the gateway side. */
  close(): void;
  /** Bytes written but not yet taken by the client, to spot clients that never read. */
  backlog?(): number;
}
