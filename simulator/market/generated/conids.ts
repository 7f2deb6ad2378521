/**
 * conIds of the instruments the simulator makes up on demand (futures, options, any-symbol
 * stocks). Each kind owns a block of the generated range and writes what identifies the contract
 * into the number, so that a conId alone finds its contract again without a table: a client that
 * stored a conId yesterday qualifies it today. The range lies above the data-file synthetic range
 * (900000001..999999999) and above every real IB conId seen (below 900 million in 2026), and fits
 * the wire's 32-bit int. docs/wire-facts/contracts.md#synthetic-conids
 */
import { SYNTHETIC_CONID_MAX } from '../contract-schema.ts';
import { parseUsStockSymbol, US_SYMBOL_MAX_LENGTH } from './us-stock-symbols.ts';

/** The first conId the simulator generates; everything from here to 2^31-1 is synthetic. */
export const GENERATED_CONID_MIN = 1_000_000_000;
export const GENERATED_CONID_MAX = 2_147_483_647;

/** Futures: family × 10000 + months since January 2000. */
const FUTURES_BASE = 1_000_000_000;
const FUTURES_FAMILIES = 100;
const FUTURES_MONTHS = 10_000;
/**
 * Any-symbol stocks whose IB symbol has a share class after a space (`BRK B`): the root (one to
 * four letters) in bijective base 26, minus one, times 26, plus the class letter: 26 × 475,254
 * conIds between the futures block and the next.
 */
const CLASS_SYMBOL_BASE = 1_001_000_000;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Roots of one to four letters: 26 + 26² + 26³ + 26⁴. */
const CLASS_ROOTS = 475_254;
/**
 * Any-symbol stocks with a plain symbol: the symbol in bijective base 27, up to six characters.
 * The 27th digit is `.`, which no symbol takes any more (docs/wire-facts/contracts.md#share-classes):
 * it stays in the alphabet so that every plain symbol keeps the conId earlier versions gave it.
 */
const ANY_SYMBOL_BASE = 1_100_000_000;
const SYMBOL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ.';
/** Options: ((chain × days + expiry day) × strikes + strike index) × 2 + right. */
const OPTIONS_BASE = 1_600_000_000;
export const OPTION_CHAINS = 8;
/** Expiry days counted from 2015-01-01 (civil day 16436); 16384 days reach 2059. */
export const OPTION_EPOCH_DAY = 16_436;
const OPTION_DAYS = 16_384;
export const OPTION_STRIKES = 2_048;

if (CLASS_SYMBOL_BASE < FUTURES_BASE + FUTURES_FAMILIES * FUTURES_MONTHS || CLASS_SYMBOL_BASE + 26 * CLASS_ROOTS > ANY_SYMBOL_BASE) {
  throw new Error('class-symbol conIds overlap another block');
}
if (GENERATED_CONID_MIN <= SYNTHETIC_CONID_MAX) throw new Error('generated conIds must lie above the data-file synthetic range');
if (OPTIONS_BASE + OPTION_CHAINS * OPTION_DAYS * OPTION_STRIKES * 2 - 1 > GENERATED_CONID_MAX) throw new Error('option conIds overflow');

export function isGeneratedConId(conId: number): boolean {
  return conId >= GENERATED_CONID_MIN && conId <= GENERATED_CONID_MAX;
}

export interface FutureKey {
  family: number;
  year: number;
  month: number;
}

export function futureConId(k: FutureKey): number {
  return FUTURES_BASE + k.family * FUTURES_MONTHS + (k.year - 2000) * 12 + (k.month - 1);
}

export function decodeFutureConId(conId: number): FutureKey | undefined {
  const n = conId - FUTURES_BASE;
  if (n < 0 || n >= FUTURES_FAMILIES * FUTURES_MONTHS) return undefined;
  const months = n % FUTURES_MONTHS;
  return { family: Math.floor(n / FUTURES_MONTHS), year: 2000 + Math.floor(months / 12), month: (months % 12) + 1 };
}

export interface OptionKey {
  chain: number;
  /** Civil day of the last trade date. */
  day: number;
  strikeIndex: number;
  right: 'C' | 'P';
}

/** Undefined when the key lies outside the scheme (a strike or date too far out). */
export function optionConId(k: OptionKey): number | undefined {
  const d = k.day - OPTION_EPOCH_DAY;
  if (k.chain < 0 || k.chain >= OPTION_CHAINS || d < 0 || d >= OPTION_DAYS || k.strikeIndex < 0 || k.strikeIndex >= OPTION_STRIKES) return undefined;
  return OPTIONS_BASE + ((k.chain * OPTION_DAYS + d) * OPTION_STRIKES + k.strikeIndex) * 2 + (k.right === 'P' ? 1 : 0);
}

export function decodeOptionConId(conId: number): OptionKey | undefined {
  let n = conId - OPTIONS_BASE;
  if (n < 0 || conId > GENERATED_CONID_MAX) return undefined;
  const right = n % 2 === 1 ? 'P' : 'C';
  n = Math.floor(n / 2);
  const strikeIndex = n % OPTION_STRIKES;
  n = Math.floor(n / OPTION_STRIKES);
  const day = (n % OPTION_DAYS) + OPTION_EPOCH_DAY;
  const chain = Math.floor(n / OPTION_DAYS);
  return chain < OPTION_CHAINS ? { chain, day, strikeIndex, right } : undefined;
}

/** The number of `text` in bijective base `alphabet.length`; undefined if a character is not in it. */
function bijective(text: string, alphabet: string): number | undefined {
  let n = 0;
  for (const ch of text) {
    const digit = alphabet.indexOf(ch);
    if (digit < 0) return undefined;
    n = n * alphabet.length + digit + 1;
  }
  return n;
}

function fromBijective(n: number, alphabet: string): string {
  let out = '';
  while (n > 0) {
    const digit = (n - 1) % alphabet.length;
    out = alphabet[digit]! + out;
    n = Math.floor((n - 1) / alphabet.length);
  }
  return out;
}

/** The conId of a US stock symbol as IB writes one (us-stock-symbols.ts); undefined for any other symbol. */
export function anySymbolConId(symbol: string): number | undefined {
  const parsed = parseUsStockSymbol(symbol);
  if (!parsed) return undefined;
  if (parsed.kind === 'class') return CLASS_SYMBOL_BASE + (bijective(parsed.root, LETTERS)! - 1) * 26 + LETTERS.indexOf(parsed.shareClass);
  return ANY_SYMBOL_BASE + bijective(parsed.symbol, SYMBOL_ALPHABET)!;
}

/** The symbol whose any-symbol conId this is; undefined outside the blocks or for a symbol IB does not write (a `.`). */
export function decodeAnySymbolConId(conId: number): string | undefined {
  const c = conId - CLASS_SYMBOL_BASE;
  if (c >= 0 && c < 26 * CLASS_ROOTS) return `${fromBijective(Math.floor(c / 26) + 1, LETTERS)} ${LETTERS[c % 26]}`;
  const n = conId - ANY_SYMBOL_BASE;
  if (n <= 0 || conId >= OPTIONS_BASE) return undefined;
  const out = fromBijective(n, SYMBOL_ALPHABET);
  return out.length <= US_SYMBOL_MAX_LENGTH && parseUsStockSymbol(out)?.kind === 'plain' ? out : undefined;
}
