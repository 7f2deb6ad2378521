/**
 * "Any symbol" mode (off by default): an unknown US stock symbol gets a made-up contract instead
 * of error 200, so a quick trial with a user's own watchlist runs without a contracts file. The
 * contract is plainly marked: a generated conId (generated/conids.ts), `synthetic`, and a longName
 * that says so. docs/wire-facts/contracts.md#any-symbol-mode
 */
import { hashInts } from '../../../common/rng.ts';
import type { Instrument } from '../instrument.ts';
import { ANY_SYMBOL_MAX_LENGTH, anySymbolConId, decodeAnySymbolConId } from './conids.ts';

/**
 * The symbols a US listing has: upper-case letters, one to six characters with `.` (BRK.B, the
 * exchanges' style), or IB's own style for a share class, a root of one to four letters, a space
 * and the class letter (`BRK B`). docs/wire-facts/contracts.md#any-symbol-mode
 */
const US_SYMBOL = new RegExp(`^(?:[A-Z][A-Z.]{0,${ANY_SYMBOL_MAX_LENGTH - 1}}|[A-Z]{1,4} [A-Z])$`);

export const ANY_SYMBOL_LONG_NAME_SUFFIX = '(SYNTHETIC: ibkr-harness any-symbol mode)';

export function isAnySymbolCandidate(symbol: string): boolean {
  return US_SYMBOL.test(symbol) && anySymbolConId(symbol) !== undefined;
}

/** Why any-symbol mode makes no contract for `symbol`: the text added to error 200's. */
export function anySymbolRefusal(symbol: string): string {
  return `any-symbol mode makes contracts only for US stock symbols: 1 to ${ANY_SYMBOL_MAX_LENGTH} capital letters or '.', or a root of 1 to 4 letters, a space and a class letter (e.g. "BRK B"); "${symbol}" is none of these`;
}

/**
 * The made-up contract of a symbol: a NASDAQ-listed USD stock shaped like `template` (a real US
 * stock of the universe: exchanges, order types, hours), its price centre between 10 and 500
 * fixed by the symbol.
 */
export function anySymbolInstrument(symbol: string, template: Instrument): Instrument | undefined {
  const conId = anySymbolConId(symbol);
  if (conId === undefined || !isAnySymbolCandidate(symbol)) return undefined;
  const h = hashInts(conId, 0x5eed);
  return {
    ...template,
    conId,
    synthetic: true,
    symbol,
    localSymbol: symbol,
    longName: `${symbol} ${ANY_SYMBOL_LONG_NAME_SUFFIX}`,
    industry: '',
    category: '',
    subcategory: '',
    secIds: {},
    stockType: 'COMMON',
    basePrice: 10 + (h % 49_000) / 100,
    dailyVolatility: 0.025,
    avgDailyVolume: 2_000_000,
    derivative: undefined,
  };
}

export function anySymbolByConId(conId: number, template: Instrument): Instrument | undefined {
  const symbol = decodeAnySymbolConId(conId);
  return symbol === undefined ? undefined : anySymbolInstrument(symbol, template);
}
