/**
 * Accounts, positions and P&L, answered from the paper account (model/trading/account-feeds.ts),
 * which fills update. Facts: docs/wire-facts/accounts.md#account-subscriptions.
 */
import { IbError } from '../../../common/ib/errors.ts';
import type { Handlers } from './context.ts';

export const accountHandlers = {
  REQ_MANAGED_ACCTS(ctx) {
    ctx.send({ type: 'MANAGED_ACCTS', accounts: ctx.profile.accounts.join(',') });
  },
  REQ_ACCOUNT_DATA(ctx, msg) {
    ctx.trading.feeds.accountUpdates(ctx.session, msg.subscribe);
  },
  /** At most two active subscriptions per client (322), docs/wire-facts/accounts.md#account-summary-limit. */
  REQ_ACCOUNT_SUMMARY(ctx, msg) {
    const summaries = ctx.session.accountSummaries;
    if (summaries.size >= 2 && !summaries.has(msg.reqId)) {
      ctx.error(msg.reqId, IbError.processing('bB', 'Maximum number of account summary requests exceeded; desubscribe to previous request first'));
      return;
    }
    summaries.add(msg.reqId);
    ctx.trading.feeds.accountSummary(ctx.session, msg.reqId, msg.tags);
  },
  CANCEL_ACCOUNT_SUMMARY(ctx, msg) {
    ctx.session.accountSummaries.delete(msg.reqId);
    ctx.trading.feeds.cancelSummary(ctx.session, msg.reqId);
  },
  REQ_ACCOUNT_UPDATES_MULTI(ctx, msg) {
    ctx.trading.feeds.accountUpdatesMulti(ctx.session, msg.reqId, msg.modelCode);
  },
  CANCEL_ACCOUNT_UPDATES_MULTI(ctx, msg) {
    ctx.trading.feeds.cancelUpdatesMulti(ctx.session, msg.reqId);
  },
  REQ_POSITIONS(ctx) {
    ctx.trading.feeds.positions(ctx.session);
  },
  CANCEL_POSITIONS(ctx) {
    ctx.trading.feeds.cancelPositions(ctx.session);
  },
  REQ_POSITIONS_MULTI(ctx, msg) {
    ctx.trading.feeds.positionsMulti(ctx.session, msg.reqId, msg.modelCode);
  },
  CANCEL_POSITIONS_MULTI(ctx, msg) {
    ctx.trading.feeds.cancelPositionsMulti(ctx.session, msg.reqId);
  },
  REQ_PNL(ctx, msg) {
    ctx.trading.feeds.pnl(ctx.session, msg.reqId);
  },
  CANCEL_PNL(ctx, msg) {
    ctx.trading.feeds.cancelPnl(ctx.session, msg.reqId);
  },
  REQ_PNL_SINGLE(ctx, msg) {
    ctx.trading.feeds.pnlSingle(ctx.session, msg.reqId, msg.conId);
  },
  CANCEL_PNL_SINGLE(ctx, msg) {
    ctx.trading.feeds.cancelPnlSingle(ctx.session, msg.reqId);
  },
} satisfies Handlers;
