/**
 * What the order engine needs of the market, as two narrow ports: the instruments it can trade
 * (tick size, currency, exchange hours) and a price source (best bid, best offer and last trade at
 * a model instant). The engine never reads prices any other way, so the simulator's one price path
 * — today `market/price-path.ts`, later the quote API of `market/quotes.ts` — plugs in here.
 *
 * Units: instants are epoch ms of model time; prices are in the instrument's currency, on its
 * tick grid.
 */
import type { ExchangeHours } from '../market/market-hours.ts';
import type { PriceLadder } from '../market/price-ladder.ts';

/** An instrument as the order engine sees it. */
export interface TradableInstrument {
  conId: number;
  symbol: string;
  secType: string;
  currency: string;
  /** The listing exchange, reported as the execution's exchange. */
  primaryExchange: string;
  localSymbol: string;
  tradingClass: string;
  /**
   * The prices the instrument trades at, by price level (its market rule: SPX options 0.05 below
   * 3.00, 0.10 from 3.00); order prices off it are refused (110). docs/wire-facts/contracts.md#price-dependent-ticks
   */
  ladder: PriceLadder;
  /** The weekly schedule with its calendar, and the exchange's zone (market-hours.ts). */
  hours: ExchangeHours;
}

/** The top of the book at one instant. */
export interface TopOfBook {
  bid: number;
  ask: number;
  last: number;
}

/**
 * The price port. `quoteAt` is a pure function of (seed, conId, instant): asking twice, or in
 * another order, gives the same answer. Undefined for an instrument the source does not know.
 */
export interface PriceSource {
  quoteAt(conId: number, ms: number): TopOfBook | undefined;
}

/** Both ports together: what the gateway hands the order desk. */
export interface TradingVenue {
  instrument(conId: number): TradableInstrument | undefined;
  prices: PriceSource;
}
