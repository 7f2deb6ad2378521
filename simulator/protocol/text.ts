/** Escape every non-ASCII UTF-16 unit as `\uXXXX`, as TWS does from v153 (docs/wire-facts/framing.md#text-encoding-and-ascii7-escapes). */
export function escapeAscii7(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the class is every byte above 7-bit ASCII
  if (!/[^\x00-\x7f]/.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c < 0x80 ? text[i] : `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return out;
}
