/**
 * Client requests with every field at the value a real client sends when it has nothing to say
 * (AAPL on SMART unless overridden): for the in-process adapter, the tests and the benchmarks.
 * Each builder takes the request id (or order id) and overrides; layouts:
 * docs/wire-facts/market-data.md#requests, docs/wire-facts/orders.md#place_order-3.
 */
import { encodeClientMessage, SIM_MAX_VERSION, type ClientMessageOf } from './index.ts';

export type ContractRequest = ClientMessageOf<'REQ_CONTRACT_DATA'>;
export type HistoryRequest = ClientMessageOf<'REQ_HISTORICAL_DATA'>;
export type MktDataRequest = ClientMessageOf<'REQ_MKT_DATA'>;
export type RealTimeBarsRequest = ClientMessageOf<'REQ_REAL_TIME_BARS'>;
export type PlaceOrderRequest = ClientMessageOf<'PLACE_ORDER'>;
export type CancelOrderRequest = ClientMessageOf<'CANCEL_ORDER'>;
export type ExecutionsRequest = ClientMessageOf<'REQ_EXECUTIONS'>;
export type AccountSummaryRequest = ClientMessageOf<'REQ_ACCOUNT_SUMMARY'>;
export type PnlRequest = ClientMessageOf<'REQ_PNL'>;
export type PnlSingleRequest = ClientMessageOf<'REQ_PNL_SINGLE'>;

const contractBase = {
  conId: 0,
  symbol: 'AAPL',
  secType: 'STK',
  lastTradeDateOrContractMonth: '',
  strike: 0,
  right: '',
  multiplier: '',
  exchange: 'SMART',
  primaryExchange: '',
  currency: 'USD',
  localSymbol: '',
  tradingClass: '',
} as const;

/** AAPL's IB conId (the bundled universe uses the real one). */
export const AAPL_CONID = 265598;

export function contractRequest(reqId: number, over: Partial<ContractRequest> = {}): ContractRequest {
  return { type: 'REQ_CONTRACT_DATA', reqId, ...contractBase, includeExpired: false, secIdType: '', secId: '', issuerId: '', ...over };
}

export function historyRequest(reqId: number, over: Partial<HistoryRequest> = {}): HistoryRequest {
  return {
    type: 'REQ_HISTORICAL_DATA',
    reqId,
    ...contractBase,
    includeExpired: false,
    endDateTime: '',
    barSize: '1 hour',
    duration: '1 D',
    useRTH: 1,
    whatToShow: 'TRADES',
    formatDate: 1,
    comboLegs: [],
    keepUpToDate: false,
    chartOptions: '',
    ...over,
  };
}

const noDeltaNeutralContract = { deltaNeutralContract: false, deltaNeutralContractConId: 0, deltaNeutralContractDelta: 0, deltaNeutralContractPrice: 0 };

/** Streaming top-of-book market data (snapshot false, no generic ticks). */
export function mktDataRequest(reqId: number, over: Partial<MktDataRequest> = {}): MktDataRequest {
  return {
    type: 'REQ_MKT_DATA',
    reqId,
    ...contractBase,
    comboLegs: [],
    ...noDeltaNeutralContract,
    genericTickList: '',
    snapshot: false,
    regulatorySnapshot: false,
    mktDataOptions: '',
    ...over,
  };
}

/** 5-second TRADES bars, regular trading hours only. */
export function realTimeBarsRequest(reqId: number, over: Partial<RealTimeBarsRequest> = {}): RealTimeBarsRequest {
  return { type: 'REQ_REAL_TIME_BARS', reqId, ...contractBase, barSize: 5, whatToShow: 'TRADES', useRTH: true, realTimeBarsOptions: '', ...over };
}

/**
 * A DAY market order to buy 100 AAPL on SMART, transmitted; every other field unset as the
 * official client leaves it (empty strings, false, 0, undefined for the `sendMax` numbers,
 * exemptCode -1). Override e.g. `{ orderType: 'LMT', lmtPrice: 187.25 }`.
 */
export function placeOrderRequest(orderId: number, over: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest {
  return {
    type: 'PLACE_ORDER',
    orderId,
    ...contractBase,
    ...{ secIdType: '', secId: '', action: 'BUY', totalQuantity: 100, orderType: 'MKT', lmtPrice: undefined, auxPrice: undefined, tif: 'DAY' },
    ...{ ocaGroup: '', account: '', openClose: '', origin: 0, orderRef: '', transmit: true, parentId: 0, blockOrder: false, sweepToFill: false },
    ...{ displaySize: 0, triggerMethod: 0, outsideRth: false, hidden: false, comboLegs: [], orderComboLegs: [], smartComboRoutingParams: [] },
    ...{ discretionaryAmt: undefined, goodAfterTime: '', goodTillDate: '', faGroup: '', faMethod: '', faPercentage: '', faProfile: '', modelCode: '' },
    ...{ shortSaleSlot: 0, designatedLocation: '', exemptCode: -1, ocaType: 0, rule80A: '', settlingFirm: '', allOrNone: false, minQty: undefined },
    ...{ percentOffset: undefined, eTradeOnly: false, firmQuoteOnly: false, nbboPriceCap: undefined, auctionStrategy: undefined },
    ...{ startingPrice: undefined, stockRefPrice: undefined, delta: undefined, stockRangeLower: undefined, stockRangeUpper: undefined },
    ...{ overridePercentageConstraints: false, volatility: undefined, volatilityType: undefined, deltaNeutralOrderType: '', deltaNeutralAuxPrice: undefined },
    ...{ deltaNeutralConId: 0, deltaNeutralSettlingFirm: '', deltaNeutralClearingAccount: '', deltaNeutralClearingIntent: '', deltaNeutralOpenClose: '' },
    ...{ deltaNeutralShortSale: false, deltaNeutralShortSaleSlot: 0, deltaNeutralDesignatedLocation: '', continuousUpdate: 0, referencePriceType: undefined },
    ...{ trailStopPrice: undefined, trailingPercent: undefined, scaleInitLevelSize: undefined, scaleSubsLevelSize: undefined, scalePriceIncrement: undefined },
    ...{ scalePriceAdjustValue: undefined, scalePriceAdjustInterval: undefined, scaleProfitOffset: undefined, scaleAutoReset: false },
    ...{ scaleInitPosition: undefined, scaleInitFillQty: undefined, scaleRandomPercent: false, scaleTable: '', activeStartTime: '', activeStopTime: '' },
    ...{ hedgeType: '', hedgeParam: '', optOutSmartRouting: false, clearingAccount: '', clearingIntent: '', notHeld: false, ...noDeltaNeutralContract },
    ...{ algoStrategy: '', algoParams: [], algoId: '', whatIf: false, orderMiscOptions: '', solicited: false, randomizeSize: false, randomizePrice: false },
    ...{ referenceContractId: 0, isPeggedChangeAmountDecrease: false, peggedChangeAmount: 0, referenceChangeAmount: 0, referenceExchangeId: '' },
    ...{ conditions: [], conditionsIgnoreRth: false, conditionsCancelOrder: false, adjustedOrderType: '', triggerPrice: undefined },
    ...{ lmtPriceOffset: undefined, adjustedStopPrice: undefined, adjustedStopLimitPrice: undefined, adjustedTrailingAmount: undefined },
    ...{ adjustableTrailingUnit: 0, extOperator: '', softDollarTierName: '', softDollarTierValue: '', cashQty: undefined },
    ...{ mifid2DecisionMaker: '', mifid2DecisionAlgo: '', mifid2ExecutionTrader: '', mifid2ExecutionAlgo: '', dontUseAutoPriceForHedge: false },
    ...{ isOmsContainer: false, discretionaryUpToLimitPrice: false, usePriceMgmtAlgo: undefined, duration: undefined, postToAts: undefined },
    ...{ autoCancelParent: false, advancedErrorOverride: '', manualOrderTime: '', minTradeQty: undefined, minCompeteSize: undefined },
    ...{ competeAgainstBestOffset: '', midOffsetAtWhole: undefined, midOffsetAtHalf: undefined, customerAccount: '', professionalCustomer: false },
    ...{ includeOvernight: false, manualOrderIndicator: undefined },
    ...over,
  };
}

export function cancelOrderRequest(orderId: number, over: Partial<CancelOrderRequest> = {}): CancelOrderRequest {
  return { type: 'CANCEL_ORDER', orderId, manualOrderCancelTime: '', extOperator: '', manualOrderIndicator: undefined, ...over };
}

/** All executions (an empty filter); set filterClientId, acctCode, time `yyyyMMdd-HH:mm:ss`, symbol, secType, exchange or side to narrow. */
export function executionsRequest(reqId: number, over: Partial<ExecutionsRequest> = {}): ExecutionsRequest {
  return { type: 'REQ_EXECUTIONS', reqId, filterClientId: undefined, acctCode: '', time: '', symbol: '', secType: '', exchange: '', side: '', ...over };
}

/** Group `All`, tags as a comma-separated list (IB's names, e.g. `NetLiquidation,BuyingPower`). */
export function accountSummaryRequest(reqId: number, tags: string, over: Partial<AccountSummaryRequest> = {}): AccountSummaryRequest {
  return { type: 'REQ_ACCOUNT_SUMMARY', reqId, group: 'All', tags, ...over };
}

export function pnlRequest(reqId: number, account: string, over: Partial<PnlRequest> = {}): PnlRequest {
  return { type: 'REQ_PNL', reqId, account, modelCode: '', ...over };
}

export function pnlSingleRequest(reqId: number, account: string, conId: number, over: Partial<PnlSingleRequest> = {}): PnlSingleRequest {
  return { type: 'REQ_PNL_SINGLE', reqId, account, modelCode: '', conId, ...over };
}

export const encodeRequest = (msg: Parameters<typeof encodeClientMessage>[0]): Buffer => encodeClientMessage(msg, SIM_MAX_VERSION);
