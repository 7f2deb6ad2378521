/**
 * How the gateway answers each request: one handler per client message type, grouped by area in
 * this folder. Handlers only decide *what* to send, through their HandlerContext; timing (the
 * sec-def queue, HMDS latency), rate limits and session bookkeeping stay in the model.
 *
 * Adding a request: declare it in `protocol/client-messages.ts`, then add its handler to the table
 * of its area (contracts, history, account, orders, system) — or a new area file spread in below.
 */
import { quote, type ClientMessageType, type UnknownClientMessage } from '../../protocol/index.ts';
import { IbError, NO_ID } from '../../../common/ib/errors.ts';
import { accountHandlers } from './account.ts';
import { contractHandlers } from './contracts.ts';
import type { HandlerContext, Handlers } from './context.ts';
import { historyHandlers } from './history.ts';
import { marketDataHandlers } from './market-data.ts';
import { tickByTickHandlers } from './tick-by-tick.ts';
import { orderHandlers } from './orders.ts';
import { systemHandlers } from './system.ts';

export type { HandlerContext } from './context.ts';

const byType: Handlers = {
  ...contractHandlers,
  ...historyHandlers,
  ...marketDataHandlers,
  ...tickByTickHandlers,
  ...accountHandlers,
  ...orderHandlers,
  ...systemHandlers,
};

type AnyHandler = (ctx: HandlerContext, msg: { type: string }) => void;

/** Dispatch a decoded request to its handler (or answer that it is unsupported / unknown). */
export function handleRequest(ctx: HandlerContext, msg: { type: string } | UnknownClientMessage): void {
  if (msg.type === 'UNKNOWN') {
    unknown(ctx, msg as UnknownClientMessage);
    return;
  }
  const handler = byType[msg.type as ClientMessageType] as AnyHandler | undefined;
  if (handler) handler(ctx, msg);
  else unsupported(ctx, msg as { type: string; reqId?: unknown });
}

/** A declared request this simulator does not serve (e.g. head timestamps). */
function unsupported(ctx: HandlerContext, msg: { type: string; reqId?: unknown }): void {
  const id = typeof msg.reqId === 'number' ? msg.reqId : NO_ID;
  ctx.logger.warn({ session: ctx.session.id, clientId: ctx.session.clientId, type: msg.type }, 'unsupported request');
  ctx.error(id, IbError.validation('bA', `${msg.type} is not supported by the simulator`));
}

/** A message id with no declaration: answered with an error, the session carries on. */
function unknown(ctx: HandlerContext, msg: UnknownClientMessage): void {
  ctx.logger.warn({ session: ctx.session.id, clientId: ctx.session.clientId, id: msg.id }, 'unknown message id');
  ctx.error(NO_ID, IbError.readError(`unsupported message id ${quote(String(msg.id))}`));
}
