import { describe, expect, it } from 'vitest';
import { COMMISSION_SCHEDULES, executionCommission, FOREX_SCHEDULE, orderCommission, scheduleFor } from './commissions.ts';

describe('commission schedules (docs/wire-facts/orders.md#commissions)', () => {
  it('US stocks: per share, at least the minimum, at most 1 % of the value', () => {
    expect(orderCommission(COMMISSION_SCHEDULES.fixed, 100, 2_500)).toBe(1); // IB's example: 100 shares @ USD 25
    expect(orderCommission(COMMISSION_SCHEDULES.fixed, 1_000, 100_000)).toBe(5);
    expect(orderCommission(COMMISSION_SCHEDULES.fixed, 1_000, 300)).toBe(3); // 1 % of a penny stock order
    expect(orderCommission(COMMISSION_SCHEDULES.tiered, 1_000, 100_000)).toBe(3.5);
  });

  it('spot forex: 0.20 basis point of the trade value, at least USD 2.00, under either plan', () => {
    expect(scheduleFor('fixed', 'CASH')).toBe(FOREX_SCHEDULE);
    expect(scheduleFor('tiered', 'CASH')).toBe(FOREX_SCHEDULE);
    expect(scheduleFor('fixed', 'STK')).toBe(COMMISSION_SCHEDULES.fixed);
    // 20,000 EUR at 1.1468 is USD 22,936: 0.46 by the rate, so the minimum.
    expect(orderCommission(FOREX_SCHEDULE, 20_000, 20_000 * 1.1468)).toBe(2);
    // 10,000,000 EUR at 1.15 is USD 11.5 million: 230.
    expect(orderCommission(FOREX_SCHEDULE, 10_000_000, 11_500_000)).toBe(230);
  });

  it("an order's executions add up to its commission, the first carrying the minimum", () => {
    let before = { shares: 0, value: 0 };
    let sum = 0;
    const fills = [50_000, 1_000_000, 3_950_000];
    const charged = fills.map((units) => {
      const c = executionCommission(FOREX_SCHEDULE, before, units, units * 1.15);
      before = { shares: before.shares + units, value: before.value + units * 1.15 };
      sum += c;
      return c;
    });
    // USD 57,500 is 1.15 by the rate: the minimum; then USD 1,207,500 in all is 24.15.
    expect(charged.slice(0, 2)).toEqual([2, 22.15]);
    expect(Math.round(sum * 100) / 100).toBe(orderCommission(FOREX_SCHEDULE, 5_000_000, 5_750_000));
  });
});
