/** Requests about the connection itself: the gateway's clock. (The market-data type: market-data.ts.) */
import type { Handlers } from './context.ts';

export const systemHandlers = {
  REQ_CURRENT_TIME(ctx) {
    ctx.send({ type: 'CURRENT_TIME', time: Math.floor(ctx.now() / 1000) });
  },
} satisfies Handlers;
