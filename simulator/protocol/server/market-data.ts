/**
 * Gateway messages carrying live market data: ticks, tick parameters, snapshot end, data type,
 * real-time bars, tick-by-tick, depth. Layouts: official EDecoder.java (TWS API 10.34.02),
 * cross-checked with @stoqey/ib 1.6.10 decoder.js and ib_async 2.0.1 decoder.py —
 * docs/wire-facts/market-data.md#replies. Version values of the older messages:
 * docs/wire-facts/market-data.md#message-versions-the-gateway-writes.
 *
 * Sizes are IB Decimals from v163 (FRACTIONAL_SIZE_SUPPORT), integers before: declared as
 * doubles (optDouble where the gateway may leave them empty). Below v163 only whole sizes may be sent.
 */
import { bool, double, int, list, message, optDouble, optInt, str, version, type Gate } from '../schema.ts';
import { MIN_SERVER_VER_PRICE_BASED_VOLATILITY, MIN_SERVER_VER_SERVICE_DATA_TYPE, MIN_SERVER_VER_SMART_DEPTH } from '../server-versions.ts';

/** TICK_BY_TICK's tickType: 1 Last, 2 AllLast, 3 BidAsk, 4 MidPoint (0 None carries nothing). */
const tickByTick = (...types: number[]): Gate => ({ when: (m) => types.includes(m.tickType as number) });
const last = tickByTick(1, 2);
const bidAsk = tickByTick(3);

export const marketDataMessages = {
  /**
   * attrMask: bit 0 canAutoExecute, bit 1 pastLimit (from v109), bit 2 preOpen (from v132). For
   * bid, ask and last (and their delayed kinds) clients also report `size` as a TICK_SIZE.
   */
  TICK_PRICE: message(1, 'TICK_PRICE', [version(6), int('reqId'), int('tickType'), double('price'), optDouble('size'), int('attrMask')]),
  TICK_SIZE: message(2, 'TICK_SIZE', [version(6), int('reqId'), int('tickType'), double('size')]),
  TICK_GENERIC: message(45, 'TICK_GENERIC', [version(6), int('reqId'), int('tickType'), double('value')]),
  TICK_STRING: message(46, 'TICK_STRING', [version(6), int('reqId'), int('tickType'), str('value')]),
  TICK_EFP: message(47, 'TICK_EFP', [
    version(6),
    int('reqId'),
    int('tickType'),
    double('basisPoints'),
    str('formattedBasisPoints'),
    double('impliedFuturesPrice'),
    int('holdDays'),
    str('futureLastTradeDate'),
    double('dividendImpact'),
    double('dividendsToLastTradeDate'),
  ]),
  /**
   * The version field goes at v156, where tickAttrib (0 return-based, 1 price-based) arrives.
   * "Not computed" is -1 (impliedVol, optPrice, pvDividend, undPrice) or -2 (delta, gamma, vega, theta).
   */
  TICK_OPTION_COMPUTATION: message(21, 'TICK_OPTION_COMPUTATION', [
    version(6, { before: MIN_SERVER_VER_PRICE_BASED_VOLATILITY }),
    int('reqId'),
    int('tickType'),
    int('tickAttrib', { since: MIN_SERVER_VER_PRICE_BASED_VOLATILITY }),
    double('impliedVol'),
    double('delta'),
    double('optPrice'),
    double('pvDividend'),
    double('gamma'),
    double('vega'),
    double('theta'),
    double('undPrice'),
  ]),
  /** minTick, the SMART BBO exchange code, snapshot permissions. */
  TICK_REQ_PARAMS: message(81, 'TICK_REQ_PARAMS', [int('reqId'), double('minTick'), str('bboExchange'), int('snapshotPermissions')]),
  TICK_SNAPSHOT_END: message(57, 'TICK_SNAPSHOT_END', [version(1), int('reqId')]),
  MARKET_DATA_TYPE: message(58, 'MARKET_DATA_TYPE', [version(1), int('reqId'), int('marketDataType')]),

  /** time: the bar's start in epoch seconds; volume and wap are Decimals. */
  REAL_TIME_BARS: message(50, 'REAL_TIME_BARS', [
    version(3),
    int('reqId'),
    int('time'),
    double('open'),
    double('high'),
    double('low'),
    double('close'),
    double('volume'),
    double('wap'),
    int('count'),
  ]),

  /**
   * One tick; the fields after `time` (epoch seconds) depend on tickType. attribMask for Last /
   * AllLast: bit 0 pastLimit, bit 1 unreported; for BidAsk: bit 0 bidPastLow, bit 1 askPastHigh.
   */
  TICK_BY_TICK: message(99, 'TICK_BY_TICK', [
    int('reqId'),
    int('tickType'),
    int('time'),
    double('price', last),
    double('size', last),
    double('bidPrice', bidAsk),
    double('askPrice', bidAsk),
    double('bidSize', bidAsk),
    double('askSize', bidAsk),
    int('attribMask', tickByTick(1, 2, 3)),
    str('exchange', last),
    str('specialConditions', last),
    double('midPoint', tickByTick(4)),
  ]),

  /** operation 0 insert, 1 update, 2 delete; side 0 ask, 1 bid. */
  MARKET_DEPTH: message(12, 'MARKET_DEPTH', [version(1), int('reqId'), int('position'), int('operation'), int('side'), double('price'), double('size')]),
  MARKET_DEPTH_L2: message(13, 'MARKET_DEPTH_L2', [
    version(1),
    int('reqId'),
    int('position'),
    str('marketMaker'),
    int('operation'),
    int('side'),
    double('price'),
    double('size'),
    bool('isSmartDepth', { since: MIN_SERVER_VER_SMART_DEPTH }),
  ]),
  /** Before v120 an entry is exchange, secType and an isL2 flag; from v120 five fields. */
  MKT_DEPTH_EXCHANGES: message(80, 'MKT_DEPTH_EXCHANGES', [
    list('descriptions', [
      str('exchange'),
      str('secType'),
      str('listingExch', { since: MIN_SERVER_VER_SERVICE_DATA_TYPE }),
      str('serviceDataType', { since: MIN_SERVER_VER_SERVICE_DATA_TYPE }),
      optInt('aggGroup', { since: MIN_SERVER_VER_SERVICE_DATA_TYPE }),
      bool('isL2', { before: MIN_SERVER_VER_SERVICE_DATA_TYPE }),
    ]),
  ]),
  /** exchangeLetter is one character. */
  SMART_COMPONENTS: message(82, 'SMART_COMPONENTS', [int('reqId'), list('components', [int('bitNumber'), str('exchange'), str('exchangeLetter')])]),
  /** The request was rerouted to another exchange's data (CFDs). */
  REROUTE_MKT_DATA_REQ: message(91, 'REROUTE_MKT_DATA_REQ', [int('reqId'), int('conId'), str('exchange')]),
  REROUTE_MKT_DEPTH_REQ: message(92, 'REROUTE_MKT_DEPTH_REQ', [int('reqId'), int('conId'), str('exchange')]),
} as const;
