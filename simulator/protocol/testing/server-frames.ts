/**
 * Reference frames of every declared server message except CONTRACT_DATA (contract-data-frames.ts),
 * at server version 178 and at the other layouts a gate between 100 and 194 produces. Field orders
 * checked against the official EDecoder.java (TWS API 10.34.02), ib_async 2.0.1 decoder.py and
 * @stoqey/ib 1.6.10 decoder.js; the frames at 178 are also fed to @stoqey/ib's strict decoder
 * (stoqey-frames.test.ts).
 */
import { serverFrame, SOURCE } from './reference-frame.ts';

const decoders = `${SOURCE.edecoder}; ${SOURCE.stoqeyDecoder}; ${SOURCE.ibAsyncDecoder}`;
const farmOk = 'Market data farm connection is OK:usfarm';

const bars178 = [
  { date: '20251110 09:30:00 US/Eastern', open: 100.5, high: 101, low: 100, close: 100.75, volume: 1200, wap: 100.6, hasGaps: '', barCount: 15 },
  { date: '20251110 09:31:00 US/Eastern', open: 100.75, high: 101.25, low: 100.5, close: 101, volume: 800, wap: 100.9, hasGaps: '', barCount: 9 },
];

export const serverFrames = [
  // The handshake reply: no message id, version then connection time (EDecoder.processFirstMsg, v >= 20).
  serverFrame('SERVER_VERSION', {
    version: 178,
    wire: '178|20251110 10:15:00 MET',
    message: { serverVersion: 178, connectionTime: '20251110 10:15:00 MET' },
    source: `${SOURCE.edecoder} processFirstMsg; ${SOURCE.stoqeyCapture}`,
  }),
  serverFrame('SERVER_VERSION', {
    version: 176,
    wire: '176|20230228 17:24:14 EST',
    message: { serverVersion: 176, connectionTime: '20230228 17:24:14 EST' },
    source: SOURCE.twsCapture,
  }),

  // ERR_MSG: version 2 below 194 (MIN_SERVER_VER_ERROR_TIME), advancedOrderRejectJson from 166
  // (ADVANCED_ORDER_REJECT), errorTime (epoch ms) last from 194.
  serverFrame('ERR_MSG', {
    version: 178,
    wire: `4|2|-1|2104|${farmOk}|`,
    message: { id: -1, code: 2104, message: farmOk, advancedOrderRejectJson: '', errorTime: 0 },
    source: `${decoders} (processErrMsgMsg)`,
  }),
  serverFrame('ERR_MSG', {
    version: 178,
    wire: '4|2|12|201|Order rejected - reason:|{"rejectReason":"margin"}',
    message: { id: 12, code: 201, message: 'Order rejected - reason:', advancedOrderRejectJson: '{"rejectReason":"margin"}', errorTime: 0 },
    source: SOURCE.edecoder,
  }),
  serverFrame('ERR_MSG', {
    version: 165,
    wire: `4|2|-1|2104|${farmOk}`,
    message: { id: -1, code: 2104, message: farmOk, advancedOrderRejectJson: '', errorTime: 0 },
    source: `${SOURCE.edecoder} below ADVANCED_ORDER_REJECT (166)`,
  }),
  serverFrame('ERR_MSG', {
    version: 194,
    wire: '4|12|200|No security definition has been found for the request|{"x":1}|1762766100123',
    message: {
      id: 12,
      code: 200,
      message: 'No security definition has been found for the request',
      advancedOrderRejectJson: '{"x":1}',
      errorTime: 1762766100123,
    },
    source: `${SOURCE.edecoder} from ERROR_TIME (194); ${SOURCE.stoqeyDecoder}`,
  }),

  serverFrame('MANAGED_ACCTS', { version: 178, wire: '15|1|DU0118471,DU0118472', message: { accounts: 'DU0118471,DU0118472' }, source: decoders }),
  serverFrame('NEXT_VALID_ID', { version: 178, wire: '9|1|117', message: { orderId: 117 }, source: decoders }),
  serverFrame('CURRENT_TIME', { version: 178, wire: '49|1|1762766100', message: { time: 1762766100 }, source: decoders }),
  serverFrame('CONTRACT_DATA_END', { version: 178, wire: '52|1|101', message: { reqId: 101 }, source: decoders }),

  // HISTORICAL_DATA: below 124 (SYNT_REALTIME_BARS) a version (3) and a hasGaps string per bar;
  // start/end stay in this message until 196 (HISTORICAL_DATA_END).
  serverFrame('HISTORICAL_DATA', {
    version: 178,
    wire: '17|7|20251110 09:30:00 US/Eastern|20251110 09:32:00 US/Eastern|2|20251110 09:30:00 US/Eastern|100.5|101|100|100.75|1200|100.6|15|20251110 09:31:00 US/Eastern|100.75|101.25|100.5|101|800|100.9|9',
    message: { reqId: 7, startDate: '20251110 09:30:00 US/Eastern', endDate: '20251110 09:32:00 US/Eastern', bars: bars178 },
    source: `${decoders}; ${SOURCE.stoqeyCapture}; ${SOURCE.ibAsyncCapture}`,
  }),
  serverFrame('HISTORICAL_DATA', {
    version: 123,
    wire: '17|3|7|20251110 09:30:00|20251110 09:32:00|2|20251110 09:30:00|100.5|101|100|100.75|1200|100.6|false|15|20251110 09:31:00|100.75|101.25|100.5|101|800|100.9|true|9',
    message: {
      reqId: 7,
      startDate: '20251110 09:30:00',
      endDate: '20251110 09:32:00',
      bars: [
        { ...bars178[0]!, date: '20251110 09:30:00', hasGaps: 'false' },
        { ...bars178[1]!, date: '20251110 09:31:00', hasGaps: 'true' },
      ],
    },
    source: `${SOURCE.edecoder} processHistoricalDataMsg below SYNT_REALTIME_BARS (124); ${SOURCE.stoqeyDecoder}`,
  }),
  // Only sent from 196, but its layout has no gate of its own.
  serverFrame('HISTORICAL_DATA_END', {
    version: 178,
    wire: '108|7|20251110 09:30:00 US/Eastern|20251110 09:32:00 US/Eastern',
    message: { reqId: 7, startDate: '20251110 09:30:00 US/Eastern', endDate: '20251110 09:32:00 US/Eastern' },
    source: `${SOURCE.edecoder} processHistoricalDataEndMsg`,
  }),
  serverFrame('HEAD_TIMESTAMP', {
    version: 178,
    wire: '88|106|19801212 14:30:00',
    message: { reqId: 106, headTimestamp: '19801212 14:30:00' },
    source: decoders,
  }),

  // SYMBOL_SAMPLES: no version; description and issuerId per item from 176 (BOND_ISSUERID).
  serverFrame('SYMBOL_SAMPLES', {
    version: 178,
    wire: '79|107|2|900000101|TTE|STK|SBF|EUR|2|CFD|OPT|TOTALENERGIES SE|e77|900000102|TTE|STK|NYSE|USD|0|TOTALENERGIES SE-SPON ADR|',
    message: {
      reqId: 107,
      descriptions: [
        {
          ...{ conId: 900000101, symbol: 'TTE', secType: 'STK', primaryExchange: 'SBF', currency: 'EUR' },
          ...{ derivativeSecTypes: [{ secType: 'CFD' }, { secType: 'OPT' }], description: 'TOTALENERGIES SE', issuerId: 'e77' },
        },
        {
          ...{ conId: 900000102, symbol: 'TTE', secType: 'STK', primaryExchange: 'NYSE', currency: 'USD' },
          ...{ derivativeSecTypes: [], description: 'TOTALENERGIES SE-SPON ADR', issuerId: '' },
        },
      ],
    },
    source: `${decoders}; ${SOURCE.stoqeyCapture}`,
  }),
  serverFrame('SYMBOL_SAMPLES', {
    version: 175,
    wire: '79|107|2|900000101|TTE|STK|SBF|EUR|2|CFD|OPT|900000102|TTE|STK|NYSE|USD|0',
    message: {
      reqId: 107,
      descriptions: [
        {
          ...{ conId: 900000101, symbol: 'TTE', secType: 'STK', primaryExchange: 'SBF', currency: 'EUR' },
          ...{ derivativeSecTypes: [{ secType: 'CFD' }, { secType: 'OPT' }], description: '', issuerId: '' },
        },
        {
          ...{ conId: 900000102, symbol: 'TTE', secType: 'STK', primaryExchange: 'NYSE', currency: 'USD' },
          ...{ derivativeSecTypes: [], description: '', issuerId: '' },
        },
      ],
    },
    source: `${SOURCE.edecoder} processSymbolSamplesMsg below BOND_ISSUERID (176); ${SOURCE.stoqeyDecoder}`,
  }),

  serverFrame('MARKET_DATA_TYPE', { version: 178, wire: '58|1|12|3', message: { reqId: 12, marketDataType: 3 }, source: decoders }),

  // POSITION version 3: tradingClass (v2) and avgCost (v3) are read by version, not server version.
  serverFrame('POSITION', {
    version: 178,
    wire: '61|3|DU0118471|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|USD|AAPL  261218C00152500|AAPLX|-2|310.25',
    message: {
      account: 'DU0118471',
      ...{ conId: 712345678, symbol: 'AAPL', secType: 'OPT', lastTradeDateOrContractMonth: '20261218', strike: 152.5, right: 'C', multiplier: '100' },
      ...{ exchange: 'SMART', currency: 'USD', localSymbol: 'AAPL  261218C00152500', tradingClass: 'AAPLX', position: -2, avgCost: 310.25 },
    },
    source: decoders,
  }),
  serverFrame('POSITION_END', { version: 178, wire: '62|1', message: {}, source: decoders }),
  serverFrame('OPEN_ORDER_END', { version: 178, wire: '53|1', message: {}, source: decoders }),
  // Just the id (processCompletedOrdersEndMsg reads nothing).
  serverFrame('COMPLETED_ORDERS_END', { version: 178, wire: '102', message: {}, source: decoders }),

  serverFrame('ACCT_VALUE', {
    version: 178,
    wire: '6|2|NetLiquidation|100000.00|USD|DU0118471',
    message: { key: 'NetLiquidation', value: '100000.00', currency: 'USD', accountName: 'DU0118471' },
    source: decoders,
  }),
  serverFrame('ACCT_UPDATE_TIME', { version: 178, wire: '8|1|10:15', message: { time: '10:15' }, source: decoders }),
  serverFrame('ACCT_DOWNLOAD_END', { version: 178, wire: '54|1|DU0118471', message: { account: 'DU0118471' }, source: decoders }),
  serverFrame('ACCOUNT_SUMMARY', {
    version: 178,
    wire: '63|1|108|DU0118471|NetLiquidation|100000.00|USD',
    message: { reqId: 108, account: 'DU0118471', tag: 'NetLiquidation', value: '100000.00', currency: 'USD' },
    source: decoders,
  }),
  serverFrame('ACCOUNT_SUMMARY_END', { version: 178, wire: '64|1|108', message: { reqId: 108 }, source: decoders }),
  serverFrame('ACCOUNT_UPDATE_MULTI', {
    version: 178,
    wire: '73|1|109|DU0118471|MODEL1|NetLiquidation|100000.00|USD',
    message: { reqId: 109, account: 'DU0118471', modelCode: 'MODEL1', key: 'NetLiquidation', value: '100000.00', currency: 'USD' },
    source: decoders,
  }),
  serverFrame('ACCOUNT_UPDATE_MULTI_END', { version: 178, wire: '74|1|109', message: { reqId: 109 }, source: decoders }),
  serverFrame('POSITION_MULTI_END', { version: 178, wire: '72|1|110', message: { reqId: 110 }, source: decoders }),
  serverFrame('EXECUTION_DATA_END', { version: 178, wire: '55|1|111', message: { reqId: 111 }, source: decoders }),
];
