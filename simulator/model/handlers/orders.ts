/**
 * Orders: placeOrder, cancelOrder, reqGlobalCancel, order ids, and the order and execution
 * queries. The order book and who sees what live in the trading desk (model/trading/desk.ts);
 * visibility rules: docs/wire-facts/orders.md#who-sees-which-order.
 */
import { IbError, NO_ID } from '../../../common/ib/errors.ts';
import { completedOrderMessage } from '../trading/order-messages.ts';
import { executionFilter } from '../trading/execution-filter.ts';
import type { Handlers } from './context.ts';

export const orderHandlers = {
  REQ_IDS(ctx) {
    ctx.send({ type: 'NEXT_VALID_ID', orderId: ctx.nextOrderId(0) });
  },
  PLACE_ORDER(ctx, msg) {
    // Ids the client used move its next valid id past them, as TWS remembers them.
    const next = ctx.nextOrderId(0);
    if (msg.orderId >= next) ctx.nextOrderId(msg.orderId + 1 - next);
    ctx.trading.place(ctx.session, msg);
  },
  CANCEL_ORDER(ctx, msg) {
    ctx.trading.cancel(ctx.session, msg.orderId);
  },
  REQ_GLOBAL_CANCEL(ctx) {
    ctx.trading.cancelAll(ctx.session);
  },
  /** This client's open orders (client 0 also sees the orders of every other client, as TWS's own orders). */
  REQ_OPEN_ORDERS(ctx) {
    const clientId = ctx.session.clientId ?? 0;
    ctx.trading.sendOpenOrders(ctx.session, clientId === 0 ? undefined : clientId);
  },
  REQ_ALL_OPEN_ORDERS(ctx) {
    ctx.trading.sendOpenOrders(ctx.session, undefined);
  },
  REQ_AUTO_OPEN_ORDERS(ctx) {
    if (ctx.session.clientId !== 0) ctx.error(NO_ID, IbError.autoBindNotAllowed());
  },
  /** Filled and cancelled orders of every client (all orders here are API orders, so apiOnly changes nothing). */
  REQ_COMPLETED_ORDERS(ctx) {
    for (const o of ctx.trading.book.completedOrders()) ctx.send(completedOrderMessage(ctx.trading.request(o), o, ctx.profile.timeZone));
    ctx.send({ type: 'COMPLETED_ORDERS_END' });
  },
  REQ_EXECUTIONS(ctx, msg) {
    ctx.trading.sendExecutions(ctx.session, msg.reqId, executionFilter(msg, ctx.session.clientId ?? 0, ctx.profile.timeZone));
  },
} satisfies Handlers;
