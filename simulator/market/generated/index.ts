/**
 * Instruments the simulator makes on demand rather than reads from the contracts file: listed
 * futures, option chains and (when enabled) any-symbol stocks. They depend on the model date
 * (expiries roll, the front month moves) and, for option strikes, on the run's seed.
 * docs/wire-facts/contracts.md#futures, docs/wire-facts/contracts.md#options,
 * docs/wire-facts/contracts.md#any-symbol-mode
 */
import type { NormalQuery } from '../contract-query.ts';
import type { Instrument } from '../instrument.ts';
import { anySymbolByConId, anySymbolInstrument, anySymbolRefusal, isAnySymbolCandidate } from './any-symbol.ts';
import { FUTURE_FAMILIES, OPTION_CHAINS } from './families.ts';
import { ListedFutures } from './futures.ts';
import { ListedOptions, type ListedChain, type OptionParams } from './options.ts';

export type { OptionParams } from './options.ts';
export { GENERATED_CONID_MAX, GENERATED_CONID_MIN, isGeneratedConId } from './conids.ts';
export { ANY_SYMBOL_LONG_NAME_SUFFIX } from './any-symbol.ts';

export interface GeneratedOptions {
  /** The run's seed: option strikes centre on the simulated price path. */
  seed: number;
  /** Make up a contract for an unknown US stock symbol instead of answering 200. Default false. */
  anySymbol?: boolean;
}

/** The OCC option symbol: six characters of root (the trading class), then yyMMdd, right and strike. */
const OCC = /^(.{6})(\d{6})([CP])(\d{8})$/;
/** A futures local symbol: root, month code, one year digit (ESZ5). */
const FUTURE_LOCAL = /^([A-Z0-9]+)[FGHJKMNQUVXZ]\d$/;

export class GeneratedInstruments {
  readonly futures: ListedFutures;
  readonly options: ListedOptions;
  private readonly anySymbolTemplate: Instrument | undefined;

  /** `lookup` finds an underlying (or the any-symbol template) among the file's instruments. */
  constructor(lookup: (conId: number) => Instrument | undefined, opts: GeneratedOptions) {
    this.futures = new ListedFutures(FUTURE_FAMILIES, lookup);
    const chains: ListedChain[] = [];
    for (const spec of OPTION_CHAINS) {
      const underlying = lookup(spec.underlyingConId);
      if (underlying && underlying.symbol === spec.underlyingSymbol) chains.push({ spec, underlying });
    }
    this.options = new ListedOptions(chains, opts.seed);
    // AAPL is the model of a NASDAQ-listed US stock (real exchanges, order types and hours).
    this.anySymbolTemplate = opts.anySymbol ? lookup(265598) : undefined;
  }

  /** Generated instruments a conId-less query describes at `nowMs`, ignoring its exchange. */
  candidates(q: NormalQuery, nowMs: number): Instrument[] {
    const fromLocal = FUTURE_LOCAL.exec(q.localSymbol)?.[1];
    if (q.secType === 'FUT' || (q.secType === '' && fromLocal && !OCC.test(q.localSymbol))) {
      return this.futures.listed(q.symbol || fromLocal || q.tradingClass, nowMs, q.includeExpired);
    }
    if (q.secType === 'CONTFUT') {
      const front = this.futures.front(q.symbol || q.tradingClass, nowMs);
      return front ? [{ ...front, secType: 'CONTFUT' }] : [];
    }
    const occ = OCC.exec(q.localSymbol);
    if (q.secType === 'OPT' || (q.secType === '' && occ)) {
      const tradingClass = q.tradingClass || (occ?.[1] ?? '').trim();
      if (!q.symbol && !tradingClass) return [];
      return this.options.listed({ symbol: q.symbol, tradingClass, expiry: q.expiry, strike: q.strike, right: q.right }, nowMs);
    }
    return [];
  }

  /** The generated instrument with this conId at `nowMs` (expired futures only with includeExpired). */
  byConId(conId: number, nowMs: number, includeExpired = false): Instrument | undefined {
    return (
      this.futures.byConId(conId, nowMs, includeExpired) ??
      this.options.byConId(conId, nowMs) ??
      (this.anySymbolTemplate ? anySymbolByConId(conId, this.anySymbolTemplate) : undefined)
    );
  }

  /**
   * Any-symbol mode: the made-up stock for a query nothing else matched, or undefined when the
   * mode is off or the query is not a plain US stock query (docs/wire-facts/contracts.md#any-symbol-mode).
   */
  unknownStock(q: NormalQuery): Instrument | undefined {
    const template = this.plainStockQuery(q);
    return template && anySymbolInstrument(q.symbol, template);
  }

  /**
   * Any-symbol mode: why a plain US stock query got no made-up contract (its symbol is not one a US
   * listing can have), or undefined when the mode is off, the query is another kind, or the symbol
   * is fine. The text is added to error 200's.
   */
  unknownStockRefusal(q: NormalQuery): string | undefined {
    return this.plainStockQuery(q) && !isAnySymbolCandidate(q.symbol) ? anySymbolRefusal(q.symbol) : undefined;
  }

  /** The any-symbol template when the mode is on and `q` is a plain US stock query by symbol. */
  private plainStockQuery(q: NormalQuery): Instrument | undefined {
    const template = this.anySymbolTemplate;
    if (!template || q.conId > 0 || q.secId || !q.symbol) return undefined;
    if ((q.secType && q.secType !== 'STK') || (q.currency && q.currency !== 'USD')) return undefined;
    if (q.primaryExchange && !['NASDAQ', 'ISLAND'].includes(q.primaryExchange)) return undefined;
    if (q.exchange && !template.validExchanges.includes(q.exchange)) return undefined;
    return template;
  }

  /** REQ_SEC_DEF_OPT_PARAMS for an underlying of the universe. */
  optionParams(underlyingConId: number, nowMs: number): OptionParams[] {
    return this.options.params(underlyingConId, nowMs);
  }
}
