import type { TimerHandle } from '../../common/clock.ts';
import type { MessageRateMeter } from './message-rate.ts';
import type { SessionTransport } from './ports.ts';

/**
 * One client connection as the gateway sees it.
 *  handshake → (version reply) → awaiting-start → (START_API) → login → (accounts, ids) → ready
 * and `closed` from any state.
 */
export type SessionState = 'handshake' | 'awaiting-start' | 'login' | 'ready' | 'closed';

export class Session {
  state: SessionState = 'handshake';
  version = 0;
  clientId: number | null = null;
  /** Connected with `+PACEAPI`: excess messages are queued, not rejected. */
  paceApi = false;
  readyAt: number | undefined;
  /** While logging in: when the login completes (model ms) and its timer, which later logins may push back. */
  login: { startedAt: number; dueAt: number; timer: TimerHandle } | undefined;
  closedAt: number | undefined;
  closeReason: string | undefined;
  messagesIn = 0;
  messagesOut = 0;
  rate: MessageRateMeter | undefined;
  /** Messages of a +PACEAPI client waiting for their slot. */
  pacedBacklog = 0;
  /** Open historical-data requests by reqId (the timer delivers the answer). */
  readonly openHistory = new Map<number, TimerHandle>();
  /** REQ_MARKET_DATA_TYPE's last value (1 live until the client says otherwise). docs/wire-facts/market-data.md#market-data-types-1-to-4 */
  marketDataType = 1;
  /** Open market-data lines (top of book, real-time bars) by reqId; each holds its stream's timer. */
  readonly marketLines = new Map<number, MarketLine>();
  /** Active account-summary subscriptions (IB allows two). */
  readonly accountSummaries = new Set<number>();
  /** Requests that arrived before login completed; processed once ready. */
  readonly beforeReady: Array<() => void> = [];
  /** Timers owned by this session (login, deferred messages), cancelled on close. */
  readonly timers = new Set<TimerHandle>();

  constructor(
    readonly id: number,
    readonly remote: string,
    readonly openedAt: number,
    readonly transport: SessionTransport,
  ) {}

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  /** Holds a client id at the gateway (logging in or ready). */
  get isApiClient(): boolean {
    return this.state === 'login' || this.state === 'ready';
  }

  cancelTimers(): void {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    for (const t of this.openHistory.values()) t.cancel();
    this.openHistory.clear();
    for (const line of this.marketLines.values()) line.timer?.cancel();
    this.marketLines.clear();
  }
}

/** A market-data subscription: top of book and real-time bars count against the line limit, tick-by-tick against its own. */
export interface MarketLine {
  kind: 'top' | 'snapshot' | 'realTimeBars' | 'tickByTick' | 'depth';
  /** The pending tick or bar (cancelled with the line). */
  timer: TimerHandle | undefined;
}

/**
 * The limit a subscription counts against: market data lines (top of book, snapshots, real-time
 * bars: 100, error 101), tick-by-tick (10190) or market depth (309).
 * docs/wire-facts/market-data.md#100-lines-101, #tick-by-tick, #market-depth
 */
export type LineLimit = 'lines' | 'tickByTick' | 'depth';

export function lineLimitOf(kind: MarketLine['kind']): LineLimit {
  return kind === 'tickByTick' || kind === 'depth' ? kind : 'lines';
}

export interface SessionInfo {
  sessionId: number;
  clientId: number | null;
  remote: string;
  state: SessionState;
  serverVersion: number;
  paceApi: boolean;
  connectedSince: string;
  readySince: string | null;
  messagesIn: number;
  messagesOut: number;
  queuedRequests: number;
}
