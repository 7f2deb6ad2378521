/**
 * Reference frames of CONTRACT_DATA (server message 10), one per layout between server versions
 * 100 and 194, read off the official EDecoder.java processContractDataMsg (TWS API 10.34.02) and
 * @stoqey/ib 1.6.10 decodeMsg_CONTRACT_DATA, which agree field for field:
 *
 * - below 164 (SIZE_RULES) a version field, `8`, after the id;
 * - mdSizeMultiplier after minTick for 110 <= v < 164 (MD_SIZE_MULTIPLIER);
 * - aggGroup from 121; underSymbol, underSecType from 122; marketRuleIds from 126;
 *   realExpirationDate from 134; stockType from 152;
 * - sizeMinTick only at 163 (FRACTIONAL_SIZE_SUPPORT, replaced at 164); minSize, sizeIncrement,
 *   suggestedSizeIncrement from 164;
 * - 17 fund fields from 179 (FUND_DATA_FIELDS), only for secType FUND;
 * - lastTradeDate after lastTradeDateOrContractMonth from 182 (LAST_TRADE_DATE);
 * - a count of ineligibility reasons, then (id, description) pairs, last, from 186.
 *
 * The option's values are synthetic and distinct wherever the field allows; the AAPL stock frame
 * is the one both real clients accepted from the team's mock gateway.
 */
import { serverFrame, SOURCE } from './reference-frame.ts';

const decoders = `${SOURCE.edecoder} processContractDataMsg; ${SOURCE.stoqeyDecoder}`;

const noFundData = {
  fundName: '',
  fundFamily: '',
  fundType: '',
  fundFrontLoad: '',
  fundBackLoad: '',
  fundBackLoadTimeInterval: '',
  fundManagementFee: '',
  fundClosed: false,
  fundClosedForNewInvestors: false,
  fundClosedForNewMoney: false,
  fundNotifyAmount: '',
  fundMinimumInitialPurchase: '',
  fundSubsequentMinimumPurchase: '',
  fundBlueSkyStates: '',
  fundBlueSkyTerritories: '',
  fundDistributionPolicyIndicator: '',
  fundAssetType: '',
};

/** An AAPL call as decoded at v178 (fields closed at 178 hold the decoder's defaults). */
const option178 = {
  reqId: 7,
  symbol: 'AAPL',
  secType: 'OPT',
  lastTradeDateOrContractMonth: '20261218',
  lastTradeDate: '',
  strike: 152.5,
  right: 'C',
  exchange: 'SMART',
  currency: 'USD',
  localSymbol: 'AAPL  261218C00152500',
  marketName: 'AAPL',
  tradingClass: 'AAPLX',
  conId: 712345678,
  minTick: 0.05,
  mdSizeMultiplier: 0,
  multiplier: '100',
  orderTypes: 'LMT,MKT,STP',
  validExchanges: 'SMART,CBOE,ISE',
  priceMagnifier: 2,
  underConId: 265598,
  longName: 'APPLE INC',
  primaryExchange: 'CBOE',
  contractMonth: '202612',
  industry: 'Technology',
  category: 'Computers',
  subcategory: 'Consumer Electronics',
  timeZoneId: 'US/Eastern',
  tradingHours: '20251110:0930-20251110:1600',
  liquidHours: '20251110:0945-20251110:1545',
  evRule: 'aapl_ev',
  evMultiplier: 0.25,
  secIdList: [{ tag: 'CUSIP', value: '037833100' }],
  aggGroup: 3,
  underSymbol: 'AAPL',
  underSecType: 'STK',
  marketRuleIds: '32,109,110',
  realExpirationDate: '20261219',
  stockType: 'COMMON',
  sizeMinTick: '',
  minSize: '1',
  sizeIncrement: '0.5',
  suggestedSizeIncrement: '10',
  ...noFundData,
  ineligibilityReasons: [] as Array<{ id: string; description: string }>,
};

// Each older layout, as the fields a gate adds to the one before it.
const option100 = {
  ...option178,
  ...{ aggGroup: 0, underSymbol: '', underSecType: '', marketRuleIds: '', realExpirationDate: '', stockType: '' },
  ...{ minSize: '', sizeIncrement: '', suggestedSizeIncrement: '' },
};
const option110 = { ...option100, mdSizeMultiplier: 1 };
const option121 = { ...option110, aggGroup: 3 };
const option122 = { ...option121, underSymbol: 'AAPL', underSecType: 'STK' };
const option126 = { ...option122, marketRuleIds: '32,109,110' };
const option134 = { ...option126, realExpirationDate: '20261219' };
const option152 = { ...option134, stockType: 'COMMON' };
const option163 = { ...option152, sizeMinTick: '0.01' };
const option182 = { ...option178, lastTradeDate: '20261217' };
const option186 = { ...option182, ineligibilityReasons: [{ id: 'R1', description: 'Not eligible in this account' }] };

const aaplHours = '20251110:0930-20251110:1600;20251111:0930-20251111:1600';
const fundHours = '20251110:0930-20251110:1600';

export const contractDataFrames = [
  serverFrame('CONTRACT_DATA', {
    version: 178,
    wire: `10|101|AAPL|STK||0||SMART|USD|AAPL|NMS|NMS|265598|0.01||ACTIVETIM,ADJUST,ALERT,LMT,MKT,STP|SMART,NASDAQ|1|0|APPLE INC|NASDAQ||Technology|Computers|Computers|US/Eastern|${aaplHours}|${aaplHours}|||1|ISIN|US0378331005|1|||26,26||COMMON|0.0001|0.0001|100`,
    message: {
      ...{ reqId: 101, symbol: 'AAPL', secType: 'STK', lastTradeDateOrContractMonth: '', lastTradeDate: '', strike: 0, right: '', exchange: 'SMART' },
      ...{ currency: 'USD', localSymbol: 'AAPL', marketName: 'NMS', tradingClass: 'NMS', conId: 265598, minTick: 0.01, mdSizeMultiplier: 0 },
      ...{ multiplier: '', orderTypes: 'ACTIVETIM,ADJUST,ALERT,LMT,MKT,STP', validExchanges: 'SMART,NASDAQ', priceMagnifier: 1, underConId: 0 },
      ...{ longName: 'APPLE INC', primaryExchange: 'NASDAQ', contractMonth: '', industry: 'Technology', category: 'Computers' },
      ...{ subcategory: 'Computers', timeZoneId: 'US/Eastern', tradingHours: aaplHours, liquidHours: aaplHours, evRule: '', evMultiplier: undefined },
      ...{ secIdList: [{ tag: 'ISIN', value: 'US0378331005' }], aggGroup: 1, underSymbol: '', underSecType: '', marketRuleIds: '26,26' },
      ...{ realExpirationDate: '', stockType: 'COMMON', sizeMinTick: '', minSize: '0.0001', sizeIncrement: '0.0001', suggestedSizeIncrement: '100' },
      ...noFundData,
      ineligibilityReasons: [],
    },
    source: `${decoders}; ${SOURCE.stoqeyCapture}; ${SOURCE.ibAsyncCapture}`,
  }),
  serverFrame('CONTRACT_DATA', {
    version: 178,
    wire: '10|7|AAPL|OPT|20261218|152.5|C|SMART|USD|AAPL  261218C00152500|AAPL|AAPLX|712345678|0.05|100|LMT,MKT,STP|SMART,CBOE,ISE|2|265598|APPLE INC|CBOE|202612|Technology|Computers|Consumer Electronics|US/Eastern|20251110:0930-20251110:1600|20251110:0945-20251110:1545|aapl_ev|0.25|1|CUSIP|037833100|3|AAPL|STK|32,109,110|20261219|COMMON|1|0.5|10',
    message: option178,
    source: `${decoders}; ${SOURCE.ibAsyncDecoder} contractDetails`,
  }),
  serverFrame('CONTRACT_DATA', {
    version: 100,
    wire: '10|8|7|AAPL|OPT|20261218|152.5|C|SMART|USD|AAPL  261218C00152500|AAPL|AAPLX|712345678|0.05|100|LMT,MKT,STP|SMART,CBOE,ISE|2|265598|APPLE INC|CBOE|202612|Technology|Computers|Consumer Electronics|US/Eastern|20251110:0930-20251110:1600|20251110:0945-20251110:1545|aapl_ev|0.25|1|CUSIP|037833100',
    message: option100,
    source: decoders,
  }),
  serverFrame('CONTRACT_DATA', {
    version: 110,
    wire: '10|8|7|AAPL|OPT|20261218|152.5|C|SMART|USD|AAPL  261218C00152500|AAPL|AAPLX|712345678|0.05|1|100|LMT,MKT,STP|SMART,CBOE,ISE|2|265598|APPLE INC|CBOE|202612|Technology|Computers|Consumer Electronics|US/Eastern|20251110:0930-20251110:1600|20251110:0945-20251110:1545|aapl_ev|0.25|1|CUSIP|037833100',
    message: option110,
    source: decoders,
  }),
  serverFrame('CONTRACT_DATA', {
    version: 121,
    wire: '10|8|7|AAPL|OPT|20261218|152.5|C|SMART|USD|AAPL  261218C00152500|AAPL|AAPLX|712345678|0.05|1|100|LMT,MKT,STP|SMART,CBOE,ISE|2|265598|APPLE INC|CBOE|202612|Technology|Computers|Consumer Electronics|US/Eastern|20251110:0930-20251110:1600|20251110:0945-20251110:1545|aapl_ev|0.25|1|CUSIP|037833100|3',
    message: option121,
    source: decoders,
  }),
  serverFrame('CONTRACT_DATA', {
    version: 122,
    wire: '10|8|7|AAPL|OPT|20261218|152.5|C|SMART|USD|AAPL  261218C00152500|AAPL|AAPLX|712345678|0.05|1|100|LMT,MKT,STP|SMART,CBOE,ISE|2|265598|APPLE INC|CBOE|202612|Technology|Computers|Consumer Electronics|US/Eastern|20251110:0930-20251110:1600|20251110:0945-20251110:1545|aapl_ev|0.25|1|CUSIP|037833100|3|AAPL|STK',
    message: option122,
    source: decoders,
  }),
  serverFrame('CONTRACT_DATA', {
    version: 126,
    wire: '10|8|7|AAPL|OPT|20261218|152.5|C|SMART|USD|AAPL  261218C00152500|AAPL|AAPLX|712345678|0.05|1|100|LMT,MKT,STP|SMART,CBOE,ISE|2|265598|APPLE INC|CBOE|202612|Technology|Computers|Consumer Electronics|US/Eastern|20251110:0930-20251110:1600|20251110:0945-20251110:1545|aapl_ev|0.25|1|CUSIP|037833100|3|AAPL|STK|32,109,110',
    message: option126,
    source: decoders,
  }),
  serverFrame('CONTRACT_DATA', {
    version: 134,
    wire: '10|8|7|AAPL|OPT|20261218|152.5|C|SMART|USD|AAPL  261218C00152500|AAPL|AAPLX|712345678|0.05|1|100|LMT,MKT,STP|SMART,CBOE,ISE|2|265598|APPLE INC|CBOE|202612|Technology|Computers|Consumer Electronics|US/Eastern|20251110:0930-20251110:1600|20251110:0945-20251110:1545|aapl_ev|0.25|1|CUSIP|037833100|3|AAPL|STK|32,109,110|20261219',
    message: option134,
    source: decoders,
  }),
  serverFrame('CONTRACT_DATA', {
    version: 152,
    wire: '10|8|7|AAPL|OPT|20261218|152.5|C|SMART|USD|AAPL  261218C00152500|AAPL|AAPLX|712345678|0.05|1|100|LMT,MKT,STP|SMART,CBOE,ISE|2|265598|APPLE INC|CBOE|202612|Technology|Computers|Consumer Electronics|US/Eastern|20251110:0930-20251110:1600|20251110:0945-20251110:1545|aapl_ev|0.25|1|CUSIP|037833100|3|AAPL|STK|32,109,110|20261219|COMMON',
    message: option152,
    source: decoders,
  }),
  serverFrame('CONTRACT_DATA', {
    version: 163,
    wire: '10|8|7|AAPL|OPT|20261218|152.5|C|SMART|USD|AAPL  261218C00152500|AAPL|AAPLX|712345678|0.05|1|100|LMT,MKT,STP|SMART,CBOE,ISE|2|265598|APPLE INC|CBOE|202612|Technology|Computers|Consumer Electronics|US/Eastern|20251110:0930-20251110:1600|20251110:0945-20251110:1545|aapl_ev|0.25|1|CUSIP|037833100|3|AAPL|STK|32,109,110|20261219|COMMON|0.01',
    message: option163,
    source: decoders,
  }),
  serverFrame('CONTRACT_DATA', {
    version: 179,
    wire: `10|11|VFIAX|FUND||0||FUNDSERV|USD|VFIAX|MUTUALFUND|VFIAX|900000201|0.01||MKT|FUNDSERV|1|0|VANGUARD 500 INDEX ADMIRAL|FUNDSERV||Funds|Equity Fund|Large Cap|US/Eastern|${fundHours}|${fundHours}|||1|ISIN|US9229087104|1|||26|||0.001|0.001|100|Vanguard 500 Index Admiral|Vanguard|Open-end|0.5|0.25|90D|0.04|0|1|0|1000|3000|50|CA,NY|PR|Y|004`,
    message: {
      ...{ reqId: 11, symbol: 'VFIAX', secType: 'FUND', lastTradeDateOrContractMonth: '', lastTradeDate: '', strike: 0, right: '', exchange: 'FUNDSERV' },
      ...{ currency: 'USD', localSymbol: 'VFIAX', marketName: 'MUTUALFUND', tradingClass: 'VFIAX', conId: 900000201, minTick: 0.01, mdSizeMultiplier: 0 },
      ...{ multiplier: '', orderTypes: 'MKT', validExchanges: 'FUNDSERV', priceMagnifier: 1, underConId: 0, longName: 'VANGUARD 500 INDEX ADMIRAL' },
      ...{ primaryExchange: 'FUNDSERV', contractMonth: '', industry: 'Funds', category: 'Equity Fund', subcategory: 'Large Cap', timeZoneId: 'US/Eastern' },
      ...{ tradingHours: fundHours, liquidHours: fundHours, evRule: '', evMultiplier: undefined, secIdList: [{ tag: 'ISIN', value: 'US9229087104' }] },
      ...{ aggGroup: 1, underSymbol: '', underSecType: '', marketRuleIds: '26', realExpirationDate: '', stockType: '', sizeMinTick: '' },
      ...{ minSize: '0.001', sizeIncrement: '0.001', suggestedSizeIncrement: '100' },
      ...{ fundName: 'Vanguard 500 Index Admiral', fundFamily: 'Vanguard', fundType: 'Open-end', fundFrontLoad: '0.5', fundBackLoad: '0.25' },
      ...{ fundBackLoadTimeInterval: '90D', fundManagementFee: '0.04', fundClosed: false, fundClosedForNewInvestors: true, fundClosedForNewMoney: false },
      ...{ fundNotifyAmount: '1000', fundMinimumInitialPurchase: '3000', fundSubsequentMinimumPurchase: '50', fundBlueSkyStates: 'CA,NY' },
      ...{ fundBlueSkyTerritories: 'PR', fundDistributionPolicyIndicator: 'Y', fundAssetType: '004' },
      ineligibilityReasons: [],
    },
    source: `${decoders} (fund fields from FUND_DATA_FIELDS = 179, secType FUND only)`,
  }),
  serverFrame('CONTRACT_DATA', {
    version: 182,
    wire: '10|7|AAPL|OPT|20261218|20261217|152.5|C|SMART|USD|AAPL  261218C00152500|AAPL|AAPLX|712345678|0.05|100|LMT,MKT,STP|SMART,CBOE,ISE|2|265598|APPLE INC|CBOE|202612|Technology|Computers|Consumer Electronics|US/Eastern|20251110:0930-20251110:1600|20251110:0945-20251110:1545|aapl_ev|0.25|1|CUSIP|037833100|3|AAPL|STK|32,109,110|20261219|COMMON|1|0.5|10',
    message: option182,
    source: decoders,
  }),
  serverFrame('CONTRACT_DATA', {
    version: 186,
    wire: '10|7|AAPL|OPT|20261218|20261217|152.5|C|SMART|USD|AAPL  261218C00152500|AAPL|AAPLX|712345678|0.05|100|LMT,MKT,STP|SMART,CBOE,ISE|2|265598|APPLE INC|CBOE|202612|Technology|Computers|Consumer Electronics|US/Eastern|20251110:0930-20251110:1600|20251110:0945-20251110:1545|aapl_ev|0.25|1|CUSIP|037833100|3|AAPL|STK|32,109,110|20261219|COMMON|1|0.5|10|1|R1|Not eligible in this account',
    message: option186,
    source: decoders,
  }),
];
