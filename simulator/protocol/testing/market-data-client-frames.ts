/**
 * Reference frames of the market-data requests (client/market-data.ts), written by hand from
 * official EClient.java (TWS API 10.34.02), checked against @stoqey/ib 1.6.10 encoder.js and
 * ib_async 2.0.1 client.py (read 2026-11-30), at 178 and at every other layout a gate between 100
 * and 194 produces. Values differ field to field so a swapped pair changes the bytes.
 */
import { aaplOnSmart, option } from './client-frames.ts';
import { clientFrame, SOURCE } from './reference-frame.ts';

const all = `${SOURCE.eclient}; ${SOURCE.stoqeyEncoder}; ${SOURCE.ibAsyncClient}`;
/** The option of client-frames.ts as its twelve wire fields. */
export const OPT = '712345678|AAPL|OPT|20261218|152.5|C|100|SMART|CBOE|USD|AAPL  261218C00152500|AAPLX';
const noDnc = { deltaNeutralContract: false, deltaNeutralContractConId: 0, deltaNeutralContractDelta: 0, deltaNeutralContractPrice: 0 };

export const marketDataClientFrames = [
  // REQ_MKT_DATA: version 11, reqId, 12 contract fields, [BAG legs], delta-neutral flag [+3],
  // genericTickList, snapshot, regulatorySnapshot (v114+), mktDataOptions.
  clientFrame('REQ_MKT_DATA', {
    version: 178,
    wire: `1|11|201|${OPT}|0|100,101,106|1|0|`,
    message: { reqId: 201, ...option, comboLegs: [], ...noDnc, genericTickList: '100,101,106', snapshot: true, regulatorySnapshot: false, mktDataOptions: '' },
    source: all,
  }),
  clientFrame('REQ_MKT_DATA', {
    version: 113,
    wire: `1|11|201|${OPT}|0|100,101,106|1|`,
    message: { reqId: 201, ...option, comboLegs: [], ...noDnc, genericTickList: '100,101,106', snapshot: true, regulatorySnapshot: false, mktDataOptions: '' },
    source: `${SOURCE.eclient} reqMktData below REQ_SMART_COMPONENTS (114)`,
  }),
  clientFrame('REQ_MKT_DATA', {
    version: 178,
    wire: '1|11|202|28812380|SPY|BAG||0|||SMART||USD|||2|756733|1|BUY|SMART|756734|2|SELL|ARCA|1|756735|0.45|101.5|233|0|1|XYZ=1;',
    message: {
      reqId: 202,
      ...{ conId: 28812380, symbol: 'SPY', secType: 'BAG', lastTradeDateOrContractMonth: '', strike: 0, right: '', multiplier: '' },
      ...{ exchange: 'SMART', primaryExchange: '', currency: 'USD', localSymbol: '', tradingClass: '' },
      comboLegs: [
        { conId: 756733, ratio: 1, action: 'BUY', exchange: 'SMART' },
        { conId: 756734, ratio: 2, action: 'SELL', exchange: 'ARCA' },
      ],
      ...{ deltaNeutralContract: true, deltaNeutralContractConId: 756735, deltaNeutralContractDelta: 0.45, deltaNeutralContractPrice: 101.5 },
      ...{ genericTickList: '233', snapshot: false, regulatorySnapshot: true, mktDataOptions: 'XYZ=1;' },
    },
    source: `${SOURCE.eclient} reqMktData (legs: conId, ratio, action, exchange; DeltaNeutralContract conid, delta, price); ${SOURCE.stoqeyEncoder}`,
  }),
  clientFrame('CANCEL_MKT_DATA', { version: 178, wire: '2|1|201', message: { reqId: 201 }, source: `${SOURCE.eclient}; ${SOURCE.stoqeyEncoder}` }),
  clientFrame('CANCEL_MKT_DATA', {
    version: 178,
    wire: '2|2|201',
    message: { reqId: 201 },
    source: `${SOURCE.ibAsyncClient} cancelMktData (version 2)`,
    decodeOnly: true,
  }),

  // REQ_REAL_TIME_BARS: version 3, reqId, contract, barSize, whatToShow, useRTH, options.
  clientFrame('REQ_REAL_TIME_BARS', {
    version: 178,
    wire: `50|3|203|${OPT}|5|MIDPOINT|1|`,
    message: { reqId: 203, ...option, barSize: 5, whatToShow: 'MIDPOINT', useRTH: true, realTimeBarsOptions: '' },
    source: all,
  }),
  clientFrame('CANCEL_REAL_TIME_BARS', { version: 178, wire: '51|1|203', message: { reqId: 203 }, source: all }),

  // REQ_TICK_BY_TICK_DATA: no version; numberOfTicks and ignoreSize from v140.
  clientFrame('REQ_TICK_BY_TICK_DATA', {
    version: 178,
    wire: `97|204|${OPT}|BidAsk|10|1`,
    message: { reqId: 204, ...option, tickType: 'BidAsk', numberOfTicks: 10, ignoreSize: true },
    source: all,
  }),
  clientFrame('REQ_TICK_BY_TICK_DATA', {
    version: 139,
    wire: `97|204|${OPT}|Last`,
    message: { reqId: 204, ...option, tickType: 'Last', numberOfTicks: 0, ignoreSize: false },
    source: `${SOURCE.eclient} reqTickByTickData below TICK_BY_TICK_IGNORE_SIZE (140); ${SOURCE.stoqeyEncoder}`,
  }),
  clientFrame('CANCEL_TICK_BY_TICK_DATA', { version: 178, wire: '98|204', message: { reqId: 204 }, source: all }),

  // REQ_MKT_DEPTH: version 5; primaryExchange from v149, isSmartDepth from v146.
  clientFrame('REQ_MKT_DEPTH', {
    version: 178,
    wire: `10|5|205|${OPT}|10|1|`,
    message: { reqId: 205, ...option, numRows: 10, isSmartDepth: true, mktDepthOptions: '' },
    source: all,
  }),
  clientFrame('REQ_MKT_DEPTH', {
    version: 148,
    wire: '10|5|205|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|USD|AAPL  261218C00152500|AAPLX|10|1|',
    message: { reqId: 205, ...option, primaryExchange: '', numRows: 10, isSmartDepth: true, mktDepthOptions: '' },
    source: `${SOURCE.eclient} reqMktDepth below MKT_DEPTH_PRIM_EXCHANGE (149); ${SOURCE.stoqeyEncoder}`,
  }),
  clientFrame('REQ_MKT_DEPTH', {
    version: 145,
    wire: '10|5|205|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|USD|AAPL  261218C00152500|AAPLX|5|',
    message: { reqId: 205, ...option, primaryExchange: '', numRows: 5, isSmartDepth: false, mktDepthOptions: '' },
    source: `${SOURCE.eclient} reqMktDepth below SMART_DEPTH (146)`,
  }),
  clientFrame('CANCEL_MKT_DEPTH', { version: 178, wire: '11|1|205|1', message: { reqId: 205, isSmartDepth: true }, source: all }),
  clientFrame('CANCEL_MKT_DEPTH', {
    version: 145,
    wire: '11|1|205',
    message: { reqId: 205, isSmartDepth: false },
    source: `${SOURCE.eclient} below SMART_DEPTH (146)`,
  }),
  clientFrame('REQ_MKT_DEPTH_EXCHANGES', { version: 178, wire: '82', message: {}, source: all }),

  // Option analytics: version 2, reqId, contract, two doubles, options.
  clientFrame('REQ_CALC_IMPLIED_VOLAT', {
    version: 178,
    wire: `54|2|206|${OPT}|4.35|187.1|`,
    message: { reqId: 206, ...option, optionPrice: 4.35, underPrice: 187.1, impliedVolatilityOptions: '' },
    source: `${SOURCE.eclient}; ${SOURCE.stoqeyEncoder}`,
  }),
  clientFrame('REQ_CALC_OPTION_PRICE', {
    version: 178,
    wire: `55|2|207|${OPT}|0.28|187.1|`,
    message: { reqId: 207, ...option, volatility: 0.28, underPrice: 187.1, optionPriceOptions: '' },
    source: `${SOURCE.eclient}; ${SOURCE.stoqeyEncoder}`,
  }),
  clientFrame('CANCEL_CALC_IMPLIED_VOLAT', { version: 178, wire: '56|1|206', message: { reqId: 206 }, source: all }),
  clientFrame('CANCEL_CALC_OPTION_PRICE', { version: 178, wire: '57|1|207', message: { reqId: 207 }, source: all }),

  // History-side requests. REQ_HISTOGRAM_DATA and REQ_HISTORICAL_TICKS send the contract with includeExpired.
  clientFrame('REQ_HISTOGRAM_DATA', {
    version: 178,
    wire: `88|208|${OPT}|1|0|3 days`,
    message: { reqId: 208, ...option, includeExpired: true, useRTH: false, timePeriod: '3 days' },
    source: all,
  }),
  clientFrame('CANCEL_HISTOGRAM_DATA', { version: 178, wire: '89|208', message: { reqId: 208 }, source: all }),
  clientFrame('REQ_HISTORICAL_TICKS', {
    version: 178,
    wire: '96|209|0|AAPL|STK||0|||SMART||USD|||0|20251110 09:30:00 US/Eastern||1000|BID_ASK|1|1|',
    message: {
      reqId: 209,
      ...aaplOnSmart,
      includeExpired: false,
      startDateTime: '20251110 09:30:00 US/Eastern',
      endDateTime: '',
      numberOfTicks: 1000,
      whatToShow: 'BID_ASK',
      useRTH: 1,
      ignoreSize: true,
      miscOptions: '',
    },
    source: all,
  }),
];
