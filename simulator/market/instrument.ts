/**
 * An instrument of the simulated contract universe, after the data file has been validated and
 * its profile defaults applied. Everything the gateway needs to answer contract-details,
 * symbol-search and historical-data requests for it.
 */
import type { DerivedTerms } from './derived-price.ts';
import type { Schedule } from './trading-hours.ts';

/**
 * What makes a future or an option one contract: its expiry, strike, right and multiplier, and
 * the instrument it derives from. Dates are exchange-local `yyyyMMdd`.
 * docs/wire-facts/contracts.md#futures and docs/wire-facts/contracts.md#options.
 */
export interface DerivativeTerms {
  /** `lastTradeDateOrContractMonth` as TWS sends it in contract details (a full date). */
  lastTradeDate: string;
  /** `yyyyMM` of the contract month (futures) or of the expiry (options). */
  contractMonth: string;
  /** The expiry date (for AM-settled SPX options the Friday after the last trade date). */
  realExpirationDate: string;
  /** 0 for futures. */
  strike: number;
  /** `C`, `P`, or `` for futures. */
  right: '' | 'C' | 'P';
  /** Contract multiplier as text (`50`, `100`). */
  multiplier: string;
  underConId: number;
  underSymbol: string;
  underSecType: string;
}

export interface Instrument {
  conId: number;
  /** True for conIds made up by the simulator (reserved range), false for real IB conIds. */
  synthetic: boolean;
  symbol: string;
  secType: string;
  currency: string;
  primaryExchange: string;
  /** Exchanges answered one result each when a request's exchange is "". */
  listingExchanges: readonly string[];
  validExchanges: readonly string[];
  orderTypes: readonly string[];
  marketName: string;
  tradingClass: string;
  localSymbol: string;
  minTick: number;
  longName: string;
  industry: string;
  category: string;
  subcategory: string;
  timeZoneId: string;
  scheduleName: string;
  schedule: Schedule;
  /** Security ids by type, e.g. `{ ISIN: 'US0378331005' }`. */
  secIds: Readonly<Record<string, string>>;
  stockType: string;
  minSize: string;
  sizeIncrement: string;
  suggestedSizeIncrement: string;
  /** One market rule id per valid exchange (empty when the data gives none). */
  marketRuleIds: readonly number[];
  aggGroup: number;
  priceMagnifier: number;
  derivativeSecTypes: readonly string[];
  /** Centre of the simulated price walk, in the instrument's currency. */
  basePrice: number;
  /** Typical daily log-return spread of the simulated walk (0.02 = 2 %). */
  dailyVolatility: number;
  /** Typical regular-session volume of one day, in shares. */
  avgDailyVolume: number;
  /** Futures and options only. */
  derivative?: DerivativeTerms;
  /**
   * Generated futures and options: the exchange-local civil day (simulator/market/time.ts) the
   * contract was listed. Its earliest data (REQ_HEAD_TIMESTAMP) are its first session from that
   * day on. Undefined: data since 2000 (docs/wire-facts/market-data.md#head-timestamp).
   */
  listingDay?: number;
  /**
   * Generated options and index futures: priced from this underlying's simulated mid at each
   * instant (simulator/market/derived-price.ts) rather than walking a path of their own.
   */
  pricedFrom?: { underlying: Instrument; terms: DerivedTerms };
}

/** Exchanges an instrument can be asked for by name (listing or routing destination). */
export function isOnExchange(instrument: Instrument, exchange: string): boolean {
  const ex = exchange.toUpperCase();
  return instrument.validExchanges.includes(ex) || instrument.listingExchanges.includes(ex) || instrument.primaryExchange === ex;
}

/**
 * Whether the instrument's market reports trades. Spot forex (CASH, IDEALPRO) is a quote-driven
 * market: TWS shows bid, ask, high, low and close but no last price, last size or volume, and
 * HMDS has no TRADES history for it. docs/wire-facts/market-data.md#forex-has-no-trades
 */
export function reportsTrades(i: Pick<Instrument, 'secType'>): boolean {
  return i.secType !== 'CASH';
}

/**
 * Where an instrument trades when no exchange was asked for: its primary exchange, else its first
 * listing (forex, indices, futures and options carry no primary exchange: IDEALPRO, CBOE, CME …).
 * The exchange TWS names in permission texts and tick exchanges. docs/wire-facts/market-data.md#permissions-354-and-10167
 */
export function homeExchange(i: Instrument): string {
  return i.primaryExchange || i.listingExchanges[0] || i.validExchanges[0] || '';
}
