/**
 * Reference frames of every declared client message (client-messages.ts), at server version 178
 * and at the other layouts a gate between 100 and 194 produces. Field orders checked against the
 * official EClient.java (TWS API 10.34.02), ib_async 2.0.1 client.py and @stoqey/ib 1.6.10
 * encoder.js; the frames at 178 are also what @stoqey/ib writes (stoqey-frames.test.ts).
 *
 * Values are synthetic and chosen distinct wherever the field allows, so that two swapped fields
 * change the bytes.
 */
import { clientFrame, SOURCE } from './reference-frame.ts';

const both = `${SOURCE.eclient}; ${SOURCE.stoqeyEncoder}; ${SOURCE.ibAsyncClient}`;

/** The contract of the requests below: an AAPL call, every field set. */
export const option = {
  conId: 712345678,
  symbol: 'AAPL',
  secType: 'OPT',
  lastTradeDateOrContractMonth: '20261218',
  strike: 152.5,
  right: 'C',
  multiplier: '100',
  exchange: 'SMART',
  primaryExchange: 'CBOE',
  currency: 'USD',
  localSymbol: 'AAPL  261218C00152500',
  tradingClass: 'AAPLX',
} as const;

/** AAPL on SMART in USD with nothing else set, as application code usually asks. */
export const aaplOnSmart = {
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

/** The history request of the frames below, for the option. */
const optionHistory = {
  reqId: 104,
  ...option,
  includeExpired: true,
  endDateTime: '20251110 16:00:00 US/Eastern',
  barSize: '1 hour',
  duration: '2 D',
  useRTH: 0,
  whatToShow: 'MIDPOINT',
  formatDate: 2,
  comboLegs: [],
  chartOptions: '',
};

/** One day of minute bars for a conId, as the clients' captures ask for it (reqId set per frame). */
const minuteBarsByConId = {
  conId: 265598,
  symbol: '',
  secType: '',
  lastTradeDateOrContractMonth: '',
  strike: 0,
  right: '',
  multiplier: '',
  exchange: 'SMART',
  primaryExchange: '',
  currency: '',
  localSymbol: '',
  tradingClass: '',
  includeExpired: false,
  endDateTime: '',
  barSize: '1 min',
  duration: '1 D',
  useRTH: 1,
  whatToShow: 'TRADES',
  formatDate: 1,
  comboLegs: [],
  keepUpToDate: false,
  chartOptions: '',
};

export const clientFrames = [
  clientFrame('START_API', {
    version: 178,
    wire: '71|2|5|',
    message: { clientId: 5, optionalCapabilities: '' },
    source: `${SOURCE.eclient} startAPI; ${SOURCE.stoqeyCapture} (bytes 00 00 00 08 37 31 00 32 00 35 00 00)`,
  }),

  // REQ_CONTRACT_DATA: version 8, reqId, contract, includeExpired, secIdType, secId, issuerId (v176+).
  clientFrame('REQ_CONTRACT_DATA', {
    version: 178,
    wire: '9|8|101|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|CBOE|USD|AAPL  261218C00152500|AAPLX|1|ISIN|US0378331005|e1234',
    message: { reqId: 101, ...option, includeExpired: true, secIdType: 'ISIN', secId: 'US0378331005', issuerId: 'e1234' },
    source: `${both} (issuerId from MIN_SERVER_VER_BOND_ISSUERID = 176)`,
  }),
  clientFrame('REQ_CONTRACT_DATA', {
    version: 175,
    wire: '9|8|101|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|CBOE|USD|AAPL  261218C00152500|AAPLX|1|ISIN|US0378331005',
    message: { reqId: 101, ...option, includeExpired: true, secIdType: 'ISIN', secId: 'US0378331005', issuerId: '' },
    source: `${SOURCE.eclient} reqContractDetails below MIN_SERVER_VER_BOND_ISSUERID (176)`,
  }),
  // What the clients write when nothing is set: stoqey leaves conId, strike and includeExpired empty.
  clientFrame('REQ_CONTRACT_DATA', {
    version: 178,
    wire: '9|8|101||AAPL|STK|||||SMART||USD||||||',
    message: {
      reqId: 101,
      ...aaplOnSmart,
      includeExpired: false,
      secIdType: '',
      secId: '',
      issuerId: '',
    },
    source: SOURCE.stoqeyCapture,
    decodeOnly: true,
  }),
  clientFrame('REQ_CONTRACT_DATA', {
    version: 178,
    wire: '9|8|3|0|AAPL|STK||0.0|||SMART||USD|||0|||',
    message: {
      reqId: 3,
      ...aaplOnSmart,
      includeExpired: false,
      secIdType: '',
      secId: '',
      issuerId: '',
    },
    source: SOURCE.ibAsyncCapture,
    decodeOnly: true,
  }),

  // REQ_HISTORICAL_DATA: no version from v124 (MIN_SERVER_VER_SYNT_REALTIME_BARS), which also adds
  // keepUpToDate; combo legs only for BAG, after formatDate; chartOptions since v70 (LINKING).
  clientFrame('REQ_HISTORICAL_DATA', {
    version: 178,
    wire: '20|104|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|CBOE|USD|AAPL  261218C00152500|AAPLX|1|20251110 16:00:00 US/Eastern|1 hour|2 D|0|MIDPOINT|2|1|',
    message: { ...optionHistory, keepUpToDate: true },
    source: both,
  }),
  clientFrame('REQ_HISTORICAL_DATA', {
    version: 123,
    wire: '20|6|104|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|CBOE|USD|AAPL  261218C00152500|AAPLX|1|20251110 16:00:00 US/Eastern|1 hour|2 D|0|MIDPOINT|2|',
    message: { ...optionHistory, keepUpToDate: false },
    source: `${SOURCE.eclient} reqHistoricalData below MIN_SERVER_VER_SYNT_REALTIME_BARS (124); ${SOURCE.stoqeyEncoder}`,
  }),
  clientFrame('REQ_HISTORICAL_DATA', {
    version: 178,
    wire: '20|105|28812380|SPY|BAG||0|||SMART||USD|||0||1 day|1 M|1|TRADES|1|2|756733|1|BUY|SMART|756734|2|SELL|ARCA|0|',
    message: {
      reqId: 105,
      ...{ conId: 28812380, symbol: 'SPY', secType: 'BAG', lastTradeDateOrContractMonth: '', strike: 0, right: '', multiplier: '' },
      ...{ exchange: 'SMART', primaryExchange: '', currency: 'USD', localSymbol: '', tradingClass: '' },
      includeExpired: false,
      endDateTime: '',
      barSize: '1 day',
      duration: '1 M',
      useRTH: 1,
      whatToShow: 'TRADES',
      formatDate: 1,
      comboLegs: [
        { conId: 756733, ratio: 1, action: 'BUY', exchange: 'SMART' },
        { conId: 756734, ratio: 2, action: 'SELL', exchange: 'ARCA' },
      ],
      keepUpToDate: false,
      chartOptions: '',
    },
    source: `${SOURCE.eclient} reqHistoricalData (legs: conId, ratio, action, exchange); ${SOURCE.stoqeyEncoder}`,
  }),
  clientFrame('REQ_HISTORICAL_DATA', {
    version: 178,
    wire: '20|7|265598||||0.0|||SMART|||||0||1 min|1 D|1|TRADES|1|0|',
    message: { ...minuteBarsByConId, reqId: 7 },
    source: SOURCE.ibAsyncCapture,
    decodeOnly: true,
  }),
  clientFrame('REQ_HISTORICAL_DATA', {
    version: 178,
    wire: '20|104|265598|||||||SMART|||||0||1 min|1 D|1|TRADES|1|0|',
    message: { ...minuteBarsByConId, reqId: 104 },
    source: SOURCE.stoqeyCapture,
    decodeOnly: true,
  }),
  clientFrame('CANCEL_HISTORICAL_DATA', { version: 178, wire: '25|1|104', message: { reqId: 104 }, source: both }),

  // REQ_HEAD_TIMESTAMP: no version; the contract with includeExpired, then useRTH, whatToShow, formatDate.
  clientFrame('REQ_HEAD_TIMESTAMP', {
    version: 178,
    wire: '87|106|712345678|AAPL|OPT|20261218|152.5|C|100|SMART|CBOE|USD|AAPL  261218C00152500|AAPLX|1|0|BID_ASK|2',
    message: { reqId: 106, ...option, includeExpired: true, useRTH: 0, whatToShow: 'BID_ASK', formatDate: 2 },
    source: `${SOURCE.eclient} reqHeadTimestamp (Builder.send(Contract) ends with includeExpired); ${SOURCE.stoqeyEncoder}; ${SOURCE.ibAsyncClient}`,
  }),
  clientFrame('CANCEL_HEAD_TIMESTAMP', { version: 178, wire: '90|106', message: { reqId: 106 }, source: both }),

  clientFrame('REQ_CURRENT_TIME', { version: 178, wire: '49|1', message: {}, source: both }),
  clientFrame('REQ_IDS', { version: 178, wire: '8|1|3', message: { numIds: 3 }, source: both }),
  clientFrame('REQ_MANAGED_ACCTS', { version: 178, wire: '17|1', message: {}, source: both }),
  clientFrame('REQ_MARKET_DATA_TYPE', { version: 178, wire: '59|1|3', message: { marketDataType: 3 }, source: both }),
  clientFrame('REQ_MATCHING_SYMBOLS', { version: 178, wire: '81|107|TOTALEN', message: { reqId: 107, pattern: 'TOTALEN' }, source: both }),

  clientFrame('REQ_POSITIONS', { version: 178, wire: '61|1', message: {}, source: `${both}; ${SOURCE.ibAsyncCapture}` }),
  clientFrame('CANCEL_POSITIONS', { version: 178, wire: '64|1', message: {}, source: both }),
  clientFrame('REQ_OPEN_ORDERS', { version: 178, wire: '5|1', message: {}, source: `${both}; ${SOURCE.ibAsyncCapture}` }),
  clientFrame('REQ_ALL_OPEN_ORDERS', { version: 178, wire: '16|1', message: {}, source: both }),
  clientFrame('REQ_AUTO_OPEN_ORDERS', { version: 178, wire: '15|1|1', message: { autoBind: true }, source: `${both}; ${SOURCE.ibAsyncCapture}` }),
  // No version field (since MIN_SERVER_VER_REQ_COMPLETED_ORDERS, 150).
  clientFrame('REQ_COMPLETED_ORDERS', { version: 178, wire: '99|0', message: { apiOnly: false }, source: `${both}; ${SOURCE.ibAsyncCapture}` }),

  clientFrame('REQ_ACCOUNT_DATA', {
    version: 178,
    wire: '6|2|1|DU0118471',
    message: { subscribe: true, acctCode: 'DU0118471' },
    source: `${SOURCE.eclient} reqAccountUpdates; ${SOURCE.stoqeyEncoder}; ${SOURCE.ibAsyncClient}`,
  }),
  clientFrame('REQ_ACCOUNT_SUMMARY', {
    version: 178,
    wire: '62|1|108|All|NetLiquidation,TotalCashValue,BuyingPower',
    message: { reqId: 108, group: 'All', tags: 'NetLiquidation,TotalCashValue,BuyingPower' },
    source: both,
  }),
  clientFrame('CANCEL_ACCOUNT_SUMMARY', { version: 178, wire: '63|1|108', message: { reqId: 108 }, source: both }),
  // Version 1 as the official client and ib_async send it; @stoqey/ib 1.6.10 sends 2 (below).
  clientFrame('REQ_ACCOUNT_UPDATES_MULTI', {
    version: 178,
    wire: '76|1|109|DU0118471|MODEL1|1',
    message: { reqId: 109, account: 'DU0118471', modelCode: 'MODEL1', ledgerAndNLV: true },
    source: `${SOURCE.eclient} reqAccountUpdatesMulti (VERSION = 1); ${SOURCE.ibAsyncClient}`,
  }),
  clientFrame('REQ_ACCOUNT_UPDATES_MULTI', {
    version: 178,
    wire: '76|2|109|DU0118471|MODEL1|1',
    message: { reqId: 109, account: 'DU0118471', modelCode: 'MODEL1', ledgerAndNLV: true },
    source: `${SOURCE.stoqeyEncoder} reqAccountUpdatesMulti (version 2; the gateway reads the version field and ignores it)`,
    decodeOnly: true,
  }),
  clientFrame('CANCEL_ACCOUNT_UPDATES_MULTI', {
    version: 178,
    wire: '77|1|109',
    message: { reqId: 109 },
    source: `${SOURCE.eclient} cancelAccountUpdatesMulti (VERSION = 1); ${SOURCE.ibAsyncClient}`,
  }),
  clientFrame('CANCEL_ACCOUNT_UPDATES_MULTI', {
    version: 178,
    wire: '77|2|109',
    message: { reqId: 109 },
    source: `${SOURCE.stoqeyEncoder} cancelAccountUpdatesMulti (version 2)`,
    decodeOnly: true,
  }),
  clientFrame('REQ_POSITIONS_MULTI', {
    version: 178,
    wire: '74|1|110|DU0118471|MODEL1',
    message: { reqId: 110, account: 'DU0118471', modelCode: 'MODEL1' },
    source: both,
  }),
  clientFrame('CANCEL_POSITIONS_MULTI', { version: 178, wire: '75|1|110', message: { reqId: 110 }, source: both }),

  // REQ_EXECUTIONS: version 3, reqId, then the filter: clientId, acctCode, time, symbol, secType, exchange, side.
  clientFrame('REQ_EXECUTIONS', {
    version: 178,
    wire: '7|3|111|7|DU0118471|20251110-09:30:00|AAPL|STK|SMART|BUY',
    message: {
      reqId: 111,
      filterClientId: 7,
      acctCode: 'DU0118471',
      time: '20251110-09:30:00',
      symbol: 'AAPL',
      secType: 'STK',
      exchange: 'SMART',
      side: 'BUY',
    },
    source: both,
  }),
  clientFrame('REQ_EXECUTIONS', {
    version: 178,
    wire: '7|3|2|0||||||',
    message: { reqId: 2, filterClientId: 0, acctCode: '', time: '', symbol: '', secType: '', exchange: '', side: '' },
    source: SOURCE.ibAsyncCapture,
  }),
];
