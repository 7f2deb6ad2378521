/**
 * REQ_MKT_DEPTH and its cancel: a level II book built from the instrument's quote model
 * (simulator/market/depth-book.ts), its rows inserted at once and updated at every 250 ms step of
 * model time. A SMART request (isSmartDepth) gets MARKET_DEPTH_L2 naming the exchange of each row;
 * any other gets MARKET_DEPTH. docs/wire-facts/market-data.md#market-depth
 */
import { IbError } from '../../../common/ib/errors.ts';
import { MarketDataError } from '../../../common/ib/market-data-errors.ts';
import { IbRefusal } from '../../../common/ib/refusals.ts';
import { depthAt, type DepthBook, depthUpdates, EMPTY_BOOK } from '../../market/depth-book.ts';
import { GRID_MS } from '../../market/minute-path.ts';
import { entitlementOf } from '../../market/permissions.ts';
import type { MarketLine } from '../session.ts';
import type { HandlerContext, Handlers } from './context.ts';
import { lineInstrument } from './market-data.ts';

export const marketDepthHandlers = {
  REQ_MKT_DEPTH(ctx: HandlerContext, msg) {
    const { session, profile } = ctx;
    const reqId = msg.reqId;
    if (!(msg.numRows > 0)) {
      // The text is ours: no capture of TWS's answer to zero rows was found.
      ctx.error(reqId, IbError.validation('bD', `numRows must be at least 1, got ${msg.numRows}`));
      return;
    }
    const quotes = lineInstrument(ctx, msg);
    if (!quotes) return;
    const instrument = quotes.instrument;
    // An index is computed, not quoted: it has no book. docs/wire-facts/market-data.md#index-lines
    if (instrument.secType === 'IND') {
      ctx.error(reqId, MarketDataError.depthNotSupported());
      return;
    }
    // Depth has no delayed form: live permission or nothing.
    if (entitlementOf(profile.marketData.permissions, instrument) !== 'live') {
      ctx.error(reqId, MarketDataError.notSubscribed(false, msg.exchange, instrument.secType));
      return;
    }
    if (ctx.openLineCount('depth') >= profile.marketData.maxDepth) {
      ctx.error(reqId, MarketDataError.maxDepth(profile.marketData.maxDepth));
      return;
    }
    const line: MarketLine = { kind: 'depth', timer: undefined };
    session.marketLines.set(reqId, line);
    const request = { rows: msg.numRows, smart: msg.isSmartDepth };
    let shown: DepthBook = EMPTY_BOOK;
    const step = () => {
      const next = depthAt(quotes, ctx.now(), request);
      for (const u of depthUpdates(shown, next)) {
        if (request.smart) ctx.send({ type: 'MARKET_DEPTH_L2', reqId, ...u, isSmartDepth: true });
        else ctx.send({ type: 'MARKET_DEPTH', reqId, position: u.position, operation: u.operation, side: u.side, price: u.price, size: u.size });
      }
      shown = next;
    };
    step();
    const tick = () => {
      if (session.marketLines.get(reqId) !== line) return;
      step();
      line.timer = ctx.timer(GRID_MS, tick);
    };
    line.timer = ctx.timer(GRID_MS, tick);
  },
  /** Silent for an open book; 310 for an id with none. docs/wire-facts/unmodelled.md#cancels */
  CANCEL_MKT_DEPTH(ctx, msg) {
    const line = ctx.session.marketLines.get(msg.reqId);
    if (line?.kind !== 'depth') {
      ctx.error(msg.reqId, IbRefusal.noSuchDepth(msg.reqId));
      return;
    }
    line.timer?.cancel();
    ctx.session.marketLines.delete(msg.reqId);
  },
} satisfies Handlers;
