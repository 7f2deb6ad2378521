/**
 * What a top-of-book line (REQ_MKT_DATA) sends: the fields of a quote as IB tick types, and, each
 * interval, only those that changed. Pure: the handler turns the fields into TICK_PRICE /
 * TICK_SIZE / TICK_STRING / TICK_GENERIC messages.
 *
 * Units: prices in the instrument's currency, sizes in the bars' unit, `lastTime` epoch ms (sent
 * as epoch seconds). Facts: docs/wire-facts/market-data.md#tick-types,
 * docs/wire-facts/market-data.md#tick-rates, docs/wire-facts/market-data.md#market-data-types-1-to-4.
 */
import { delayedTickType, TickType } from '../../common/ib/tick-types.ts';
import { reportsTrades, type Instrument } from './instrument.ts';
import type { Quote } from './quotes.ts';

/**
 * The values a line shows, keyed by live tick type. `price` fields pair a size (bid, ask, last).
 * Undefined: the line never shows the field (last, last size, volume and last timestamp of a
 * market without trades, docs/wire-facts/market-data.md#forex-has-no-trades; the volume of an index).
 */
export interface LineFields {
  bid: number;
  bidSize: number;
  ask: number;
  askSize: number;
  last: number | undefined;
  lastSize: number | undefined;
  high: number;
  low: number;
  volume: number | undefined;
  close: number | undefined;
  open: number | undefined;
  /** epoch seconds of the last trade */
  lastTimestamp: number | undefined;
  /**
   * An index line: no bid, ask or sizes, no volume, and a last without a size (an index is
   * computed, not traded). docs/wire-facts/market-data.md#index-lines
   */
  index: boolean;
}

/**
 * What a market shows besides its quote. `trades` false (spot forex): no last, last size, volume
 * or last timestamp (docs/wire-facts/market-data.md#forex-has-no-trades). `index` true: see
 * LineFields.index.
 */
export interface LineShape {
  trades: boolean;
  index: boolean;
}

/** A traded, quoted market: a stock, a future, an option. */
export const TRADED_MARKET: LineShape = { trades: true, index: false };

/** The shape of an instrument's market: forex reports no trades, an index (IND) is not quoted. */
export function lineShapeOf(i: Pick<Instrument, 'secType'>): LineShape {
  return { trades: reportsTrades(i), index: i.secType === 'IND' };
}

/** One tick to send: `tickType` is already the delayed kind on a delayed line. */
export type Tick =
  | { kind: 'price'; tickType: number; price: number; size: number | undefined }
  | { kind: 'size'; tickType: number; size: number }
  | { kind: 'string'; tickType: number; value: string }
  | { kind: 'generic'; tickType: number; value: number };

/**
 * A line's fields for a quote. `showBidAsk` false (a live or delayed line, not frozen, while the
 * market is shut): bid and ask are -1 with size 0, as TWS reports "no current bid/ask".
 * docs/wire-facts/market-data.md#market-data-types-1-to-4. `shape`: what the market shows besides
 * its quote (LineShape); a stock's by default.
 */
export function lineFields(q: Quote, showBidAsk: boolean, shape: LineShape = TRADED_MARKET): LineFields {
  const { index } = shape;
  const quoted = showBidAsk && !index;
  const fields: LineFields = {
    bid: quoted ? q.bid : -1,
    bidSize: quoted ? q.bidSize : 0,
    ask: quoted ? q.ask : -1,
    askSize: quoted ? q.askSize : 0,
    last: q.last,
    lastSize: index ? 0 : q.lastSize,
    high: q.dayHigh,
    low: q.dayLow,
    volume: index ? undefined : q.dayVolume,
    close: q.prevClose,
    open: q.dayOpen,
    lastTimestamp: Math.floor(q.lastTime / 1000),
    index,
  };
  if (!shape.trades) {
    fields.last = undefined;
    fields.lastSize = undefined;
    fields.volume = undefined;
    fields.lastTimestamp = undefined;
  }
  return fields;
}

/**
 * The ticks that bring a client from `prev` (undefined: nothing sent yet) to `next`. A changed
 * price is sent with its size (TICK_PRICE); a size that changed alone as TICK_SIZE. The first
 * round also sends the halted flag (0).
 *
 * Bid and ask go in the order that widens the book first: the ask first when it rises (the quote
 * moves up), the bid first otherwise. So a client that applies the ticks one by one never sees a
 * locked or crossed book between two uncrossed quotes, not even for the one message between the
 * bid and the ask (a one-tick-wide ES quote moving up one tick would otherwise read bid == ask).
 * docs/wire-facts/market-data.md#bid-and-ask-order
 */
export function ticksBetween(prev: LineFields | undefined, next: LineFields, delayed: boolean): Tick[] {
  const t = (live: number) => (delayed ? delayedTickType(live) : live);
  const out: Tick[] = [];
  const pair = (priceType: number, sizeType: number, price: number, size: number, oldPrice: number | undefined, oldSize: number | undefined) => {
    if (price !== oldPrice) out.push({ kind: 'price', tickType: t(priceType), price, size });
    else if (size !== oldSize) out.push({ kind: 'size', tickType: t(sizeType), size });
  };
  if (!next.index) {
    const bid = () => pair(TickType.BID, TickType.BID_SIZE, next.bid, next.bidSize, prev?.bid, prev?.bidSize);
    const ask = () => pair(TickType.ASK, TickType.ASK_SIZE, next.ask, next.askSize, prev?.ask, prev?.askSize);
    if (prev && next.ask > prev.ask) {
      ask();
      bid();
    } else {
      bid();
      ask();
    }
  }
  if (next.last !== undefined) pair(TickType.LAST, TickType.LAST_SIZE, next.last, next.lastSize!, prev?.last, prev?.lastSize);
  if (next.lastTimestamp !== undefined && next.lastTimestamp !== prev?.lastTimestamp)
    out.push({ kind: 'string', tickType: t(TickType.LAST_TIMESTAMP), value: String(next.lastTimestamp) });
  const single = (type: number, value: number | undefined, old: number | undefined) => {
    if (value !== undefined && value !== old) out.push({ kind: 'price', tickType: t(type), price: value, size: undefined });
  };
  single(TickType.HIGH, next.high, prev?.high);
  single(TickType.LOW, next.low, prev?.low);
  if (next.volume !== undefined && next.volume !== prev?.volume) out.push({ kind: 'size', tickType: t(TickType.VOLUME), size: next.volume });
  single(TickType.CLOSE, next.close, prev?.close);
  single(TickType.OPEN, next.open, prev?.open);
  if (!prev) out.push({ kind: 'generic', tickType: t(TickType.HALTED), value: 0 });
  return out;
}
