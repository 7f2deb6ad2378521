/**
 * The order engine: every order at the gateway, whoever placed it, and how the price path fills
 * it. Transport-free and pure: time comes in as arguments (the caller's Clock), randomness only
 * from the seed (fill sizes are a hash of seed, conId and instant), prices only from the
 * PriceSource port. The same seed and the same calls give the same events.
 *
 * Orders are evaluated at the instants of a fixed grid (`stepMs`, 1 s by default) after they were
 * acknowledged, never at "whenever the caller asked", so fills do not depend on host load.
 * Fill rules (docs/wire-facts/orders.md#how-orders-fill): a MKT order takes the offer (buy) or the
 * bid (sell); a LMT buy fills at the offer once the offer is at or below its limit (a sell at the
 * bid once the bid is at or above); STP and STP LMT trigger when the last trade reaches the stop
 * and then work as MKT / LMT. Each step offers at most the touch size (100–1000 shares), so large
 * orders fill in parts. Orders work in regular hours only unless outsideRth; DAY orders end with
 * their session, IOC orders after their first chance to trade. MOC and LOC wait for the regular
 * session's close and trade there in full at the closing price (docs/wire-facts/orders.md#moc-and-loc).
 */
import { hashInts } from '../../common/rng.ts';
import type { IbErrorBody } from '../../common/ib/errors.ts';
import { OrderError } from '../../common/ib/order-errors.ts';
import { isOpen, nextOpen, sessionAt } from '../market/market-hours.ts';
import { capRoom, closingAuction } from './closing-auction.ts';
import { executionCommission, scheduleFor, type CommissionPlan } from './commissions.ts';
import { modificationRefused } from './modify.ts';
import { isOnClose, TERMINAL, type Execution, type FillCap, type Order, type OrderEvent, type OrderStatus, type OrderTicket } from './order-types.ts';
import type { PriceSource, TradableInstrument } from './venue.ts';

export interface OrderBookOptions {
  seed: number;
  prices: PriceSource;
  /** The plan commissions are charged under; each order pays its contract's schedule (commissions.ts scheduleFor). */
  commissions: CommissionPlan;
  /** Evaluation grid, model ms. Default 1000. */
  stepMs?: number;
  /** Receives every status change and execution, in order. */
  onEvent: (e: OrderEvent) => void;
}

const TOUCH_SIZE_SALT = 31;
const key = (clientId: number, orderId: number) => `${clientId}:${orderId}`;

export type PlaceResult = { ok: true; order: Order; modified: boolean } | { ok: false; error: IbErrorBody };

export class OrderBook {
  readonly stepMs: number;
  private readonly orders = new Map<string, Order>();
  /** Highest order id each client id has used (ids must grow: 103). */
  private readonly maxOrderId = new Map<number, number>();
  private readonly execs: Execution[] = [];
  private nextPermId: number;
  private execSeq = 0;

  constructor(private readonly opts: OrderBookOptions) {
    this.stepMs = opts.stepMs ?? 1000;
    this.nextPermId = 1_000_000 + (hashInts(opts.seed, 0x9e41) % 1_000_000_000);
  }

  /**
   * A PLACE_ORDER: a new order (PendingSubmit until `acknowledge`), or a modification of the
   * client's working order with the same id (quantity, prices, TIF and outsideRth may change).
   * Errors: 103 an id at or below one the client used before (or of a cancelled order), 104 a
   * filled order, 105 a modification changing the side, type or contract.
   */
  place(ticket: OrderTicket, instrument: TradableInstrument, now: number): PlaceResult {
    const k = key(ticket.clientId, ticket.orderId);
    const existing = this.orders.get(k);
    if (existing) {
      const refused = modificationRefused(existing, ticket, instrument);
      if (refused) return { ok: false, error: refused };
      existing.ticket = ticket;
      if (existing.status !== 'PendingSubmit') this.emit({ kind: 'status', order: existing, status: existing.status });
      return { ok: true, order: existing, modified: true };
    }
    if (ticket.orderId <= (this.maxOrderId.get(ticket.clientId) ?? 0)) return { ok: false, error: OrderError.duplicateOrderId() };
    if (ticket.parentId !== 0 && !this.orders.has(key(ticket.clientId, ticket.parentId))) {
      return { ok: false, error: OrderError.rejected(`parent order ${ticket.parentId} not found (place the parent first)`) };
    }
    this.maxOrderId.set(ticket.clientId, ticket.orderId);
    const order: Order = {
      ticket,
      instrument,
      permId: this.nextPermId++,
      status: 'PendingSubmit',
      filled: 0,
      avgFillPrice: 0,
      lastFillPrice: 0,
      placedAt: now,
      triggered: false,
      expiresAt: undefined,
      charged: { shares: 0, value: 0, commission: 0 },
      completedAt: undefined,
      cancelReason: '',
      fillCap: undefined,
    };
    this.orders.set(k, order);
    return { ok: true, order, modified: false };
  }

  /** The gateway accepted the order: PreSubmitted (held) or Submitted (working) from `now`. */
  acknowledge(order: Order, now: number): void {
    if (order.status !== 'PendingSubmit') return;
    const kind = this.hoursKind(order);
    if (order.ticket.tif === 'DAY') {
      const hours = order.instrument.hours;
      const session = sessionAt(hours, now, kind) ?? sessionAt(hours, nextOpen(hours, now, kind) ?? now, kind);
      order.expiresAt = session?.end;
    }
    this.setStatus(order, this.heldAt(order, now) ? 'PreSubmitted' : 'Submitted');
  }

  /**
   * Cancel a client's order. Errors: 10147 no such order, 10148 already filled or cancelled.
   * On success the order is Cancelled (its status event is emitted).
   */
  cancel(clientId: number, orderId: number, now: number, reason = ''): IbErrorBody | undefined {
    const order = this.orders.get(key(clientId, orderId));
    if (!order) return OrderError.cancelNotFound(orderId);
    if (TERMINAL.has(order.status)) return OrderError.cancelNotCancellable(orderId, order.status);
    this.finish(order, 'Cancelled', now, reason);
    return undefined;
  }

  /** reqGlobalCancel: every order not yet filled or cancelled, of every client. Returns them. */
  cancelAll(now: number): Order[] {
    const open = this.openOrders();
    for (const o of open) this.finish(o, 'Cancelled', now, 'global cancel');
    return open;
  }

  /**
   * Force a partial fill of a client's order (the `partial-fill` fault): it fills at most
   * `cap.shares` in total, then rests or is cancelled (order-types.ts `FillCap`). A cap at or above
   * the order's quantity changes nothing. Returns false when the client has no such open order.
   */
  capFills(clientId: number, orderId: number, cap: FillCap): boolean {
    const order = this.orders.get(key(clientId, orderId));
    if (!order || TERMINAL.has(order.status)) return false;
    order.fillCap = cap;
    return true;
  }

  /** The first grid instant strictly after `ms`. */
  nextStep(ms: number): number {
    return (Math.floor(ms / this.stepMs) + 1) * this.stepMs;
  }

  /** Whether any order still works (the caller keeps stepping while so). */
  get hasWork(): boolean {
    for (const o of this.orders.values()) if (o.status === 'PreSubmitted' || o.status === 'Submitted') return true;
    return false;
  }

  /** Evaluate every working order at grid instant `t` (orders acknowledged before `t`), in placement order. */
  step(t: number): void {
    for (const order of this.orders.values()) {
      if (order.status !== 'PreSubmitted' && order.status !== 'Submitted') continue;
      if (order.placedAt >= t) continue;
      this.evaluate(order, t);
    }
  }

  /** Orders not yet filled or cancelled, in placement order. */
  openOrders(): Order[] {
    return [...this.orders.values()].filter((o) => !TERMINAL.has(o.status));
  }

  /** Filled and cancelled orders, in placement order. */
  completedOrders(): Order[] {
    return [...this.orders.values()].filter((o) => TERMINAL.has(o.status));
  }

  /** Every order, in placement order. */
  allOrders(): Order[] {
    return [...this.orders.values()];
  }

  executions(): readonly Execution[] {
    return this.execs;
  }

  find(clientId: number, orderId: number): Order | undefined {
    return this.orders.get(key(clientId, orderId));
  }

  // ---- evaluation ---------------------------------------------------------------------------------

  /** The sessions an order works in: all of them with outsideRth, except on-close orders, whose day is the regular session. */
  private hoursKind(order: Order): 'trading' | 'liquid' {
    return order.ticket.outsideRth && !isOnClose(order.ticket.orderType) ? 'trading' : 'liquid';
  }

  /** Outside the order's hours (regular, or all sessions with outsideRth). */
  private heldAt(order: Order, t: number): boolean {
    return !isOpen(order.instrument.hours, t, this.hoursKind(order));
  }

  private evaluate(order: Order, t: number): void {
    const { ticket } = order;
    if (isOnClose(ticket.orderType)) {
      this.closingAuction(order, t);
      return;
    }
    if (order.expiresAt !== undefined && t >= order.expiresAt) {
      this.finish(order, 'Cancelled', t, 'end of day');
      return;
    }
    if (ticket.parentId !== 0) {
      const parent = this.orders.get(key(ticket.clientId, ticket.parentId));
      if (parent?.status === 'Cancelled') {
        this.finish(order, 'Cancelled', t, 'parent cancelled');
        return;
      }
      if (parent?.status !== 'Filled') {
        this.setStatus(order, 'PreSubmitted');
        return;
      }
    }
    const ioc = ticket.tif === 'IOC';
    const quote = this.heldAt(order, t) ? undefined : this.opts.prices.quoteAt(order.instrument.conId, t);
    if (!quote) {
      if (ioc) this.finish(order, 'Cancelled', t, 'IOC outside trading hours');
      else this.setStatus(order, 'PreSubmitted');
      return;
    }
    const buy = ticket.action === 'BUY';
    if ((ticket.orderType === 'STP' || ticket.orderType === 'STP LMT') && !order.triggered) {
      const hit = buy ? quote.last >= ticket.auxPrice! : quote.last <= ticket.auxPrice!;
      if (!hit) {
        if (ioc) this.finish(order, 'Cancelled', t, 'IOC stop not triggered');
        else this.setStatus(order, 'PreSubmitted');
        return;
      }
      order.triggered = true;
    }
    this.setStatus(order, 'Submitted');
    const limited = ticket.orderType === 'LMT' || ticket.orderType === 'STP LMT';
    const touch = buy ? quote.ask : quote.bid;
    const marketable = !limited || (buy ? touch <= ticket.lmtPrice! : touch >= ticket.lmtPrice!);
    const room = capRoom(order);
    if (marketable && room > 0) {
      const shares = Math.min(ticket.totalQuantity - order.filled, this.touchSize(order.instrument.conId, t), room);
      this.fill(order, shares, touch, t);
    }
    const cap = order.fillCap;
    if (cap?.remainder === 'cancel' && order.filled >= cap.shares && !TERMINAL.has(order.status)) this.finish(order, 'Cancelled', t, 'partial fill (fault)');
    if (ioc && !TERMINAL.has(order.status)) this.finish(order, 'Cancelled', t, 'IOC remainder');
  }

  /** MOC / LOC: carry out the closing auction's decision (closing-auction.ts). */
  private closingAuction(order: Order, t: number): void {
    const outcome = closingAuction(order, t, this.opts.prices);
    if (outcome.kind === 'wait') this.setStatus(order, this.heldAt(order, t) ? 'PreSubmitted' : 'Submitted');
    else if (outcome.kind === 'cancel') this.finish(order, 'Cancelled', t, outcome.reason);
    else {
      this.fill(order, outcome.shares, outcome.price, outcome.at);
      // The auction is over: what it did not fill (a forced partial fill) has nowhere left to trade.
      if (!TERMINAL.has(order.status)) this.finish(order, 'Cancelled', t, 'closing auction over');
    }
  }

  /** Shares offered at the touch at grid instant t: 100–1000, a hash of (seed, conId, t). */
  private touchSize(conId: number, t: number): number {
    return 100 * (1 + (hashInts(this.opts.seed, conId, Math.floor(t / this.stepMs), TOUCH_SIZE_SALT) % 10));
  }

  private fill(order: Order, shares: number, price: number, t: number): void {
    const value = shares * price;
    const schedule = scheduleFor(this.opts.commissions, order.instrument.secType);
    const commission = executionCommission(schedule, order.charged, shares, value);
    order.charged = { shares: order.charged.shares + shares, value: order.charged.value + value, commission: order.charged.commission + commission };
    order.avgFillPrice = (order.avgFillPrice * order.filled + value) / (order.filled + shares);
    order.filled += shares;
    order.lastFillPrice = price;
    this.execSeq++;
    const execution: Execution = {
      execId: `${hex8(order.permId)}.${hex8(Math.floor(t / 1000))}.${String(this.execSeq).padStart(2, '0')}.01`,
      orderId: order.ticket.orderId,
      clientId: order.ticket.clientId,
      permId: order.permId,
      account: order.ticket.account,
      instrument: order.instrument,
      side: order.ticket.action === 'BUY' ? 'BOT' : 'SLD',
      shares,
      price,
      time: t,
      cumQty: order.filled,
      avgPrice: order.avgFillPrice,
      commission,
      commissionCurrency: schedule.currency,
      orderRef: order.ticket.orderRef,
    };
    this.execs.push(execution);
    if (order.filled >= order.ticket.totalQuantity) {
      order.status = 'Filled';
      order.completedAt = t;
    }
    this.emit({ kind: 'execution', order, execution });
    this.emit({ kind: 'status', order, status: order.status });
    if (order.ticket.ocaGroup) this.cancelOcaSiblings(order, t);
  }

  /** A fill cancels the other open orders of its OCA group (ocaType 1, cancel with block). */
  private cancelOcaSiblings(order: Order, t: number): void {
    for (const o of this.orders.values()) {
      if (o === order || TERMINAL.has(o.status)) continue;
      if (o.ticket.clientId === order.ticket.clientId && o.ticket.ocaGroup === order.ticket.ocaGroup) this.finish(o, 'Cancelled', t, 'OCA group');
    }
  }

  private finish(order: Order, status: OrderStatus, t: number, reason: string): void {
    order.completedAt = t;
    order.cancelReason = reason;
    this.setStatus(order, status);
  }

  private setStatus(order: Order, status: OrderStatus): void {
    if (order.status === status) return;
    order.status = status;
    this.emit({ kind: 'status', order, status: order.status });
  }

  private emit(e: OrderEvent): void {
    this.opts.onEvent(e);
  }
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
