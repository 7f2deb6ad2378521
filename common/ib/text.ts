/**
 * IB's ASCII7 text escapes: from server version 153 TWS writes non-ASCII characters as `\uXXXX`
 * (one escape per UTF-16 unit), and clients turn them back into text. One home for both
 * directions: the simulator escapes, the collector's adapters decode.
 * docs/wire-facts/framing.md#text-encoding-and-ascii7-escapes
 */

/** Escape every non-ASCII UTF-16 unit as `\uXXXX`, as TWS does from v153. */
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

/**
 * Turn `\uXXXX` escapes (exactly four hex digits) back into text; anything else, a backslash
 * not followed by `u` and four hex digits included, is left as it is. Text without escapes
 * comes back unchanged, so decoding a name a client library already decoded is harmless.
 */
export function decodeAscii7(text: string): string {
  if (!text.includes('\\u')) return text;
  return text.replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
