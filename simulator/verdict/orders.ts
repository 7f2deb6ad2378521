/**
 * Orders from the journal's order messages: PLACE_ORDER and CANCEL_ORDER in, ORDER_STATUS,
 * OPEN_ORDER and COMPLETED_ORDER out, and errors 201/202 naming an order id. An order is open
 * until a status says it is done (Filled, Cancelled, ApiCancelled, Inactive); the verdict lists
 * the orders still open when it is taken (docs/wire-facts/verdicts.md#open-orders).
 *
 * Orders are keyed by client id and order id, not by connection: an order outlives the connection
 * that placed it, which is the point of the check. Fields are read by their TWS API names, at the
 * top level or inside `contract` / `order` / `orderState`, so the check does not depend on how the
 * codec nests them.
 */
import type { JournalEntry } from '../model/journal.ts';
import type { VerdictConfig } from './config.ts';
import { BoundedList } from './bounded.ts';
import { contractText, field, num } from './reading.ts';
import { listCheck, type Checks, type ConnRef } from './schema.ts';
import type { Conn, Limits, Timebase } from './state.ts';

/** Statuses after which an order no longer works (docs/wire-facts/verdicts.md#open-orders). */
export const DONE_STATUSES = new Set(['Filled', 'Cancelled', 'ApiCancelled', 'Inactive']);
/** Errors that end an order: 201 rejected, 202 cancelled (docs/wire-facts/verdicts.md#open-orders). */
const ORDER_ENDING_ERRORS = new Map([
  [201, 'Inactive'],
  [202, 'Cancelled'],
]);

interface Order {
  clientId: number | null;
  orderId: number;
  status: string;
  contract: string;
  action: string;
  quantity: string;
  orderType: string;
  placedAt: number | undefined;
  lastStatusAt: number | undefined;
  conn: ConnRef | null;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export class OrderTracker {
  private readonly orders = new Map<string, Order>();
  private seen = 0;

  constructor(
    private readonly cfg: VerdictConfig,
    private readonly time: Timebase,
    private readonly limits: Limits,
  ) {}

  incoming(c: Conn, e: JournalEntry): void {
    const m = e.message;
    if (m.type === 'PLACE_ORDER') {
      const orderId = num(field(m, 'orderId', 'order')) ?? num(m.id);
      if (orderId === undefined) return;
      const key = `${c.clientId}:${orderId}`;
      const known = this.orders.get(key);
      // A PLACE_ORDER for an order id already open modifies that order.
      if (known) {
        known.quantity = text(field(m, 'totalQuantity', 'order')) || known.quantity;
        return;
      }
      if (this.orders.size >= this.limits.maxOrders) {
        this.limits.evicted++;
        return;
      }
      this.seen++;
      this.orders.set(key, {
        clientId: c.clientId,
        orderId,
        status: 'PendingSubmit',
        contract: contractText(m),
        action: text(field(m, 'action', 'order')),
        quantity: text(field(m, 'totalQuantity', 'order')),
        orderType: text(field(m, 'orderType', 'order')),
        placedAt: e.at,
        lastStatusAt: undefined,
        conn: this.time.connRef(c),
      });
    } else if (m.type === 'CANCEL_ORDER') {
      const o = this.orders.get(`${c.clientId}:${num(field(m, 'orderId')) ?? num(m.id)}`);
      if (o) o.status = 'PendingCancel';
    } else if (m.type === 'REQ_GLOBAL_CANCEL') {
      for (const o of this.orders.values()) o.status = 'PendingCancel';
    }
  }

  outgoing(c: Conn, e: JournalEntry): void {
    const m = e.message;
    if (m.type === 'ORDER_STATUS' || m.type === 'OPEN_ORDER' || m.type === 'COMPLETED_ORDER') {
      const orderId = num(field(m, 'orderId', 'order')) ?? num(m.id);
      if (orderId === undefined) return;
      const clientId = num(field(m, 'clientId', 'order')) ?? c.clientId;
      const status = text(field(m, 'status', 'orderState')) || (m.type === 'COMPLETED_ORDER' ? 'Filled' : '');
      if (!status) return;
      this.status(clientId, orderId, status, e.at, m);
    } else if (m.type === 'ERR_MSG') {
      const status = ORDER_ENDING_ERRORS.get(num(m.code) ?? 0);
      const id = num(m.id);
      if (status && id !== undefined && this.orders.has(`${c.clientId}:${id}`)) this.status(c.clientId, id, status, e.at, m);
    }
  }

  private status(clientId: number | null, orderId: number, status: string, at: number, m: JournalEntry['message']): void {
    const key = `${clientId}:${orderId}`;
    if (DONE_STATUSES.has(status)) {
      this.orders.delete(key);
      return;
    }
    let o = this.orders.get(key);
    if (!o) {
      // An order placed before the journal began (or by another client, seen by a master client).
      if (this.orders.size >= this.limits.maxOrders) {
        this.limits.evicted++;
        return;
      }
      this.seen++;
      o = {
        clientId,
        orderId,
        status,
        contract: contractText(m),
        action: text(field(m, 'action', 'order')),
        quantity: text(field(m, 'totalQuantity', 'order')),
        orderType: text(field(m, 'orderType', 'order')),
        placedAt: undefined,
        lastStatusAt: at,
        conn: null,
      };
      this.orders.set(key, o);
      return;
    }
    o.status = status;
    o.lastStatusAt = at;
  }

  report(gating: boolean): Checks['open-orders'] {
    const list = new BoundedList<Checks['open-orders']['evidence'][number]>(this.cfg.maxEvidence);
    for (const o of this.orders.values()) {
      list.push(() => ({
        clientId: o.clientId,
        orderId: o.orderId,
        status: o.status,
        contract: o.contract,
        action: o.action,
        quantity: o.quantity,
        orderType: o.orderType,
        placedAt: o.placedAt === undefined ? null : this.time.iso(o.placedAt),
        lastStatusAt: o.lastStatusAt === undefined ? null : this.time.iso(o.lastStatusAt),
        conn: o.conn,
      }));
    }
    const first = list.items[0];
    const headline =
      list.total === 0
        ? `no order open (${this.seen} seen)`
        : `${list.total} order(s) still open; first: order ${first?.orderId} of client ${first?.clientId} (${first?.action} ${first?.quantity} ${first?.contract}, ${first?.status})`;
    return { ...listCheck('open-orders', gating, list, headline), ordersSeen: this.seen };
  }
}
