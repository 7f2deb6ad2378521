/**
 * What the closing auction does with a MOC or LOC order (docs/wire-facts/orders.md#moc-and-loc),
 * as a pure decision the order book then carries out: wait until the close of the order's regular
 * session, then fill what is left (up to a forced partial-fill cap) at the closing price — the last
 * trade of the session — or cancel a LOC whose limit the closing price does not meet. Units: epoch
 * ms of model time; prices in the instrument's currency.
 */
import type { Order } from './order-types.ts';
import type { PriceSource } from './venue.ts';

export type AuctionOutcome =
  | { kind: 'wait' }
  | { kind: 'cancel'; reason: string }
  /** Fill `shares` at `price` at the close instant `at`; a remainder the auction leaves is cancelled. */
  | { kind: 'fill'; shares: number; price: number; at: number };

/** Shares an order may still fill under its forced partial-fill cap (unbounded without one). */
export function capRoom(order: Order): number {
  return order.fillCap ? order.fillCap.shares - order.filled : Number.POSITIVE_INFINITY;
}

/** The auction's decision for `order` at grid instant `t`. `order.expiresAt` is its session's close. */
export function closingAuction(order: Order, t: number, prices: PriceSource): AuctionOutcome {
  const close = order.expiresAt;
  if (close === undefined) return { kind: 'cancel', reason: 'no regular session to close' };
  if (t < close) return { kind: 'wait' };
  const price = prices.quoteAt(order.instrument.conId, close - 1)?.last;
  if (price === undefined) return { kind: 'cancel', reason: 'no closing price' };
  const { ticket } = order;
  const buy = ticket.action === 'BUY';
  if (ticket.orderType === 'LOC' && (buy ? price > ticket.lmtPrice! : price < ticket.lmtPrice!))
    return { kind: 'cancel', reason: 'closing price beyond the limit' };
  const shares = Math.min(ticket.totalQuantity - order.filled, capRoom(order));
  return shares > 0 ? { kind: 'fill', shares, price, at: close } : { kind: 'cancel', reason: 'closing auction over' };
}
