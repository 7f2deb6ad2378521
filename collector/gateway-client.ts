/**
 * The collector's port to a gateway: connect with a client id, ask for contract details and
 * bars, hear notices. @stoqey/ib over TCP is one adapter (`adapters/stoqey-connector.ts`); the
 * in-process gateway model is another (`adapters/model-connector.ts`, for virtual-time tests).
 * Nothing here ever times out on its own: deadlines belong to the caller, because a contract
 * details request cannot be cancelled and its answer may still come.
 */
export interface ContractSpec {
  symbol: string;
  secType?: string;
  exchange?: string;
  currency?: string;
  primaryExchange?: string;
  conId?: number;
  localSymbol?: string;
}

export interface ContractInfo {
  conId: number;
  symbol: string;
  secType: string;
  exchange: string;
  primaryExchange: string;
  currency: string;
  localSymbol: string;
  longName: string;
  timeZoneId: string;
}

export interface HistoryQuery {
  contract: ContractInfo;
  /** `""` = now, else `yyyyMMdd HH:mm:ss <tz>` or `yyyyMMdd-HH:mm:ss` (UTC). */
  endDateTime: string;
  duration: string;
  barSize: string;
  whatToShow: string;
  useRTH: boolean;
}

export interface RawBar {
  /** As sent with formatDate 2 (epoch seconds) for intraday bars, `yyyyMMdd` for daily ones. */
  time: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  wap: number;
  count: number;
}

/**
 * The answer to one historical-data request: its bars and, below server version 196, the window
 * the gateway says it served (`start`, `end` as sent, e.g. `20251110 09:30:00 US/Eastern`;
 * docs/wire-facts/history.md#historical_data-17). Absent when the adapter could not read them.
 */
export interface HistoricalReply {
  bars: RawBar[];
  start?: string;
  end?: string;
}

export interface PendingRequest<T> {
  reqId: number;
  result: Promise<T>;
}

/** Gateway notices with id -1 that the collector reacts to. */
export type NoticeCode = 1100 | 1101 | 1102 | number;

export interface GatewayConnection {
  readonly clientId: number;
  readonly address: string;
  /**
   * The account ids the gateway reported at login (MANAGED_ACCTS), known before the connection is
   * handed out: docs/wire-facts/accounts.md#managed-accounts-list.
   */
  readonly managedAccounts: readonly string[];
  readonly isOpen: boolean;
  /** When the longest-pending request (contract details, bars) was sent, model ms; undefined when none is. */
  oldestPendingSince(): number | undefined;
  /** All matching contracts; rejects NoSecurityDefinition on 200 and ConnectionLost if the link drops. */
  contractDetails(spec: ContractSpec): PendingRequest<ContractInfo[]>;
  /** Rejects PacingViolation on a 162 pacing violation, NoHistoricalData on a 162 "no data". */
  historicalData(query: HistoryQuery): PendingRequest<HistoricalReply>;
  cancelHistoricalData(reqId: number): void;
  /** Server time; used as a liveness probe (a zombie never answers). */
  currentTime(): PendingRequest<number>;
  onNotice(listener: (code: NoticeCode, message: string) => void): () => void;
  /** Called once when the connection ends for any reason; `error` is set unless we closed it. */
  onClose(listener: (error?: Error) => void): () => void;
  /** Close cleanly (FIN). */
  close(): void;
  /** Drop the connection without a clean close, as a crash would. */
  destroy(): void;
}

export interface ConnectOptions {
  clientId: number;
  /** Give up on the handshake after this many model ms (HandshakeTimeout). */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface GatewayConnector {
  /** `host:port` (or a name for in-process gateways), for messages and lease keys. */
  readonly address: string;
  /**
   * Connect and wait until the gateway is ready (NEXT_VALID_ID and MANAGED_ACCTS, in either order).
   * Fails with ClientIdInUse (326), GatewayUnreachable, HandshakeTimeout or ConnectionLost (closed
   * early for another reason).
   */
  connect(opts: ConnectOptions): Promise<GatewayConnection>;
}

/** `TTE STK SMART EUR`: a contract spec as log lines and errors name it. */
export function describeSpec(spec: ContractSpec): string {
  return [spec.symbol, spec.secType ?? 'STK', spec.exchange ?? 'SMART', spec.primaryExchange, spec.currency].filter(Boolean).join(' ');
}
