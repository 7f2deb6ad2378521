/** Number formats shared by the Markdown and HTML reports. */
import type { FigureName, StrategySummary } from '../bench/schema.ts';
import type { Interval } from '../bench/stats.ts';

const pm = (i: Interval, scale: number, digits: number) => {
  const half = (i.hi - i.lo) / 2 / scale;
  // A spread that rounds to nothing at the shown precision is not shown.
  return i.n >= 2 && Number.isFinite(half) && Number(half.toFixed(digits)) > 0 ? ` ±${half.toFixed(digits)}` : '';
};

/** Model ms as seconds, with the interval's half-width: `1.24 ±0.10 s`. */
export function secondsCI(i: Interval, digits = 2): string {
  if (!Number.isFinite(i.mean)) return '—';
  return `${(i.mean / 1000).toFixed(digits)}${pm(i, 1000, digits)} s`;
}

export function countCI(i: Interval): string {
  if (!Number.isFinite(i.mean)) return '—';
  const whole = Number.isInteger(i.mean) && i.hi === i.lo;
  return whole ? String(i.mean) : `${i.mean.toFixed(1)}${pm(i, 1, 1)}`;
}

export function rateCI(i: Interval): string {
  return Number.isFinite(i.mean) ? `${i.mean.toFixed(2)}${pm(i, 1, 2)}` : '—';
}

export function shareCI(i: Interval): string {
  if (!Number.isFinite(i.mean)) return '—';
  const spread = pm(i, 0.01, 0);
  return spread ? `${(i.mean * 100).toFixed(0)}${spread}%` : `${(i.mean * 100).toFixed(0)}%`;
}

export function signedPct(rel: number | null): string {
  if (rel === null || !Number.isFinite(rel)) return '';
  if (Math.abs(rel) < 0.0005) return '±0%';
  return `${rel > 0 ? '+' : ''}${(rel * 100).toFixed(1)}%`;
}

export const mdRow = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
export const mdHead = (head: readonly string[], leftCols = 2) =>
  [mdRow(head), `|${head.map((_, i) => (i < leftCols ? ' --- ' : ' ---: ')).join('|')}|`].join('\n');

/** A model duration in ms below a second, else in seconds: cache hits read `0 ms`, not `0.00 s`. */
export function modelDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** The figures whose run-to-run noise is shown. */
export const NOISE_FIGURES: ReadonlyArray<[FigureName, string]> = [
  ['p50', 'p50'],
  ['p99', 'p99'],
  ['makespanMs', 'makespan'],
  ['timeouts', 'timeouts'],
];

/** `±0.12 s (9%)`: the noise of a figure, in its unit and relative to its mean. */
export function noiseText(s: StrategySummary, f: FigureName): string {
  const sd = s.noise?.[f];
  const m = s.figures[f].mean;
  if (sd === undefined || !Number.isFinite(sd)) return '—';
  const abs = f === 'timeouts' ? sd.toFixed(1) : `${(sd / 1000).toFixed(2)} s`;
  return Number.isFinite(m) && m !== 0 ? `±${abs} (${((sd / Math.abs(m)) * 100).toFixed(0)}%)` : `±${abs}`;
}
