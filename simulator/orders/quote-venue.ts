/**
 * The trading venue over the market-data port: instruments from the contract universe, prices
 * from the quote model (`market/quotes.ts`) that ticks, real-time bars, historical ticks and bars
 * also come from, so a fill agrees with what a market-data line showed at the same instant.
 */
import type { ContractUniverse } from '../market/contracts.ts';
import type { Instrument } from '../market/instrument.ts';
import { PriceLadder } from '../market/price-ladder.ts';
import type { MarketData } from '../model/ports.ts';
import type { PriceSource, TradableInstrument, TradingVenue } from './venue.ts';

/** The order engine's view of an instrument of the universe. */
export function tradable(i: Instrument): TradableInstrument {
  return {
    conId: i.conId,
    symbol: i.symbol,
    secType: i.secType,
    currency: i.currency,
    primaryExchange: i.primaryExchange,
    localSymbol: i.localSymbol,
    tradingClass: i.tradingClass,
    ladder: PriceLadder.of(i),
    hours: { schedule: i.schedule, timeZoneId: i.timeZoneId },
  };
}

/**
 * The venue of `universe` priced by `market.quotes`: `quoteAt(conId, ms)` is the quote model's
 * bid, ask and last at `ms` (epoch ms, model time), a pure function of (seed, conId, ms);
 * undefined for a conId the universe does not hold.
 */
export function quoteVenue(universe: Pick<ContractUniverse, 'byConId'>, market: Pick<MarketData, 'quotes'>): TradingVenue {
  const prices: PriceSource = {
    quoteAt(conId, ms) {
      const i = universe.byConId(conId);
      if (!i) return undefined;
      const q = market.quotes(i).quoteAt(ms);
      return { bid: q.bid, ask: q.ask, last: q.last };
    },
  };
  return {
    instrument(conId) {
      const i = universe.byConId(conId);
      return i ? tradable(i) : undefined;
    },
    prices,
  };
}
