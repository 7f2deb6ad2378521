/**
 * Named TWS server versions, spelled as the official clients spell them (`MIN_SERVER_VER_<NAME>`),
 * so version gates in the message tables read as what they mean instead of bare numbers.
 *
 * Contents: every version the codec gates on (the client and server tables declare every message
 * up to v193), and every gate between 100 and 194 that @stoqey/ib 1.6.10's encoder or decoder
 * tests. Names and numbers: official `EClient.java` 10.30.01 and @stoqey/ib 1.6.10's
 * `MIN_SERVER_VER` enum (identical up to 187), stoqey and rust-ibapi for 188–193, the official
 * 2026 Java client and rust-ibapi above 193 — docs/wire-facts/server-versions.md#names-of-the-gates.
 * Which gates change which served message: docs/wire-facts/server-versions.md#gates-that-matter-for-the-served-messages.
 */

/** Lowest version of the v100+ handshake (`API\0` + length-prefixed frames); official Python `MIN_CLIENT_VER`. */
export const MIN_CLIENT_VER = 100;

/** START_API (71) replaces the bare client id; REQ_HISTORICAL_DATA carries `chartOptions`. */
export const MIN_SERVER_VER_LINKING = 70;
/** START_API carries `optionalCapabilities`. */
export const MIN_SERVER_VER_OPTIONAL_CAPABILITIES = 72;
/** Contracts carry `primaryExchange` as its own field (before: folded into `exchange` as `SMART:NASDAQ`). */
export const MIN_SERVER_VER_PRIMARYEXCH = 75;

/** PLACE_ORDER may send a fractional `totalQuantity`. */
export const MIN_SERVER_VER_FRACTIONAL_POSITIONS = 101;
/** Pegged-to-benchmark orders and order conditions. */
export const MIN_SERVER_VER_PEGGED_TO_BENCHMARK = 102;
/** Model codes (advisor models) in orders, positions and account updates. */
export const MIN_SERVER_VER_MODELS_SUPPORT = 103;
/** REQ_SEC_DEF_OPT_PARAMS (78), option chains without the contract-details throttle. */
export const MIN_SERVER_VER_SEC_DEF_OPT_PARAMS_REQ = 104;
/** Orders carry `extOperator`. */
export const MIN_SERVER_VER_EXT_OPERATOR = 105;
/** Soft-dollar tiers in orders and REQ_SOFT_DOLLAR_TIERS. */
export const MIN_SERVER_VER_SOFT_DOLLAR_TIER = 106;
/** REQ_FAMILY_CODES. */
export const MIN_SERVER_VER_REQ_FAMILY_CODES = 107;
/** REQ_MATCHING_SYMBOLS (81) / SYMBOL_SAMPLES (79). */
export const MIN_SERVER_VER_REQ_MATCHING_SYMBOLS = 108;
/** Market-data size multiplier: CONTRACT_DATA `mdSizeMultiplier` (dropped again at SIZE_RULES). */
export const MIN_SERVER_VER_MD_SIZE_MULTIPLIER = 110;
/** Cash-quantity orders (`cashQty`). */
export const MIN_SERVER_VER_CASH_QTY = 111;
/** REQ_MKT_DEPTH_EXCHANGES. */
export const MIN_SERVER_VER_REQ_MKT_DEPTH_EXCHANGES = 112;
/** REQ_SMART_COMPONENTS. */
export const MIN_SERVER_VER_REQ_SMART_COMPONENTS = 114;
/** REQ_NEWS_ARTICLE. */
export const MIN_SERVER_VER_REQ_NEWS_ARTICLE = 116;
/** REQ_HISTORICAL_NEWS. */
export const MIN_SERVER_VER_REQ_HISTORICAL_NEWS = 117;
/** REQ_HEAD_TIMESTAMP (87) / HEAD_TIMESTAMP (88). */
export const MIN_SERVER_VER_REQ_HEAD_TIMESTAMP = 118;
/** REQ_HISTOGRAM_DATA. */
export const MIN_SERVER_VER_REQ_HISTOGRAM = 119;
/** MKT_DEPTH_EXCHANGES entries carry the service data type. */
export const MIN_SERVER_VER_SERVICE_DATA_TYPE = 120;
/** CONTRACT_DATA `aggGroup`. */
export const MIN_SERVER_VER_AGG_GROUP = 121;
/** CONTRACT_DATA `underSymbol`, `underSecType`. */
export const MIN_SERVER_VER_UNDERLYING_INFO = 122;
/** CANCEL_HEAD_TIMESTAMP (90). */
export const MIN_SERVER_VER_CANCEL_HEADTIMESTAMP = 123;
/** REQ_HISTORICAL_DATA and HISTORICAL_DATA lose their version field and bars their `hasGaps`; `keepUpToDate`. */
export const MIN_SERVER_VER_SYNT_REALTIME_BARS = 124;
/** CONTRACT_DATA `marketRuleIds`; REQ_MARKET_RULE. */
export const MIN_SERVER_VER_MARKET_RULES = 126;
/** REQ_PNL / PNL. */
export const MIN_SERVER_VER_PNL = 127;
/** News queries carry origins. */
export const MIN_SERVER_VER_NEWS_QUERY_ORIGINS = 128;
/** PNL carries unrealized PnL. */
export const MIN_SERVER_VER_UNREALIZED_PNL = 129;
/** REQ_HISTORICAL_TICKS. */
export const MIN_SERVER_VER_HISTORICAL_TICKS = 130;
/** ORDER_STATUS carries `mktCapPrice`. */
export const MIN_SERVER_VER_MARKET_CAP_PRICE = 131;
/** CONTRACT_DATA `realExpirationDate`. */
export const MIN_SERVER_VER_REAL_EXPIRATION_DATE = 134;
/** PNL carries realized PnL. */
export const MIN_SERVER_VER_REALIZED_PNL = 135;
/** EXECUTION_DATA loses its version field and gains `lastLiquidity`. */
export const MIN_SERVER_VER_LAST_LIQUIDITY = 136;
/** REQ_TICK_BY_TICK_DATA. */
export const MIN_SERVER_VER_TICK_BY_TICK = 137;
/** Orders carry MiFID decision-maker fields. */
export const MIN_SERVER_VER_DECISION_MAKER = 138;
/** Orders carry MiFID execution fields. */
export const MIN_SERVER_VER_MIFID_EXECUTION = 139;
/** REQ_TICK_BY_TICK_DATA carries `ignoreSize`. */
export const MIN_SERVER_VER_TICK_BY_TICK_IGNORE_SIZE = 140;
/** Orders carry `dontUseAutoPriceForHedge`. */
export const MIN_SERVER_VER_AUTO_PRICE_FOR_HEDGE = 141;
/** What-if order state carries the extended margin fields. */
export const MIN_SERVER_VER_WHAT_IF_EXT_FIELDS = 142;
/** Scanner subscriptions carry generic filter options (and lose their version field). */
export const MIN_SERVER_VER_SCANNER_GENERIC_OPTS = 143;
/** PLACE_ORDER loses its version field; orders carry `isOmsContainer`. */
export const MIN_SERVER_VER_ORDER_CONTAINER = 145;
/** Market depth can be SMART depth. */
export const MIN_SERVER_VER_SMART_DEPTH = 146;
/** Discretionary-peg (D-PEG) orders. */
export const MIN_SERVER_VER_D_PEG_ORDERS = 148;
/** Market depth carries the primary exchange. */
export const MIN_SERVER_VER_MKT_DEPTH_PRIM_EXCHANGE = 149;
/** REQ_COMPLETED_ORDERS (99) / COMPLETED_ORDER, COMPLETED_ORDERS_END. */
export const MIN_SERVER_VER_REQ_COMPLETED_ORDERS = 150;
/** Orders carry `usePriceMgmtAlgo`. */
export const MIN_SERVER_VER_PRICE_MGMT_ALGO = 151;
/** CONTRACT_DATA `stockType`. */
export const MIN_SERVER_VER_STOCK_TYPE = 152;
/** Non-ASCII in error texts and `longName` sent as `\uXXXX` (docs/wire-facts/framing.md#text-encoding-and-ascii7-escapes). */
export const MIN_SERVER_VER_ENCODE_MSG_ASCII7 = 153;
/** TICK_OPTION_COMPUTATION carries `tickAttrib` (price- or return-based). */
export const MIN_SERVER_VER_PRICE_BASED_VOLATILITY = 156;
/** REPLACE_FA carries a request id (answered by REPLACE_FA_END). */
export const MIN_SERVER_VER_REPLACE_FA_END = 157;
/** Orders carry `duration`. */
export const MIN_SERVER_VER_DURATION = 158;
/** Orders carry `postToAts`. */
export const MIN_SERVER_VER_POST_TO_ATS = 160;
/** Wall Street Horizon calendar requests. */
export const MIN_SERVER_VER_WSHE_CALENDAR = 161;
/** Orders carry `autoCancelParent`. */
export const MIN_SERVER_VER_AUTO_CANCEL_PARENT = 162;
/** Fractional sizes as decimals; CONTRACT_DATA `sizeMinTick` at exactly this version. */
export const MIN_SERVER_VER_FRACTIONAL_SIZE_SUPPORT = 163;
/** CONTRACT_DATA loses its version field; gains `minSize`, `sizeIncrement`, `suggestedSizeIncrement`. */
export const MIN_SERVER_VER_SIZE_RULES = 164;
/** whatToShow `SCHEDULE` / HISTORICAL_SCHEDULE (106). */
export const MIN_SERVER_VER_HISTORICAL_SCHEDULE = 165;
/** ERR_MSG carries `advancedOrderRejectJson`; orders carry advanced error override. */
export const MIN_SERVER_VER_ADVANCED_ORDER_REJECT = 166;
/** REQ_USER_INFO (104) / USER_INFO (107). */
export const MIN_SERVER_VER_USER_INFO = 167;
/** Orders carry `manualOrderTime`. */
export const MIN_SERVER_VER_MANUAL_ORDER_TIME = 169;
/** Orders carry PEG BEST / PEG MID offsets. */
export const MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS = 170;
/** Wall Street Horizon event-data filters. */
export const MIN_SERVER_VER_WSH_EVENT_DATA_FILTERS = 171;
/** Wall Street Horizon event-data filters by date. */
export const MIN_SERVER_VER_WSH_EVENT_DATA_FILTERS_DATE = 173;
/** REQ_CONTRACT_DATA `issuerId`; SYMBOL_SAMPLES `description`, `issuerId`. */
export const MIN_SERVER_VER_BOND_ISSUERID = 176;
/** Orders no longer carry `faProfile` (financial-advisor profiles desupported). */
export const MIN_SERVER_VER_FA_PROFILE_DESUPPORT = 177;
/** EXECUTION_DATA ends with `pendingPriceRevision`; the highest version the simulator speaks. */
export const MIN_SERVER_VER_PENDING_PRICE_REVISION = 178;
/** CONTRACT_DATA carries 17 fund fields for secType FUND. */
export const MIN_SERVER_VER_FUND_DATA_FIELDS = 179;
/** EXERCISE_OPTIONS carries `manualOrderTime`. */
export const MIN_SERVER_VER_MANUAL_ORDER_TIME_EXERCISE_OPTIONS = 180;
/** CONTRACT_DATA `lastTradeDate` after `lastTradeDateOrContractMonth` (breaks ib_async 2.0.1). */
export const MIN_SERVER_VER_LAST_TRADE_DATE = 182;
/** Orders carry `customerAccount`. */
export const MIN_SERVER_VER_CUSTOMER_ACCOUNT = 183;
/** Orders carry `professionalCustomer`. */
export const MIN_SERVER_VER_PROFESSIONAL_CUSTOMER = 184;
/** Orders read from OPEN_ORDER carry `bondAccruedInterest`. */
export const MIN_SERVER_VER_BOND_ACCRUED_INTEREST = 185;
/** CONTRACT_DATA ends with a count and (id, description) ineligibility reasons. */
export const MIN_SERVER_VER_INELIGIBILITY_REASONS = 186;
/** CANCEL_ORDER carries three RFQ fields (until UNDO_RFQ_FIELDS). */
export const MIN_SERVER_VER_RFQ_FIELDS = 187;
/** BOND_CONTRACT_DATA carries `timeZoneId` and trading hours. */
export const MIN_SERVER_VER_BOND_TRADING_HOURS = 188;
/** Orders carry `includeOvernight`. */
export const MIN_SERVER_VER_INCLUDE_OVERNIGHT = 189;
/** CANCEL_ORDER drops the RFQ fields of 187 again. */
export const MIN_SERVER_VER_UNDO_RFQ_FIELDS = 190;
/** `permId` as a 64-bit value (per its name; @stoqey/ib 1.6.10 does not gate on it). */
export const MIN_SERVER_VER_PERM_ID_AS_LONG = 191;
/** CANCEL_ORDER loses its version field; orders carry `extOperator`/`manualOrderIndicator` (CME tagging). */
export const MIN_SERVER_VER_CME_TAGGING_FIELDS = 192;
/** OPEN_ORDER carries the CME tagging fields; @stoqey/ib 1.6.10's highest version. */
export const MIN_SERVER_VER_CME_TAGGING_FIELDS_IN_OPEN_ORDER = 193;
/** ERR_MSG loses its version field and gains `errorTime`. */
export const MIN_SERVER_VER_ERROR_TIME = 194;
/** HISTORICAL_DATA loses start/end; they come in HISTORICAL_DATA_END (108). */
export const MIN_SERVER_VER_HISTORICAL_DATA_END = 196;
/** Message ids offset by 200 and protobuf bodies for the messages that moved. */
export const MIN_SERVER_VER_PROTOBUF = 201;
