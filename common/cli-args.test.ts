import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { instantArg } from './cli-args.ts';

describe('instantArg', () => {
  const start = instantArg('--start');

  it('reads ISO 8601 times with Z or an offset, to the millisecond', () => {
    expect(start('2026-11-30T15:00:00Z')).toBe(Date.UTC(2026, 10, 30, 15));
    expect(start('2026-11-30T10:00-05:00')).toBe(Date.UTC(2026, 10, 30, 15));
    expect(start('2026-11-30T16:00:00.250+01:00')).toBe(Date.UTC(2026, 10, 30, 15, 0, 0, 250));
  });

  it('refuses a time without its zone, a date alone and impossible dates, naming the flag and showing the form', () => {
    for (const bad of ['2026-11-30T15:00:00', '2026-11-30', 'tomorrow', '2026-13-01T00:00:00Z', '']) {
      expect(() => start(bad), bad).toThrow(InvalidArgumentError);
      expect(() => start(bad), bad).toThrow(/^--start must be an ISO 8601 time with its zone, e\.g\. 2026-11-30T15:00:00Z/);
    }
  });
});
