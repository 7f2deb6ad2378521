/**
 * The analytics of option-greeks.ts against the pricing formula they describe: each greek is the
 * derivative of derived-price.ts's Black–Scholes price it claims to be (checked by finite
 * differences, in the stated units), and an implied volatility prices the option back at the
 * price it came from. docs/wire-facts/market-data.md#option-computations
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blackScholes } from './derived-price.ts';
import { computationForPrice, GREEK_NOT_COMPUTED, greeksAt, impliedVolatility, NOT_COMPUTED, type OptionInputs } from './option-greeks.ts';

const option = fc.record({
  right: fc.constantFrom<'C' | 'P'>('C', 'P'),
  strike: fc.double({ min: 50, max: 400, noNaN: true }),
  years: fc.double({ min: 2 / 365, max: 2, noNaN: true }),
  rate: fc.constantFrom(0, 0.04),
});
const underlying = fc.double({ min: 40, max: 500, noNaN: true });
const volatility = fc.double({ min: 0.05, max: 1.5, noNaN: true });

/**
 * Within 1 % of `expected`, or 1e-3 absolutely: finite differences carry their own error, and a
 * wrong formula or unit (vega per 1.00 instead of per point, theta per year) misses by far more.
 */
const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1e-3, Math.abs(expected) * 0.01));

const price = (o: OptionInputs, s: number, sigma: number, years = o.years) => blackScholes(o.right, s, o.strike, years, sigma, o.rate);

describe('option greeks', () => {
  it('the textbook case (S = K = 100, T = 1, σ = 20 %, r = 5 %): call Δ 0.6368, Γ 0.01876, vega 0.3752 per point, θ −0.01757 per day', () => {
    const g = greeksAt({ right: 'C', strike: 100, years: 1, rate: 0.05 }, 100, 0.2, 10.4506);
    expect(g.delta).toBeCloseTo(0.6368, 4);
    expect(g.gamma).toBeCloseTo(0.01876, 5);
    expect(g.vega).toBeCloseTo(0.3752, 4);
    expect(g.theta).toBeCloseTo(-6.414 / 365, 5);
    expect(g).toMatchObject({ impliedVol: 0.2, optPrice: 10.4506, pvDividend: 0, undPrice: 100 });
  });

  it('delta, gamma, vega (per vol point) and theta (per calendar day) are the derivatives of the price', () => {
    fc.assert(
      fc.property(option, underlying, volatility, (o, s, sigma) => {
        const g = greeksAt(o, s, sigma, price(o, s, sigma));
        // A step small next to one standard deviation of the underlying's move to expiry.
        const h = s * sigma * Math.sqrt(o.years) * 0.01;
        const up = price(o, s + h, sigma);
        const down = price(o, s - h, sigma);
        const mid = price(o, s, sigma);
        near(g.delta, (up - down) / (2 * h));
        near(g.gamma * s, ((up - 2 * mid + down) / (h * h)) * s);
        near(g.vega, (price(o, s, sigma + 0.0005) - price(o, s, sigma - 0.0005)) / 0.1);
        const hour = 1 / (365 * 24);
        near(g.theta, (price(o, s, sigma, o.years - hour) - price(o, s, sigma, o.years + hour)) / (2 * hour) / 365);
      }),
      { numRuns: 300 },
    );
  });

  it('call and put deltas differ by exactly 1, and their gammas and vegas agree', () => {
    fc.assert(
      fc.property(option, underlying, volatility, (o, s, sigma) => {
        const call = greeksAt({ ...o, right: 'C' }, s, sigma, 0);
        const put = greeksAt({ ...o, right: 'P' }, s, sigma, 0);
        expect(call.delta - put.delta).toBeCloseTo(1, 12);
        expect(call.gamma).toBeCloseTo(put.gamma, 12);
        expect(call.vega).toBeCloseTo(put.vega, 12);
      }),
    );
  });

  it('an implied volatility prices the option back at the price it was implied from', () => {
    fc.assert(
      fc.property(option, underlying, volatility, (o, s, sigma) => {
        const p = price(o, s, sigma);
        // A price within a cent of its zero-volatility value carries no usable volatility.
        fc.pre(p - price(o, s, 0.001) > 0.01 && p > 0.01);
        const iv = impliedVolatility(o, s, p);
        expect(iv).toBeDefined();
        expect(price(o, s, iv!)).toBeCloseTo(p, 3);
        const c = computationForPrice(o, s, p);
        expect(c.impliedVol).toBe(iv);
        expect(c.optPrice).toBe(p);
      }),
    );
  });

  it('a price no volatility reaches is "not computed": −1 for the volatility, −2 for the greeks, the price and underlying as given', () => {
    const deepPut: OptionInputs = { right: 'P', strike: 300, years: 0.5, rate: 0.04 };
    // Below its zero-volatility value K·e^{−rT} − S = 94.06 (a stale bid, say), no volatility fits.
    const justAbove = impliedVolatility(deepPut, 200, 94.1);
    expect(blackScholes('P', 200, 300, 0.5, justAbove!, 0.04)).toBeCloseTo(94.1, 4);
    expect(impliedVolatility(deepPut, 200, 93)).toBeUndefined();
    expect(computationForPrice(deepPut, 200, 93)).toEqual({
      impliedVol: NOT_COMPUTED,
      delta: GREEK_NOT_COMPUTED,
      optPrice: 93,
      pvDividend: 0,
      gamma: GREEK_NOT_COMPUTED,
      vega: GREEK_NOT_COMPUTED,
      theta: GREEK_NOT_COMPUTED,
      undPrice: 200,
    });
    // A call worth more than its underlying, and a price of zero.
    expect(impliedVolatility({ ...deepPut, right: 'C' }, 200, 250)).toBeUndefined();
    expect(impliedVolatility(deepPut, 200, 0)).toBeUndefined();
  });

  it('at expiry: delta 1, −1 or 0 and no other greeks', () => {
    const expired = { strike: 100, years: 0, rate: 0.04 };
    expect(greeksAt({ ...expired, right: 'C' }, 110, 0.3, 10)).toMatchObject({ delta: 1, gamma: 0, vega: 0, theta: 0 });
    expect(greeksAt({ ...expired, right: 'P' }, 90, 0.3, 10)).toMatchObject({ delta: -1, gamma: 0, vega: 0, theta: 0 });
    expect(greeksAt({ ...expired, right: 'P' }, 110, 0.3, 0)).toMatchObject({ delta: 0, gamma: 0, vega: 0, theta: 0 });
  });
});
