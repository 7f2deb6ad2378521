import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeBarTime } from '../../collector/store/bar-time.ts';
import { formatZoned, zoneOffsetMs, zonedParts, zonedToEpoch } from './time-zones.ts';

const ZONES = ['US/Eastern', 'MET', 'GB-Eire', 'Japan', 'US/Central', 'UTC'];
const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) });

function intlParts(ms: number, tz: string) {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const v: Record<string, number> = {};
  for (const p of f.formatToParts(ms)) if (p.type !== 'literal') v[p.type] = Number(p.value);
  return { year: v.year, month: v.month, day: v.day, hour: v.hour, minute: v.minute, second: v.second };
}

describe('zoned time (properties)', () => {
  it('the cached offsets read every instant exactly as Intl does', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (ms, tz) => {
        expect(zonedParts(ms, tz)).toEqual(intlParts(ms, tz));
      }),
      { numRuns: 2000 },
    );
  });

  it('wall clock -> instant -> wall clock is the identity outside DST gaps', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (ms, tz) => {
        const p = zonedParts(ms, tz);
        const back = zonedToEpoch(p.year, p.month, p.day, p.hour, p.minute, p.second, tz);
        expect(zonedParts(back, tz)).toEqual(p);
      }),
      { numRuns: 1000 },
    );
  });

  it('the collector reads a bar date the simulator writes back to the same instant (one zone arithmetic for both)', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (ms, tz) => {
        const whole = Math.floor(ms / 1000) * 1000;
        // In the hour a clock is set back a wall-clock reading names two instants; bars never start there.
        fc.pre(zoneOffsetMs(whole - 3_600_000, tz) === zoneOffsetMs(whole + 3_600_000, tz));
        expect(normalizeBarTime(`${formatZoned(whole, tz)} ${tz}`) * 1000).toBe(whole);
      }),
      { numRuns: 1000 },
    );
  });
});
