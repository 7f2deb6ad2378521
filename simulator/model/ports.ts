/**
 * What the gateway model needs from the outside world, as narrow interfaces: the market data it
 * serves, somewhere to write log lines, and someone to tell about measurable events. The model
 * itself never touches sockets, timers or Math.random.
 */
import type { ClientMessageOf, ServerMessage, ServerMessageOf } from '../protocol/index.ts';
import type { InstrumentQuotes } from '../market/quotes.ts';
import type { HistoricalTicksReply, HistoricalTicksRequest, ScheduleBody } from '../market/history-extras.ts';
import type { IbErrorBody } from '../../common/ib/errors.ts';

export type ContractQuery = Omit<ClientMessageOf<'REQ_CONTRACT_DATA'>, 'type' | 'reqId'>;
export type ContractDetailsFields = Omit<ServerMessageOf<'CONTRACT_DATA'>, 'type' | 'reqId'>;
export type SymbolSample = ServerMessageOf<'SYMBOL_SAMPLES'>['descriptions'][number];
export type HistoricalRequest = ClientMessageOf<'REQ_HISTORICAL_DATA'>;
/** The contract fields a data request names its instrument by (REQ_MKT_DATA, REQ_REAL_TIME_BARS, …). */
export type DataRequestContract = Pick<
  HistoricalRequest,
  'conId' | 'symbol' | 'secType' | 'exchange' | 'primaryExchange' | 'currency' | 'localSymbol' | 'tradingClass'
>;
export type { InstrumentQuotes, HistoricalTicksReply, HistoricalTicksRequest, ScheduleBody };
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
  /** STK, CASH, FUT, OPT, IND, … (what an order on it may do depends on it). */
  secType: string;
}

export interface MarketData {
  /** Contract details matching a REQ_CONTRACT_DATA query (empty: no security definition). */
  matchContracts(query: ContractQuery, nowMs: number): ContractDetailsFields[];
  /** Error 200 for a REQ_CONTRACT_DATA query `matchContracts` found nothing for (IB's text, perhaps with the simulator's reason). */
  noContract?(query: ContractQuery): IbErrorBody;
  /** REQ_MATCHING_SYMBOLS results. */
  searchSymbols(pattern: string): SymbolSample[];
  /** The single instrument a data request refers to, or why there is none. */
  resolveInstrument(req: DataRequestContract, nowMs: number): { ok: true; instrument: InstrumentRef } | { ok: false; code: number; message: string };
  /** Bars (or an IB error) for a historical request; deterministic in (seed, conId, bar time). */
  historical(req: HistoricalRequest, instrument: InstrumentRef, nowMs: number): HistoricalResult;
  /** The quote model of an instrument: every live price (simulator/market/quotes.ts). */
  quotes(instrument: InstrumentRef): InstrumentQuotes;
  /** HEAD_TIMESTAMP's text, or the error. docs/wire-facts/market-data.md#head-timestamp */
  headTimestamp(req: ClientMessageOf<'REQ_HEAD_TIMESTAMP'>, instrument: InstrumentRef): { ok: true; text: string } | ({ ok: false } & IbErrorBody);
  /** whatToShow SCHEDULE. docs/wire-facts/market-data.md#historical-schedule */
  historicalSchedule(
    req: HistoricalRequest,
    instrument: InstrumentRef,
    nowMs: number,
  ): { ok: true; schedule: ScheduleBody; warning?: IbErrorBody } | ({ ok: false } & IbErrorBody);
  /** REQ_HISTORICAL_TICKS. docs/wire-facts/market-data.md#historical-ticks */
  historicalTicks(req: HistoricalTicksRequest, instrument: InstrumentRef, nowMs: number): HistoricalTicksReply;
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
  /** A contract-details request left the sec-def queue: modeled queue wait and service (model ms), and whose it was. */
  secdefServed?(waitMs: number, serviceMs: number, clientId: number | null): void;
  /**
   * A login completed. `modeledMs`: the login the model chose, START_API to the scheduled end
   * (model ms), including pushes by overlapping logins but not how late the host ran the timer.
   */
  loginCompleted?(clientId: number, modeledMs: number): void;
  /** Historical data answered: the modeled latency (model ms, not how late the host ran the timer), and whose it was. */
  historyServed?(latencyMs: number, clientId: number | null): void;
  messageIn?(type: string): void;
  messageOut?(type: string): void;
}

/** How the model talks back to one client connection. */
export interface SessionTransport {
  /**
   * Pass `msg` on to the client. `journalSeq` is the frame's seq in the gateway's journal (0 when
   * not recorded): a fault that keeps the message from ever reaching the client marks it there
   * (`journal.markWithheld`), at once or later, with the reason.
   */
  send(msg: ServerMessage, journalSeq: number): void;
  /** Close the connection from the gateway side. */
  close(): void;
  /** Bytes written but not yet taken by the client, to spot clients that never read. */
  backlog?(): number;
}
