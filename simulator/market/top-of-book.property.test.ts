/**
 * A streaming line as a client sees it tick by tick (docs/wire-facts/market-data.md#bid-and-ask-order):
 * after every single TICK_PRICE a client's bid stays below its ask whenever the modelled quotes
 * on both sides of the interval are uncrossed — for one-tick-wide ES and NQ, a stock, a forex pair
 * and an option, at random instants (the close, when bid and ask turn -1, included), strides and
 * frozen or not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TickType } from '../../common/ib/tick-types.ts';
import { LineSteps } from './line-steps.ts';
import { ticksBetween, type LineFields } from './top-of-book.ts';
import { createMarketData } from './market-data.ts';
import { instantOf, parseYmd } from './time.ts';

const market = createMarketData({ seed: 1 });
/** Monday 2026-11-02 10:00 New York: every instrument below is listed then and for the days after. */
const FROM = instantOf(parseYmd('20261102')!, 600, 'US/Eastern');
const STOCK = { exchange: 'SMART', currency: 'USD' };
const QUERIES = {
  ES: { symbol: 'ES', secType: 'FUT', exchange: 'CME', currency: 'USD', lastTradeDateOrContractMonth: '202612' },
  NQ: { symbol: 'NQ', secType: 'FUT', exchange: 'CME', currency: 'USD', lastTradeDateOrContractMonth: '202612' },
  AAPL: { conId: 265598, ...STOCK },
  'EUR.USD': { conId: 12087792, exchange: 'IDEALPRO' },
  'SPY 20261218 680 C': { symbol: 'SPY', secType: 'OPT', ...STOCK, lastTradeDateOrContractMonth: '20261218', strike: 680, right: 'C' },
} as const;

function quotesOf(name: keyof typeof QUERIES) {
  const r = market.resolveInstrument(QUERIES[name] as never, FROM);
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
  return market.quotes(r.instrument);
}
const NAMES = Object.keys(QUERIES) as Array<keyof typeof QUERIES>;
const QUOTES = new Map(NAMES.map((name) => [name, quotesOf(name)]));

describe('bid and ask order on a streaming line', () => {
  it('one tick up sends the ask first, one tick down the bid first (an ES quote 0.25 wide)', () => {
    const fields = (bid: number): LineFields => ({
      ...{ bidSize: 10, askSize: 12, last: bid, lastSize: 1, high: 7200, low: 7000, volume: 5, close: 7050, open: 7040 },
      ...{ bid, ask: bid + 0.25, lastTimestamp: 1, index: false },
    });
    const order = (from: number, to: number) => ticksBetween(fields(from), fields(to), false).map((t) => [t.tickType, t.kind === 'price' ? t.price : 0]);
    expect(order(7099.25, 7099.5).slice(0, 2)).toEqual([
      [TickType.ASK, 7099.75],
      [TickType.BID, 7099.5],
    ]);
    expect(order(7099.5, 7099.25).slice(0, 2)).toEqual([
      [TickType.BID, 7099.25],
      [TickType.ASK, 7099.5],
    ]);
  });

  it('a client applying the ticks one at a time never sees bid >= ask between uncrossed quotes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMES),
        fc.integer({ min: 0, max: 4 * 24 * 3_600_000 }),
        fc.constantFrom(250, 500, 1_000, 2_000),
        fc.boolean(),
        (name, offset, stride, frozen) => {
          const quotes = QUOTES.get(name)!;
          const steps = new LineSteps();
          const start = FROM + offset;
          let prev = steps.fieldsAt(quotes, start, frozen);
          const view = { bid: prev.bid, ask: prev.ask };
          const crossed = () => view.bid > 0 && view.ask > 0 && view.bid >= view.ask;
          for (let k = 1; k <= 160; k++) {
            const at = start + k * stride;
            const next = steps.fieldsAt(quotes, at, frozen);
            // The premise: the modelled quote itself is uncrossed at this step.
            expect(next.bid <= 0 || next.ask <= 0 || next.bid < next.ask, `${name} model at ${new Date(at).toISOString()}`).toBe(true);
            for (const t of steps.ticksBetween(prev, next, false)) {
              if (t.kind !== 'price') continue;
              if (t.tickType === TickType.BID) view.bid = t.price;
              if (t.tickType === TickType.ASK) view.ask = t.price;
              if (crossed()) expect.fail(`${name}: bid ${view.bid} >= ask ${view.ask} after one tick at ${new Date(at).toISOString()}`);
            }
            prev = next;
          }
        },
      ),
      { numRuns: 20, seed: 52 },
    );
  });
});
