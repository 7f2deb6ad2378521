/**
 * Reference frames of the instrument requests added with the market-data work (option chains,
 * market rules, family codes, SMART components, fundamentals, the scanner), written by hand from
 * official EClient.java (TWS API 10.34.02), checked against @stoqey/ib 1.6.10 encoder.js and
 * ib_async 2.0.1 client.py (read 2026-11-30).
 */
import { clientFrame, SOURCE } from './reference-frame.ts';

const all = `${SOURCE.eclient}; ${SOURCE.stoqeyEncoder}; ${SOURCE.ibAsyncClient}`;

const scan = {
  reqId: 210,
  numberOfRows: 20,
  instrument: 'STK',
  locationCode: 'STK.US.MAJOR',
  scanCode: 'TOP_PERC_GAIN',
  abovePrice: 5.5,
  belowPrice: undefined,
  aboveVolume: 1000000,
  marketCapAbove: undefined,
  marketCapBelow: 250000000,
  moodyRatingAbove: '',
  moodyRatingBelow: '',
  spRatingAbove: 'BBB',
  spRatingBelow: '',
  maturityDateAbove: '',
  maturityDateBelow: '',
  couponRateAbove: undefined,
  couponRateBelow: undefined,
  excludeConvertible: true,
  averageOptionVolumeAbove: undefined,
  scannerSettingPairs: 'Annual,true',
  stockTypeFilter: 'ALL',
};

export const contractClientFrames = [
  clientFrame('REQ_SEC_DEF_OPT_PARAMS', {
    version: 178,
    wire: '78|212|AAPL||STK|265598',
    message: { reqId: 212, underlyingSymbol: 'AAPL', futFopExchange: '', underlyingSecType: 'STK', underlyingConId: 265598 },
    source: all,
  }),
  clientFrame('REQ_MARKET_RULE', { version: 178, wire: '91|26', message: { marketRuleId: 26 }, source: all }),
  clientFrame('REQ_FAMILY_CODES', { version: 178, wire: '80', message: {}, source: all }),
  clientFrame('REQ_SMART_COMPONENTS', { version: 178, wire: '83|213|a6', message: { reqId: 213, bboExchange: 'a6' }, source: all }),

  // REQ_FUNDAMENTAL_DATA: version 2, reqId, conId, symbol, secType, exchange, primaryExchange,
  // currency, localSymbol, reportType, options. (ib_async's extra count: docs/wire-facts/market-data.md#client-disagreements.)
  clientFrame('REQ_FUNDAMENTAL_DATA', {
    version: 178,
    wire: '52|2|211|265598|AAPL|STK|SMART|NASDAQ|USD|AAPL|ReportsFinSummary|',
    message: {
      reqId: 211,
      ...{ conId: 265598, symbol: 'AAPL', secType: 'STK', exchange: 'SMART', primaryExchange: 'NASDAQ', currency: 'USD', localSymbol: 'AAPL' },
      reportType: 'ReportsFinSummary',
      fundamentalDataOptions: '',
    },
    source: `${SOURCE.eclient}; ${SOURCE.stoqeyEncoder}`,
  }),
  clientFrame('CANCEL_FUNDAMENTAL_DATA', { version: 178, wire: '53|1|211', message: { reqId: 211 }, source: all }),

  clientFrame('REQ_SCANNER_PARAMETERS', { version: 178, wire: '24|1', message: {}, source: all }),
  // REQ_SCANNER_SUBSCRIPTION: the version (4) goes at v143, where the filter options arrive.
  clientFrame('REQ_SCANNER_SUBSCRIPTION', {
    version: 178,
    wire: '22|210|20|STK|STK.US.MAJOR|TOP_PERC_GAIN|5.5||1000000||250000000|||BBB||||||1||Annual,true|ALL|priceAbove=5;|',
    message: { ...scan, scannerSubscriptionFilterOptions: 'priceAbove=5;', scannerSubscriptionOptions: '' },
    source: all,
  }),
  clientFrame('REQ_SCANNER_SUBSCRIPTION', {
    version: 142,
    wire: '22|4|210|20|STK|STK.US.MAJOR|TOP_PERC_GAIN|5.5||1000000||250000000|||BBB||||||1||Annual,true|ALL|',
    message: { ...scan, scannerSubscriptionFilterOptions: '', scannerSubscriptionOptions: '' },
    source: `${SOURCE.eclient} reqScannerSubscription below SCANNER_GENERIC_OPTS (143); ${SOURCE.stoqeyEncoder}`,
  }),
  clientFrame('CANCEL_SCANNER_SUBSCRIPTION', { version: 178, wire: '23|1|210', message: { reqId: 210 }, source: all }),
];
