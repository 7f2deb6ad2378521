/**
 * Price-dependent ticks (docs/wire-facts/contracts.md#price-dependent-ticks): the ladder's
 * rounding at and around a band edge, and SPX / SPXW options whose quotes, trades, bars and
 * accepted order prices follow Cboe's rule (0.05 below 3.00, 0.10 from 3.00) — the rule their
 * contract details name — instead of 0.05 at every price.
 */
import { describe, expect, it } from 'vitest';
import { tradable } from '../orders/quote-venue.ts';
import { checkOrder } from '../orders/validate.ts';
import { ContractUniverse } from './contracts.ts';
import type { Instrument } from './instrument.ts';
import { marketRule } from './market-rules.ts';
import { PriceLadder } from './price-ladder.ts';
import { QuoteBook } from './quotes.ts';
import { instantOf, parseYmd } from './time.ts';

const SPX_RULE = [
  { lowEdge: 0, increment: 0.05 },
  { lowEdge: 3, increment: 0.1 },
];

describe('PriceLadder', () => {
  const spx = new PriceLadder(SPX_RULE);

  it('rounds within each band and never past the next band’s edge', () => {
    expect([2.93, 2.97, 2.99, 3, 3.04, 3.06, 12.34].map((x) => spx.round(x))).toEqual([2.95, 2.95, 3, 3, 3, 3.1, 12.3]);
    expect([2.91, 2.99, 3.01, 3.19].map((x) => spx.round(x, 'up'))).toEqual([2.95, 3, 3.1, 3.2]);
    expect([2.99, 3.0, 3.09, 0.04].map((x) => spx.round(x, 'down'))).toEqual([2.95, 3, 3, 0]);
    expect(spx.round(2.9999999999, 'down')).toBe(3);
    expect([2.9, 2.95, 3, 3.1].map((p) => spx.above(p))).toEqual([2.95, 3, 3.1, 3.2]);
    expect([0.05, 2.95, 3, 3.1, 12.3].every((p) => spx.isOn(p))).toBe(true);
    expect([3.05, 12.35, 0.07].some((p) => spx.isOn(p))).toBe(false);
    expect([spx.tickAt(2.95), spx.tickAt(3), spx.minTick]).toEqual([0.05, 0.1, 0.05]);
  });

  it('is an instrument’s market rule, or its minTick at every price when it names none', () => {
    expect(PriceLadder.of({ marketRuleIds: [], minTick: 0.001 }).tickAt(500)).toBe(0.001);
    expect(PriceLadder.of({ marketRuleIds: [123_456], minTick: 0.25 }).tickAt(5)).toBe(0.25);
    expect(() => new PriceLadder([{ lowEdge: 1, increment: 0.01 }])).toThrow(/lowEdge ascending from 0/);
  });
});

describe('SPX and SPXW options move by 0.05 below 3.00 and 0.10 from 3.00', () => {
  const SEED = 1;
  const universe = ContractUniverse.default().withGenerated({ seed: SEED });
  const book = new QuoteBook(SEED);
  /** Tuesday 2026-11-24, 09:31 New York (early, so that each option's day so far is short to compute). */
  const AT = instantOf(parseYmd('20261124')!, 571, 'US/Eastern');

  /** Calls and puts of one SPXW and one SPX expiry at every 24th listed row: prices from a few cents to hundreds. */
  function options(): Instrument[] {
    const out: Instrument[] = [];
    for (const tradingClass of ['SPXW', 'SPX']) {
      const params = universe.optionParams(416904, AT).find((p) => p.exchange === 'SMART' && p.tradingClass === tradingClass)!;
      const expiry = params.expirations[1]!;
      const rows = universe.match({ tradingClass, secType: 'OPT', exchange: 'SMART', currency: 'USD', lastTradeDateOrContractMonth: expiry } as never, AT);
      out.push(...rows.filter((_, i) => i % 24 === 0).map((r) => universe.byConId(r.conId, AT)!));
    }
    return out;
  }

  it('contract details name the rule, and REQ_MARKET_RULE answers it', () => {
    const ids = new Set(options().flatMap((o) => o.marketRuleIds));
    expect(ids.size).toBe(1);
    expect(marketRule([...ids][0]!)).toEqual(SPX_RULE);
  });

  it('every bid, ask and trade of a minute, and every bar price, lies on the rule; both bands are reached', () => {
    const spx = new PriceLadder(SPX_RULE);
    const seen = { below: 0, above: 0 };
    for (const option of options()) {
      const q = book.of(option);
      for (let k = 0; k < 240; k += 7) {
        const quote = q.quoteAt(AT + k * 250);
        for (const p of [quote.bid, quote.ask, quote.last]) {
          if (p <= 0) continue;
          expect(spx.isOn(p), `${option.localSymbol} ${p} at step ${k}`).toBe(true);
          seen[p < 3 ? 'below' : 'above']++;
        }
      }
      const minute = q.minute(AT)!;
      for (const bar of [minute.trades, minute.bid, minute.ask]) {
        for (const p of [bar.open, bar.high, bar.low, bar.close].filter((x) => x > 0)) expect(spx.isOn(p), `${option.localSymbol} bar ${p}`).toBe(true);
      }
    }
    expect(seen.below).toBeGreaterThan(20);
    expect(seen.above).toBeGreaterThan(20);
  });

  it('an order price off the rule is refused with 110: 12.35 is, 12.30 and 2.95 are not', () => {
    const option = tradable(options()[0]!);
    const order = { orderId: 1, action: 'BUY', totalQuantity: 1, orderType: 'LMT', auxPrice: undefined, tif: 'DAY', outsideRth: false, account: '' };
    const check = (lmtPrice: number) => checkOrder({ ...order, lmtPrice, orderRef: '', parentId: 0, ocaGroup: '' }, 1, 'DU1', option);
    expect(check(12.35)).toMatchObject({ ok: false, error: { code: 110 } });
    expect(check(12.3)).toMatchObject({ ok: true });
    expect(check(2.95)).toMatchObject({ ok: true });
  });
});
