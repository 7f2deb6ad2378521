import { describe, expect, it } from 'vitest';
import { normalizeBarTime } from './bar-time.ts';

const epoch = (iso: string) => Date.parse(iso) / 1000;

describe('normalizeBarTime', () => {
  it.each([
    ['20251110 09:30:00 US/Eastern', '2025-11-10T14:30:00Z'],
    ['20250710 09:30:00 US/Eastern', '2025-07-10T13:30:00Z'], // summer time
    ['20260526 09:00:00 MET', '2026-05-26T07:00:00Z'],
    ['20251110 09:00:00 Europe/Paris', '2025-11-10T08:00:00Z'],
    ['20251110 14:30:00 UTC', '2025-11-10T14:30:00Z'],
    ['20251110-14:30:00', '2025-11-10T14:30:00Z'],
    ['1762785000', '2025-11-10T14:30:00Z'],
    ['20251110', '2025-11-10T00:00:00Z'],
  ])('%s', (text, iso) => {
    expect(normalizeBarTime(text)).toBe(epoch(iso));
  });

  it('passes epoch seconds through', () => {
    expect(normalizeBarTime(1762785000)).toBe(1762785000);
  });

  it('needs a zone for the old two-space format without one', () => {
    expect(() => normalizeBarTime('20251110  09:30:00')).toThrow(/no time zone/);
    expect(normalizeBarTime('20251110  09:30:00', { defaultTimeZone: 'US/Eastern' })).toBe(epoch('2025-11-10T14:30:00Z'));
  });

  it.each([
    ['20250230', /not a valid date/],
    ['20251110 25:00:00 UTC', /not a valid date/],
    ['20251110 09:30:00 Mars/Olympus', /unknown time zone "Mars\/Olympus"/],
    ['yesterday', /unrecognised/],
  ])('rejects %s', (text, message) => {
    expect(() => normalizeBarTime(text)).toThrow(message);
  });

  it('rejects fractional or negative numbers', () => {
    expect(() => normalizeBarTime(1.5)).toThrow(RangeError);
    expect(() => normalizeBarTime(-1)).toThrow(RangeError);
  });
});
