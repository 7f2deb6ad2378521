/**
 * Client messages for live market data: top of book, data type, real-time bars, tick-by-tick,
 * depth, and option analytics. Layouts: official EClient.java (TWS API 10.34.02), cross-checked
 * with ib_async 2.0.1 and @stoqey/ib 1.6.10 — docs/wire-facts/market-data.md#requests.
 */
import { bool, double, int, message, str, version } from '../schema.ts';
import {
  MIN_SERVER_VER_MKT_DEPTH_PRIM_EXCHANGE,
  MIN_SERVER_VER_REQ_SMART_COMPONENTS,
  MIN_SERVER_VER_SMART_DEPTH,
  MIN_SERVER_VER_TICK_BY_TICK_IGNORE_SIZE,
} from '../server-versions.ts';
import { comboLegs, contractFields, contractHead, deltaNeutralContractFields } from '../contract-fields.ts';

export const marketDataMessages = {
  /**
   * genericTickList: comma-separated generic tick ids (`233,236`); snapshot and regulatorySnapshot
   * ask for one round of ticks ending with TICK_SNAPSHOT_END. regulatorySnapshot since v114.
   */
  REQ_MKT_DATA: message(1, 'REQ_MKT_DATA', [
    version(11),
    int('reqId'),
    ...contractFields,
    comboLegs,
    ...deltaNeutralContractFields,
    str('genericTickList'),
    bool('snapshot'),
    bool('regulatorySnapshot', { since: MIN_SERVER_VER_REQ_SMART_COMPONENTS }),
    str('mktDataOptions'),
  ]),
  /** The official client and @stoqey/ib send version 1, ib_async 2.0.1 sends 2; the value is not checked. */
  CANCEL_MKT_DATA: message(2, 'CANCEL_MKT_DATA', [version(1), int('reqId')]),
  /** 1 live, 2 frozen, 3 delayed, 4 delayed frozen. */
  REQ_MARKET_DATA_TYPE: message(59, 'REQ_MARKET_DATA_TYPE', [version(1), int('marketDataType')]),

  /** barSize is always 5 (seconds; IB ignores other values); whatToShow TRADES, MIDPOINT, BID or ASK. */
  REQ_REAL_TIME_BARS: message(50, 'REQ_REAL_TIME_BARS', [
    version(3),
    int('reqId'),
    ...contractFields,
    int('barSize'),
    str('whatToShow'),
    bool('useRTH'),
    str('realTimeBarsOptions'),
  ]),
  CANCEL_REAL_TIME_BARS: message(51, 'CANCEL_REAL_TIME_BARS', [version(1), int('reqId')]),

  /** tickType `Last`, `AllLast`, `BidAsk` or `MidPoint`; numberOfTicks 0 streams. */
  REQ_TICK_BY_TICK_DATA: message(97, 'REQ_TICK_BY_TICK_DATA', [
    int('reqId'),
    ...contractFields,
    str('tickType'),
    int('numberOfTicks', { since: MIN_SERVER_VER_TICK_BY_TICK_IGNORE_SIZE }),
    bool('ignoreSize', { since: MIN_SERVER_VER_TICK_BY_TICK_IGNORE_SIZE }),
  ]),
  CANCEL_TICK_BY_TICK_DATA: message(98, 'CANCEL_TICK_BY_TICK_DATA', [int('reqId')]),

  /** Depth sends primaryExchange only from v149 and isSmartDepth from v146. */
  REQ_MKT_DEPTH: message(10, 'REQ_MKT_DEPTH', [
    version(5),
    int('reqId'),
    ...contractHead,
    str('exchange'),
    str('primaryExchange', { since: MIN_SERVER_VER_MKT_DEPTH_PRIM_EXCHANGE }),
    str('currency'),
    str('localSymbol'),
    str('tradingClass'),
    int('numRows'),
    bool('isSmartDepth', { since: MIN_SERVER_VER_SMART_DEPTH }),
    str('mktDepthOptions'),
  ]),
  CANCEL_MKT_DEPTH: message(11, 'CANCEL_MKT_DEPTH', [version(1), int('reqId'), bool('isSmartDepth', { since: MIN_SERVER_VER_SMART_DEPTH })]),
  REQ_MKT_DEPTH_EXCHANGES: message(82, 'REQ_MKT_DEPTH_EXCHANGES', []),

  /**
   * Option analytics, answered with TICK_OPTION_COMPUTATION. ib_async 2.0.1 sends version 3 and a
   * count before the options (docs/wire-facts/market-data.md#client-disagreements).
   */
  REQ_CALC_IMPLIED_VOLAT: message(54, 'REQ_CALC_IMPLIED_VOLAT', [
    version(2),
    int('reqId'),
    ...contractFields,
    double('optionPrice'),
    double('underPrice'),
    str('impliedVolatilityOptions'),
  ]),
  REQ_CALC_OPTION_PRICE: message(55, 'REQ_CALC_OPTION_PRICE', [
    version(2),
    int('reqId'),
    ...contractFields,
    double('volatility'),
    double('underPrice'),
    str('optionPriceOptions'),
  ]),
  CANCEL_CALC_IMPLIED_VOLAT: message(56, 'CANCEL_CALC_IMPLIED_VOLAT', [version(1), int('reqId')]),
  CANCEL_CALC_OPTION_PRICE: message(57, 'CANCEL_CALC_OPTION_PRICE', [version(1), int('reqId')]),
} as const;
