/** Contract details (through the shared sec-def queue) and symbol search. */
import { IbError } from '../../../common/ib/errors.ts';
import type { HandlerContext, Handlers } from './context.ts';
import type { ClientMessageOf } from '../../protocol/index.ts';

function contractData(ctx: HandlerContext, msg: ClientMessageOf<'REQ_CONTRACT_DATA'>): void {
  const { session } = ctx;
  ctx.secdef.enqueue({
    sessionId: session.id,
    reqId: msg.reqId,
    enqueuedAt: ctx.now(),
    // Served even if the client has long given up: there is no cancel for contract details.
    complete: ({ waitMs, serviceMs }) => {
      ctx.observer.secdefServed?.(waitMs, serviceMs, session.clientId);
      ctx.note({ type: 'SECDEF_SERVED', reqId: msg.reqId, waitMs, serviceMs, answered: session.isOpen });
      if (!session.isOpen) return;
      ctx.guard('answering a contract-details request', () => answerContractData(ctx, msg));
    },
  });
}

function answerContractData(ctx: HandlerContext, msg: ClientMessageOf<'REQ_CONTRACT_DATA'>): void {
  // The request itself is the query (its type and reqId are simply not looked at).
  const matches = ctx.market.matchContracts(msg, ctx.now());
  if (matches.length === 0) {
    ctx.error(msg.reqId, ctx.market.noContract?.(msg) ?? IbError.noSecurityDefinition());
    return;
  }
  for (const m of matches) ctx.send({ type: 'CONTRACT_DATA', reqId: msg.reqId, ...m });
  ctx.send({ type: 'CONTRACT_DATA_END', reqId: msg.reqId });
}

export const contractHandlers = {
  REQ_CONTRACT_DATA: contractData,
  REQ_MATCHING_SYMBOLS(ctx, msg) {
    ctx.send({ type: 'SYMBOL_SAMPLES', reqId: msg.reqId, descriptions: ctx.market.searchSymbols(msg.pattern) });
  },
} satisfies Handlers;
