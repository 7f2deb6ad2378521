import { describe, expect, it } from 'vitest';
import { dayNumber, formatZoned } from './time.ts';
import { hoursString, parseSessionRange, sessionsBetween, sessionsOn, type Schedule } from './trading-hours.ts';

const us: Schedule = {
  days: new Set([1, 2, 3, 4, 5]),
  liquid: [parseSessionRange('09:30-16:00')],
  trading: [parseSessionRange('04:00-20:00')],
  holidays: new Set(['20251127']),
};

describe('session ranges', () => {
  it('parses plain, overnight and 24:00 ranges', () => {
    expect(parseSessionRange('09:30-16:00')).toEqual({ start: 570, end: 960 });
    expect(parseSessionRange('20:00-03:50')).toEqual({ start: 1200, end: 1440 + 230 });
    expect(parseSessionRange('00:00-24:00')).toEqual({ start: 0, end: 1440 });
  });
  it('rejects malformed ranges with the offending text', () => {
    expect(() => parseSessionRange('9:30-16:00')).toThrow(/"9:30-16:00"/);
    expect(() => parseSessionRange('09:30-16:61')).toThrow(/out of range/);
    expect(() => parseSessionRange('25:00-26:00')).toThrow(/out of range/);
  });
});

describe('tradingHours / liquidHours strings', () => {
  it('lists 7 days from the given day, weekends and holidays CLOSED', () => {
    const mon = dayNumber(2025, 11, 24);
    expect(hoursString(us, mon, 7, 'liquid')).toBe(
      '20251124:0930-20251124:1600;20251125:0930-20251125:1600;20251126:0930-20251126:1600;20251127:CLOSED;' +
        '20251128:0930-20251128:1600;20251129:CLOSED;20251130:CLOSED',
    );
    expect(hoursString(us, dayNumber(2025, 12, 14), 2, 'trading')).toBe('20251214:CLOSED;20251215:0400-20251215:2000');
  });
  it('gives sessions crossing midnight the next date on their end side', () => {
    const overnight: Schedule = { ...us, holidays: new Set(), trading: [parseSessionRange('20:00-03:50')] };
    expect(hoursString(overnight, dayNumber(2025, 11, 10), 1, 'trading')).toBe('20251110:2000-20251111:0350');
  });
  it('matches the modern TWS format', () => {
    const text = hoursString(us, dayNumber(2025, 11, 10), 7, 'trading');
    for (const part of text.split(';')) expect(part).toMatch(/^\d{8}:(CLOSED|\d{4}-\d{8}:\d{4})$/);
  });
});

describe('concrete sessions', () => {
  it('places sessions at the right instants on both sides of DST', () => {
    const before = sessionsOn(us, 'US/Eastern', dayNumber(2025, 3, 7), 'liquid')[0]!;
    const after = sessionsOn(us, 'US/Eastern', dayNumber(2025, 3, 10), 'liquid')[0]!;
    expect(before.start).toBe(Date.UTC(2025, 2, 7, 14, 30));
    expect(after.start).toBe(Date.UTC(2025, 2, 10, 13, 30));
    expect(formatZoned(after.end, 'US/Eastern')).toBe('20250310 16:00:00');
  });
  it('has none on weekends and holidays', () => {
    expect(sessionsOn(us, 'US/Eastern', dayNumber(2025, 11, 15), 'trading')).toEqual([]);
    expect(sessionsOn(us, 'US/Eastern', dayNumber(2025, 11, 27), 'trading')).toEqual([]);
  });
  it('finds the sessions overlapping a window', () => {
    const from = Date.UTC(2025, 10, 14, 20); // Fri 15:00 ET
    const to = Date.UTC(2025, 10, 17, 15); // Mon 10:00 ET
    const s = sessionsBetween(us, 'US/Eastern', from, to, 'liquid');
    expect(s.map((x) => formatZoned(x.start, 'US/Eastern'))).toEqual(['20251114 09:30:00', '20251117 09:30:00']);
  });
});

describe('calendars in the schedule', () => {
  it('a session ending at 24:00 does not keep the next date from being CLOSED', () => {
    const allDay: Schedule = { ...us, holidays: new Set(), trading: [parseSessionRange('00:00-24:00')] };
    expect(hoursString(allDay, dayNumber(2025, 11, 14), 2, 'trading')).toBe('20251114:0000-20251115:0000;20251115:CLOSED');
  });
  it('explicit holidays still close a date alongside the calendar', () => {
    expect(sessionsOn(us, 'US/Eastern', dayNumber(2025, 11, 27), 'liquid')).toEqual([]);
    expect(hoursString(us, dayNumber(2025, 11, 27), 1, 'liquid')).toBe('20251127:CLOSED');
  });
});
