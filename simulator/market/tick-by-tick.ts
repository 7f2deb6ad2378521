/**
 * TICK_BY_TICK bodies from the quote model: every trade (Last, AllLast), every change of the best
 * bid and offer (BidAsk; sizes too unless ignoreSize), every change of the midpoint (MidPoint), in
 * a window of model time. Pure. Units: `time` is epoch seconds on the wire; prices in the
 * instrument's currency. docs/wire-facts/market-data.md#tick-by-tick
 */
import { TickByTickKind, type TickByTickKindName } from '../../common/ib/tick-types.ts';
import type { ServerMessageOf } from '../protocol/index.ts';
import type { InstrumentQuotes, QuoteStep } from './quotes.ts';
import { homeExchange, reportsTrades } from './instrument.ts';

export type TickByTickBody = Omit<ServerMessageOf<'TICK_BY_TICK'>, 'type' | 'reqId'>;

/** The message declares every kind's fields; the codec writes only those the tickType gates in. */
const UNUSED = { price: 0, size: 0, bidPrice: 0, askPrice: 0, bidSize: 0, askSize: 0, attribMask: 0, exchange: '', specialConditions: '', midPoint: 0 };

/**
 * The ticks with from ≤ time < to. `prev` is the last quote step sent before `from` (for BidAsk and
 * MidPoint, so that only changes are sent); the returned `last` is the one to pass next time.
 */
export function tickByTickBetween(
  q: InstrumentQuotes,
  kind: TickByTickKindName,
  from: number,
  to: number,
  ignoreSize: boolean,
  prev: QuoteStep | undefined,
): { ticks: TickByTickBody[]; last: QuoteStep | undefined } {
  const tickType = TickByTickKind[kind];
  const seconds = (ms: number) => Math.floor(ms / 1000);
  if (kind === 'Last' || kind === 'AllLast') {
    // A market without trades (forex) has none to send: the subscription stays silent (our choice,
    // docs/wire-facts/market-data.md#forex-has-no-trades).
    if (!reportsTrades(q.instrument)) return { ticks: [], last: prev };
    const exchange = homeExchange(q.instrument);
    const ticks = q
      .tradesBetween(from, to)
      .map(
        (t): TickByTickBody => ({ ...UNUSED, tickType, time: seconds(t.time), price: t.price, size: t.size, attribMask: 0, exchange, specialConditions: '' }),
      );
    return { ticks, last: prev };
  }
  const ticks: TickByTickBody[] = [];
  let last = prev;
  for (const s of q.quotesBetween(from, to)) {
    const changed =
      !last ||
      (kind === 'MidPoint'
        ? s.mid !== last.mid
        : s.bid !== last.bid || s.ask !== last.ask || (!ignoreSize && (s.bidSize !== last.bidSize || s.askSize !== last.askSize)));
    last = s;
    if (!changed) continue;
    if (kind === 'MidPoint') ticks.push({ ...UNUSED, tickType, time: seconds(s.time), midPoint: s.mid });
    else ticks.push({ ...UNUSED, tickType, time: seconds(s.time), bidPrice: s.bid, askPrice: s.ask, bidSize: s.bidSize, askSize: s.askSize, attribMask: 0 });
  }
  return { ticks, last };
}
