/**
 * REQ_TICK_BY_TICK_DATA and its cancel: every trade or quote change of the quote model as it
 * happens (checked each 250 ms step of model time). docs/wire-facts/market-data.md#tick-by-tick
 */
import { IbError } from '../../../common/ib/errors.ts';
import { MarketDataError } from '../../../common/ib/market-data-errors.ts';
import { findTickByTickKind } from '../../../common/ib/tick-types.ts';
import { GRID_MS } from '../../market/minute-path.ts';
import { homeExchange } from '../../market/instrument.ts';
import { entitlementOf } from '../../market/permissions.ts';
import type { QuoteStep } from '../../market/quotes.ts';
import { tickByTickBetween } from '../../market/tick-by-tick.ts';
import type { MarketLine } from '../session.ts';
import type { HandlerContext, Handlers } from './context.ts';
import { cancelLine, lineInstrument } from './market-data.ts';

export const tickByTickHandlers = {
  REQ_TICK_BY_TICK_DATA(ctx: HandlerContext, msg) {
    const { session, profile } = ctx;
    const reqId = msg.reqId;
    const quotes = lineInstrument(ctx, msg);
    if (!quotes) return;
    const instrument = quotes.instrument;
    const kind = findTickByTickKind(msg.tickType);
    if (!kind) {
      // The text is our choice: no capture of TWS's answer to a bad tickType was found.
      ctx.error(reqId, IbError.validation('bY', `Invalid tick-by-tick type "${msg.tickType}". Legal ones are: Last, AllLast, BidAsk, MidPoint`));
      return;
    }
    if (entitlementOf(profile.marketData.permissions, instrument) !== 'live') {
      ctx.error(reqId, MarketDataError.tickByTickNoPermission(homeExchange(instrument), instrument.secType));
      return;
    }
    if (ctx.openLineCount('tickByTick') >= profile.marketData.maxTickByTick) {
      ctx.error(reqId, MarketDataError.maxTickByTick());
      return;
    }
    const line: MarketLine = { kind: 'tickByTick', timer: undefined };
    session.marketLines.set(reqId, line);
    let from = ctx.now() + 1; // what happens after the request
    let prev: QuoteStep | undefined;
    const next = () => {
      if (session.marketLines.get(reqId) !== line) return;
      const to = ctx.now() + 1;
      const { ticks, last } = tickByTickBetween(quotes, kind, from, to, msg.ignoreSize, prev);
      for (const t of ticks) ctx.send({ type: 'TICK_BY_TICK', reqId, ...t });
      prev = last;
      from = to;
      line.timer = ctx.timer(GRID_MS, next);
    };
    line.timer = ctx.timer(GRID_MS, next);
  },
  /** Silent, as IB is. */
  CANCEL_TICK_BY_TICK_DATA(ctx, msg) {
    cancelLine(ctx, msg.reqId, 'tickByTick');
  },
} satisfies Handlers;
