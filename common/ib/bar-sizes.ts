/**
 * The bar sizes TWS accepts in REQ_HISTORICAL_DATA, in one table for the simulator's validation
 * and pacing and for the collector's input checks and pacing. docs/wire-facts/history.md#bar-sizes
 */
import { NOMINAL_SECONDS } from './durations.ts';

export interface BarSize {
  /** The spelling TWS lists as legal. */
  text: string;
  /** Nominal length in seconds, on the scale of durations (a day 86,400 s, a week 7 days, a month 30 days). */
  seconds: number;
  unit: 'sec' | 'day' | 'week' | 'month';
}

const S = (text: string, seconds: number): BarSize => ({ text, seconds, unit: 'sec' });
export const BAR_SIZES: readonly BarSize[] = [
  S('1 secs', 1),
  S('5 secs', 5),
  S('10 secs', 10),
  S('15 secs', 15),
  S('30 secs', 30),
  S('1 min', 60),
  S('2 mins', 120),
  S('3 mins', 180),
  S('5 mins', 300),
  S('10 mins', 600),
  S('15 mins', 900),
  S('20 mins', 1200),
  S('30 mins', 1800),
  S('1 hour', 3600),
  S('2 hours', 7200),
  S('3 hours', 10800),
  S('4 hours', 14400),
  S('8 hours', 28800),
  { text: '1 day', seconds: NOMINAL_SECONDS.D, unit: 'day' },
  { text: '1 week', seconds: NOMINAL_SECONDS.W, unit: 'week' },
  { text: '1 month', seconds: NOMINAL_SECONDS.M, unit: 'month' },
];

// TWS's own error text names the long bar sizes `1W`/`1M`; both spellings are accepted (seen).
const BAR_ALIASES: Record<string, string> = { '1W': '1 week', '1M': '1 month' };

/** The legal bar size `text` names, or undefined. */
export function findBarSize(text: string): BarSize | undefined {
  const t = text.trim();
  return BAR_SIZES.find((b) => b.text === (BAR_ALIASES[t] ?? t));
}

/** A legal bar size in seconds; NaN for anything TWS would refuse. */
export function barSizeSeconds(text: string): number {
  return findBarSize(text)?.seconds ?? Number.NaN;
}
