/**
 * Small statistics for per-seed figures: nearest-rank percentiles (exact on small samples, so a
 * test can assert them) and Student-t 95% intervals over seeds (few seeds, unknown variance).
 */

/** Nearest-rank percentile of `xs` (p in 0..100); NaN for an empty sample. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1]!;
}

export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

export function stddev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Two-sided 97.5% quantiles of Student's t by degrees of freedom. */
const T975: ReadonlyArray<[number, number]> = [
  [1, 12.706],
  [2, 4.303],
  [3, 3.182],
  [4, 2.776],
  [5, 2.571],
  [6, 2.447],
  [7, 2.365],
  [8, 2.306],
  [9, 2.262],
  [10, 2.228],
  [12, 2.179],
  [15, 2.131],
  [20, 2.086],
  [25, 2.06],
  [30, 2.042],
  [40, 2.021],
  [60, 2.0],
  [120, 1.98],
];

/** The t quantile for `df`, taking the next smaller tabulated df (a slightly wider, safe interval). */
export function t975(df: number): number {
  if (df < 1) return Number.NaN;
  let q = T975[0]![1];
  for (const [d, v] of T975) if (d <= df) q = v;
  return df > 120 ? 1.96 : q;
}

export interface Interval {
  mean: number;
  /** 95% t-interval of the mean over seeds; equal to the mean when there is one seed or no spread. */
  lo: number;
  hi: number;
  n: number;
  sd: number;
}

export function interval(xs: readonly number[]): Interval {
  const vals = xs.filter((x) => Number.isFinite(x));
  const m = mean(vals);
  const sd = stddev(vals);
  const half = vals.length >= 2 ? (t975(vals.length - 1) * sd) / Math.sqrt(vals.length) : 0;
  return { mean: m, lo: m - half, hi: m + half, n: vals.length, sd };
}

export const halfWidth = (i: Interval): number => (i.hi - i.lo) / 2;
