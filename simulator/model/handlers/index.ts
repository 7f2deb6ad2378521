/**
 * How the gateway answers each request: one handler per client message type, grouped by area in
 * this folder. Handlers only decide *what* to send, through their HandlerContext; timing (the
 * sec-def queue, HMDS latency), rate limits and session bookkeeping stay in the model.
 *
 * Adding a request: declare it in `protocol/client-messages.ts`, then add its handler to the table
 * of its area (contracts, reference data, history, account, orders, system) — or a new area file
 * spread in below. The answers to requests the simulator does not model (unmodelled.ts) come
 * first, so an area that starts modelling one of them replaces its answer by defining it.
 * A declared request with no handler at all gets the fallback: 322 with its own id.
 * Which request is answered how: docs/simulated.md.
 */
import { quote, type ClientMessageType, type UnknownClientMessage } from '../../protocol/index.ts';
import { IbError, NO_ID, type IbErrorBody } from '../../../common/ib/errors.ts';
import { IbRefusal } from '../../../common/ib/refusals.ts';
import { accountHandlers } from './account.ts';
import { contractHandlers } from './contracts.ts';
import type { HandlerContext, Handlers } from './context.ts';
import { historyHandlers } from './history.ts';
import { marketDataHandlers } from './market-data.ts';
import { marketDepthHandlers } from './market-depth.ts';
import { optionAnalyticsHandlers } from './option-analytics.ts';
import { tickByTickHandlers } from './tick-by-tick.ts';
import { orderHandlers } from './orders.ts';
import { referenceDataHandlers } from './reference-data.ts';
import { systemHandlers } from './system.ts';
import { unmodelledHandlers } from './unmodelled.ts';

export type { HandlerContext } from './context.ts';

const byType: Handlers = {
  ...unmodelledHandlers,
  ...contractHandlers,
  ...referenceDataHandlers,
  ...historyHandlers,
  ...marketDataHandlers,
  ...marketDepthHandlers,
  ...optionAnalyticsHandlers,
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
  else unsupported(ctx, msg as { type: string; reqId?: unknown; orderId?: unknown });
}

/**
 * The id a request's answer must carry so that the client can tie it to the request: its reqId, or
 * the orderId of order messages; -1 only for requests that have neither.
 */
function requestIdOf(msg: { reqId?: unknown; orderId?: unknown }): number {
  if (typeof msg.reqId === 'number') return msg.reqId;
  if (typeof msg.orderId === 'number') return msg.orderId;
  return NO_ID;
}

/**
 * What a real gateway answers to a cancel whose subscription does not exist (the fallback refused
 * the request, so none does); other cancels are silent, as IB's are. docs/wire-facts/unmodelled.md#cancels
 */
const CANCEL_OF_NOTHING: Partial<Record<string, (id: number) => IbErrorBody>> = {
  CANCEL_MKT_DATA: IbRefusal.noSuchTicker,
  CANCEL_MKT_DEPTH: IbRefusal.noSuchDepth,
  CANCEL_ORDER: IbRefusal.noSuchOrder,
};

/** Cancels and unsubscribes: nobody waits on them, and IB acknowledges most of them silently. */
const isCancel = (type: string) => type.startsWith('CANCEL_') || type.startsWith('UNSUBSCRIBE_') || type === 'REQ_GLOBAL_CANCEL';

/**
 * The fallback for a declared request with no handler: 322 (which no client takes for a warning)
 * with the request's own id, so the client's request ends; a cancel gets IB's answer to a cancel
 * of nothing. docs/wire-facts/unmodelled.md#not-simulated
 */
function unsupported(ctx: HandlerContext, msg: { type: string; reqId?: unknown; orderId?: unknown }): void {
  const id = requestIdOf(msg);
  if (isCancel(msg.type)) {
    const answer = CANCEL_OF_NOTHING[msg.type];
    if (answer && id !== NO_ID) ctx.error(id, answer(id));
    return;
  }
  ctx.logger.warn({ session: ctx.session.id, clientId: ctx.session.clientId, type: msg.type }, 'request not simulated');
  ctx.error(id, IbRefusal.notSimulated(msg.type));
}

/** A message id with no declaration: answered with an error, the session carries on. */
function unknown(ctx: HandlerContext, msg: UnknownClientMessage): void {
  ctx.logger.warn({ session: ctx.session.id, clientId: ctx.session.clientId, id: msg.id }, 'unknown message id');
  ctx.error(NO_ID, IbError.readError(`unsupported message id ${quote(String(msg.id))}`));
}
