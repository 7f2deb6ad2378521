import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationCovering, durationStart, type FirstSessionStart } from './durations.ts';
import { civilDate, dayNumber, instantOf, isoWeekday } from './time-zones.ts';

const HOUR = 3_600_000;

interface Calendar {
  name: string;
  timeZone: string;
  /** First session start of a civil day, or undefined. */
  first: FirstSessionStart;
  /** Session length, ms. */
  lengthMs: number;
}

/**
 * Two exchange calendars a collector meets: weekday day sessions with holidays, and overnight
 * sessions that open at 18:00 and close the next afternoon (a bar at 01:00 belongs to the session
 * of the day before).
 */
const CALENDARS: Calendar[] = [
  {
    name: 'weekday day sessions with holidays',
    timeZone: 'US/Eastern',
    first: (day) => (isoWeekday(day) <= 5 && day % 11 !== 0 ? instantOf(day, 9 * 60 + 30, 'US/Eastern') : undefined),
    lengthMs: 6.5 * HOUR,
  },
  {
    name: 'overnight sessions Sunday to Thursday',
    timeZone: 'US/Central',
    first: (day) => (isoWeekday(day) === 7 || isoWeekday(day) <= 4 ? instantOf(day, 18 * 60, 'US/Central') : undefined),
    lengthMs: 23 * HOUR,
  },
  {
    name: 'Tokyo with a lunch break (first session only matters)',
    timeZone: 'Japan',
    first: (day) => (isoWeekday(day) <= 5 ? instantOf(day, 9 * 60, 'Japan') : undefined),
    lengthMs: 6 * HOUR,
  },
];

const FIRST_DAY = dayNumber(2024, 1, 1);

describe('durationCovering (properties)', () => {
  it('always reaches back to the session holding the last bar, whatever lies between', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CALENDARS),
        fc.integer({ min: 0, max: 700 }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 1_000, max: 20 * 24 * HOUR }),
        (cal, dayOffset, permille, gapMs) => {
          // A trading day at or after the chosen one, and an instant inside its session.
          let day = FIRST_DAY + dayOffset;
          while (cal.first(day) === undefined) day++;
          const sessionStart = cal.first(day)!;
          const from = sessionStart + Math.floor((permille / 1000) * cal.lengthMs);
          const end = from + gapMs;
          const covering = durationCovering(from, end, cal.timeZone);
          const start = durationStart(covering, end, cal.timeZone, cal.first);
          const where = `${cal.name}: from ${new Date(from).toISOString()} (${civilDate(day).month}/${civilDate(day).day}) to ${new Date(end).toISOString()} asked ${covering.text}`;
          expect(start, where).toBeLessThanOrEqual(covering.unit === 'S' ? from : sessionStart);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
