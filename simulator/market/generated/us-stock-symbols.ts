/**
 * The forms a US stock symbol takes at IB: the one home of that rule for any-symbol mode, which
 * both numbers its made-up stocks (conids.ts) and decides which symbols get one (any-symbol.ts).
 * A plain symbol is one to six capital letters; a share class is written IB's way, a root of one to
 * four letters, a space and the class letter (`BRK B`). The exchanges' dotted form (`BRK.B`) is not
 * IB's: IB answers it with error 200. docs/wire-facts/contracts.md#share-classes
 */

/** The longest plain symbol any-symbol mode takes. */
export const US_SYMBOL_MAX_LENGTH = 6;

/** A symbol split into its parts: a plain one, or a root and a one-letter share class. */
export type UsStockSymbol = { kind: 'plain'; symbol: string } | { kind: 'class'; root: string; shareClass: string };

const PLAIN = new RegExp(`^[A-Z]{1,${US_SYMBOL_MAX_LENGTH}}$`);
const SHARE_CLASS = /^([A-Z]{1,4}) ([A-Z])$/;
/** A share class as the exchanges and most data vendors write it: `BRK.B` (also `BRK/B`, `BRK-B`). */
const OTHER_CLASS_SPELLING = /^([A-Z]{1,4})[./-]([A-Z])$/;

/** The parts of `symbol` (already upper-cased), or undefined when it is not a US stock symbol as IB writes one. */
export function parseUsStockSymbol(symbol: string): UsStockSymbol | undefined {
  if (PLAIN.test(symbol)) return { kind: 'plain', symbol };
  const classed = SHARE_CLASS.exec(symbol);
  return classed ? { kind: 'class', root: classed[1]!, shareClass: classed[2]! } : undefined;
}

/** IB's spelling of a share class written the exchanges' way (`BRK.B` → `BRK B`); undefined for any other symbol. */
export function ibShareClassSpelling(symbol: string): string | undefined {
  const m = OTHER_CLASS_SPELLING.exec(symbol);
  return m ? `${m[1]} ${m[2]}` : undefined;
}
