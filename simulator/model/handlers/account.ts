/**
 * Accounts and positions: minimal, valid answers (one paper account, no positions) so that
 * ib_async's startup sync completes (reference §6).
 */
import { IbError } from '../../../common/ib/errors.ts';
import { NET_LIQUIDATION, type Handlers } from './context.ts';

export const accountHandlers = {
  REQ_MANAGED_ACCTS(ctx) {
    ctx.send({ type: 'MANAGED_ACCTS', accounts: ctx.profile.accounts.join(',') });
  },
  REQ_ACCOUNT_DATA(ctx, msg) {
    if (!msg.subscribe) return;
    const account = msg.acctCode || ctx.profile.accounts[0]!;
    ctx.send({ type: 'ACCT_VALUE', key: 'NetLiquidation', value: NET_LIQUIDATION, currency: 'USD', accountName: account });
    ctx.send({ type: 'ACCT_UPDATE_TIME', time: new Date(ctx.now()).toISOString().slice(11, 16) });
    ctx.send({ type: 'ACCT_DOWNLOAD_END', account });
  },
  REQ_ACCOUNT_SUMMARY(ctx, msg) {
    const summaries = ctx.session.accountSummaries;
    if (summaries.size >= 2 && !summaries.has(msg.reqId)) {
      ctx.error(msg.reqId, IbError.processing('bB', 'Maximum number of account summary requests exceeded; desubscribe to previous request first'));
      return;
    }
    summaries.add(msg.reqId);
    for (const account of ctx.profile.accounts) {
      ctx.send({ type: 'ACCOUNT_SUMMARY', reqId: msg.reqId, account, tag: 'NetLiquidation', value: NET_LIQUIDATION, currency: 'USD' });
    }
    ctx.send({ type: 'ACCOUNT_SUMMARY_END', reqId: msg.reqId });
  },
  CANCEL_ACCOUNT_SUMMARY(ctx, msg) {
    ctx.session.accountSummaries.delete(msg.reqId);
  },
  REQ_ACCOUNT_UPDATES_MULTI(ctx, msg) {
    const account = msg.account || ctx.profile.accounts[0]!;
    ctx.send({
      type: 'ACCOUNT_UPDATE_MULTI',
      reqId: msg.reqId,
      account,
      modelCode: msg.modelCode,
      key: 'NetLiquidation',
      value: NET_LIQUIDATION,
      currency: 'USD',
    });
    ctx.send({ type: 'ACCOUNT_UPDATE_MULTI_END', reqId: msg.reqId });
  },
  CANCEL_ACCOUNT_UPDATES_MULTI() {},
  REQ_POSITIONS(ctx) {
    ctx.send({ type: 'POSITION_END' });
  },
  CANCEL_POSITIONS() {},
  REQ_POSITIONS_MULTI(ctx, msg) {
    ctx.send({ type: 'POSITION_MULTI_END', reqId: msg.reqId });
  },
  CANCEL_POSITIONS_MULTI() {},
} satisfies Handlers;
