/** Order ids, open and completed orders, executions: empty but valid answers (no order engine yet). */
import { IbError, NO_ID } from '../../../common/ib/errors.ts';
import type { Handlers } from './context.ts';

export const orderHandlers = {
  REQ_IDS(ctx) {
    ctx.send({ type: 'NEXT_VALID_ID', orderId: ctx.nextOrderId(0) });
  },
  REQ_OPEN_ORDERS(ctx) {
    ctx.send({ type: 'OPEN_ORDER_END' });
  },
  REQ_ALL_OPEN_ORDERS(ctx) {
    ctx.send({ type: 'OPEN_ORDER_END' });
  },
  REQ_AUTO_OPEN_ORDERS(ctx) {
    if (ctx.session.clientId !== 0) ctx.error(NO_ID, IbError.autoBindNotAllowed());
  },
  REQ_COMPLETED_ORDERS(ctx) {
    ctx.send({ type: 'COMPLETED_ORDERS_END' });
  },
  REQ_EXECUTIONS(ctx, msg) {
    ctx.send({ type: 'EXECUTION_DATA_END', reqId: msg.reqId });
  },
} satisfies Handlers;
