/** Requests about the connection itself: the gateway's clock, the market-data type. */
import type { Handlers } from './context.ts';

export const systemHandlers = {
  REQ_CURRENT_TIME(ctx) {
    ctx.send({ type: 'CURRENT_TIME', time: Math.floor(ctx.now() / 1000) });
  },
  REQ_MARKET_DATA_TYPE() {
    // TWS acknowledges nothing here; it reports the type with each market-data request later.
  },
} satisfies Handlers;
