/**
 * IBKR Pro commissions for US stocks and ETFs, kept as data: per-share rate, minimum and maximum
 * per order. Source: IB's "Commissions — Stocks, ETFs, Warrants" page
 * (interactivebrokers.co.uk/en/pricing/commissions-stocks.php, United States table, read
 * 2026-11-30) — docs/wire-facts/orders.md#commissions. The tiered plan's exchange, clearing,
 * regulatory and pass-through fees and its volume tiers above 300,000 shares a month are not
 * modelled: the first tier's broker commission is charged.
 */

export interface CommissionSchedule {
  name: 'fixed' | 'tiered';
  currency: string;
  /** Per share, in `currency`. */
  perShare: number;
  /** Minimum per order, in `currency`. */
  minPerOrder: number;
  /** Maximum per order as a fraction of the trade value (0.01 = 1 %). */
  maxFractionOfValue: number;
}

export const COMMISSION_SCHEDULES: Readonly<Record<CommissionSchedule['name'], CommissionSchedule>> = {
  fixed: { name: 'fixed', currency: 'USD', perShare: 0.005, minPerOrder: 1.0, maxFractionOfValue: 0.01 },
  tiered: { name: 'tiered', currency: 'USD', perShare: 0.0035, minPerOrder: 0.35, maxFractionOfValue: 0.01 },
};

/** Cents, as IB reports commissions (rounding each sum keeps executions adding up exactly). */
const cents = (x: number): number => Math.round(x * 100) / 100;

/**
 * The commission of an order that has filled `shares` for `value` (Σ price × shares) so far:
 * per-share rate, at least the minimum, at most the cap. An execution is charged the difference
 * between this after and before it, so the first fill carries the minimum and the sum over an
 * order's executions is the order's commission.
 */
export function orderCommission(s: CommissionSchedule, shares: number, value: number): number {
  if (shares <= 0) return 0;
  const raw = Math.max(s.minPerOrder, shares * s.perShare);
  return cents(Math.min(raw, value * s.maxFractionOfValue));
}

/** The part of an order's commission an execution of `shares` worth `value` adds. */
export function executionCommission(s: CommissionSchedule, before: { shares: number; value: number }, shares: number, value: number): number {
  return cents(orderCommission(s, before.shares + shares, before.value + value) - orderCommission(s, before.shares, before.value));
}
