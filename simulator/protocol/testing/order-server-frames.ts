/**
 * Reference frames of the order, execution and account replies other than OPEN_ORDER and
 * COMPLETED_ORDER (open-order-frames.ts), written by hand from official EDecoder.java (TWS API
 * 10.34.02), checked against @stoqey/ib 1.6.10 decoder.js and ib_async 2.0.1 decoder.py (read
 * 2026-11-30), at 178 and every other layout a gate between 100 and 194 produces.
 */
import { serverFrame, SOURCE } from './reference-frame.ts';

const decoders = `${SOURCE.edecoder}; ${SOURCE.stoqeyDecoder}; ${SOURCE.ibAsyncDecoder}`;
const MAX = '1.7976931348623157E308';

const status = {
  orderId: 301,
  status: 'PreSubmitted',
  filled: 40,
  remaining: 60,
  avgFillPrice: 187.2,
  permId: 1862295472,
  parentId: 300,
  lastFillPrice: 187.25,
  clientId: 7,
  whyHeld: 'locate',
};

const execContract = 'AAPL|STK||0|||SMART|USD|AAPL|NMS';
const execution = {
  reqId: 111,
  orderId: 301,
  conId: 265598,
  ...{ symbol: 'AAPL', secType: 'STK', lastTradeDateOrContractMonth: '', strike: 0, right: '', multiplier: '' },
  ...{ exchange: 'SMART', currency: 'USD', localSymbol: 'AAPL', tradingClass: 'NMS' },
  execId: '0000e0d5.6554f8a7.01.01',
  time: '20261110 09:30:01 US/Eastern',
  acctNumber: 'DU0118471',
  execExchange: 'ISLAND',
  side: 'BOT',
  shares: 40,
  price: 187.2,
  permId: 1862295472,
  clientId: 7,
  liquidation: 0,
  cumQty: 40,
  avgPrice: 187.2,
  orderRef: 'ref-301',
  evRule: '',
  evMultiplier: undefined,
};
const execHead = `301|265598|${execContract}|0000e0d5.6554f8a7.01.01|20261110 09:30:01 US/Eastern|DU0118471|ISLAND|BOT|40|187.2|1862295472|7|0|40|187.2|ref-301||`;

const pnl = { reqId: 215, dailyPnL: 12.5 };
const pnlSingle = { reqId: 216, position: 100, dailyPnL: 12.5 };

export const orderServerFrames = [
  // ORDER_STATUS: version 6 until v131 (MARKET_CAP_PRICE), which adds mktCapPrice last.
  serverFrame('ORDER_STATUS', {
    version: 178,
    wire: '3|301|PreSubmitted|40|60|187.2|1862295472|300|187.25|7|locate|187.5',
    message: { ...status, mktCapPrice: 187.5 },
    source: `${decoders} (ib_async skips only the id)`,
  }),
  serverFrame('ORDER_STATUS', {
    version: 130,
    wire: '3|6|301|PreSubmitted|40|60|187.2|1862295472|300|187.25|7|locate',
    message: { ...status, mktCapPrice: 0 },
    source: `${SOURCE.edecoder} below MARKET_CAP_PRICE (131), version 6; ${SOURCE.stoqeyDecoder}`,
  }),

  // EXECUTION_DATA: version 10 until v136; modelCode from v103; lastLiquidity v136; pendingPriceRevision v178.
  serverFrame('EXECUTION_DATA', {
    version: 178,
    wire: `11|111|${execHead}|MODEL1|2|1`,
    message: { ...execution, modelCode: 'MODEL1', lastLiquidity: 2, pendingPriceRevision: true },
    source: decoders,
  }),
  serverFrame('EXECUTION_DATA', {
    version: 177,
    wire: `11|111|${execHead}|MODEL1|2`,
    message: { ...execution, modelCode: 'MODEL1', lastLiquidity: 2, pendingPriceRevision: false },
    source: `${SOURCE.edecoder} below PENDING_PRICE_REVISION (178)`,
  }),
  serverFrame('EXECUTION_DATA', {
    version: 135,
    wire: `11|10|111|${execHead}|MODEL1`,
    message: { ...execution, modelCode: 'MODEL1', lastLiquidity: 0, pendingPriceRevision: false },
    source: `${SOURCE.edecoder} below LAST_LIQUIDITY (136), version 10; ${SOURCE.stoqeyDecoder}`,
  }),
  serverFrame('EXECUTION_DATA', {
    version: 102,
    wire: `11|10|111|${execHead}`,
    message: { ...execution, modelCode: '', lastLiquidity: 0, pendingPriceRevision: false },
    source: `${SOURCE.edecoder} below MODELS_SUPPORT (103)`,
  }),

  serverFrame('COMMISSION_REPORT', {
    version: 178,
    wire: '59|1|0000e0d5.6554f8a7.01.01|1.01|USD|12.5||',
    message: { execId: '0000e0d5.6554f8a7.01.01', commission: 1.01, currency: 'USD', realizedPNL: 12.5, yield: undefined, yieldRedemptionDate: undefined },
    source: decoders,
  }),
  // What TWS writes for the values that do not apply: the sentinels.
  serverFrame('COMMISSION_REPORT', {
    version: 178,
    wire: `59|1|0000e0d5.6554f8a7.01.01|1.01|USD|${MAX}|${MAX}|2147483647`,
    message: { execId: '0000e0d5.6554f8a7.01.01', commission: 1.01, currency: 'USD', realizedPNL: undefined, yield: undefined, yieldRedemptionDate: undefined },
    source: `${SOURCE.edecoder} (readDouble / readInt of the unset sentinels); ${SOURCE.stoqeyDecoder}`,
    decodeOnly: true,
  }),
  serverFrame('ORDER_BOUND', { version: 178, wire: '100|1862295473|0|305', message: { permId: 1862295473, clientId: 0, orderId: 305 }, source: decoders }),
  serverFrame('DELTA_NEUTRAL_VALIDATION', {
    version: 178,
    wire: '56|1|302|756735|0.45|101.5',
    message: { reqId: 302, conId: 756735, delta: 0.45, price: 101.5 },
    source: decoders,
  }),

  // Account replies.
  serverFrame('PORTFOLIO_VALUE', {
    version: 178,
    wire: '7|8|265598|AAPL|STK||0|||NASDAQ|USD|AAPL|NMS|100|187.3|18730|187.2|10|0|DU0118471',
    message: {
      ...{ conId: 265598, symbol: 'AAPL', secType: 'STK', lastTradeDateOrContractMonth: '', strike: 0, right: '', multiplier: '' },
      ...{ primaryExchange: 'NASDAQ', currency: 'USD', localSymbol: 'AAPL', tradingClass: 'NMS' },
      ...{ position: 100, marketPrice: 187.3, marketValue: 18730, averageCost: 187.2, unrealizedPNL: 10, realizedPNL: 0, accountName: 'DU0118471' },
    },
    source: `${decoders} (ib_async unpacks exactly these 20 fields)`,
  }),
  serverFrame('POSITION_MULTI', {
    version: 178,
    wire: '71|1|110|DU0118471|265598|AAPL|STK||0|||SMART|USD|AAPL|NMS|100|187.2|MODEL1',
    message: {
      reqId: 110,
      account: 'DU0118471',
      ...{ conId: 265598, symbol: 'AAPL', secType: 'STK', lastTradeDateOrContractMonth: '', strike: 0, right: '', multiplier: '' },
      ...{ exchange: 'SMART', currency: 'USD', localSymbol: 'AAPL', tradingClass: 'NMS', position: 100, avgCost: 187.2, modelCode: 'MODEL1' },
    },
    source: decoders,
  }),
  // PNL and PNL_SINGLE: unrealizedPnL from v129, realizedPnL from v135.
  serverFrame('PNL', { version: 178, wire: '94|215|12.5|100.25|-3.5', message: { ...pnl, unrealizedPnL: 100.25, realizedPnL: -3.5 }, source: decoders }),
  serverFrame('PNL', {
    version: 134,
    wire: '94|215|12.5|100.25',
    message: { ...pnl, unrealizedPnL: 100.25, realizedPnL: undefined },
    source: `${SOURCE.edecoder} below REALIZED_PNL (135)`,
  }),
  serverFrame('PNL', {
    version: 128,
    wire: '94|215|12.5',
    message: { ...pnl, unrealizedPnL: undefined, realizedPnL: undefined },
    source: `${SOURCE.edecoder} below UNREALIZED_PNL (129)`,
  }),
  serverFrame('PNL', {
    version: 178,
    wire: `94|215|${MAX}|${MAX}|${MAX}`,
    message: { reqId: 215, dailyPnL: undefined, unrealizedPnL: undefined, realizedPnL: undefined },
    source: `${SOURCE.edecoder}; ${SOURCE.stoqeyDecoder} (readDouble maps Double.MAX_VALUE to "unset")`,
    decodeOnly: true,
  }),
  serverFrame('PNL_SINGLE', {
    version: 178,
    wire: '95|216|100|12.5|100.25|-3.5|18730',
    message: { ...pnlSingle, unrealizedPnL: 100.25, realizedPnL: -3.5, value: 18730 },
    source: decoders,
  }),
  serverFrame('PNL_SINGLE', {
    version: 134,
    wire: '95|216|100|12.5|100.25|18730',
    message: { ...pnlSingle, unrealizedPnL: 100.25, realizedPnL: undefined, value: 18730 },
    source: `${SOURCE.edecoder} below REALIZED_PNL (135)`,
  }),
  serverFrame('PNL_SINGLE', {
    version: 128,
    wire: '95|216|100|12.5|18730',
    message: { ...pnlSingle, unrealizedPnL: undefined, realizedPnL: undefined, value: 18730 },
    source: `${SOURCE.edecoder} below UNREALIZED_PNL (129)`,
  }),
  serverFrame('SOFT_DOLLAR_TIERS', {
    version: 178,
    wire: '77|218|1|Tier1|T1|Tier One',
    message: { reqId: 218, tiers: [{ name: 'Tier1', value: 'T1', displayName: 'Tier One' }] },
    source: decoders,
  }),
  serverFrame('RECEIVE_FA', {
    version: 178,
    wire: '16|1|3|<ListOfAccountAliases/>',
    message: { faDataType: 3, xml: '<ListOfAccountAliases/>' },
    source: decoders,
  }),
  serverFrame('REPLACE_FA_END', { version: 178, wire: '103|217|FA aliases replaced', message: { reqId: 217, text: 'FA aliases replaced' }, source: decoders }),
];
