import { describe, expect, it } from 'vitest';
import { BAR_SIZES } from './bar-sizes.ts';
import {
  durationCovering,
  durationStart,
  durationUnitRefusal,
  nominalSeconds,
  parseDuration,
  STEP_SIZES,
  smallestBarSeconds,
  tooManySmallBars,
  type Duration,
} from './durations.ts';
import { dayNumber, isoWeekday, zonedToEpoch } from './time-zones.ts';

const NY = 'US/Eastern';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const d = (text: string): Duration => parseDuration(text)!;
const ny = (y: number, mo: number, day: number, h = 12, mi = 0) => zonedToEpoch(y, mo, day, h, mi, 0, NY);
/** Weekday regular sessions in New York, 09:30 open. */
const weekdays = (day: number) => (isoWeekday(day) <= 5 ? ny(...ymd(day), 9, 30) : undefined);
function ymd(day: number): [number, number, number] {
  const t = new Date(day * DAY);
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

describe('parseDuration', () => {
  it('reads <integer> <unit> and normalizes the blanks around it', () => {
    expect(parseDuration(' 30 S ')).toEqual({ text: '30 S', n: 30, unit: 'S' });
    expect(parseDuration('1 M')).toEqual({ text: '1 M', n: 1, unit: 'M' });
    expect(parseDuration('10 Y')).toEqual({ text: '10 Y', n: 10, unit: 'Y' });
  });

  it.each(['1M', '1 d', '0 D', '-1 D', '1.5 D', '', '1  D', '1 X', 'D', '99999999999999999999 S'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('durationStart: the window a duration covers', () => {
  it('a month is the same wall-clock time one calendar month earlier: 28 to 31 days, never a fixed 30 or 31', () => {
    expect(durationStart(d('1 M'), ny(2025, 3, 15), NY)).toBe(ny(2025, 2, 15));
    expect(ny(2025, 3, 15) - ny(2025, 2, 15)).toBe(28 * DAY - HOUR); // and DST began on 9 March
    expect(durationStart(d('1 M'), ny(2025, 8, 31), NY)).toBe(ny(2025, 7, 31));
    expect(ny(2025, 8, 31) - ny(2025, 7, 31)).toBe(31 * DAY);
    expect(durationStart(d('1 M'), ny(2025, 6, 15), NY)).toBe(ny(2025, 5, 15));
    expect(ny(2025, 6, 15) - ny(2025, 5, 15)).toBe(31 * DAY);
  });

  it('a day the earlier month lacks is clamped to its last day', () => {
    expect(durationStart(d('1 M'), ny(2025, 3, 31, 16), NY)).toBe(ny(2025, 2, 28, 16));
    expect(durationStart(d('1 M'), ny(2024, 3, 31, 16), NY)).toBe(ny(2024, 2, 29, 16));
    expect(durationStart(d('3 M'), ny(2025, 5, 31, 16), NY)).toBe(ny(2025, 2, 28, 16));
  });

  it('a year is twelve months: 365 or 366 days, 29 February clamped', () => {
    expect(durationStart(d('1 Y'), ny(2024, 2, 29), NY)).toBe(ny(2023, 2, 28));
    expect(durationStart(d('1 Y'), ny(2024, 3, 1), NY)).toBe(ny(2023, 3, 1));
    expect(ny(2024, 3, 1) - ny(2023, 3, 1)).toBe(366 * DAY);
    expect(durationStart(d('1 Y'), ny(2025, 3, 1), NY)).toBe(ny(2024, 3, 1));
    expect(ny(2025, 3, 1) - ny(2024, 3, 1)).toBe(365 * DAY);
    expect(durationStart(d('2 Y'), ny(2025, 11, 12), NY)).toBe(ny(2023, 11, 12));
  });

  it('weeks keep the wall-clock time across a DST change; seconds are exact', () => {
    expect(durationStart(d('1 W'), ny(2025, 3, 12, 10), NY)).toBe(ny(2025, 3, 5, 10));
    expect(durationStart(d('3600 S'), ny(2025, 3, 12, 10), NY)).toBe(ny(2025, 3, 12, 9));
  });

  it('D counts trading days with the exchange calendar (1 D on a Sunday is Friday), calendar days without it', () => {
    const sunday = ny(2025, 11, 16, 12);
    expect(durationStart(d('1 D'), sunday, NY, weekdays)).toBe(ny(2025, 11, 14, 9, 30));
    expect(durationStart(d('2 D'), sunday, NY, weekdays)).toBe(ny(2025, 11, 13, 9, 30));
    // Monday before the open: today's session has not begun, so 1 D is Friday's.
    expect(durationStart(d('1 D'), ny(2025, 11, 17, 9), NY, weekdays)).toBe(ny(2025, 11, 14, 9, 30));
    expect(durationStart(d('1 D'), ny(2025, 11, 17, 10), NY, weekdays)).toBe(ny(2025, 11, 17, 9, 30));
    expect(durationStart(d('1 D'), sunday, NY)).toBe(ny(2025, 11, 15, 12));
    expect(weekdays(dayNumber(2025, 11, 16))).toBeUndefined(); // the calendar used here: no Sunday session
  });
});

describe('durationCovering', () => {
  it('uses seconds (at least 60) up to a day', () => {
    const end = ny(2025, 11, 12, 17);
    expect(durationCovering(end - 2 * HOUR - 300_000, end, NY)).toEqual({ text: '7500 S', n: 7500, unit: 'S' });
    expect(durationCovering(end - 10_000, end, NY).text).toBe('60 S');
    expect(durationCovering(end - DAY, end, NY).text).toBe('86400 S');
  });

  it('counts a day per civil day touched, plus one: Monday 15:00 to Wednesday 10:00 reaches back past Monday', () => {
    const monday = ny(2025, 11, 10, 15);
    const wednesday = ny(2025, 11, 12, 10);
    const covering = durationCovering(monday, wednesday, NY);
    expect(covering.text).toBe('4 D');
    expect(durationStart(covering, wednesday, NY, weekdays)).toBeLessThanOrEqual(ny(2025, 11, 10, 9, 30));
    // ⌈gap ÷ 1 day⌉ = 2 D would start on Tuesday and miss Monday's last hour.
    expect(durationStart(d('2 D'), wednesday, NY, weekdays)).toBe(ny(2025, 11, 11, 9, 30));
  });

  it('beyond the 365 D IB accepts, asks for whole years that still reach back far enough', () => {
    const end = ny(2026, 11, 12, 10);
    const lastBar = ny(2025, 11, 10, 15);
    const covering = durationCovering(lastBar, end, NY);
    expect(covering.text).toBe('2 Y');
    expect(durationUnitRefusal(covering)).toBeUndefined();
    expect(durationStart(covering, end, NY)).toBeLessThanOrEqual(lastBar);
    // 363 civil days + 2 is still within 365 D.
    expect(durationCovering(ny(2025, 11, 14, 15), end, NY).text).toBe('365 D');
  });
});

describe('what IB refuses', () => {
  it('each unit up to its limit (86400 S, 365 D, 52 W, 12 M); years without one', () => {
    expect(['86400 S', '365 D', '52 W', '12 M', '100 Y'].map((t) => durationUnitRefusal(d(t)))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(['86401 S', '366 D', '53 W', '13 M'].map((t) => durationUnitRefusal(d(t)))).toEqual([
      'Historical data request for greater than 86400 seconds rejected.',
      'Historical data requests for durations longer than 365 days must be made in years.',
      'Historical data request for durations longer than 52 weeks must be made in years.',
      'Historical data request for durations longer than 12 months must be made in years.',
    ]);
  });

  it('more than 2,000 bars under a minute; nothing for a minute and up', () => {
    expect(tooManySmallBars(d('2000 S'), 1)).toBe(false);
    expect(tooManySmallBars(d('2001 S'), 1)).toBe(true);
    expect(tooManySmallBars(d('1 D'), 1)).toBe(true);
    expect(tooManySmallBars(d('28800 S'), 15)).toBe(false);
    expect(tooManySmallBars(d('1 D'), 30)).toBe(true);
    expect(tooManySmallBars(d('1 Y'), 60)).toBe(false);
    // Every row of IB's step-size guide is within the limit for its smallest bar size.
    for (const [maxSecs, minBar] of STEP_SIZES) if (minBar < 60) expect(tooManySmallBars(d(`${maxSecs} S`), minBar), `${maxSecs} S of ${minBar} s`).toBe(false);
  });
});

describe('step sizes (a guide)', () => {
  it('places durations in IB table by nominal length: a month counts 30 days there, a year 365', () => {
    expect(nominalSeconds(d('1 M'))).toBe(30 * 86_400);
    expect(nominalSeconds(d('1 Y'))).toBe(365 * 86_400);
    const smallest = (text: string) => BAR_SIZES.find((b) => b.seconds >= smallestBarSeconds(d(text)))!.text;
    expect(['60 S', '1800 S', '3600 S', '1 D', '2 D', '1 W', '1 M', '1 Y'].map(smallest)).toEqual([
      '1 secs',
      '1 secs',
      '5 secs',
      '1 min',
      '2 mins',
      '3 mins',
      '30 mins',
      '1 day',
    ]);
    // Between rows the next longer row applies: 30 D is the 1 M row, 31 D the 1 Y row.
    expect(smallest('30 D')).toBe('30 mins');
    expect(smallest('31 D')).toBe('1 day');
    expect(smallest('2 Y')).toBe('1 day');
  });
});
