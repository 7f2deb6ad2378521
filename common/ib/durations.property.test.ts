import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BAR_SIZES } from './bar-sizes.ts';
import { durationStart, fitsOneRequest, longestRequest, splitWindow, type FirstSessionStart } from './durations.ts';
import { dayNumber, instantOf, isoWeekday } from './time-zones.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Calendar {
  name: string;
  timeZone: string;
  /** First session start of a civil day, or undefined. */
  first: FirstSessionStart;
}

/**
 * Two exchange calendars a collector meets: weekday day sessions with holidays, and overnight
 * sessions that open at 18:00 the evening before their trading date.
 */
const CALENDARS: Calendar[] = [
  {
    name: 'weekday day sessions with holidays',
    timeZone: 'US/Eastern',
    first: (day) => (isoWeekday(day) <= 5 && day % 11 !== 0 ? instantOf(day, 9 * 60 + 30, 'US/Eastern') : undefined),
  },
  {
    name: 'overnight sessions Sunday to Thursday',
    timeZone: 'US/Central',
    first: (day) => (isoWeekday(day) === 7 || isoWeekday(day) <= 4 ? instantOf(day, 18 * 60, 'US/Central') : undefined),
  },
];

const ZONES = ['US/Eastern', 'Europe/Paris', 'Japan', 'UTC'];
const T0 = Date.UTC(2024, 0, 1);

describe('splitWindow (properties)', () => {
  it('tiles the window exactly, newest piece first, every piece fitting one request and meaning the same window to the gateway', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BAR_SIZES.filter((b) => longestRequest('S', b.seconds) > 0)),
        fc.constantFrom(...ZONES, undefined),
        fc.integer({ min: 0, max: 700 * 86_400 }),
        fc.integer({ min: 1, max: 400 * 86_400 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 * 86_400 })),
        (bar, zone, offsetS, asked, heldBeforeS) => {
          // At most a hundred pieces: 400 days of 1-second bars would be 19 200 requests.
          const lengthS = Math.min(asked, 100 * longestRequest('S', bar.seconds));
          const end = T0 + offsetS * 1000 + lengthS * 1000;
          const from = end - lengthS * 1000;
          const earliest = from - heldBeforeS * 1000;
          const pieces = splitWindow(from, end, bar.seconds, zone, earliest);
          expect(pieces[0]!.endMs).toBe(end);
          // Only the last piece may reach into what is held before the window, and no further.
          expect(pieces.at(-1)!.startMs).toBeLessThanOrEqual(from);
          expect(pieces.at(-1)!.startMs).toBeGreaterThanOrEqual(earliest);
          if (heldBeforeS === 0) expect(pieces.at(-1)!.startMs).toBe(from);
          pieces.forEach((p, i) => {
            if (i > 0) expect(p.endMs).toBe(pieces[i - 1]!.startMs);
            if (i < pieces.length - 1) expect(p.startMs).toBeGreaterThan(from);
            expect(p.startMs).toBeLessThan(p.endMs);
            expect(fitsOneRequest(p.duration, bar.seconds), `${p.duration.text} of ${bar.text}`).toBe(true);
            expect(p.duration.unit).not.toBe('D');
            if (p.duration.unit !== 'S') expect(zone).toBeDefined();
            expect(durationStart(p.duration, p.endMs, zone ?? 'UTC')).toBe(p.startMs);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('n D as a chain of shorter D requests', () => {
  it('k D ending where the previous request began, repeated, reaches exactly as far back as n D', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CALENDARS),
        fc.integer({ min: 0, max: 700 }),
        fc.integer({ min: 0, max: DAY - 1 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 10 }),
        (cal, dayOffset, msOfDay, n, k) => {
          const end = instantOf(dayNumber(2024, 1, 1) + dayOffset, 0, cal.timeZone) + msOfDay;
          let chained = end;
          for (let left = n; left > 0; left -= Math.min(k, left)) {
            const step = Math.min(k, left);
            chained = durationStart({ text: `${step} D`, n: step, unit: 'D' }, chained, cal.timeZone, cal.first);
          }
          expect(chained, cal.name).toBe(durationStart({ text: `${n} D`, n, unit: 'D' }, end, cal.timeZone, cal.first));
        },
      ),
      { numRuns: 400 },
    );
  });
});
