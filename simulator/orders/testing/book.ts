/** Test helpers for the order engine: a book on the bundled universe's price path, and tickets. */
import { CONID } from '../../../common/testing/fixtures.ts';
import { OrderBook } from '../order-book.ts';
import type { OrderEvent, OrderTicket } from '../order-types.ts';
import { createMarketData } from '../../market/market-data.ts';
import { quoteVenue } from '../quote-venue.ts';
import type { TradingVenue } from '../venue.ts';

/** Wed 2025-11-12 10:00 New York: regular hours. */
export const IN_RTH = Date.UTC(2025, 10, 12, 15, 0, 0);
export const AAPL_ID = CONID.AAPL;

export function venue(seed = 1): TradingVenue {
  const market = createMarketData({ seed });
  return quoteVenue(market.universe, market);
}

export function book(seed = 1): { book: OrderBook; events: OrderEvent[]; venue: TradingVenue } {
  const events: OrderEvent[] = [];
  const v = venue(seed);
  const b = new OrderBook({ seed, prices: v.prices, commissions: 'fixed', onEvent: (e) => events.push(e) });
  return { book: b, events, venue: v };
}

export function ticket(orderId: number, over: Partial<OrderTicket> = {}): OrderTicket {
  return {
    orderId,
    clientId: 1,
    account: 'DU0118471',
    action: 'BUY',
    totalQuantity: 100,
    orderType: 'MKT',
    lmtPrice: undefined,
    auxPrice: undefined,
    tif: 'DAY',
    outsideRth: false,
    orderRef: '',
    parentId: 0,
    ocaGroup: '',
    ...over,
  };
}

/** Run the book's grid from `from` to `to` (inclusive). */
export function run(b: OrderBook, from: number, to: number): void {
  for (let t = b.nextStep(from); t <= to; t += b.stepMs) b.step(t);
}
