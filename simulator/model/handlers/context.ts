/**
 * What a request handler may use: the session it serves and a handful of gateway services. The
 * gateway model builds one context per session; handlers never see the model itself, so they
 * cannot reach sessions, ids or faults that are not theirs.
 */
import type { TimerHandle } from '../../../common/clock.ts';
import type { Rng } from '../../../common/rng.ts';
import type { ClientMessageOf, ClientMessageType, ServerMessage } from '../../protocol/index.ts';
import type { HistoryPacing } from '../history-pacing.ts';
import type { JournalNoteType } from '../journal.ts';
import type { IbErrorBody } from '../../../common/ib/errors.ts';
import type { GatewayObserver, Logger, MarketData } from '../ports.ts';
import type { Profile } from '../profile.ts';
import type { SecdefQueue } from '../secdef-queue.ts';
import type { LineLimit, Session } from '../session.ts';
import type { TradingDesk } from '../trading/desk.ts';

export interface HandlerContext {
  /** The session the request came in on (its id, client id and per-session request state). */
  readonly session: Session;
  /** The active profile (it can change between requests: `PATCH /profile`). */
  readonly profile: Profile;
  readonly market: MarketData;
  /** The gateway's one seeded random stream. */
  readonly rng: Rng;
  readonly logger: Logger;
  /** Measurable events (secdef served, history served), for metrics and scenario records. */
  readonly observer: GatewayObserver;
  /** The shared sec-def queue (contract details). */
  readonly secdef: SecdefQueue;
  /** Historical-data pacing (gateway-wide). */
  readonly pacing: HistoryPacing;
  /** Orders, executions and the paper account (gateway-wide). */
  readonly trading: TradingDesk;
  /** Model time, epoch ms. */
  now(): number;
  /** Send a message to this session (nothing happens once it is closed). */
  send(msg: ServerMessage): void;
  /** Send an ERR_MSG for request `id` (-1 for none). */
  error(id: number, body: IbErrorBody): void;
  /** Run `fn` after `ms` model ms, unless the session closes first. */
  timer(ms: number, fn: () => void): TimerHandle;
  /** Run now, or hold until IB connectivity is restored (a 1100 is in force). */
  whenConnected(run: () => void): void;
  /** Run `fn`; an unexpected failure closes this session only. */
  guard(what: string, fn: () => void): void;
  /** The next order id of this session's client id, reserving `reserve` more. */
  nextOrderId(reserve: number): number;
  /** Historical requests open at the gateway, across every session. */
  openHistoryCount(): number;
  /** A gateway note about this session for journal subscribers (simulator/model/journal.ts JOURNAL_NOTES). */
  note(message: { type: JournalNoteType; [field: string]: unknown }): void;
  /** Market-data subscriptions counting against `limit` (lines, tick-by-tick or depth), open at the gateway across every session. */
  openLineCount(limit: LineLimit): number;
}

/** One handler per client message type. */
export type Handler<T extends ClientMessageType> = (ctx: HandlerContext, msg: ClientMessageOf<T>) => void;
export type Handlers = { [T in ClientMessageType]?: Handler<T> };
