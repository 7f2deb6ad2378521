/**
 * The simulated contract universe: loading, REQ_CONTRACT_DATA matching (docs/wire-facts/contracts.md#how-the-gateway-matches-a-query),
 * REQ_MATCHING_SYMBOLS search, and resolving the contract of a data request to one instrument.
 * Instruments come from the contracts file and, once `withGenerated` is called, from the
 * generated futures, options and any-symbol stocks (./generated/).
 */
import { readFileSync } from 'node:fs';
import { IbError, type IbErrorBody } from '../../common/ib/errors.ts';
import { fileURLToPath } from 'node:url';
import { ContractDataError, parseUniverseData, type RawFields, type UniverseData } from './contract-schema.ts';
import { contractDetailsFor, symbolSampleFor, type ContractDetailsResult, type SymbolSample } from './contract-details.ts';
import { agrees, conIdAgrees, hasSecId, normalize, type ContractQuery, type NormalQuery } from './contract-query.ts';
import { GeneratedInstruments, type GeneratedOptions, type OptionParams } from './generated/index.ts';
import { homeExchange, isOnExchange, type Instrument } from './instrument.ts';
import type { Schedule } from './trading-hours.ts';

export { ContractDataError } from './contract-schema.ts';
export type { ContractDetailsFields, ContractDetailsResult, SymbolSample } from './contract-details.ts';
export type { ContractQuery } from './contract-query.ts';
export type { GeneratedOptions, OptionParams } from './generated/index.ts';

/** One instrument as offered on one exchange: what a single CONTRACT_DATA message describes. */
export interface Listing {
  instrument: Instrument;
  exchange: string;
}

export type Resolution = { ok: true; instrument: Instrument; exchange: string } | { ok: false; code: number; message: string };

export const DEFAULT_CONTRACTS_FILE = fileURLToPath(new URL('../data/contracts.json', import.meta.url));
/** TWS answers REQ_MATCHING_SYMBOLS with at most this many descriptions. */
export const MAX_SYMBOL_SAMPLES = 16;

export class ContractUniverse {
  private static defaultInstance: ContractUniverse | undefined;
  private readonly byId: ReadonlyMap<number, Instrument>;

  private constructor(
    private readonly data: UniverseData,
    private readonly generated?: GeneratedInstruments,
  ) {
    for (const inst of data.instruments) Object.freeze(inst);
    this.byId = new Map(data.instruments.map((i) => [i.conId, i]));
  }

  /**
   * This universe plus the generated instruments: listed futures and option chains on its
   * underlyings, and with `anySymbol` a made-up contract for unknown US stock symbols.
   */
  withGenerated(opts: GeneratedOptions): ContractUniverse {
    return new ContractUniverse(this.data, new GeneratedInstruments((conId) => this.byId.get(conId), opts));
  }

  /** The bundled universe (simulator/data/contracts.json), loaded once. */
  static default(): ContractUniverse {
    ContractUniverse.defaultInstance ??= ContractUniverse.fromFile(DEFAULT_CONTRACTS_FILE);
    return ContractUniverse.defaultInstance;
  }

  /**
   * Load a data file. With `base`, the file may use the base's schedules and profiles; the result
   * holds only the file's instruments (use `base.merge(result)` to extend the base).
   */
  static fromFile(path: string, opts: { base?: ContractUniverse } = {}): ContractUniverse {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ContractDataError(`${path}: cannot read the contract file (${(e as Error).message})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new ContractDataError(`${path}: not valid JSON (${(e as Error).message})`);
    }
    return ContractUniverse.fromData(data, { source: path, base: opts.base });
  }

  static fromData(data: unknown, opts: { source?: string; base?: ContractUniverse } = {}): ContractUniverse {
    return new ContractUniverse(parseUniverseData(data, opts.source ?? '<contract data>', opts.base?.data));
  }

  /** A new universe with `other`'s instruments added; on a conId clash `other` wins. */
  merge(other: ContractUniverse): ContractUniverse {
    const replaced = this.data.instruments.map((i) => other.byId.get(i.conId) ?? i);
    const added = other.data.instruments.filter((i) => !this.byId.has(i.conId));
    return new ContractUniverse({
      schedules: new Map<string, Schedule>([...this.data.schedules, ...other.data.schedules]),
      profiles: new Map<string, RawFields>([...this.data.profiles, ...other.data.profiles]),
      instruments: [...replaced, ...added],
    });
  }

  get instruments(): readonly Instrument[] {
    return this.data.instruments;
  }

  /**
   * The instrument with this conId: one of the file's, or (with `nowMs`, on a universe
   * `withGenerated`) a generated one listed at that model time.
   */
  byConId(conId: number, nowMs?: number, includeExpired = false): Instrument | undefined {
    const inst = this.byId.get(conId);
    if (inst || nowMs === undefined) return inst;
    return this.generated?.byConId(conId, nowMs, includeExpired);
  }

  /** Instruments a query describes at `nowMs`, ignoring its exchange (docs/wire-facts/contracts.md#how-the-gateway-matches-a-query). */
  private candidates(q: NormalQuery, nowMs: number): Instrument[] {
    if (q.conId > 0) {
      const inst = this.byConId(q.conId, nowMs, q.includeExpired);
      return inst && conIdAgrees(inst, q) ? [inst] : [];
    }
    if (q.secId) return this.data.instruments.filter((i) => hasSecId(i, q) && agrees(i, q));
    const found = q.symbol ? this.data.instruments.filter((i) => agrees(i, q)) : [];
    if (this.generated) found.push(...this.generated.candidates(q, nowMs).filter((i) => agrees(i, q)));
    if (found.length === 0) {
      const made = this.generated?.unknownStock(q);
      if (made && agrees(made, q)) found.push(made);
    }
    return found;
  }

  /**
   * The (instrument, exchange) pairs a query stands for (docs/wire-facts/contracts.md#one-row-per-exchange):
   * `SMART` gives one per SMART-routable instrument; `""` one SMART row per instrument and then
   * one per listing exchange, except that a conId alone gives just the one contract; a named
   * exchange gives the instruments offered there.
   */
  listings(query: ContractQuery, nowMs: number): Listing[] {
    const q = normalize(query);
    const found = this.candidates(q, nowMs);
    const smart = (i: Instrument) => i.validExchanges.includes('SMART');
    if (q.exchange === 'SMART') return found.filter(smart).map((instrument) => ({ instrument, exchange: 'SMART' }));
    if (q.exchange === '' && q.conId > 0) {
      return found.map((instrument) => ({ instrument, exchange: smart(instrument) ? 'SMART' : homeExchange(instrument) }));
    }
    if (q.exchange === '') {
      return [
        ...found.filter(smart).map((instrument) => ({ instrument, exchange: 'SMART' })),
        ...found.flatMap((instrument) => instrument.listingExchanges.map((exchange) => ({ instrument, exchange }))),
      ];
    }
    return found.filter((i) => isOnExchange(i, q.exchange)).map((instrument) => ({ instrument, exchange: q.exchange }));
  }

  /** REQ_CONTRACT_DATA: one CONTRACT_DATA body per listing; [] means error 200. */
  match(query: ContractQuery, nowMs: number): ContractDetailsResult[] {
    return this.listings(query, nowMs).map(({ instrument, exchange }) => contractDetailsFor(instrument, exchange, nowMs));
  }

  /**
   * The single instrument a market-data or historical request refers to at `nowMs`, with IB's
   * errors when there is none (200), several (200, ambiguous) or no exchange at all (321).
   */
  resolve(query: ContractQuery, nowMs: number, opts: { requireExchange?: boolean } = {}): Resolution {
    const q = normalize(query);
    if (q.exchange === '' && (opts.requireExchange ?? true)) {
      return { ok: false, ...IbError.validation('bh', 'Please enter exchange') };
    }
    const found = new Map(this.listings(query, nowMs).map((l) => [l.instrument.conId, l.instrument]));
    if (found.size === 0) return { ok: false, ...this.noContract(query) };
    if (found.size > 1) {
      const symbol = q.symbol || [...found.values()][0]!.symbol;
      return { ok: false, ...IbError.ambiguousContract(symbol) };
    }
    const instrument = [...found.values()][0]!;
    return { ok: true, instrument, exchange: q.exchange || homeExchange(instrument) };
  }

  /**
   * Error 200 for a query nothing matched: IB's text, and in any-symbol mode why the symbol got no
   * made-up contract when that is the reason (docs/wire-facts/contracts.md#any-symbol-mode).
   */
  noContract(query: ContractQuery): IbErrorBody {
    return IbError.noSecurityDefinition(this.generated?.unknownStockRefusal(normalize(query)));
  }

  /** REQ_SEC_DEF_OPT_PARAMS: the option chains on an underlying of this universe at `nowMs`. */
  optionParams(underlyingConId: number, nowMs: number): OptionParams[] {
    return this.generated?.optionParams(underlyingConId, nowMs) ?? [];
  }

  /**
   * REQ_MATCHING_SYMBOLS: case-insensitive prefix/contains search on symbol and long name; exact
   * and prefix symbol hits come first, at most 16 results like TWS.
   */
  searchSymbols(pattern: string): SymbolSample[] {
    const p = pattern.trim().toUpperCase();
    if (!p) return [];
    const rank = (i: Instrument): number => {
      const sym = i.symbol.toUpperCase();
      const name = i.longName.toUpperCase();
      if (sym === p) return 0;
      if (sym.startsWith(p)) return 1;
      if (name.startsWith(p) || name.split(/\s+/).some((w) => w.startsWith(p))) return 2;
      if (sym.includes(p)) return 3;
      if (name.includes(p)) return 4;
      return -1;
    };
    return this.data.instruments
      .map((inst, index) => ({ inst, index, r: rank(inst) }))
      .filter((x) => x.r >= 0)
      .sort((a, b) => a.r - b.r || a.index - b.index)
      .slice(0, MAX_SYMBOL_SAMPLES)
      .map((x) => symbolSampleFor(x.inst));
  }
}
