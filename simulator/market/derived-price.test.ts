/**
 * The pricing formulas of derived instruments (derived-price.ts) and what they mean at expiry, on
 * the quotes a client sees. docs/wire-facts/market-data.md#derived-prices
 */
import { describe, expect, it } from 'vitest';
import { ContractUniverse } from './contracts.ts';
import { blackScholes, derivedPrice, type DerivedTerms, normalCdf } from './derived-price.ts';
import { QuoteBook } from './quotes.ts';

describe('derived prices', () => {
  it('Black–Scholes matches the textbook case (S = K = 100, T = 1, σ = 20 %, r = 5 %: call 10.4506, put 5.5735)', () => {
    expect(blackScholes('C', 100, 100, 1, 0.2, 0.05)).toBeCloseTo(10.4506, 3);
    expect(blackScholes('P', 100, 100, 1, 0.2, 0.05)).toBeCloseTo(5.5735, 3);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
  });

  it('at and after expiry an option is worth its intrinsic value and a future its index', () => {
    const call: DerivedTerms = {
      kind: 'option',
      right: 'C',
      strike: 250,
      expiryMs: 1_000,
      exercise: 'european',
      volatility: 0.3,
      rate: 0.04,
      spreadFraction: 0.01,
    };
    const put: DerivedTerms = { ...call, right: 'P' };
    for (const ms of [1_000, 5_000]) {
      expect(derivedPrice(call, 270, ms)).toBe(20);
      expect(derivedPrice(put, 270, ms)).toBe(0);
      expect(derivedPrice(put, 240, ms)).toBe(10);
    }
    const future: DerivedTerms = { kind: 'future', expiryMs: 1_000, rate: 0.04, carryYield: 0.013, spreadFraction: 0 };
    expect(derivedPrice(future, 7000, 1_000)).toBe(7000);
    expect(derivedPrice(future, 7000, 1_000 - 365.25 * 86_400_000)).toBeCloseTo(7000 * Math.exp(0.027), 6);
  });

  it('an American put is never below K − S; a European one may be (by at most K·(1 − e^{−rT}))', () => {
    const american: DerivedTerms = {
      kind: 'option',
      right: 'P',
      strike: 300,
      expiryMs: 365.25 * 86_400_000,
      exercise: 'american',
      volatility: 0.2,
      rate: 0.04,
      spreadFraction: 0.01,
    };
    expect(derivedPrice(american, 200, 0)).toBe(100);
    const european = derivedPrice({ ...american, exercise: 'european' }, 200, 0);
    expect(european).toBeLessThan(100);
    expect(european).toBeGreaterThanOrEqual(300 * Math.exp(-0.04) - 200 - 1e-9);
  });

  it('an AAPL weekly call quotes its intrinsic value over AAPL in the last step before it settles (Fri 2026-12-04 16:00 New York)', () => {
    const universe = ContractUniverse.default().withGenerated({ seed: 1 });
    const book = new QuoteBook(1);
    const at = Date.UTC(2026, 11, 4, 20, 59, 59, 900);
    const aapl = book.of(universe.byConId(265598)!).quoteAt(at);
    const strike = Math.round(aapl.mid / 5) * 5 - 10;
    const rows = universe.match(
      { symbol: 'AAPL', secType: 'OPT', exchange: 'SMART', lastTradeDateOrContractMonth: '20261204', strike, right: 'C' } as never,
      at,
    );
    expect(rows).toHaveLength(1);
    const call = book.of(universe.byConId(rows[0]!.conId, at)!).quoteAt(at);
    // Both mids are on half ticks of 0.01: the call's equals S − K up to their rounding.
    expect(Math.abs(call.mid - (aapl.mid - strike))).toBeLessThanOrEqual(0.01);
  });
});
