/**
 * "Any symbol" mode (off by default): an unknown US stock symbol gets a made-up contract instead
 * of error 200, so a quick trial with a user's own watchlist runs without a contracts file. The
 * contract is plainly marked: a generated conId (generated/conids.ts), `synthetic`, and a longName
 * that says so. docs/wire-facts/contracts.md#any-symbol-mode
 */
import { hashInts } from '../../../common/rng.ts';
import type { Instrument } from '../instrument.ts';
import { anySymbolConId, decodeAnySymbolConId } from './conids.ts';
import { ibShareClassSpelling, parseUsStockSymbol, US_SYMBOL_MAX_LENGTH } from './us-stock-symbols.ts';

export const ANY_SYMBOL_LONG_NAME_SUFFIX = '(SYNTHETIC: ibkr-harness any-symbol mode)';

/** Whether any-symbol mode makes a contract for `symbol`: a US stock symbol as IB writes one (us-stock-symbols.ts). */
export function isAnySymbolCandidate(symbol: string): boolean {
  return parseUsStockSymbol(symbol) !== undefined;
}

/**
 * Why any-symbol mode makes no contract for `symbol`: the text added to error 200's. A share class
 * written the exchanges' way (`BRK.B`) is told IB's spelling (docs/wire-facts/contracts.md#share-classes).
 */
export function anySymbolRefusal(symbol: string): string {
  const ibSpelling = ibShareClassSpelling(symbol);
  if (ibSpelling) return `IB writes a share class with a space: ask for "${ibSpelling}", not "${symbol}"`;
  return `any-symbol mode makes contracts only for US stock symbols: 1 to ${US_SYMBOL_MAX_LENGTH} capital letters, or a root of 1 to 4 letters, a space and a class letter (e.g. "BRK B"); "${symbol}" is none of these`;
}

/**
 * The made-up contract of a symbol: a NASDAQ-listed USD stock shaped like `template` (a real US
 * stock of the universe: exchanges, order types, hours), its price centre between 10 and 500
 * fixed by the symbol.
 */
export function anySymbolInstrument(symbol: string, template: Instrument): Instrument | undefined {
  const conId = anySymbolConId(symbol);
  if (conId === undefined) return undefined;
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
