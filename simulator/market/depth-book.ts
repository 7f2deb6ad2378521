/**
 * A market depth (level II) book consistent with the top of book: its first row on each side is
 * the quote's bid and ask with their sizes at the same 250 ms step, and the rows behind them step
 * away one price increment each (the contract's market rule, price-ladder.ts) with sizes drawn from (the market's seed, conId, side, price level, minute), so that a row
 * keeps its size while its price level stays and the minute lasts. And the updates that take a
 * client's book from one state to the next, as MARKET_DEPTH / MARKET_DEPTH_L2 operations.
 * docs/wire-facts/market-data.md#market-depth
 *
 * Units: prices in the instrument's currency, sizes in the quote's unit (shares for stocks),
 * instants in model epoch ms.
 */
import { hashInts } from '../../common/rng.ts';
import { homeExchange } from './instrument.ts';
import { MINUTE_MS } from './minute-path.ts';
import type { PriceLadder } from './price-ladder.ts';
import type { InstrumentQuotes } from './quotes.ts';

/** The most rows a side carries, whatever the request asks (ib_async documents 5 as the maximum). */
export const MAX_DEPTH_ROWS = 5;

/** One row of a side: `marketMaker` is the exchange holding it on a SMART book, '' otherwise. */
export interface DepthRow {
  price: number;
  size: number;
  marketMaker: string;
}

/** Both sides, best first. Empty while the market is shut. */
export interface DepthBook {
  asks: DepthRow[];
  bids: DepthRow[];
}

/** side: 0 ask, 1 bid; operation: 0 insert, 1 update, 2 delete (IB's numbering). */
export interface DepthUpdate {
  position: number;
  operation: 0 | 1 | 2;
  side: 0 | 1;
  price: number;
  size: number;
  marketMaker: string;
}

export const EMPTY_BOOK: DepthBook = Object.freeze({ asks: [], bids: [] }) as DepthBook;

/**
 * The exchanges a SMART book of a US stock or ETF names as row holders. Our choice of the common
 * US venues under their usual IB codes; not checked against a capture.
 */
const US_VENUES = ['NSDQ', 'ARCA', 'NYSE', 'BATS', 'EDGX', 'IEX', 'MEMX', 'BYX'] as const;
const SIZE_SALT = 31;
const VENUE_SALT = 32;

/** What a book is built for: how many rows, and whether it is a SMART (aggregated) book. */
export interface DepthRequest {
  rows: number;
  smart: boolean;
}

/**
 * The book of `quotes`'s instrument at instant `at`: up to `min(rows, MAX_DEPTH_ROWS)` rows a
 * side; a bid side stops before a price of zero. A SMART book names a venue per row: for a US
 * stock one of US_VENUES, for anything else one of the contract's valid exchanges (its home
 * exchange when it lists none but SMART); a non-SMART book names none.
 */
export function depthAt(quotes: InstrumentQuotes, at: number, req: DepthRequest): DepthBook {
  const q = quotes.quoteAt(at);
  if (!q.open) return EMPTY_BOOK;
  const { instrument } = quotes;
  const { seed, ladder } = quotes.model;
  const rows = Math.max(0, Math.min(req.rows, MAX_DEPTH_ROWS));
  const minute = Math.floor(at / MINUTE_MS);
  const usStock = (instrument.secType === 'STK' || instrument.secType === 'ETF') && instrument.currency === 'USD';
  const venues: readonly string[] = usStock ? US_VENUES : instrument.validExchanges.filter((e) => e !== 'SMART');
  const holder = (side: 0 | 1, level: number) => {
    if (!req.smart) return '';
    if (venues.length === 0) return homeExchange(instrument);
    return venues[hashInts(seed, instrument.conId, VENUE_SALT, side, level) % venues.length]!;
  };
  const side = (s: 0 | 1, best: number, bestSize: number): DepthRow[] => {
    const out: DepthRow[] = [];
    const lot = bestSize >= 100 && bestSize % 100 === 0 ? 100 : 1;
    for (let i = 0; i < rows; i++) {
      const price: number = i === 0 ? best : s === 1 ? below(ladder, out[i - 1]!.price) : ladder.above(out[i - 1]!.price);
      if (!(price > 0)) break;
      const level = Math.round(price / ladder.tickAt(price));
      const draw = hashInts(seed, instrument.conId, SIZE_SALT, s, level, minute) / 4294967296;
      const size = i === 0 ? bestSize : Math.max(lot, Math.round((bestSize * (0.5 + 2 * draw)) / lot) * lot);
      out.push({ price, size, marketMaker: holder(s, level) });
    }
    return out;
  };
  return { asks: side(0, q.ask, q.askSize), bids: side(1, q.bid, q.bidSize) };
}

/** The next ladder price below `price` (on the ladder): across a band edge, the lower band's increment. */
function below(ladder: PriceLadder, price: number): number {
  return ladder.round(price - ladder.tickAt(price) / 1000, 'down');
}

/**
 * The operations that turn `prev` into `next`, asks first then bids: an update for each row that
 * changed, inserts for new rows at the end of a side and deletes of surplus rows from the end
 * (last first), so that positions stay 0…n−1 in order whether a client inserts by shifting rows
 * (as IB's reference implies) or by overwriting a position (ib_async 2.0.1).
 */
export function depthUpdates(prev: DepthBook, next: DepthBook): DepthUpdate[] {
  const out: DepthUpdate[] = [];
  const side = (s: 0 | 1, before: readonly DepthRow[], after: readonly DepthRow[]) => {
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) {
      const a = before[i]!;
      const b = after[i]!;
      if (a.price !== b.price || a.size !== b.size || a.marketMaker !== b.marketMaker) out.push({ position: i, operation: 1, side: s, ...b });
    }
    for (let i = common; i < after.length; i++) out.push({ position: i, operation: 0, side: s, ...after[i]! });
    for (let i = before.length - 1; i >= common; i--) out.push({ position: i, operation: 2, side: s, ...before[i]! });
  };
  side(0, prev.asks, next.asks);
  side(1, prev.bids, next.bids);
  return out;
}
