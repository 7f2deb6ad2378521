/**
 * How application code makes @stoqey/ib 1.6.10's IBApi send each declared request, given the
 * request as our codec decodes it (a reference frame's `message`). Used by stoqey-frames.test.ts
 * to capture the bytes the real client writes and compare them with our frames.
 *
 * A driver returns a reason instead of sending when IBApi's public methods cannot express the
 * frame (e.g. REQ_MKT_DATA options: IBApi.reqMktData always sends them empty). The verification
 * requests (VERIFY_*) have no encoder in @stoqey/ib 1.6.10; START_API goes out on connect.
 */
import {
  ScanCode,
  type DurationUnit,
  type BarSizeSetting,
  type ComboLeg,
  type Contract,
  type ExecutionFilter,
  type IBApi,
  type MarketDataType,
  type Order,
  type OrderCondition,
  type ScannerSubscription,
  type TagValue,
  type TickByTickDataType,
  type WhatToShow,
} from '@stoqey/ib';
import type { ClientMessageOf, ClientMessageType } from '../client-messages.ts';

type Msg = Record<string, unknown>;
/** A driver sends the request, or returns (as a string) why IBApi cannot write exactly this frame. */
type Driver<T extends ClientMessageType> = (api: IBApi, m: ClientMessageOf<T>) => unknown;

/** The requests @stoqey/ib 1.6.10 has no encoder for. */
export const NOT_SENDABLE_BY_STOQEY = ['VERIFY_REQUEST', 'VERIFY_MESSAGE', 'VERIFY_AND_AUTH_REQUEST', 'VERIFY_AND_AUTH_MESSAGE'] as const;

/** Our contract fields as a stoqey Contract (stoqey types multiplier as a number; unset fields stay unset). */
export function contractOf(m: Msg): Contract {
  const c: Contract = {
    conId: m.conId as number,
    symbol: m.symbol as string,
    secType: m.secType as Contract['secType'],
    lastTradeDateOrContractMonth: m.lastTradeDateOrContractMonth as string,
    strike: m.strike as number,
    right: m.right as Contract['right'],
    multiplier: m.multiplier === '' || m.multiplier === undefined ? undefined : Number(m.multiplier),
    exchange: m.exchange as string,
    primaryExch: m.primaryExchange as string,
    currency: m.currency as string,
    localSymbol: m.localSymbol as string,
    tradingClass: m.tradingClass as string,
    includeExpired: m.includeExpired as boolean,
  };
  if ('secId' in m) Object.assign(c, { secIdType: m.secIdType, secId: m.secId });
  if ('issuerId' in m) Object.assign(c, { issuerId: m.issuerId });
  if (String(m.secType).toUpperCase() === 'BAG') c.comboLegs = (m.comboLegs as ComboLeg[]).map((l) => ({ ...l }));
  if (m.deltaNeutralContract) {
    c.deltaNeutralContract = {
      conId: m.deltaNeutralContractConId as number,
      delta: m.deltaNeutralContractDelta as number,
      price: m.deltaNeutralContractPrice as number,
    };
  }
  return c;
}

/** Our condition items as stoqey's condition objects (the encoder reads type, conjunctionConnection, strValue …). */
function conditionOf(c: Msg): OrderCondition {
  return {
    type: c.conditionType,
    conjunctionConnection: c.conjunction,
    isMore: c.isMore,
    strValue: c.value,
    conId: c.conId,
    exchange: c.exchange,
    triggerMethod: c.triggerMethod,
    secType: c.secType,
    symbol: c.symbol,
  } as unknown as OrderCondition;
}

/** PLACE_ORDER's fields as a stoqey Order: same names except the soft-dollar tier and conditions. */
function orderOf(m: ClientMessageOf<'PLACE_ORDER'>): Order {
  const { softDollarTierName, softDollarTierValue, conditions, competeAgainstBestOffset, usePriceMgmtAlgo, ...rest } = m;
  return {
    ...(rest as unknown as Order),
    softDollarTier: { name: softDollarTierName, value: softDollarTierValue },
    conditions: conditions.map(conditionOf),
    competeAgainstBestOffset:
      competeAgainstBestOffset === 'Infinity' ? Infinity : competeAgainstBestOffset === '' ? undefined : Number(competeAgainstBestOffset),
    usePriceMgmtAlgo: usePriceMgmtAlgo === undefined ? undefined : usePriceMgmtAlgo === 1,
  } as Order;
}

const tagValues = (text: string): TagValue[] | undefined =>
  text === ''
    ? undefined
    : text
        .split(';')
        .filter(Boolean)
        .map((tv) => {
          const [tag, value] = tv.split('=');
          return { tag: tag!, value: value! };
        });

export const drivers: { [T in Exclude<ClientMessageType, 'START_API' | (typeof NOT_SENDABLE_BY_STOQEY)[number]>]: Driver<T> } = {
  REQ_CONTRACT_DATA: (api, m) => void api.reqContractDetails(m.reqId, contractOf(m)),
  REQ_MATCHING_SYMBOLS: (api, m) => void api.reqMatchingSymbols(m.reqId, m.pattern),
  REQ_SEC_DEF_OPT_PARAMS: (api, m) => void api.reqSecDefOptParams(m.reqId, m.underlyingSymbol, m.futFopExchange, m.underlyingSecType, m.underlyingConId),
  REQ_MARKET_RULE: (api, m) => void api.reqMarketRule(m.marketRuleId),
  REQ_FAMILY_CODES: (api) => void api.reqFamilyCodes(),
  REQ_SMART_COMPONENTS: (api, m) => void api.reqSmartComponents(m.reqId, m.bboExchange),
  REQ_FUNDAMENTAL_DATA: (api, m) => void api.reqFundamentalData(m.reqId, contractOf(m), m.reportType, tagValues(m.fundamentalDataOptions)),
  CANCEL_FUNDAMENTAL_DATA: (api, m) => void api.cancelFundamentalData(m.reqId),
  REQ_SCANNER_PARAMETERS: (api) => void api.reqScannerParameters(),
  REQ_SCANNER_SUBSCRIPTION: (api, m) => {
    const { reqId, scannerSubscriptionOptions, scannerSubscriptionFilterOptions, scanCode, ...sub } = m;
    const subscription = { ...sub, scanCode: ScanCode[scanCode as keyof typeof ScanCode] } as unknown as ScannerSubscription;
    api.reqScannerSubscription(reqId, subscription, tagValues(scannerSubscriptionOptions), tagValues(scannerSubscriptionFilterOptions));
  },
  CANCEL_SCANNER_SUBSCRIPTION: (api, m) => void api.cancelScannerSubscription(m.reqId),

  REQ_HISTORICAL_DATA: (api, m) => {
    if (m.chartOptions !== '') return 'IBApi.reqHistoricalData always sends empty chartOptions';
    api.reqHistoricalData(
      m.reqId,
      contractOf(m),
      m.endDateTime,
      m.duration,
      m.barSize as BarSizeSetting,
      m.whatToShow as WhatToShow,
      m.useRTH,
      m.formatDate,
      m.keepUpToDate,
    );
  },
  CANCEL_HISTORICAL_DATA: (api, m) => void api.cancelHistoricalData(m.reqId),
  REQ_HEAD_TIMESTAMP: (api, m) => void api.reqHeadTimestamp(m.reqId, contractOf(m), m.whatToShow as WhatToShow, m.useRTH === 1, m.formatDate),
  CANCEL_HEAD_TIMESTAMP: (api, m) => void api.cancelHeadTimestamp(m.reqId),
  REQ_HISTOGRAM_DATA: (api, m) => {
    const [period, unit] = m.timePeriod.split(' ');
    api.reqHistogramData(m.reqId, contractOf(m), m.useRTH, Number(period), unit!.replace(/s$/, '').toUpperCase() as DurationUnit);
  },
  CANCEL_HISTOGRAM_DATA: (api, m) => void api.cancelHistogramData(m.reqId),
  REQ_HISTORICAL_TICKS: (api, m) => {
    if (m.miscOptions !== '') return 'IBApi.reqHistoricalTicks always sends empty miscOptions';
    api.reqHistoricalTicks(m.reqId, contractOf(m), m.startDateTime, m.endDateTime, m.numberOfTicks, m.whatToShow as WhatToShow, m.useRTH, m.ignoreSize);
  },

  REQ_MKT_DATA: (api, m) => {
    if (m.mktDataOptions !== '') return 'IBApi.reqMktData always sends empty mktDataOptions';
    api.reqMktData(m.reqId, contractOf(m), m.genericTickList, m.snapshot, m.regulatorySnapshot);
  },
  CANCEL_MKT_DATA: (api, m) => void api.cancelMktData(m.reqId),
  REQ_MARKET_DATA_TYPE: (api, m) => void api.reqMarketDataType(m.marketDataType as MarketDataType),
  REQ_REAL_TIME_BARS: (api, m) =>
    void api.reqRealTimeBars(m.reqId, contractOf(m), m.barSize, m.whatToShow as WhatToShow, m.useRTH, tagValues(m.realTimeBarsOptions)),
  CANCEL_REAL_TIME_BARS: (api, m) => void api.cancelRealTimeBars(m.reqId),
  REQ_TICK_BY_TICK_DATA: (api, m) => void api.reqTickByTickData(m.reqId, contractOf(m), m.tickType as TickByTickDataType, m.numberOfTicks, m.ignoreSize),
  CANCEL_TICK_BY_TICK_DATA: (api, m) => void api.cancelTickByTickData(m.reqId),
  REQ_MKT_DEPTH: (api, m) => void api.reqMktDepth(m.reqId, contractOf(m), m.numRows, m.isSmartDepth, tagValues(m.mktDepthOptions)),
  CANCEL_MKT_DEPTH: (api, m) => void api.cancelMktDepth(m.reqId, m.isSmartDepth),
  REQ_MKT_DEPTH_EXCHANGES: (api) => void api.reqMktDepthExchanges(),
  REQ_CALC_IMPLIED_VOLAT: (api, m) => {
    if (m.impliedVolatilityOptions !== '') return 'IBApi.calculateImpliedVolatility takes no options';
    api.calculateImpliedVolatility(m.reqId, contractOf(m), m.optionPrice, m.underPrice);
  },
  REQ_CALC_OPTION_PRICE: (api, m) => {
    if (m.optionPriceOptions !== '') return 'IBApi.calculateOptionPrice takes no options';
    api.calculateOptionPrice(m.reqId, contractOf(m), m.volatility, m.underPrice);
  },
  CANCEL_CALC_IMPLIED_VOLAT: (api, m) => void api.cancelCalculateImpliedVolatility(m.reqId),
  CANCEL_CALC_OPTION_PRICE: (api, m) => void api.cancelCalculateOptionPrice(m.reqId),

  PLACE_ORDER: (api, m) => void api.placeOrder(m.orderId, contractOf(m), orderOf(m)),
  CANCEL_ORDER: (api, m) =>
    void api.cancelOrder(m.orderId, {
      manualOrderCancelTime: m.manualOrderCancelTime,
      extOperator: m.extOperator,
      manualOrderIndicator: m.manualOrderIndicator,
    }),
  REQ_GLOBAL_CANCEL: (api, m) => void api.reqGlobalCancel({ extOperator: m.extOperator, manualOrderIndicator: m.manualOrderIndicator }),
  REQ_IDS: (api, m) => void api.reqIds(m.numIds),
  REQ_OPEN_ORDERS: (api) => void api.reqOpenOrders(),
  REQ_ALL_OPEN_ORDERS: (api) => void api.reqAllOpenOrders(),
  REQ_AUTO_OPEN_ORDERS: (api, m) => void api.reqAutoOpenOrders(m.autoBind),
  REQ_COMPLETED_ORDERS: (api, m) => void api.reqCompletedOrders(m.apiOnly),
  REQ_EXECUTIONS: (api, m) => {
    const filter: ExecutionFilter = {
      clientId: m.filterClientId === undefined ? undefined : String(m.filterClientId),
      acctCode: m.acctCode,
      time: m.time,
      symbol: m.symbol,
      secType: m.secType as ExecutionFilter['secType'],
      exchange: m.exchange,
      side: m.side,
    };
    api.reqExecutions(m.reqId, filter);
  },
  EXERCISE_OPTIONS: (api, m) => {
    if (m.manualOrderTime !== '' || m.customerAccount !== '' || m.professionalCustomer) {
      return 'IBApi.exerciseOptions cannot set manualOrderTime, customerAccount or professionalCustomer';
    }
    api.exerciseOptions(m.reqId, contractOf(m), m.exerciseAction, m.exerciseQuantity, m.account, m.override);
  },

  REQ_ACCOUNT_DATA: (api, m) => void api.reqAccountUpdates(m.subscribe, m.acctCode),
  REQ_ACCOUNT_SUMMARY: (api, m) => void api.reqAccountSummary(m.reqId, m.group, m.tags),
  CANCEL_ACCOUNT_SUMMARY: (api, m) => void api.cancelAccountSummary(m.reqId),
  REQ_ACCOUNT_UPDATES_MULTI: (api, m) => void api.reqAccountUpdatesMulti(m.reqId, m.account, m.modelCode, m.ledgerAndNLV),
  CANCEL_ACCOUNT_UPDATES_MULTI: (api, m) => void api.cancelAccountUpdatesMulti(m.reqId),
  REQ_POSITIONS: (api) => void api.reqPositions(),
  CANCEL_POSITIONS: (api) => void api.cancelPositions(),
  REQ_POSITIONS_MULTI: (api, m) => void api.reqPositionsMulti(m.reqId, m.account, m.modelCode),
  CANCEL_POSITIONS_MULTI: (api, m) => void api.cancelPositionsMulti(m.reqId),
  REQ_PNL: (api, m) => void api.reqPnL(m.reqId, m.account, m.modelCode),
  CANCEL_PNL: (api, m) => void api.cancelPnL(m.reqId),
  REQ_PNL_SINGLE: (api, m) => void api.reqPnLSingle(m.reqId, m.account, m.modelCode, m.conId),
  CANCEL_PNL_SINGLE: (api, m) => void api.cancelPnLSingle(m.reqId),
  REQ_FA: (api, m) => void api.requestFA(m.faDataType),
  REPLACE_FA: (api, m) => void api.replaceFA(m.reqId, m.faDataType, m.xml),
  REQ_SOFT_DOLLAR_TIERS: (api, m) => void api.reqSoftDollarTiers(m.reqId),

  REQ_NEWS_BULLETINS: (api, m) => void api.reqNewsBulletins(m.allMsgs),
  CANCEL_NEWS_BULLETINS: (api) => void api.cancelNewsBulletins(),
  REQ_NEWS_PROVIDERS: (api) => void api.reqNewsProviders(),
  REQ_NEWS_ARTICLE: (api, m) => void api.reqNewsArticle(m.reqId, m.providerCode, m.articleId, tagValues(m.newsArticleOptions)),
  REQ_HISTORICAL_NEWS: (api, m) =>
    void api.reqHistoricalNews(m.reqId, m.conId, m.providerCodes, m.startDateTime, m.endDateTime, m.totalResults, tagValues(m.historicalNewsOptions)),
  REQ_WSH_META_DATA: (api, m) => void api.reqWshMetaData(m.reqId),
  CANCEL_WSH_META_DATA: (api, m) => void api.reqCancelWshMetaData(m.reqId),
  REQ_WSH_EVENT_DATA: (api, m) => {
    const { reqId, ...data } = m;
    api.reqWshEventData(reqId, data as never);
  },
  CANCEL_WSH_EVENT_DATA: (api, m) => void api.reqCancelWshEventData(m.reqId),

  REQ_CURRENT_TIME: (api) => void api.reqCurrentTime(),
  REQ_MANAGED_ACCTS: (api) => void api.reqManagedAccts(),
  SET_SERVER_LOGLEVEL: (api, m) => void api.setServerLogLevel(m.logLevel),
  REQ_USER_INFO: (api, m) => void api.reqUserInfo(m.reqId),
  QUERY_DISPLAY_GROUPS: (api, m) => void api.queryDisplayGroups(m.reqId),
  SUBSCRIBE_TO_GROUP_EVENTS: (api, m) => void api.subscribeToGroupEvents(m.reqId, m.groupId),
  UPDATE_DISPLAY_GROUP: (api, m) => void api.updateDisplayGroup(m.reqId, m.contractInfo),
  UNSUBSCRIBE_FROM_GROUP_EVENTS: (api, m) => void api.unsubscribeFromGroupEvents(m.reqId),
};
