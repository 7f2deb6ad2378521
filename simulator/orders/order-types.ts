/**
 * The order engine's vocabulary: a ticket (what a client asked for), an order (the ticket and its
 * state at the gateway), an execution (one fill). Field names follow the TWS API. Units: instants
 * epoch ms of model time; prices in the instrument's currency; quantities in shares.
 */
import type { TradableInstrument } from './venue.ts';

/**
 * Order states as ORDER_STATUS reports them (docs/wire-facts/orders.md#order-states):
 * PendingSubmit (received, not yet acknowledged) → PreSubmitted (accepted, held: outside its
 * hours, or a stop not yet triggered) / Submitted (working) → Filled or Cancelled.
 */
export type OrderStatus = 'PendingSubmit' | 'PreSubmitted' | 'Submitted' | 'Filled' | 'Cancelled';

export const TERMINAL: ReadonlySet<OrderStatus> = new Set(['Filled', 'Cancelled']);

/** Order types the engine executes. */
export const ORDER_TYPES = ['MKT', 'LMT', 'STP', 'STP LMT', 'MOC', 'LOC'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/**
 * Market-on-close and limit-on-close: they trade only in the closing auction, at the regular
 * session's closing price (docs/wire-facts/orders.md#moc-and-loc).
 */
export const isOnClose = (t: OrderType): t is 'MOC' | 'LOC' => t === 'MOC' || t === 'LOC';
export const TIFS = ['DAY', 'GTC', 'IOC'] as const;
export type Tif = (typeof TIFS)[number];

export interface OrderTicket {
  orderId: number;
  clientId: number;
  account: string;
  action: 'BUY' | 'SELL';
  totalQuantity: number;
  orderType: OrderType;
  /** Limit price (LMT, STP LMT, LOC). */
  lmtPrice: number | undefined;
  /** Stop trigger price (STP, STP LMT). */
  auxPrice: number | undefined;
  tif: Tif;
  /** Also work outside regular trading hours. */
  outsideRth: boolean;
  orderRef: string;
  /** The parent's order id for an attached (bracket) order, 0 for none: it works once the parent filled. */
  parentId: number;
  /** One-cancels-all group ('' for none): a fill of one cancels the others of the client's group. */
  ocaGroup: string;
}

export interface Order {
  ticket: OrderTicket;
  instrument: TradableInstrument;
  /** Gateway-wide unique id of the order (same for every client that sees it). */
  permId: number;
  status: OrderStatus;
  filled: number;
  avgFillPrice: number;
  lastFillPrice: number;
  /** When the gateway received the order. */
  placedAt: number;
  /** A stop order's trigger has been hit (it now works as MKT / LMT). */
  triggered: boolean;
  /**
   * A DAY order is cancelled at this instant (the end of its session); undefined for GTC. For MOC
   * and LOC: the close of the regular session whose auction it trades in.
   */
  expiresAt: number | undefined;
  /** Commission charged so far and the fills it was charged on. */
  charged: { shares: number; value: number; commission: number };
  /** When it reached Filled or Cancelled. */
  completedAt: number | undefined;
  /** Why it was cancelled ('' if not). */
  cancelReason: string;
  /** A forced partial fill (the `partial-fill` fault): at most this many shares fill, then the order rests or is cancelled. */
  fillCap: FillCap | undefined;
}

/**
 * The most an order may fill, and what becomes of its remainder once it has: `rest` keeps it
 * working with no further fills (Submitted with `remaining` > 0 until cancelled or its day ends),
 * `cancel` cancels it at once (Cancelled with `filled` > 0).
 */
export interface FillCap {
  shares: number;
  remainder: 'rest' | 'cancel';
}

export interface Execution {
  /** Unique per fill, stable per seed and request sequence. */
  execId: string;
  orderId: number;
  clientId: number;
  permId: number;
  account: string;
  instrument: TradableInstrument;
  side: 'BOT' | 'SLD';
  shares: number;
  price: number;
  time: number;
  /** The order's filled quantity and average price including this fill. */
  cumQty: number;
  avgPrice: number;
  commission: number;
  commissionCurrency: string;
  orderRef: string;
}

/** What the engine reports; the order desk turns these into wire messages. */
/** A status event carries the status it reports (the order object itself moves on). */
export type OrderEvent = { kind: 'status'; order: Order; status: OrderStatus } | { kind: 'execution'; order: Order; execution: Execution };
