/**
 * Messages the gateway sends to clients, declared once for encoder and decoder.
 * Layouts and version gates: docs/wire-facts/handshake.md#server-reply-version-and-connection-time,
 * docs/wire-facts/handshake.md#managed_accts-and-next_valid_id, docs/wire-facts/errors.md#err_msg-layout,
 * docs/wire-facts/contracts.md#contract_data-10, docs/wire-facts/history.md#historical_data-17,
 * docs/wire-facts/requests.md#minimal-replies; gate names: simulator/protocol/server-versions.ts.
 * The simulator negotiates at most v178, but gates above it are kept so the tables stay true.
 */
import { bool, double, int, list, message, optDouble, str, version, type Gate, type MessageUnion } from './schema.ts';
import {
  MIN_SERVER_VER_ADVANCED_ORDER_REJECT,
  MIN_SERVER_VER_AGG_GROUP,
  MIN_SERVER_VER_BOND_ISSUERID,
  MIN_SERVER_VER_ERROR_TIME,
  MIN_SERVER_VER_FRACTIONAL_SIZE_SUPPORT,
  MIN_SERVER_VER_FUND_DATA_FIELDS,
  MIN_SERVER_VER_HISTORICAL_DATA_END,
  MIN_SERVER_VER_INELIGIBILITY_REASONS,
  MIN_SERVER_VER_LAST_TRADE_DATE,
  MIN_SERVER_VER_MARKET_RULES,
  MIN_SERVER_VER_MD_SIZE_MULTIPLIER,
  MIN_SERVER_VER_REAL_EXPIRATION_DATE,
  MIN_SERVER_VER_SIZE_RULES,
  MIN_SERVER_VER_STOCK_TYPE,
  MIN_SERVER_VER_SYNT_REALTIME_BARS,
  MIN_SERVER_VER_UNDERLYING_INFO,
} from './server-versions.ts';
/**
 * CONTRACT_DATA of a fund (secType FUND) carries 17 more fields from v179 (FUND_DATA_FIELDS):
 * official EDecoder.java (TWS API 10.34.02) processContractDataMsg and @stoqey/ib 1.6.10 agree.
 * fundDistributionPolicyIndicator is `N`/`Y`, fundAssetType a code such as `004` (Equity).
 */
const fund: Gate = { since: MIN_SERVER_VER_FUND_DATA_FIELDS, when: (m) => m.secType === 'FUND' };
const fundFields = [
  str('fundName', fund),
  str('fundFamily', fund),
  str('fundType', fund),
  str('fundFrontLoad', fund),
  str('fundBackLoad', fund),
  str('fundBackLoadTimeInterval', fund),
  str('fundManagementFee', fund),
  bool('fundClosed', fund),
  bool('fundClosedForNewInvestors', fund),
  bool('fundClosedForNewMoney', fund),
  str('fundNotifyAmount', fund),
  str('fundMinimumInitialPurchase', fund),
  str('fundSubsequentMinimumPurchase', fund),
  str('fundBlueSkyStates', fund),
  str('fundBlueSkyTerritories', fund),
  str('fundDistributionPolicyIndicator', fund),
  str('fundAssetType', fund),
] as const;

export const ServerMessages = {
  /** The handshake reply: the only frame without a message id. */
  SERVER_VERSION: message(null, 'SERVER_VERSION', [int('serverVersion'), str('connectionTime')]),

  ERR_MSG: message(4, 'ERR_MSG', [
    version(2, { before: MIN_SERVER_VER_ERROR_TIME }),
    int('id'),
    int('code'),
    str('message'),
    str('advancedOrderRejectJson', { since: MIN_SERVER_VER_ADVANCED_ORDER_REJECT }),
    int('errorTime', { since: MIN_SERVER_VER_ERROR_TIME }),
  ]),

  MANAGED_ACCTS: message(15, 'MANAGED_ACCTS', [version(1), str('accounts')]),
  NEXT_VALID_ID: message(9, 'NEXT_VALID_ID', [version(1), int('orderId')]),
  CURRENT_TIME: message(49, 'CURRENT_TIME', [version(1), int('time')]),

  CONTRACT_DATA: message(10, 'CONTRACT_DATA', [
    version(8, { before: MIN_SERVER_VER_SIZE_RULES }),
    int('reqId'),
    str('symbol'),
    str('secType'),
    str('lastTradeDateOrContractMonth'),
    str('lastTradeDate', { since: MIN_SERVER_VER_LAST_TRADE_DATE }),
    double('strike'),
    str('right'),
    str('exchange'),
    str('currency'),
    str('localSymbol'),
    str('marketName'),
    str('tradingClass'),
    int('conId'),
    double('minTick'),
    int('mdSizeMultiplier', { since: MIN_SERVER_VER_MD_SIZE_MULTIPLIER, before: MIN_SERVER_VER_SIZE_RULES }),
    str('multiplier'),
    str('orderTypes'),
    str('validExchanges'),
    int('priceMagnifier'),
    int('underConId'),
    str('longName'),
    str('primaryExchange'),
    str('contractMonth'),
    str('industry'),
    str('category'),
    str('subcategory'),
    str('timeZoneId'),
    str('tradingHours'),
    str('liquidHours'),
    str('evRule'),
    optDouble('evMultiplier'),
    list('secIdList', [str('tag'), str('value')]),
    int('aggGroup', { since: MIN_SERVER_VER_AGG_GROUP }),
    str('underSymbol', { since: MIN_SERVER_VER_UNDERLYING_INFO }),
    str('underSecType', { since: MIN_SERVER_VER_UNDERLYING_INFO }),
    str('marketRuleIds', { since: MIN_SERVER_VER_MARKET_RULES }),
    str('realExpirationDate', { since: MIN_SERVER_VER_REAL_EXPIRATION_DATE }),
    str('stockType', { since: MIN_SERVER_VER_STOCK_TYPE }),
    str('sizeMinTick', { since: MIN_SERVER_VER_FRACTIONAL_SIZE_SUPPORT, before: MIN_SERVER_VER_SIZE_RULES }),
    str('minSize', { since: MIN_SERVER_VER_SIZE_RULES }),
    str('sizeIncrement', { since: MIN_SERVER_VER_SIZE_RULES }),
    str('suggestedSizeIncrement', { since: MIN_SERVER_VER_SIZE_RULES }),
    ...fundFields,
    list('ineligibilityReasons', [str('id'), str('description')], { since: MIN_SERVER_VER_INELIGIBILITY_REASONS }),
  ]),
  CONTRACT_DATA_END: message(52, 'CONTRACT_DATA_END', [version(1), int('reqId')]),

  HISTORICAL_DATA: message(17, 'HISTORICAL_DATA', [
    version(3, { before: MIN_SERVER_VER_SYNT_REALTIME_BARS }),
    int('reqId'),
    str('startDate', { before: MIN_SERVER_VER_HISTORICAL_DATA_END }),
    str('endDate', { before: MIN_SERVER_VER_HISTORICAL_DATA_END }),
    list('bars', [
      str('date'),
      double('open'),
      double('high'),
      double('low'),
      double('close'),
      double('volume'),
      double('wap'),
      str('hasGaps', { before: MIN_SERVER_VER_SYNT_REALTIME_BARS }),
      int('barCount'),
    ]),
  ]),
  HISTORICAL_DATA_END: message(108, 'HISTORICAL_DATA_END', [int('reqId'), str('startDate'), str('endDate')]),
  HEAD_TIMESTAMP: message(88, 'HEAD_TIMESTAMP', [int('reqId'), str('headTimestamp')]),

  SYMBOL_SAMPLES: message(79, 'SYMBOL_SAMPLES', [
    int('reqId'),
    list('descriptions', [
      int('conId'),
      str('symbol'),
      str('secType'),
      str('primaryExchange'),
      str('currency'),
      list('derivativeSecTypes', [str('secType')]),
      str('description', { since: MIN_SERVER_VER_BOND_ISSUERID }),
      str('issuerId', { since: MIN_SERVER_VER_BOND_ISSUERID }),
    ]),
  ]),

  MARKET_DATA_TYPE: message(58, 'MARKET_DATA_TYPE', [version(1), int('reqId'), int('marketDataType')]),

  POSITION: message(61, 'POSITION', [
    version(3),
    str('account'),
    int('conId'),
    str('symbol'),
    str('secType'),
    str('lastTradeDateOrContractMonth'),
    double('strike'),
    str('right'),
    str('multiplier'),
    str('exchange'),
    str('currency'),
    str('localSymbol'),
    str('tradingClass'),
    double('position'),
    double('avgCost'),
  ]),
  POSITION_END: message(62, 'POSITION_END', [version(1)]),
  OPEN_ORDER_END: message(53, 'OPEN_ORDER_END', [version(1)]),
  COMPLETED_ORDERS_END: message(102, 'COMPLETED_ORDERS_END', []),

  ACCT_VALUE: message(6, 'ACCT_VALUE', [version(2), str('key'), str('value'), str('currency'), str('accountName')]),
  ACCT_UPDATE_TIME: message(8, 'ACCT_UPDATE_TIME', [version(1), str('time')]),
  ACCT_DOWNLOAD_END: message(54, 'ACCT_DOWNLOAD_END', [version(1), str('account')]),

  ACCOUNT_SUMMARY: message(63, 'ACCOUNT_SUMMARY', [version(1), int('reqId'), str('account'), str('tag'), str('value'), str('currency')]),
  ACCOUNT_SUMMARY_END: message(64, 'ACCOUNT_SUMMARY_END', [version(1), int('reqId')]),
  ACCOUNT_UPDATE_MULTI: message(73, 'ACCOUNT_UPDATE_MULTI', [
    version(1),
    int('reqId'),
    str('account'),
    str('modelCode'),
    str('key'),
    str('value'),
    str('currency'),
  ]),
  ACCOUNT_UPDATE_MULTI_END: message(74, 'ACCOUNT_UPDATE_MULTI_END', [version(1), int('reqId')]),
  POSITION_MULTI_END: message(72, 'POSITION_MULTI_END', [version(1), int('reqId')]),
  EXECUTION_DATA_END: message(55, 'EXECUTION_DATA_END', [version(1), int('reqId')]),
} as const;

export type ServerMessageDefs = typeof ServerMessages;
export type ServerMessageType = keyof ServerMessageDefs;
export type ServerMessage = MessageUnion<ServerMessageDefs>;
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;

/** Server message definitions by wire id (the id-less handshake reply is not in this map). */
export const serverMessageById: ReadonlyMap<number, ServerMessageDefs[ServerMessageType]> = new Map(
  Object.values(ServerMessages)
    .filter((d) => d.id !== null)
    .map((d) => [d.id as number, d]),
);
