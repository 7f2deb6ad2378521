/**
 * Reference frames of the market-data and history-side replies (server/market-data.ts,
 * server/history.ts), written by hand from official EDecoder.java (TWS API 10.34.02), checked
 * against @stoqey/ib 1.6.10 decoder.js and ib_async 2.0.1 decoder.py (read 2026-11-30). Message
 * versions of the older messages: docs/wire-facts/market-data.md#message-versions-the-gateway-writes.
 */
import { serverFrame, SOURCE } from './reference-frame.ts';

const decoders = `${SOURCE.edecoder}; ${SOURCE.stoqeyDecoder}; ${SOURCE.ibAsyncDecoder}`;
const tbt = { price: 0, size: 0, bidPrice: 0, askPrice: 0, bidSize: 0, askSize: 0, attribMask: 0, exchange: '', specialConditions: '', midPoint: 0 };
const greeks = { impliedVol: 0.28, delta: 0.55, optPrice: 4.35, pvDividend: 0.12, gamma: 0.031, vega: 0.18, theta: -0.05, undPrice: 187.1 };

export const marketDataServerFrames = [
  // TICK_PRICE version 6: reqId, tickType, price, size, attrMask.
  serverFrame('TICK_PRICE', {
    version: 178,
    wire: '1|6|201|1|187.25|300|3',
    message: { reqId: 201, tickType: 1, price: 187.25, size: 300, attrMask: 3 },
    source: `${decoders} (ib_async unpacks exactly these seven fields)`,
  }),
  serverFrame('TICK_SIZE', { version: 178, wire: '2|6|201|8|1250000', message: { reqId: 201, tickType: 8, size: 1250000 }, source: decoders }),
  serverFrame('TICK_GENERIC', { version: 178, wire: '45|6|201|49|0.5', message: { reqId: 201, tickType: 49, value: 0.5 }, source: decoders }),
  serverFrame('TICK_STRING', { version: 178, wire: '46|6|201|45|1762785000', message: { reqId: 201, tickType: 45, value: '1762785000' }, source: decoders }),
  serverFrame('TICK_EFP', {
    version: 178,
    wire: '47|6|201|38|-12.5|-12.50|187.1|30|20261218|0.35|0.42',
    message: {
      reqId: 201,
      tickType: 38,
      basisPoints: -12.5,
      formattedBasisPoints: '-12.50',
      impliedFuturesPrice: 187.1,
      holdDays: 30,
      futureLastTradeDate: '20261218',
      dividendImpact: 0.35,
      dividendsToLastTradeDate: 0.42,
    },
    source: decoders,
  }),
  // TICK_OPTION_COMPUTATION: version 6 until v156, then tickAttrib after tickType.
  serverFrame('TICK_OPTION_COMPUTATION', {
    version: 178,
    wire: '21|201|13|1|0.28|0.55|4.35|0.12|0.031|0.18|-0.05|187.1',
    message: { reqId: 201, tickType: 13, tickAttrib: 1, ...greeks },
    source: decoders,
  }),
  serverFrame('TICK_OPTION_COMPUTATION', {
    version: 155,
    wire: '21|6|201|13|0.28|0.55|4.35|0.12|0.031|0.18|-0.05|187.1',
    message: { reqId: 201, tickType: 13, tickAttrib: 0, ...greeks },
    source: `${SOURCE.edecoder} below PRICE_BASED_VOLATILITY (156), version 6 (all eight values); ${SOURCE.stoqeyDecoder}`,
  }),
  serverFrame('TICK_REQ_PARAMS', {
    version: 178,
    wire: '81|201|0.01|a6|3',
    message: { reqId: 201, minTick: 0.01, bboExchange: 'a6', snapshotPermissions: 3 },
    source: `${SOURCE.edecoder}; ${SOURCE.ibAsyncDecoder} (@stoqey/ib 1.6.10 reads minTick as an int)`,
  }),
  serverFrame('TICK_SNAPSHOT_END', { version: 178, wire: '57|1|201', message: { reqId: 201 }, source: decoders }),

  serverFrame('REAL_TIME_BARS', {
    version: 178,
    wire: '50|3|203|1762785000|187.1|187.3|187|187.25|1200|187.16|37',
    message: { reqId: 203, time: 1762785000, open: 187.1, high: 187.3, low: 187, close: 187.25, volume: 1200, wap: 187.16, count: 37 },
    source: decoders,
  }),

  // TICK_BY_TICK: reqId, tickType, time, then per type.
  serverFrame('TICK_BY_TICK', {
    version: 178,
    wire: '99|204|1|1762785001|187.25|100|2|ISLAND|@ T',
    message: { reqId: 204, tickType: 1, time: 1762785001, ...tbt, price: 187.25, size: 100, attribMask: 2, exchange: 'ISLAND', specialConditions: '@ T' },
    source: decoders,
  }),
  serverFrame('TICK_BY_TICK', {
    version: 178,
    wire: '99|204|3|1762785002|187.2|187.3|200|300|1',
    message: { reqId: 204, tickType: 3, time: 1762785002, ...tbt, bidPrice: 187.2, askPrice: 187.3, bidSize: 200, askSize: 300, attribMask: 1 },
    source: decoders,
  }),
  serverFrame('TICK_BY_TICK', {
    version: 178,
    wire: '99|204|4|1762785003|187.25',
    message: { reqId: 204, tickType: 4, time: 1762785003, ...tbt, midPoint: 187.25 },
    source: decoders,
  }),

  serverFrame('MARKET_DEPTH', {
    version: 178,
    wire: '12|1|205|0|0|1|187.2|300',
    message: { reqId: 205, position: 0, operation: 0, side: 1, price: 187.2, size: 300 },
    source: decoders,
  }),
  // MARKET_DEPTH_L2: isSmartDepth from v146.
  serverFrame('MARKET_DEPTH_L2', {
    version: 178,
    wire: '13|1|205|2|NSDQ|1|0|187.3|400|1',
    message: { reqId: 205, position: 2, marketMaker: 'NSDQ', operation: 1, side: 0, price: 187.3, size: 400, isSmartDepth: true },
    source: decoders,
  }),
  serverFrame('MARKET_DEPTH_L2', {
    version: 145,
    wire: '13|1|205|2|NSDQ|1|0|187.3|400',
    message: { reqId: 205, position: 2, marketMaker: 'NSDQ', operation: 1, side: 0, price: 187.3, size: 400, isSmartDepth: false },
    source: `${SOURCE.edecoder} below SMART_DEPTH (146); ${SOURCE.stoqeyDecoder}`,
  }),
  // MKT_DEPTH_EXCHANGES: five fields per entry from v120, three before.
  serverFrame('MKT_DEPTH_EXCHANGES', {
    version: 178,
    wire: '80|2|ISLAND|STK|NASDAQ|Deep2|1|BATS|STK||Deep|',
    message: {
      descriptions: [
        { exchange: 'ISLAND', secType: 'STK', listingExch: 'NASDAQ', serviceDataType: 'Deep2', aggGroup: 1, isL2: false },
        { exchange: 'BATS', secType: 'STK', listingExch: '', serviceDataType: 'Deep', aggGroup: undefined, isL2: false },
      ],
    },
    source: decoders,
  }),
  serverFrame('MKT_DEPTH_EXCHANGES', {
    version: 119,
    wire: '80|2|ISLAND|STK|1|BATS|STK|0',
    message: {
      descriptions: [
        { exchange: 'ISLAND', secType: 'STK', listingExch: '', serviceDataType: '', aggGroup: undefined, isL2: true },
        { exchange: 'BATS', secType: 'STK', listingExch: '', serviceDataType: '', aggGroup: undefined, isL2: false },
      ],
    },
    source: `${SOURCE.edecoder} below SERVICE_DATA_TYPE (120); ${SOURCE.stoqeyDecoder}`,
  }),
  serverFrame('SMART_COMPONENTS', {
    version: 178,
    wire: '82|213|2|0|ISLAND|Q|1|ARCA|P',
    message: {
      reqId: 213,
      components: [
        { bitNumber: 0, exchange: 'ISLAND', exchangeLetter: 'Q' },
        { bitNumber: 1, exchange: 'ARCA', exchangeLetter: 'P' },
      ],
    },
    source: decoders,
  }),
  serverFrame('REROUTE_MKT_DATA_REQ', { version: 178, wire: '91|201|12345|CFDEX', message: { reqId: 201, conId: 12345, exchange: 'CFDEX' }, source: decoders }),
  serverFrame('REROUTE_MKT_DEPTH_REQ', {
    version: 178,
    wire: '92|205|12346|CFDEX2',
    message: { reqId: 205, conId: 12346, exchange: 'CFDEX2' },
    source: decoders,
  }),

  // History side.
  serverFrame('HISTORICAL_DATA_UPDATE', {
    version: 178,
    wire: '90|7|12|20251110 09:35:00 US/Eastern|100.5|100.75|101|100.25|100.6|1200',
    message: { reqId: 7, barCount: 12, date: '20251110 09:35:00 US/Eastern', open: 100.5, close: 100.75, high: 101, low: 100.25, wap: 100.6, volume: 1200 },
    source: decoders,
  }),
  serverFrame('HISTORICAL_SCHEDULE', {
    version: 178,
    wire: '106|208|20251110-09:30:00|20251111-16:00:00|US/Eastern|2|20251110-09:30:00|20251110-16:00:00|20251110|20251111-09:30:00|20251111-16:00:00|20251111',
    message: {
      reqId: 208,
      startDateTime: '20251110-09:30:00',
      endDateTime: '20251111-16:00:00',
      timeZone: 'US/Eastern',
      sessions: [
        { startDateTime: '20251110-09:30:00', endDateTime: '20251110-16:00:00', refDate: '20251110' },
        { startDateTime: '20251111-09:30:00', endDateTime: '20251111-16:00:00', refDate: '20251111' },
      ],
    },
    source: decoders,
  }),
  serverFrame('HISTOGRAM_DATA', {
    version: 178,
    wire: '89|208|2|187.1|1200|187.2|800',
    message: {
      reqId: 208,
      items: [
        { price: 187.1, size: 1200 },
        { price: 187.2, size: 800 },
      ],
    },
    source: decoders,
  }),
  serverFrame('HISTORICAL_TICKS', {
    version: 178,
    wire: '96|209|2|1762785000|0|187.25|100|1762785001|0|187.3|200|1',
    message: {
      reqId: 209,
      ticks: [
        { time: 1762785000, price: 187.25, size: 100 },
        { time: 1762785001, price: 187.3, size: 200 },
      ],
      done: true,
    },
    source: decoders,
  }),
  serverFrame('HISTORICAL_TICKS_BID_ASK', {
    version: 178,
    wire: '97|209|1|1762785000|2|187.2|187.3|200|300|0',
    message: { reqId: 209, ticks: [{ time: 1762785000, attribMask: 2, priceBid: 187.2, priceAsk: 187.3, sizeBid: 200, sizeAsk: 300 }], done: false },
    source: decoders,
  }),
  serverFrame('HISTORICAL_TICKS_LAST', {
    version: 178,
    wire: '98|209|1|1762785000|1|187.25|100|ISLAND| T|1',
    message: { reqId: 209, ticks: [{ time: 1762785000, attribMask: 1, price: 187.25, size: 100, exchange: 'ISLAND', specialConditions: ' T' }], done: true },
    source: decoders,
  }),
];
