/**
 * A PriceSource and TradingVenue built on the deterministic price path of main
 * (`market/price-path.ts`): the mid is `midPriceAt(seed, conId, t)`, the spread two basis points
 * (at least one tick), bid and ask on the tick grid around it, the last trade the mid on the grid.
 * When the quote API (`market/quotes.ts`) lands, an adapter of it replaces this file; the engine
 * does not change.
 */
import type { ContractUniverse } from '../market/contracts.ts';
import type { Instrument } from '../market/instrument.ts';
import { midPriceAt, type PriceModel } from '../market/price-path.ts';
import { onTick } from './ticks.ts';
import type { PriceSource, TopOfBook, TradableInstrument, TradingVenue } from './venue.ts';

/** Half the quoted spread as a fraction of the mid (2 bp spread). [choice] */
const HALF_SPREAD = 0.0001;

function priceModel(i: Instrument, seed: number): PriceModel {
  return { seed, conId: i.conId, basePrice: i.basePrice, dailyVolatility: i.dailyVolatility, minTick: i.minTick, avgDailyVolume: i.avgDailyVolume };
}

/** Top of book from the price path; a function of (seed, instrument, instant) only. */
export function pathQuote(i: Instrument, seed: number, ms: number): TopOfBook {
  const mid = midPriceAt(priceModel(i, seed), ms);
  const half = Math.max(i.minTick / 2, mid * HALF_SPREAD);
  const bid = Math.max(i.minTick, onTick(mid - half, i.minTick, 'down'));
  const ask = Math.max(bid + i.minTick, onTick(mid + half, i.minTick, 'up'));
  return { bid, ask: onTick(ask, i.minTick), last: onTick(mid, i.minTick) };
}

export function tradable(i: Instrument): TradableInstrument {
  return {
    conId: i.conId,
    symbol: i.symbol,
    secType: i.secType,
    currency: i.currency,
    primaryExchange: i.primaryExchange,
    localSymbol: i.localSymbol,
    tradingClass: i.tradingClass,
    minTick: i.minTick,
    hours: { schedule: i.schedule, timeZoneId: i.timeZoneId },
  };
}

/** The venue of a contract universe with the price path of `seed`. */
export function pathVenue(universe: Pick<ContractUniverse, 'byConId'>, seed: number): TradingVenue {
  const prices: PriceSource = {
    quoteAt(conId, ms) {
      const i = universe.byConId(conId);
      return i ? pathQuote(i, seed, ms) : undefined;
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
