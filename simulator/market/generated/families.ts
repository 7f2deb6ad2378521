/**
 * The futures families and option chains the simulator lists, as data: what each contract's
 * fields are and which expiries exist. Real facts (conIds of underlyings, multipliers, trading
 * classes, expiry rules) are cited in docs/wire-facts/contracts.md#futures and
 * docs/wire-facts/contracts.md#options; the conIds of the contracts themselves are generated
 * (generated/conids.ts), and exchange lists, order types and market rule ids marked
 * "representative" there are not captured from a live TWS.
 */

export type ExpiryKind = 'monthly' | 'weekly' | 'daily';

export interface FutureFamily {
  /** Position in the conId scheme (generated/conids.ts); never reuse one. */
  index: number;
  symbol: string;
  tradingClass: string;
  longName: string;
  multiplier: string;
  minTick: number;
  exchange: string;
  currency: string;
  /** The index the future settles on, with its real conId. */
  underConId: number;
  underSymbol: string;
  /** Quarterly contracts listed at any time. */
  listedQuarters: number;
  marketRuleId: number;
  /**
   * The cash index the future is priced from (its conId in the bundled universe: SPX for ES, NDX
   * for NQ) at each instant, by cost of carry with this dividend yield (simulator/market/derived-price.ts,
   * docs/wire-facts/market-data.md#derived-prices). `underConId` stays IB's (the CME index line).
   */
  priceIndexConId: number;
  carryYield: number;
  /** The future's own walk, used only when the universe lacks `priceIndexConId`. */
  basePrice: number;
  dailyVolatility: number;
  avgDailyVolume: number;
}

export interface OptionChainSpec {
  /** Position in the conId scheme (generated/conids.ts); never reuse one. */
  index: number;
  underlyingSymbol: string;
  /** conId of the underlying in the bundled universe; the chain is left out when it is missing. */
  underlyingConId: number;
  tradingClass: string;
  /** Exchanges that list the chain; SMART first. One SECURITY_DEFINITION_OPTION_PARAMETER each. */
  exchanges: readonly string[];
  multiplier: string;
  minTick: number;
  marketRuleId: number;
  /** Strikes are multiples of this, within `strikeRange` of the underlying's price at listing. */
  strikeStep: number;
  /** Fraction of the listing price on each side (0.25 = ±25 %). */
  strikeRange: number;
  /** conId resolution of strikes: every strike must be a multiple of it. */
  strikeUnit: number;
  /** Equity and ETF options are American-style, SPX options European (priced accordingly: simulator/market/derived-price.ts). */
  exercise: 'american' | 'european';
  /** AM-settled: the last trade date is the trading day before the expiry (SPX monthlies). */
  amSettled: boolean;
  /** How many expiries of each kind are listed ahead (months, weeks, trading days). */
  expiries: Partial<Record<ExpiryKind, number>>;
}

/** Futures months by IB's local-symbol month code (ESZ5 = December 2025). */
export const MONTH_CODES = ['F', 'G', 'H', 'J', 'K', 'M', 'N', 'Q', 'U', 'V', 'X', 'Z'] as const;

/** Market rule ids this file uses that are not IB's: see simulator/market/market-rules.ts. */
export const FUTURES_QUARTER_TICK_RULE = 90_001;
export const PENNY_PILOT_OPTION_RULE = 90_002;
export const PENNY_OPTION_RULE = 90_003;
export const SPX_OPTION_RULE = 90_004;

const INDEX_FUTURE = { exchange: 'CME', currency: 'USD', minTick: 0.25, listedQuarters: 5, marketRuleId: FUTURES_QUARTER_TICK_RULE } as const;

export const FUTURE_FAMILIES: readonly FutureFamily[] = [
  {
    ...INDEX_FUTURE,
    index: 0,
    symbol: 'ES',
    tradingClass: 'ES',
    longName: 'E-mini S&P 500',
    multiplier: '50',
    underConId: 11004968,
    underSymbol: 'ES',
    priceIndexConId: 416904,
    carryYield: 0.013,
    basePrice: 6800,
    dailyVolatility: 0.011,
    avgDailyVolume: 1_500_000,
  },
  {
    ...INDEX_FUTURE,
    index: 1,
    symbol: 'NQ',
    tradingClass: 'NQ',
    longName: 'E-mini NASDAQ 100',
    multiplier: '20',
    underConId: 11004958,
    underSymbol: 'NQ',
    priceIndexConId: 416843,
    carryYield: 0.007,
    basePrice: 25000,
    dailyVolatility: 0.014,
    avgDailyVolume: 600_000,
  },
];

/** US equity option exchanges as IB lists them (representative). */
const US_OPTION_EXCHANGES = [
  'SMART',
  'AMEX',
  'BATS',
  'BOX',
  'CBOE',
  'CBOE2',
  'EDGX',
  'EMERALD',
  'GEMINI',
  'IBUSOPT',
  'ISE',
  'MERCURY',
  'MIAX',
  'NASDAQBX',
  'NASDAQOM',
  'PEARL',
  'PHLX',
  'PSE',
] as const;

const EQUITY_OPTION = { exchanges: US_OPTION_EXCHANGES, multiplier: '100', amSettled: false, strikeUnit: 0.5, exercise: 'american' } as const;

export const OPTION_CHAINS: readonly OptionChainSpec[] = [
  {
    ...EQUITY_OPTION,
    index: 0,
    underlyingSymbol: 'AAPL',
    underlyingConId: 265598,
    tradingClass: 'AAPL',
    minTick: 0.01,
    marketRuleId: PENNY_PILOT_OPTION_RULE,
    strikeStep: 5,
    strikeRange: 0.3,
    expiries: { monthly: 6, weekly: 6 },
  },
  {
    ...EQUITY_OPTION,
    index: 1,
    underlyingSymbol: 'SPY',
    underlyingConId: 756733,
    tradingClass: 'SPY',
    minTick: 0.01,
    marketRuleId: PENNY_OPTION_RULE,
    strikeStep: 1,
    strikeRange: 0.12,
    expiries: { monthly: 6, weekly: 6, daily: 10 },
  },
  {
    ...EQUITY_OPTION,
    index: 2,
    underlyingSymbol: 'QQQ',
    underlyingConId: 320227571,
    tradingClass: 'QQQ',
    minTick: 0.01,
    marketRuleId: PENNY_OPTION_RULE,
    strikeStep: 1,
    strikeRange: 0.12,
    expiries: { monthly: 6, weekly: 6, daily: 10 },
  },
  {
    index: 3,
    underlyingSymbol: 'SPX',
    underlyingConId: 416904,
    tradingClass: 'SPX',
    exchanges: ['SMART', 'CBOE'],
    multiplier: '100',
    minTick: 0.05,
    marketRuleId: SPX_OPTION_RULE,
    strikeStep: 25,
    strikeRange: 0.2,
    strikeUnit: 5,
    exercise: 'european',
    amSettled: true,
    expiries: { monthly: 8 },
  },
  {
    index: 4,
    underlyingSymbol: 'SPX',
    underlyingConId: 416904,
    tradingClass: 'SPXW',
    exchanges: ['SMART', 'CBOE'],
    multiplier: '100',
    minTick: 0.05,
    marketRuleId: SPX_OPTION_RULE,
    strikeStep: 5,
    strikeRange: 0.08,
    strikeUnit: 5,
    exercise: 'european',
    amSettled: false,
    expiries: { weekly: 8, daily: 10 },
  },
];
