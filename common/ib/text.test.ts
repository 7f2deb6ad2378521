import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAscii7, escapeAscii7 } from './text.ts';

describe('ASCII7 escapes', () => {
  it('escape and decode are inverse for any text, astral characters included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeAscii7(text);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the check is that nothing above 7-bit ASCII is left
        expect(/[^\x00-\x7f]/.test(escaped)).toBe(false);
        if (!text.includes('\\u')) expect(decodeAscii7(escaped)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes what TWS sends and leaves everything else alone', () => {
    expect(decodeAscii7('LVMH MO\\u00cbT HENNESSY LOUIS VUITTON')).toBe('LVMH MOËT HENNESSY LOUIS VUITTON');
    expect(decodeAscii7('SOCI\\u00c9T\\u00c9 G\\u00c9N\\u00c9RALE')).toBe('SOCIÉTÉ GÉNÉRALE');
    expect(decodeAscii7('\\ud83d\\ude00')).toBe('😀');
    expect(decodeAscii7('already decoded: MOËT')).toBe('already decoded: MOËT');
    expect(decodeAscii7('C:\\users \\u12 \\uZZZZ')).toBe('C:\\users \\u12 \\uZZZZ');
  });
});
