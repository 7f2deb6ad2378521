/**
 * Wire messages about orders, built from the engine's orders and executions: OPEN_ORDER (the
 * order as placed, with the contract resolved and the gateway's state), ORDER_STATUS,
 * COMPLETED_ORDER, EXECUTION_DATA and COMMISSION_REPORT. Layouts are declared in
 * `protocol/server/`; what goes in each field: docs/wire-facts/orders.md#what-the-simulator-reports.
 */
import { formatZoned } from '../../../common/ib/time-zones.ts';
import type { Execution, Order, OrderStatus } from '../../orders/order-types.ts';
import type { TradableInstrument } from '../../orders/venue.ts';
import type { ServerMessageOf } from '../../protocol/index.ts';
import type { PlaceOrderRequest } from '../../protocol/requests.ts';

/** The seven contract-head fields of a stock (no expiry, strike, right or multiplier). */
export function contractHeadOf(i: TradableInstrument) {
  return { conId: i.conId, symbol: i.symbol, secType: i.secType, lastTradeDateOrContractMonth: '', strike: 0, right: '', multiplier: '' };
}

/** The contract as the gateway reports it: the instrument's fields, the exchange the client asked for. */
export function contract(i: TradableInstrument, exchange: string) {
  return {
    ...contractHeadOf(i),
    exchange: exchange || 'SMART',
    currency: i.currency,
    localSymbol: i.localSymbol,
    tradingClass: i.tradingClass,
  };
}

/** `yyyyMMdd HH:mm:ss zone`, the form TWS writes times in (docs/wire-facts/orders.md#execution_data-11). */
export function wireTime(ms: number, timeZone: string): string {
  return `${formatZoned(ms, timeZone)} ${timeZone}`;
}

/** The order-state part of OPEN_ORDER when it is not a what-if answer. */
const noWhatIf = {
  whatIf: false,
  initMarginBefore: '',
  maintMarginBefore: '',
  equityWithLoanBefore: '',
  initMarginChange: '',
  maintMarginChange: '',
  equityWithLoanChange: '',
  initMarginAfter: '',
  maintMarginAfter: '',
  equityWithLoanAfter: '',
  commission: undefined,
  minCommission: undefined,
  maxCommission: undefined,
  commissionCurrency: '',
  warningText: '',
};

export interface WhatIfState {
  initMarginBefore: string;
  maintMarginBefore: string;
  equityWithLoanBefore: string;
  initMarginChange: string;
  maintMarginChange: string;
  equityWithLoanChange: string;
  initMarginAfter: string;
  maintMarginAfter: string;
  equityWithLoanAfter: string;
  commission: number;
  minCommission: number;
  maxCommission: number;
  commissionCurrency: string;
  warningText: string;
}

/** Fields OPEN_ORDER has and PLACE_ORDER does not, at their "unset" values. */
const gatewayOnly = {
  basisPoints: undefined,
  basisPointsType: undefined,
  comboLegsDescrip: '',
  softDollarTierDisplayName: '',
  bondAccruedInterest: '',
  volatilityType: 0,
  referencePriceType: 0,
  auctionStrategy: 0,
};

/**
 * OPEN_ORDER for a placed order, echoing the client's request with the resolved contract, the
 * order's current terms (after modifications) and `status`; a what-if answer passes `whatIf`.
 */
export function openOrderMessage(
  req: PlaceOrderRequest,
  order: { orderId: number; clientId: number; permId: number; instrument: TradableInstrument; account: string },
  status: OrderStatus,
  whatIf?: WhatIfState,
): ServerMessageOf<'OPEN_ORDER'> {
  return {
    ...req,
    ...gatewayOnly,
    ...contract(order.instrument, req.exchange),
    type: 'OPEN_ORDER',
    orderId: order.orderId,
    clientId: order.clientId,
    permId: order.permId,
    account: order.account,
    trailStopPriceRepeat: req.trailStopPrice,
    usePriceMgmtAlgo: Boolean(req.usePriceMgmtAlgo),
    status,
    ...(whatIf ? { whatIf: true, ...whatIf } : noWhatIf),
  };
}

export function orderStatusMessage(order: Order, status: OrderStatus): ServerMessageOf<'ORDER_STATUS'> {
  return {
    type: 'ORDER_STATUS',
    orderId: order.ticket.orderId,
    status,
    filled: order.filled,
    remaining: status === 'Cancelled' ? 0 : order.ticket.totalQuantity - order.filled,
    avgFillPrice: order.avgFillPrice,
    permId: order.permId,
    parentId: order.ticket.parentId,
    lastFillPrice: order.lastFillPrice,
    clientId: order.ticket.clientId,
    whyHeld: '',
    mktCapPrice: 0,
  };
}

/** COMPLETED_ORDER (reqCompletedOrders): the order, its final status and when and why it ended. */
export function completedOrderMessage(req: PlaceOrderRequest, order: Order, timeZone: string): ServerMessageOf<'COMPLETED_ORDER'> {
  const open = openOrderMessage(req, { ...order.ticket, permId: order.permId, instrument: order.instrument }, order.status);
  const why = order.status === 'Filled' ? `Filled Size: ${order.filled}` : `Cancelled by ${order.cancelReason || 'Trader'}`;
  return {
    ...open,
    type: 'COMPLETED_ORDER',
    autoCancelDate: '',
    filledQuantity: order.filled,
    refFuturesConId: 0,
    shareholder: '',
    imbalanceOnly: false,
    routeMarketableToBbo: false,
    parentPermId: 0,
    completedTime: order.completedAt === undefined ? '' : wireTime(order.completedAt, timeZone),
    completedStatus: why,
  };
}

/** EXECUTION_DATA; `reqId` −1 for a fill pushed as it happens, the request's id for reqExecutions. */
export function executionMessage(e: Execution, reqId: number, exchange: string, timeZone: string): ServerMessageOf<'EXECUTION_DATA'> {
  return {
    type: 'EXECUTION_DATA',
    reqId,
    orderId: e.orderId,
    ...contract(e.instrument, exchange),
    execId: e.execId,
    time: wireTime(e.time, timeZone),
    acctNumber: e.account,
    execExchange: e.instrument.primaryExchange,
    side: e.side,
    shares: e.shares,
    price: e.price,
    permId: e.permId,
    clientId: e.clientId,
    liquidation: 0,
    cumQty: e.cumQty,
    avgPrice: e.avgPrice,
    orderRef: e.orderRef,
    evRule: '',
    evMultiplier: undefined,
    modelCode: '',
    // 2 = removed liquidity: every simulated fill takes the touch.
    lastLiquidity: 2,
    pendingPriceRevision: false,
  };
}

export function commissionMessage(e: Execution, realizedPnl: number | undefined): ServerMessageOf<'COMMISSION_REPORT'> {
  return {
    type: 'COMMISSION_REPORT',
    execId: e.execId,
    commission: e.commission,
    currency: e.commissionCurrency,
    realizedPNL: realizedPnl,
    yield: undefined,
    yieldRedemptionDate: undefined,
  };
}
