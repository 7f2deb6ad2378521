/**
 * Reference frames of the instrument replies added with the market-data work: bond details (one
 * per layout, from a reference writer transcribed from official EDecoder.java
 * processBondContractDataMsg), option-chain parameters, market rules, family codes, fundamentals,
 * the scanner; and of the news, WSH and session replies. Written from official EDecoder.java
 * (TWS API 10.34.02), checked against @stoqey/ib 1.6.10 decoder.js and ib_async 2.0.1
 * decoder.py (read 2026-11-30).
 */
import { FrameWriter, writtenFrame } from './frame-writer.ts';
import { serverFrame, SOURCE, type ReferenceFrame } from './reference-frame.ts';

const decoders = `${SOURCE.edecoder}; ${SOURCE.stoqeyDecoder}; ${SOURCE.ibAsyncDecoder}`;
const noStoqey = `${SOURCE.edecoder}; ${SOURCE.ibAsyncDecoder} (@stoqey/ib 1.6.10 has no parser)`;

const bond = {
  reqId: 114,
  symbol: 'IBM',
  secType: 'BOND',
  cusip: '459200HU8',
  coupon: 3.625,
  maturity: '20340212',
  issueDate: '20240212',
  ratings: 'A-',
  bondType: 'CORP',
  couponType: 'FIXED',
  convertible: false,
  callable: true,
  putable: false,
  descAppend: 'IBM 3 5/8 02/12/34',
  exchange: 'SMART',
  currency: 'USD',
  marketName: 'IBM',
  tradingClass: 'IBMB',
  conId: 900000501,
  minTick: 0.001,
  mdSizeMultiplier: 1,
  orderTypes: 'LMT,MKT',
  validExchanges: 'SMART,BONDDESK',
  nextOptionDate: '20300212',
  nextOptionType: 'Call',
  nextOptionPartial: true,
  notes: 'callable',
  longName: 'INTL BUSINESS MACHINES CORP',
  timeZoneId: 'US/Eastern',
  tradingHours: '20261110:0400-20261110:2000',
  liquidHours: '20261110:0930-20261110:1600',
  evRule: '',
  evMultiplier: undefined,
  secIdList: [{ tag: 'CUSIP', value: '459200HU8' }],
  aggGroup: 2,
  marketRuleIds: '240',
  minSize: '1000',
  sizeIncrement: '1000',
  suggestedSizeIncrement: '1000',
};

/** EDecoder.processBondContractDataMsg: version 6 until v164 (SIZE_RULES). */
function bondFrame(v: number): ReferenceFrame {
  const w = new FrameWriter(18, bond);
  w.lit('6', v < 164)
    .n('reqId')
    .s('symbol')
    .s('secType')
    .s('cusip')
    .n('coupon')
    .s('maturity')
    .s('issueDate')
    .s('ratings');
  w.s('bondType').s('couponType').b('convertible').b('callable').b('putable').s('descAppend').s('exchange').s('currency');
  w.s('marketName')
    .s('tradingClass')
    .n('conId')
    .n('minTick')
    .n('mdSizeMultiplier', v >= 110 && v < 164);
  w.s('orderTypes').s('validExchanges').s('nextOptionDate').s('nextOptionType').b('nextOptionPartial').s('notes').s('longName');
  w.s('timeZoneId', v >= 188)
    .s('tradingHours', v >= 188)
    .s('liquidHours', v >= 188);
  w.s('evRule')
    .o('evMultiplier')
    .list('secIdList', true, (t) => t.s('tag').s('value'));
  w.n('aggGroup', v >= 121).s('marketRuleIds', v >= 126);
  w.s('minSize', v >= 164)
    .s('sizeIncrement', v >= 164)
    .s('suggestedSizeIncrement', v >= 164);
  return writtenFrame('server', 'BOND_CONTRACT_DATA', v, w, `${SOURCE.edecoder} processBondContractDataMsg; ${SOURCE.stoqeyDecoder}`);
}

export const contractServerFrames = [
  ...[109, 120, 125, 163, 178, 193].map(bondFrame),
  serverFrame('SECURITY_DEFINITION_OPTION_PARAMETER', {
    version: 178,
    wire: '75|212|SMART|265598|AAPL|100|2|20261218|20270115|3|150|152.5|155',
    message: {
      reqId: 212,
      exchange: 'SMART',
      underlyingConId: 265598,
      tradingClass: 'AAPL',
      multiplier: '100',
      expirations: [{ expiration: '20261218' }, { expiration: '20270115' }],
      strikes: [{ strike: 150 }, { strike: 152.5 }, { strike: 155 }],
    },
    source: decoders,
  }),
  serverFrame('SECURITY_DEFINITION_OPTION_PARAMETER_END', { version: 178, wire: '76|212', message: { reqId: 212 }, source: decoders }),
  serverFrame('MARKET_RULE', {
    version: 178,
    wire: '93|26|2|0|0.01|1000|0.05',
    message: {
      marketRuleId: 26,
      priceIncrements: [
        { lowEdge: 0, increment: 0.01 },
        { lowEdge: 1000, increment: 0.05 },
      ],
    },
    source: decoders,
  }),
  serverFrame('FAMILY_CODES', {
    version: 178,
    wire: '78|1|DU0118471|F1',
    message: { familyCodes: [{ accountId: 'DU0118471', familyCode: 'F1' }] },
    source: decoders,
  }),
  serverFrame('FUNDAMENTAL_DATA', { version: 178, wire: '51|1|211|<ReportSnapshot/>', message: { reqId: 211, data: '<ReportSnapshot/>' }, source: decoders }),
  serverFrame('SCANNER_PARAMETERS', { version: 178, wire: '19|1|<ScanParameterResponse/>', message: { xml: '<ScanParameterResponse/>' }, source: decoders }),
  serverFrame('SCANNER_DATA', {
    version: 178,
    wire: '20|3|210|2|0|265598|AAPL|STK||0||SMART|USD|AAPL|NMS|NMS|||||1|272093|MSFT|STK||0||SMART|USD|MSFT|NMS|NMS|1.5|bench|proj|legs',
    message: {
      reqId: 210,
      items: [
        {
          ...{ rank: 0, conId: 265598, symbol: 'AAPL', secType: 'STK', lastTradeDateOrContractMonth: '', strike: 0, right: '' },
          ...{ exchange: 'SMART', currency: 'USD', localSymbol: 'AAPL', marketName: 'NMS', tradingClass: 'NMS' },
          ...{ distance: '', benchmark: '', projection: '', legsStr: '' },
        },
        {
          ...{ rank: 1, conId: 272093, symbol: 'MSFT', secType: 'STK', lastTradeDateOrContractMonth: '', strike: 0, right: '' },
          ...{ exchange: 'SMART', currency: 'USD', localSymbol: 'MSFT', marketName: 'NMS', tradingClass: 'NMS' },
          ...{ distance: '1.5', benchmark: 'bench', projection: 'proj', legsStr: 'legs' },
        },
      ],
    },
    source: decoders,
  }),

  // News and WSH.
  serverFrame('NEWS_BULLETINS', {
    version: 178,
    wire: '14|1|5|1|Trading halted|NYSE',
    message: { msgId: 5, msgType: 1, message: 'Trading halted', originExchange: 'NYSE' },
    source: decoders,
  }),
  serverFrame('NEWS_PROVIDERS', {
    version: 178,
    wire: '85|2|BRFG|Briefing.com General Market Columns|BZ|Benzinga Pro',
    message: {
      providers: [
        { providerCode: 'BRFG', providerName: 'Briefing.com General Market Columns' },
        { providerCode: 'BZ', providerName: 'Benzinga Pro' },
      ],
    },
    source: decoders,
  }),
  serverFrame('NEWS_ARTICLE', {
    version: 178,
    wire: '83|219|0|<p>Apple beats</p>',
    message: { reqId: 219, articleType: 0, articleText: '<p>Apple beats</p>' },
    source: decoders,
  }),
  serverFrame('TICK_NEWS', {
    version: 178,
    wire: '84|201|1762785000000|BZ|BZ$1a2b|Apple beats|K:n/a',
    message: { reqId: 201, timeStamp: 1762785000000, providerCode: 'BZ', articleId: 'BZ$1a2b', headline: 'Apple beats', extraData: 'K:n/a' },
    source: decoders,
  }),
  serverFrame('HISTORICAL_NEWS', {
    version: 178,
    wire: '86|220|2026-11-10 09:30:00.0|BRFG|BRFG$04fb9da2|Apple beats',
    message: { reqId: 220, time: '2026-11-10 09:30:00.0', providerCode: 'BRFG', articleId: 'BRFG$04fb9da2', headline: 'Apple beats' },
    source: decoders,
  }),
  serverFrame('HISTORICAL_NEWS_END', { version: 178, wire: '87|220|1', message: { reqId: 220, hasMore: true }, source: decoders }),
  serverFrame('WSH_META_DATA', { version: 178, wire: '104|221|{"meta":1}', message: { reqId: 221, dataJson: '{"meta":1}' }, source: decoders }),
  serverFrame('WSH_EVENT_DATA', { version: 178, wire: '105|222|{"events":[]}', message: { reqId: 222, dataJson: '{"events":[]}' }, source: decoders }),

  // Session.
  serverFrame('USER_INFO', { version: 178, wire: '107|223|brand-1', message: { reqId: 223, whiteBrandingId: 'brand-1' }, source: decoders }),
  serverFrame('VERIFY_MESSAGE_API', { version: 178, wire: '65|1|data-1', message: { apiData: 'data-1' }, source: noStoqey }),
  serverFrame('VERIFY_COMPLETED', { version: 178, wire: '66|1|true|', message: { isSuccessful: 'true', errorText: '' }, source: noStoqey }),
  serverFrame('VERIFY_AND_AUTH_MESSAGE_API', {
    version: 178,
    wire: '69|1|data-2|challenge',
    message: { apiData: 'data-2', xyzChallenge: 'challenge' },
    source: noStoqey,
  }),
  serverFrame('VERIFY_AND_AUTH_COMPLETED', {
    version: 178,
    wire: '70|1|false|bad key',
    message: { isSuccessful: 'false', errorText: 'bad key' },
    source: noStoqey,
  }),
  serverFrame('DISPLAY_GROUP_LIST', { version: 178, wire: '67|1|224|4', message: { reqId: 224, groups: '4' }, source: decoders }),
  serverFrame('DISPLAY_GROUP_UPDATED', {
    version: 178,
    wire: '68|1|225|265598@SMART',
    message: { reqId: 225, contractInfo: '265598@SMART' },
    source: decoders,
  }),
];
