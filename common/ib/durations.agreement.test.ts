/**
 * A duration means the same window on both sides: the window the simulator serves (the start date
 * of its HISTORICAL_DATA reply, read back with the collector's bar-time parser) is the window the
 * collector reckons with (`durationStart`, which its catch-up compares against). Before there was
 * one rule, the simulator served calendar months while the collector counted 31-day months.
 * docs/wire-facts/history.md#durations
 */
import { describe, expect, it } from 'vitest';
import { normalizeBarTime } from '../../collector/store/bar-time.ts';
import { ContractUniverse } from '../../simulator/market/contracts.ts';
import { buildHistoricalReply } from '../../simulator/market/history.ts';
import type { Instrument } from '../../simulator/market/instrument.ts';
import { sessionsOn } from '../../simulator/market/trading-hours.ts';
import { CONID } from '../testing/fixtures.ts';
import { durationStart, parseDuration } from './durations.ts';
import { zonedToEpoch } from './time-zones.ts';

const universe = ContractUniverse.default();
const AAPL = universe.byConId(CONID.AAPL)!;
const TTE = universe.byConId(CONID.TTE_SBF)!;
/** The gateway clock stands well after every end date, so no window is cut at "now". */
const NOW = Date.UTC(2026, 0, 15);

/** The window's start as the simulator serves it, read the way the collector reads bar dates. */
function servedStart(inst: Instrument, duration: string, barSize: string, endMs: number): number {
  const iso = new Date(endMs).toISOString(); // 2025-03-31T19:00:00.000Z → 20250331-19:00:00 (UTC)
  const endDateTime = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19)}`;
  const reply = buildHistoricalReply({ endDateTime, duration, barSize, useRTH: 0, whatToShow: 'TRADES', formatDate: 1, exchange: 'SMART' }, inst, {
    seed: 1,
    nowMs: NOW,
  });
  if (!reply.ok) throw new Error(`${inst.symbol} ${duration} ${barSize}: ${reply.code} ${reply.message}`);
  return normalizeBarTime(reply.startDate) * 1000;
}

const BAR_FOR: Record<string, string> = { S: '1 min', D: '1 hour', W: '1 day', M: '1 day', Y: '1 day' };

describe('a duration means the same window for the simulator and the collector', () => {
  // Weekdays at month ends, a leap day, both DST changes of New York and Paris, a year boundary.
  const ends: Array<[number, number, number]> = [
    [2025, 3, 31],
    [2025, 3, 14],
    [2024, 2, 29],
    [2024, 3, 1],
    [2025, 3, 10],
    [2025, 11, 3],
    [2025, 10, 27],
    [2025, 1, 2],
    [2025, 8, 29],
    [2025, 12, 31],
  ];
  const durations = ['3600 S', '1 D', '5 D', '1 W', '2 W', '1 M', '2 M', '6 M', '1 Y', '2 Y'];

  for (const inst of [AAPL, TTE]) {
    it(`${inst.symbol} (${inst.timeZoneId})`, () => {
      const firstSession = (day: number) => sessionsOn(inst.schedule, inst.timeZoneId, day, 'trading')[0]?.start;
      for (const [y, mo, d] of ends) {
        // 13:00 local: inside the session on every day listed, half days included (Euronext's
        // 31 December ends at 14:00, docs/wire-facts/market-hours.md#euronext-half-days).
        const end = zonedToEpoch(y, mo, d, 13, 0, 0, inst.timeZoneId);
        for (const text of durations) {
          const duration = parseDuration(text)!;
          const served = servedStart(inst, text, BAR_FOR[duration.unit]!, end);
          const reckoned = durationStart(duration, end, inst.timeZoneId, duration.unit === 'D' ? firstSession : undefined);
          expect(served, `${text} ending ${y}-${mo}-${d} 13:00 ${inst.timeZoneId}`).toBe(reckoned);
        }
      }
    });
  }

  it('"1 M" is a calendar month, on the wire too: ending 31 March it starts 28 February (31 days), ending 15 March on 15 February (28)', () => {
    const march31 = zonedToEpoch(2025, 3, 31, 15, 0, 0, 'US/Eastern');
    const march15 = zonedToEpoch(2025, 3, 15, 15, 0, 0, 'US/Eastern');
    expect(servedStart(AAPL, '1 M', '1 day', march31)).toBe(zonedToEpoch(2025, 2, 28, 15, 0, 0, 'US/Eastern'));
    expect(servedStart(AAPL, '1 M', '1 day', march15)).toBe(zonedToEpoch(2025, 2, 15, 15, 0, 0, 'US/Eastern'));
  });
});
