/**
 * Options and index futures priced from their underlying (docs/wire-facts/market-data.md#derived-prices),
 * as a client sees them in quotes: at random regular-hours instants of a month, random chains,
 * expiries and adjacent strikes. Rate and exercise styles: simulator/market/derived-price.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractUniverse } from './contracts.ts';
import { RISK_FREE_RATE, yearsTo } from './derived-price.ts';
import type { Instrument } from './instrument.ts';
import { PriceLadder } from './price-ladder.ts';
import { MINUTE_MS } from './minute-path.ts';
import { synthesizeBar } from './price-path.ts';
import { QuoteBook, type Quote } from './quotes.ts';
import { aggregateSteps } from './tick-bars.ts';
import { instantOf, parseYmd } from './time.ts';

const SEED = 1;
const universe = ContractUniverse.default().withGenerated({ seed: SEED });
const book = new QuoteBook(SEED);
const SPX = 416904;
const CHAINS = [
  { symbol: 'AAPL', tradingClass: 'AAPL', conId: 265598, european: false },
  { symbol: 'SPY', tradingClass: 'SPY', conId: 756733, european: false },
  { symbol: 'SPX', tradingClass: 'SPX', conId: SPX, european: true },
] as const;

/** An instant of 2026-11-02 … 2026-12-11 between 09:30 and 16:00 New York (weekends and holidays are skipped by `pre`). */
const instant = fc
  .record({ day: fc.integer({ min: 0, max: 39 }), ms: fc.integer({ min: 1, max: 6.5 * 3_600_000 - 1 }) })
  .map(({ day, ms }) => instantOf(parseYmd('20261102')! + day, 570, 'US/Eastern') + ms);
const pick = fc.record({ chain: fc.constantFrom(...CHAINS), at: instant, expiry: fc.nat(), strike: fc.nat() });
type Pick = typeof pick extends fc.Arbitrary<infer T> ? T : never;

/** When an option settles: its terms' instant, or (code before derived prices had none) the last trade date's 16:00 / the AM settlement. */
function expiryOf(option: Instrument): number {
  if (option.pricedFrom) return option.pricedFrom.terms.expiryMs;
  const d = option.derivative!;
  return option.tradingClass === 'SPX'
    ? instantOf(parseYmd(d.realExpirationDate)!, 570, 'US/Eastern')
    : instantOf(parseYmd(d.lastTradeDate)!, 960, 'US/Eastern');
}

function option(tradingClass: string, expiry: string, strike: number, right: 'C' | 'P', at: number): Instrument {
  const query = { tradingClass, secType: 'OPT', exchange: 'SMART', currency: 'USD', lastTradeDateOrContractMonth: expiry, strike, right };
  const rows = universe.match(query as never, at);
  const inst = rows.length === 1 ? universe.byConId(rows[0]!.conId, at) : undefined;
  if (!inst) throw new Error(`${tradingClass} ${expiry} ${strike}${right}: ${rows.length} contracts listed at ${new Date(at).toISOString()}`);
  return inst;
}

interface Pair {
  /** The chain's price increments: a quote is rounded to the tick at its own price (price-ladder.ts). */
  ladder: PriceLadder;
  european: boolean;
  strikes: [number, number];
  /** Years to expiry. */
  years: number;
  s: Quote;
  calls: [Quote, Quote];
  puts: [Quote, Quote];
  instruments: Instrument[];
}

/** The underlying and the calls and puts at two adjacent strikes of one expiry, all at `at`; undefined when the market is shut. */
function pairAt(p: Pick): Pair | undefined {
  const { chain, at } = p;
  const s = book.of(universe.byConId(chain.conId)!).quoteAt(at);
  if (!s.liquid) return undefined;
  const params = universe.optionParams(chain.conId, at).find((x) => x.exchange === 'SMART' && x.tradingClass === chain.tradingClass);
  if (!params) return undefined;
  const expiry = params.expirations[p.expiry % params.expirations.length]!;
  const listed = universe
    .match(
      { tradingClass: chain.tradingClass, secType: 'OPT', exchange: 'SMART', currency: 'USD', lastTradeDateOrContractMonth: expiry, right: 'C' } as never,
      at,
    )
    .map((r) => r.strike)
    .sort((a, b) => a - b);
  if (listed.length < 2) return undefined;
  const i = p.strike % (listed.length - 1);
  const strikes: [number, number] = [listed[i]!, listed[i + 1]!];
  const of = (right: 'C' | 'P') => strikes.map((k) => option(chain.tradingClass, expiry, k, right, at));
  const instruments = [...of('C'), ...of('P')];
  const [c1, c2, p1, p2] = instruments.map((x) => book.of(x).quoteAt(at)) as [Quote, Quote, Quote, Quote];
  if (!c1.liquid) return undefined;
  return {
    ladder: PriceLadder.of(instruments[0]!),
    european: chain.european,
    strikes,
    years: yearsTo(expiryOf(instruments[0]!), at),
    s,
    calls: [c1, c2],
    puts: [p1, p2],
    instruments,
  };
}

const RUNS = { numRuns: 40, seed: 9 };

/** Check every pick whose market is open (closed instants are skipped, not counted). */
function forOpenPairs(check: (x: Pair, p: Pick) => void, runs: fc.Parameters<[Pick]> = RUNS): void {
  fc.assert(
    fc.property(pick, (p) => {
      const x = pairAt(p);
      fc.pre(x !== undefined);
      check(x!, p);
    }),
    runs,
  );
}

describe('options priced from their underlying (properties)', () => {
  it('a call is worth at least its intrinsic value, an American put too, a European put at least K·e^{−rT} − S (each up to half a tick at its price)', () => {
    forOpenPairs((x) => {
      const { s, ladder, strikes, calls, puts, years, european } = x;
      const df = european ? Math.exp(-RISK_FREE_RATE * years) : 1;
      strikes.forEach((k, i) => {
        const [c, p] = [calls[i]!.mid, puts[i]!.mid];
        expect(c).toBeGreaterThanOrEqual(Math.max(0, s.mid - k) - ladder.tickAt(c) / 2);
        expect(p).toBeGreaterThanOrEqual(Math.max(0, k * df - s.mid) - ladder.tickAt(p) / 2);
      });
    });
  });

  it('calls fall and puts rise with the strike', () => {
    forOpenPairs((x) => {
      expect(x.calls[0].mid).toBeGreaterThanOrEqual(x.calls[1].mid);
      expect(x.puts[1].mid).toBeGreaterThanOrEqual(x.puts[0].mid);
    });
  });

  it('put–call parity holds within the two spreads (European: C − P = S − K·e^{−rT}; American: S − K ≤ C − P ≤ S − K·e^{−rT})', () => {
    forOpenPairs((x) => {
      const { s, strikes, calls, puts, years, european } = x;
      strikes.forEach((k, i) => {
        const c = calls[i]!;
        const q = puts[i]!;
        const halfSpreads = (c.ask - c.bid + q.ask - q.bid) / 2;
        const synthetic = c.mid - q.mid;
        const upper = s.mid - k * Math.exp(-RISK_FREE_RATE * years);
        const lower = european ? upper : s.mid - k;
        expect(synthetic).toBeLessThanOrEqual(upper + halfSpreads + 1e-9);
        expect(synthetic).toBeGreaterThanOrEqual(lower - halfSpreads - 1e-9);
      });
    });
  });

  it("every trade of the minute before the instant lies within its step's bid and ask, and bid < ask", () => {
    forOpenPairs(
      (x, p) => {
        for (const inst of x.instruments) {
          const q = book.of(inst);
          for (const t of q.tradesBetween(p.at - 60_000, p.at)) {
            const step = q.quotesBetween(t.time, t.time + 1)[0]!;
            expect(step.bid).toBeLessThan(step.ask);
            expect(t.price).toBeGreaterThanOrEqual(step.bid);
            expect(t.price).toBeLessThanOrEqual(step.ask);
          }
        }
      },
      { ...RUNS, numRuns: 20 },
    );
  });
});

describe('one price path for derived instruments (docs/wire-facts/market-data.md#one-price-path)', () => {
  it("a minute of an option's or ES's 250 ms steps aggregates to exactly its historical 1-minute bar, every series", () => {
    forOpenPairs(
      (x, p) => {
        const row = universe.match({ symbol: 'ES', secType: 'CONTFUT', exchange: 'CME', currency: 'USD' } as never, p.at)[0]!;
        const start = Math.floor(p.at / MINUTE_MS) * MINUTE_MS;
        for (const inst of [x.instruments[0]!, x.instruments[3]!, universe.byConId(row.conId, p.at)!]) {
          const q = book.of(inst);
          for (const series of ['TRADES', 'MIDPOINT', 'BID', 'ASK'] as const) {
            const agg = aggregateSteps(q, start, start + MINUTE_MS, series)!;
            const bar = synthesizeBar(q.model, { start, end: start + MINUTE_MS, sizeSeconds: 60, days: 0, liquid: true }, series);
            expect([agg.open, agg.high, agg.low, agg.close]).toEqual([bar.open, bar.high, bar.low, bar.close]);
          }
        }
      },
      { ...RUNS, numRuns: 15 },
    );
  });
});

describe('options priced from their underlying (sampled)', () => {
  it("an option's last (its latest trade, possibly seconds old) lies within the current bid and ask at 80 % or more of 60 sampled instants", () => {
    let inside = 0;
    let seen = 0;
    for (const p of fc.sample(pick, { numRuns: 60, seed: 11 })) {
      const x = pairAt(p);
      if (!x) continue;
      for (const q of [...x.calls, ...x.puts]) {
        seen++;
        if (q.last >= q.bid && q.last <= q.ask) inside++;
      }
    }
    expect(seen).toBeGreaterThan(100);
    expect(inside / seen).toBeGreaterThanOrEqual(0.8);
  });
});

/** ES's fair value over SPX: S·e^{(r−q)T} (families.ts: q = 1.3 %). */
const ES_CARRY_YIELD = 0.013;
/** How far ES's mid may sit from its fair value over SPX's mid: half a point, two ticks (docs/wire-facts/market-data.md#derived-prices). */
const ES_BASIS_BOUND = 0.5;

describe('index futures priced from their index (properties)', () => {
  it('ES quotes within half a point of SPX × e^{(r−q)T}, one tick wide, its last inside bid and ask', () => {
    const spx = universe.byConId(SPX)!;
    fc.assert(
      fc.property(instant, (at) => {
        const row = universe.match({ symbol: 'ES', secType: 'CONTFUT', exchange: 'CME', currency: 'USD' } as never, at)[0]!;
        const es = universe.byConId(row.conId, at)!;
        const e = book.of(es).quoteAt(at);
        const s = book.of(spx).quoteAt(at);
        fc.pre(e.open && s.liquid);
        const years = yearsTo(instantOf(parseYmd(es.derivative!.lastTradeDate)!, 510, 'US/Central'), at);
        const fair = s.mid * Math.exp((RISK_FREE_RATE - ES_CARRY_YIELD) * years);
        expect(Math.abs(e.mid - fair)).toBeLessThanOrEqual(ES_BASIS_BOUND);
        expect(e.ask - e.bid).toBe(es.minTick);
        expect(e.last).toBeGreaterThanOrEqual(e.bid);
        expect(e.last).toBeLessThanOrEqual(e.ask);
      }),
      RUNS,
    );
  });
});
