/**
 * The trading desk of the gateway model: the one order book and the paper account, shared by every
 * session, and who hears about what. Handlers call it with their session; it answers through the
 * gateway's `send` so the journal and the fault stage see every message.
 *
 * Routing, as IB shows orders to clients (docs/wire-facts/orders.md#who-sees-which-order): status
 * changes and fills go to the sessions of the client id that placed the order; reqAllOpenOrders,
 * reqCompletedOrders and reqExecutions of client 0 see every client's orders. Orders live at the
 * gateway, not in the session: an order whose client disconnected keeps working and filling, and
 * the reconnecting client finds it in reqOpenOrders, reqCompletedOrders and reqExecutions.
 *
 * Time: acknowledgements after `profile.paper.ackLatencyMs` model ms; the book is stepped on its
 * grid while any order works. Both through the gateway's Clock.
 */
import type { Clock, TimerHandle } from '../../../common/clock.ts';
import type { IbErrorBody } from '../../../common/ib/errors.ts';
import { OrderError } from '../../../common/ib/order-errors.ts';
import { scheduleFor, orderCommission } from '../../orders/commissions.ts';
import { Ledger } from '../../orders/ledger.ts';
import { OrderBook } from '../../orders/order-book.ts';
import type { Execution, FillCap, Order, OrderEvent } from '../../orders/order-types.ts';
import { checkOrder } from '../../orders/validate.ts';
import type { TradableInstrument, TradingVenue } from '../../orders/venue.ts';
import type { ServerMessage } from '../../protocol/index.ts';
import type { PlaceOrderRequest } from '../../protocol/requests.ts';
import type { HistoricalRequest, Logger, MarketData } from '../ports.ts';
import type { Profile } from '../profile.ts';
import type { Session } from '../session.ts';
import { AccountFeeds } from './account-feeds.ts';
import { commissionMessage, executionMessage, openOrderMessage, orderStatusMessage, type WhatIfState } from './order-messages.ts';

/** What the desk needs of the gateway model. */
export interface DeskHost {
  readonly clock: Clock;
  readonly profile: Profile;
  readonly market: MarketData;
  readonly logger: Logger;
  /** Sessions that are logged in. */
  readySessions(): Iterable<Session>;
  send(session: Session, msg: ServerMessage): void;
  sendError(session: Session, id: number, body: IbErrorBody): void;
}

export class TradingDesk {
  readonly book: OrderBook;
  readonly ledger: Ledger;
  readonly feeds: AccountFeeds;
  /** The latest PLACE_ORDER of each order, by permId: OPEN_ORDER echoes it. */
  private readonly requests = new Map<number, PlaceOrderRequest>();
  private readonly timers = new Set<TimerHandle>();
  /** Orders placed with transmit false, waiting for the rest of their bracket. */
  private untransmitted: Order[] = [];
  private stepTimer: TimerHandle | undefined;

  constructor(
    private readonly host: DeskHost,
    readonly venue: TradingVenue,
    seed: number,
  ) {
    const paper = host.profile.paper;
    this.book = new OrderBook({
      seed,
      prices: venue.prices,
      commissions: paper.commissions,
      onEvent: (e) => this.onEvent(e),
    });
    const account = host.profile.accounts[0] ?? '';
    const positions = paper.startingPositions.flatMap((p) => {
      const instrument = venue.instrument(p.conId);
      if (!instrument) throw new Error(`profile paper.startingPositions: conId ${p.conId} is not in the contract universe`);
      return [{ instrument, position: p.position, avgCost: p.avgCost }];
    });
    this.ledger = new Ledger({ account, currency: paper.baseCurrency, cash: paper.startingCash, positions });
    this.feeds = new AccountFeeds(host, this.ledger, venue.prices);
  }

  // ---- requests ------------------------------------------------------------------------------------

  /** PLACE_ORDER from `session`: a what-if answer, a rejection (ERR_MSG with the order id), a modification or a new order. */
  place(session: Session, req: PlaceOrderRequest): void {
    const refused = this.tryPlace(session, req);
    if (refused) this.host.sendError(session, req.orderId, refused);
  }

  private tryPlace(session: Session, req: PlaceOrderRequest): IbErrorBody | undefined {
    const profile = this.host.profile;
    const now = this.host.clock.now();
    if (profile.paper.readOnly) return OrderError.readOnly();
    const resolved = this.host.market.resolveInstrument(req as unknown as HistoricalRequest, now);
    if (!resolved.ok) return { code: resolved.code, message: resolved.message };
    const untradable = untradableSecType(resolved.instrument.secType);
    if (untradable) return OrderError.rejected(untradable);
    const instrument = this.venue.instrument(resolved.instrument.conId);
    if (!instrument) return OrderError.noSecurityDefinition();
    const checked = checkOrder(req, session.clientId ?? 0, profile.accounts[0] ?? '', instrument);
    if (!checked.ok) return checked.error;
    const { ticket } = checked;
    if (req.whatIf) {
      const order = { orderId: req.orderId, clientId: ticket.clientId, permId: 0, instrument, account: ticket.account };
      this.host.send(session, openOrderMessage(req, order, 'PreSubmitted', this.whatIf(ticket.action, ticket.totalQuantity, instrument, now)));
      return undefined;
    }
    // A modification's OPEN_ORDER goes out from inside book.place (its status event), and OPEN_ORDER
    // echoes the stored request: store the new one first, and put the old one back if refused.
    const modifying = this.book.find(ticket.clientId, ticket.orderId);
    const previous = modifying && this.requests.get(modifying.permId);
    if (modifying) this.requests.set(modifying.permId, req);
    const placed = this.book.place(ticket, instrument, now);
    if (!placed.ok) {
      if (modifying && previous) this.requests.set(modifying.permId, previous);
      return placed.error;
    }
    this.requests.set(placed.order.permId, req);
    if (placed.modified) return undefined;
    // transmit false (the first legs of a bracket): held until a transmitted order of the same
    // bracket arrives, then acknowledged together (docs/wire-facts/orders.md#brackets-and-oca).
    if (!req.transmit) {
      this.untransmitted.push(placed.order);
      return undefined;
    }
    const root = ticket.parentId || ticket.orderId;
    const batch = this.untransmitted.filter((o) => o.ticket.clientId === ticket.clientId && (o.ticket.orderId === root || o.ticket.parentId === root));
    this.untransmitted = this.untransmitted.filter((o) => !batch.includes(o));
    batch.push(placed.order);
    this.later(profile.paper.ackLatencyMs, () => {
      for (const o of batch) this.book.acknowledge(o, this.host.clock.now());
      this.keepStepping();
    });
    return undefined;
  }

  /** CANCEL_ORDER: 10147/10148 when there is nothing to cancel. */
  cancel(session: Session, orderId: number): void {
    const err = this.host.profile.paper.readOnly ? OrderError.readOnly() : this.book.cancel(session.clientId ?? 0, orderId, this.host.clock.now(), 'API');
    if (err) this.host.sendError(session, orderId, err);
  }

  /** REQ_GLOBAL_CANCEL: every open order of every client. */
  cancelAll(session: Session): void {
    if (this.host.profile.paper.readOnly) this.host.sendError(session, -1, OrderError.readOnly());
    else this.book.cancelAll(this.host.clock.now());
  }

  /** The `partial-fill` fault: cap the fills of a client's open order (false: none such). */
  capFills(clientId: number, orderId: number, cap: FillCap): boolean {
    return this.book.capFills(clientId, orderId, cap);
  }

  /** OPEN_ORDER + ORDER_STATUS for each open order of `clientId` (all clients when undefined), then OPEN_ORDER_END. */
  sendOpenOrders(session: Session, clientId: number | undefined): void {
    for (const o of this.book.openOrders()) {
      if (clientId !== undefined && o.ticket.clientId !== clientId) continue;
      if (o.status === 'PendingSubmit') continue;
      this.host.send(session, this.openOrder(o));
      this.host.send(session, orderStatusMessage(o, o.status));
    }
    this.host.send(session, { type: 'OPEN_ORDER_END' });
  }

  /** The OPEN_ORDER of an order as it stands. */
  openOrder(o: Order) {
    return openOrderMessage(this.requests.get(o.permId)!, { ...o.ticket, permId: o.permId, instrument: o.instrument }, o.status);
  }

  request(o: Order): PlaceOrderRequest {
    return this.requests.get(o.permId)!;
  }

  /** Executions matching a REQ_EXECUTIONS filter, each with its commission report, then the end. */
  sendExecutions(session: Session, reqId: number, match: (e: Execution) => boolean): void {
    const tz = this.host.profile.timeZone;
    for (const e of this.book.executions()) {
      if (!match(e)) continue;
      this.host.send(session, executionMessage(e, reqId, this.exchangeOf(e), tz));
      this.host.send(session, commissionMessage(e, this.realized.get(e.execId)));
    }
    this.host.send(session, { type: 'EXECUTION_DATA_END', reqId });
  }

  /**
   * The gateway restarted (docs/wire-facts/orders.md#open-orders-across-a-gateway-restart): orders
   * it had transmitted live on at IB's servers — GTC orders work on, DAY orders until their session
   * ends, fills go on while no client is connected — but legs kept back with `transmit` false were
   * only ever in the gateway and are lost: each is cancelled. Returns the cancelled orders.
   */
  restart(): Order[] {
    const lost = this.untransmitted;
    this.untransmitted = [];
    const now = this.host.clock.now();
    for (const o of lost) this.book.cancel(o.ticket.clientId, o.ticket.orderId, now, 'gateway restart (never transmitted)');
    return lost;
  }

  /** Stop every timer (gateway reset or shutdown). */
  dispose(): void {
    this.feeds.dispose();
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.stepTimer?.cancel();
    this.stepTimer = undefined;
  }

  // ---- engine events --------------------------------------------------------------------------------

  private readonly realized = new Map<string, number | undefined>();

  private onEvent(e: OrderEvent): void {
    const owner = e.order.ticket.clientId;
    if (e.kind === 'execution') {
      const realized = this.ledger.apply(e.execution);
      this.realized.set(e.execution.execId, realized);
      const tz = this.host.profile.timeZone;
      this.toClient(owner, executionMessage(e.execution, -1, this.exchangeOf(e.execution), tz));
      this.toClient(owner, commissionMessage(e.execution, realized));
      this.feeds.afterFill(e.execution.instrument.conId, this.host.clock.now());
      return;
    }
    this.toClient(owner, this.openOrder(e.order), orderStatusMessage(e.order, e.status));
    if (e.status === 'Cancelled') {
      for (const s of this.sessionsOf(owner)) this.host.sendError(s, e.order.ticket.orderId, OrderError.cancelled(e.order.cancelReason));
    }
  }

  private exchangeOf(e: Execution): string {
    return this.requests.get(e.permId)?.exchange ?? 'SMART';
  }

  private *sessionsOf(clientId: number): Iterable<Session> {
    for (const s of this.host.readySessions()) if (s.clientId === clientId) yield s;
  }

  private toClient(clientId: number, ...msgs: ServerMessage[]): void {
    for (const s of this.sessionsOf(clientId)) for (const m of msgs) this.host.send(s, m);
  }

  /** Margin and commission of an order that is not placed (docs/wire-facts/orders.md#what-if). */
  private whatIf(action: 'BUY' | 'SELL', quantity: number, instrument: TradableInstrument, now: number): WhatIfState {
    const q = this.venue.prices.quoteAt(instrument.conId, now);
    const price = q ? (action === 'BUY' ? q.ask : q.bid) : 0;
    const value = quantity * price;
    const schedule = scheduleFor(this.host.profile.paper.commissions, instrument.secType);
    const commission = orderCommission(schedule, quantity, value);
    const before = this.feeds.margins(now);
    const initChange = 0.5 * value;
    const maintChange = 0.25 * value;
    const f = (x: number) => x.toFixed(2);
    return {
      initMarginBefore: f(before.init),
      maintMarginBefore: f(before.maint),
      equityWithLoanBefore: f(before.equity),
      initMarginChange: f(initChange),
      maintMarginChange: f(maintChange),
      equityWithLoanChange: f(-commission),
      initMarginAfter: f(before.init + initChange),
      maintMarginAfter: f(before.maint + maintChange),
      equityWithLoanAfter: f(before.equity - commission),
      commission,
      minCommission: commission,
      maxCommission: commission,
      commissionCurrency: schedule.currency,
      warningText: '',
    };
  }

  // ---- time -----------------------------------------------------------------------------------------

  private later(ms: number, fn: () => void): void {
    const handle = this.host.clock.setTimer(ms, () => {
      this.timers.delete(handle);
      this.guard(fn);
    });
    this.timers.add(handle);
  }

  /** Step the book on its grid while any order works; each step is the grid instant, not "now". */
  private keepStepping(from = this.host.clock.now()): void {
    if (this.stepTimer || !this.book.hasWork) return;
    const t = this.book.nextStep(from);
    this.stepTimer = this.host.clock.setTimer(Math.max(0, t - this.host.clock.now()), () => {
      this.stepTimer = undefined;
      this.guard(() => this.book.step(t));
      this.keepStepping(t);
    });
  }

  /** An engine failure is logged; it must not take the gateway down. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.host.logger.error({ err: (err as Error).message }, 'internal error in the order desk');
    }
  }
}

/**
 * Why an order on a contract of `secType` is refused before it reaches the book (201, with the
 * order id; docs/wire-facts/orders.md#order-errors): an index cannot be traded at all, and orders
 * on futures and options are not simulated (no multipliers or margins yet), although those
 * contracts qualify and stream.
 */
export function untradableSecType(secType: string): string | undefined {
  if (secType === 'IND') return 'an index (secType IND) cannot be traded; trade a future or an option on it';
  if (['FUT', 'CONTFUT', 'OPT', 'FOP'].includes(secType)) {
    return `orders on ${secType} contracts are not simulated by ibkr-harness (stocks, ETFs and spot forex trade)`;
  }
  return undefined;
}
