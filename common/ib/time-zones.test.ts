import { describe, expect, it } from 'vitest';
import { addMonths, dayNumber, formatYmd, formatZoned, isoWeekday, isValidTimeZone, localDay, parseYmd, zonedParts, zonedToEpoch } from './time-zones.ts';

describe('time zones used by TWS', () => {
  it('resolves the ids TWS sends (Node ships full ICU)', () => {
    for (const tz of ['US/Eastern', 'US/Central', 'MET', 'GB-Eire', 'Japan', 'Hongkong', 'UTC', 'Europe/Paris']) {
      expect(isValidTimeZone(tz), tz).toBe(true);
    }
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('MET follows Central European summer time', () => {
    expect(formatZoned(Date.UTC(2025, 6, 1, 12), 'MET')).toBe('20250701 14:00:00');
    expect(formatZoned(Date.UTC(2025, 0, 15, 12), 'MET')).toBe('20250115 13:00:00');
  });

  it('converts wall-clock time to instants across US DST', () => {
    // 2025-03-09 is the US spring-forward day.
    expect(zonedToEpoch(2025, 3, 7, 9, 30, 0, 'US/Eastern')).toBe(Date.UTC(2025, 2, 7, 14, 30));
    expect(zonedToEpoch(2025, 3, 10, 9, 30, 0, 'US/Eastern')).toBe(Date.UTC(2025, 2, 10, 13, 30));
    expect(zonedToEpoch(2025, 11, 10, 8, 0, 0, 'GB-Eire')).toBe(Date.UTC(2025, 10, 10, 8));
  });

  it('reads instants on DST switch days exactly', () => {
    // US fall-back 2025-11-02 06:00 UTC: 01:59:59 EDT is followed by 01:00:00 EST.
    expect(zonedParts(Date.UTC(2025, 10, 2, 5, 59, 59), 'US/Eastern')).toMatchObject({ hour: 1, minute: 59, second: 59 });
    expect(zonedParts(Date.UTC(2025, 10, 2, 6, 0, 0), 'US/Eastern')).toMatchObject({ hour: 1, minute: 0 });
    expect(zonedParts(Date.UTC(2025, 10, 2, 18, 0, 0), 'US/Eastern')).toMatchObject({ hour: 13 });
  });

  it('handles civil days', () => {
    const d = dayNumber(2025, 11, 10);
    expect(formatYmd(d)).toBe('20251110');
    expect(isoWeekday(d)).toBe(1);
    expect(isoWeekday(dayNumber(2025, 11, 16))).toBe(7);
    expect(parseYmd('20251110')).toBe(d);
    expect(parseYmd('20250230')).toBeUndefined();
    expect(formatYmd(addMonths(dayNumber(2025, 3, 31), -1))).toBe('20250228');
    expect(formatYmd(addMonths(dayNumber(2024, 1, 31), 1))).toBe('20240229');
    expect(formatYmd(addMonths(dayNumber(2025, 12, 15), 1))).toBe('20260115');
    // 23:30 New York on Nov 10 is already Nov 11 in Paris.
    const t = Date.UTC(2025, 10, 11, 4, 30);
    expect(formatYmd(localDay(t, 'US/Eastern'))).toBe('20251110');
    expect(formatYmd(localDay(t, 'MET'))).toBe('20251111');
  });
});
