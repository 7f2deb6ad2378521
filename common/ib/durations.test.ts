import { describe, expect, it } from 'vitest';
import { BAR_SIZES } from './bar-sizes.ts';
import {
  durationStart,
  durationUnitRefusal,
  fitsOneRequest,
  longestRequest,
  nominalSeconds,
  parseDuration,
  STEP_SIZES,
  smallestBarSeconds,
  splitWindow,
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

describe('splitWindow: a missing window as requests that each fit one request', () => {
  const MIN = 60;
  const HOURLY = 3600;
  it('a day of hourly bars fits one 86400 S request; less than a day is asked in seconds', () => {
    const end = ny(2025, 11, 12, 17);
    expect(splitWindow(end - DAY, end, HOURLY, NY).map((p) => p.duration.text)).toEqual(['86400 S']);
    expect(splitWindow(end - 2 * HOUR - 300_000, end, HOURLY, NY)).toEqual([{ duration: d('7500 S'), startMs: end - 7_500_000, endMs: end }]);
  });

  it('uses calendar units where they fit exactly: 40 days of hourly bars are 1 M (31 days back from 12 November), then seconds', () => {
    const end = ny(2025, 11, 12, 17);
    const pieces = splitWindow(end - 40 * DAY, end, HOURLY, NY);
    expect(pieces[0]).toEqual({ duration: d('1 M'), startMs: ny(2025, 10, 12, 17), endMs: end });
    expect(pieces.slice(1).map((p) => p.duration.unit)).toEqual(['W', 'S', 'S']);
    expect(pieces.at(-1)!.startMs).toBe(end - 40 * DAY);
  });

  it('keeps to the step-size table: 1-minute bars never in more than 86400 S, 1-second bars in at most 1800 S', () => {
    const end = ny(2025, 11, 12, 17);
    expect(splitWindow(end - 3 * DAY, end, MIN, NY).map((p) => p.duration.text)).toEqual(['86400 S', '86400 S', '86400 S']);
    expect(splitWindow(end - HOUR, end, 1, NY).map((p) => p.duration.text)).toEqual(['1800 S', '1800 S']);
  });

  it('daily bars over years: whole years first', () => {
    const end = ny(2025, 11, 12, 17);
    const from = durationStart(d('3 Y'), end, NY) - DAY;
    expect(splitWindow(from, end, 86_400, NY).map((p) => p.duration.text)).toEqual(['3 Y', '86400 S']);
  });

  it('may reach back into what is already held when that saves requests: 6½ days of daily bars in one 1 W', () => {
    const end = ny(2025, 11, 19, 17);
    const from = ny(2025, 11, 13, 0);
    expect(splitWindow(from, end, 86_400, NY).map((p) => p.duration.text)).toEqual([
      '86400 S',
      '86400 S',
      '86400 S',
      '86400 S',
      '86400 S',
      '86400 S',
      '61200 S',
    ]);
    expect(splitWindow(from, end, 86_400, NY, from - 30 * DAY)).toEqual([{ duration: d('1 W'), startMs: ny(2025, 11, 12, 17), endMs: end }]);
    // Seconds that reach exactly are preferred to a longer unit that asks again for held bars.
    expect(splitWindow(end - HOUR, end, 3600, NY, end - 30 * DAY).map((p) => p.duration.text)).toEqual(['3600 S']);
  });

  it('without the exchange zone only seconds (whose window needs no zone)', () => {
    const end = ny(2025, 11, 12, 17);
    expect(splitWindow(end - 3 * DAY, end, HOURLY).map((p) => p.duration.text)).toEqual(['86400 S', '86400 S', '86400 S']);
  });

  it('how many of each unit fit one request', () => {
    expect(longestRequest('D', MIN)).toBe(1);
    expect(longestRequest('D', 5 * MIN)).toBe(7);
    expect(longestRequest('D', HOURLY)).toBe(30);
    expect(longestRequest('D', 86_400)).toBe(365);
    expect(longestRequest('S', 1)).toBe(1800);
    expect(longestRequest('S', HOURLY)).toBe(86_400);
    expect(longestRequest('W', HOURLY)).toBe(4);
    expect(longestRequest('M', 86_400)).toBe(12);
    expect(longestRequest('Y', 86_400)).toBe(13); // 5000 bars
    expect(longestRequest('D', 1)).toBe(0);
    expect(fitsOneRequest(d('5 D'), HOURLY)).toBe(true);
    expect(fitsOneRequest(d('5 D'), MIN)).toBe(false);
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
