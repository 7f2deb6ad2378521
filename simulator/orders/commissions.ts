/**
 * IBKR Pro commissions, kept as data (docs/wire-facts/orders.md#commissions):
 *  - US stocks and ETFs: IB's "Commissions — Stocks, ETFs, Warrants" page
 *    (interactivebrokers.co.uk/en/pricing/commissions-stocks.php, United States table, read
 *    2026-11-30). The tiered plan's exchange, clearing, regulatory and pass-through fees and its
 *    volume tiers above 300,000 shares a month are not modelled: the first tier's broker
 *    commission is charged.
 *  - Spot forex (secType CASH, IDEALPRO): IB's "Forex — Pricing Structure" page
 *    (interactivebrokers.com/en/index.php?f=commission&p=fx1, read 2026-12-01): 0.20 basis point
 *    of the trade value, at least USD 2.00 per order, in the first tier (≤ USD 1 billion a month),
 *    which both plans use here.
 */

export interface CommissionSchedule {
  name: 'fixed' | 'tiered' | 'forex';
  currency: string;
  /** Per share (unit of the contract), in `currency`. */
  perShare: number;
  /** A fraction of the trade value (0.00002 = 0.20 basis point). */
  ofValue: number;
  /** Minimum per order, in `currency`. */
  minPerOrder: number;
  /** Maximum per order as a fraction of the trade value (0.01 = 1 %); Infinity for none. */
  maxFractionOfValue: number;
}

/** The commission plans a profile may name (`paper.commissions`). */
export type CommissionPlan = 'fixed' | 'tiered';

export const COMMISSION_SCHEDULES: Readonly<Record<CommissionPlan, CommissionSchedule>> = {
  fixed: { name: 'fixed', currency: 'USD', perShare: 0.005, ofValue: 0, minPerOrder: 1.0, maxFractionOfValue: 0.01 },
  tiered: { name: 'tiered', currency: 'USD', perShare: 0.0035, ofValue: 0, minPerOrder: 0.35, maxFractionOfValue: 0.01 },
};

/** Spot forex on IDEALPRO, the same under both plans in the first volume tier. */
export const FOREX_SCHEDULE: CommissionSchedule = {
  name: 'forex',
  currency: 'USD',
  perShare: 0,
  ofValue: 0.00002,
  minPerOrder: 2.0,
  maxFractionOfValue: Infinity,
};

/** The schedule an order on a contract of `secType` pays under `plan`. */
export function scheduleFor(plan: CommissionPlan, secType: string): CommissionSchedule {
  return secType === 'CASH' ? FOREX_SCHEDULE : COMMISSION_SCHEDULES[plan];
}

/** Cents, as IB reports commissions (rounding each sum keeps executions adding up exactly). */
const cents = (x: number): number => Math.round(x * 100) / 100;

/**
 * The commission of an order that has filled `shares` for `value` (Σ price × shares) so far:
 * per-share and per-value rates, at least the minimum, at most the cap. An execution is charged the
 * difference between this after and before it, so the first fill carries the minimum and the sum
 * over an order's executions is the order's commission.
 */
export function orderCommission(s: CommissionSchedule, shares: number, value: number): number {
  if (shares <= 0) return 0;
  const raw = Math.max(s.minPerOrder, shares * s.perShare + Math.abs(value) * s.ofValue);
  return cents(Math.min(raw, Math.abs(value) * s.maxFractionOfValue));
}

/** The part of an order's commission an execution of `shares` worth `value` adds. */
export function executionCommission(s: CommissionSchedule, before: { shares: number; value: number }, shares: number, value: number): number {
  return cents(orderCommission(s, before.shares + shares, before.value + value) - orderCommission(s, before.shares, before.value));
}
