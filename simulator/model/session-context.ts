/**
 * The HandlerContext the gateway model gives a request handler: one session and the model's
 * services, and nothing else of the model.
 */
import type { Clock, TimerHandle } from '../../common/clock.ts';
import type { Rng } from '../../common/rng.ts';
import type { ServerMessage } from '../protocol/index.ts';
import type { HandlerContext } from './handlers/context.ts';
import type { HistoryPacing } from './history-pacing.ts';
import type { JournalNoteType } from './journal.ts';
import type { IbErrorBody } from '../../common/ib/errors.ts';
import type { GatewayObserver, Logger, MarketData } from './ports.ts';
import type { Profile } from './profile.ts';
import type { SecdefQueue } from './secdef-queue.ts';
import type { LineLimit, Session } from './session.ts';
import type { TradingDesk } from './trading/desk.ts';

/** What the context needs of the model (the GatewayModel provides it). */
export interface ContextHost {
  readonly clock: Clock;
  readonly profile: Profile;
  readonly market: MarketData;
  readonly rng: Rng;
  readonly logger: Logger;
  readonly currentObserver: GatewayObserver;
  readonly secdef: SecdefQueue;
  readonly pacing: HistoryPacing;
  readonly trading: TradingDesk;
  send(session: Session, msg: ServerMessage): void;
  sendError(session: Session, id: number, body: IbErrorBody): void;
  sessionTimer(session: Session, ms: number, fn: () => void): TimerHandle;
  whenConnected(session: Session, run: () => void): void;
  guard(session: Session, what: string, fn: () => void): void;
  nextOrderId(clientId: number, reserve: number): number;
  openHistoryCount(): number;
  note(session: Session, message: { type: JournalNoteType; [field: string]: unknown }): void;
  openLineCount(limit: LineLimit): number;
}

/** The HandlerContext of one request: the session it came on and the model's services. */
export class SessionContext implements HandlerContext {
  constructor(
    private readonly gw: ContextHost,
    readonly session: Session,
  ) {}

  get profile(): Profile {
    return this.gw.profile;
  }
  get market(): MarketData {
    return this.gw.market;
  }
  get rng(): Rng {
    return this.gw.rng;
  }
  get logger(): Logger {
    return this.gw.logger;
  }
  get observer(): GatewayObserver {
    return this.gw.currentObserver;
  }
  get secdef(): SecdefQueue {
    return this.gw.secdef;
  }
  get pacing(): HistoryPacing {
    return this.gw.pacing;
  }
  get trading(): TradingDesk {
    return this.gw.trading;
  }
  now(): number {
    return this.gw.clock.now();
  }
  send(msg: ServerMessage): void {
    this.gw.send(this.session, msg);
  }
  error(id: number, body: IbErrorBody): void {
    this.gw.sendError(this.session, id, body);
  }
  timer(ms: number, fn: () => void): TimerHandle {
    return this.gw.sessionTimer(this.session, ms, fn);
  }
  whenConnected(run: () => void): void {
    this.gw.whenConnected(this.session, run);
  }
  guard(what: string, fn: () => void): void {
    this.gw.guard(this.session, what, fn);
  }
  nextOrderId(reserve: number): number {
    return this.gw.nextOrderId(this.session.clientId ?? 0, reserve);
  }
  openHistoryCount(): number {
    return this.gw.openHistoryCount();
  }
  note(message: { type: JournalNoteType; [field: string]: unknown }): void {
    this.gw.note(this.session, message);
  }
  openLineCount(limit: LineLimit): number {
    return this.gw.openLineCount(limit);
  }
}
