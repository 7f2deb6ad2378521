/**
 * Exchange calendars by name: the one home of holiday and early-close rules, shared by the
 * simulator's market (bars, contract details, and later ticks and order handling) and the collector.
 * Rules and sources: docs/wire-facts/market-hours.md.
 */
import type { ExchangeCalendar } from './calendar.ts';
import { CME_EQUITY } from './cme-equity.ts';
import { EURONEXT_PARIS } from './euronext.ts';
import { LSE } from './lse.ts';
import { NYSE } from './nyse.ts';
import { XETRA } from './xetra.ts';

export type { DayException, EarlyClose, ExchangeCalendar, FullClosure } from './calendar.ts';
export { CME_EQUITY } from './cme-equity.ts';
export { EURONEXT_PARIS } from './euronext.ts';
export { LSE } from './lse.ts';
export { NYSE } from './nyse.ts';
export { XETRA } from './xetra.ts';

/** Every calendar a contract data file can name, by name. */
export const EXCHANGE_CALENDARS: ReadonlyMap<string, ExchangeCalendar> = new Map([NYSE, EURONEXT_PARIS, CME_EQUITY, XETRA, LSE].map((c) => [c.name, c]));

/** The calendar of that name, or undefined. */
export function exchangeCalendar(name: string): ExchangeCalendar | undefined {
  return EXCHANGE_CALENDARS.get(name);
}
