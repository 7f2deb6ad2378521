/**
 * The simulated contract universe: loading, REQ_CONTRACT_DATA matching (docs/wire-facts/contracts.md#how-the-gateway-matches-a-query),
 * REQ_MATCHING_SYMBOLS search, and resolving the contract of a data request to one instrument.
 */
import { readFileSync } from 'node:fs';
import { IbError } from '../../common/ib/errors.ts';
import { fileURLToPath } from 'node:url';
import { ContractDataError, parseUniverseData, type RawFields, type UniverseData } from './contract-schema.ts';
import { contractDetailsFor, symbolSampleFor, type ContractDetailsResult, type SymbolSample } from './contract-details.ts';
import { isOnExchange, type Instrument } from './instrument.ts';
import type { Schedule } from './trading-hours.ts';

export { ContractDataError } from './contract-schema.ts';
export type { ContractDetailsFields, ContractDetailsResult, SymbolSample } from './contract-details.ts';

/** The contract fields of REQ_CONTRACT_DATA / REQ_HISTORICAL_DATA the matcher looks at. */
export interface ContractQuery {
  conId?: number;
  symbol?: string;
  secType?: string;
  exchange?: string;
  primaryExchange?: string;
  currency?: string;
  localSymbol?: string;
  tradingClass?: string;
  secIdType?: string;
  secId?: string;
}

/** One instrument as offered on one exchange: what a single CONTRACT_DATA message describes. */
export interface Listing {
  instrument: Instrument;
  exchange: string;
}

export type Resolution = { ok: true; instrument: Instrument; exchange: string } | { ok: false; code: number; message: string };

export const DEFAULT_CONTRACTS_FILE = fileURLToPath(new URL('../data/contracts.json', import.meta.url));
/** TWS answers REQ_MATCHING_SYMBOLS with at most this many descriptions. */
export const MAX_SYMBOL_SAMPLES = 16;

interface NormalQuery {
  conId: number;
  symbol: string;
  secType: string;
  exchange: string;
  primaryExchange: string;
  currency: string;
  localSymbol: string;
  tradingClass: string;
  secIdType: string;
  secId: string;
}

const up = (s: string | undefined) => (s ?? '').trim().toUpperCase();

function normalize(q: ContractQuery): NormalQuery {
  let exchange = up(q.exchange);
  let primaryExchange = up(q.primaryExchange);
  // Clients older than v75 fold the primary exchange into the exchange as `SMART:NASDAQ`.
  const colon = exchange.indexOf(':');
  if (colon >= 0) {
    primaryExchange ||= exchange.slice(colon + 1);
    exchange = exchange.slice(0, colon);
  }
  return {
    conId: Number.isFinite(q.conId) ? Math.trunc(q.conId ?? 0) : 0,
    symbol: up(q.symbol),
    secType: up(q.secType),
    exchange,
    primaryExchange,
    currency: up(q.currency),
    localSymbol: up(q.localSymbol),
    tradingClass: up(q.tradingClass),
    secIdType: up(q.secIdType),
    secId: up(q.secId),
  };
}

// TWS has reported NASDAQ listings both as NASDAQ and as ISLAND
// (docs/wire-facts/contracts.md#primaryexchange-nasdaq-or-island); accept either spelling.
const primaryAlias = (ex: string) => (ex === 'ISLAND' ? 'NASDAQ' : ex);

/** The optional fields of a query: each one, when given, must agree. */
function agrees(inst: Instrument, q: NormalQuery): boolean {
  if (q.symbol && inst.symbol.toUpperCase() !== q.symbol) return false;
  if (q.secType && inst.secType !== q.secType) return false;
  if (q.currency && inst.currency !== q.currency) return false;
  if (q.primaryExchange && primaryAlias(inst.primaryExchange) !== primaryAlias(q.primaryExchange)) return false;
  if (q.localSymbol && inst.localSymbol.toUpperCase() !== q.localSymbol) return false;
  if (q.tradingClass && inst.tradingClass.toUpperCase() !== q.tradingClass) return false;
  return true;
}

function hasSecId(inst: Instrument, q: NormalQuery): boolean {
  return Object.entries(inst.secIds).some(([type, value]) => (!q.secIdType || type === q.secIdType) && value.toUpperCase() === q.secId);
}

export class ContractUniverse {
  private static defaultInstance: ContractUniverse | undefined;
  private readonly byId: ReadonlyMap<number, Instrument>;

  private constructor(private readonly data: UniverseData) {
    for (const inst of data.instruments) Object.freeze(inst);
    this.byId = new Map(data.instruments.map((i) => [i.conId, i]));
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

  byConId(conId: number): Instrument | undefined {
    return this.byId.get(conId);
  }

  /** Instruments a query describes, ignoring its exchange (conId, else symbol or secId: docs/wire-facts/contracts.md#how-the-gateway-matches-a-query). */
  private candidates(q: NormalQuery): Instrument[] {
    if (q.conId > 0) {
      const inst = this.byId.get(q.conId);
      // With a conId the other fields are only checked loosely: the identity ones must not contradict.
      if (!inst) return [];
      if ((q.symbol && inst.symbol.toUpperCase() !== q.symbol) || (q.secType && inst.secType !== q.secType) || (q.currency && inst.currency !== q.currency))
        return [];
      return [inst];
    }
    if (q.secId) return this.data.instruments.filter((i) => hasSecId(i, q) && agrees(i, q));
    if (!q.symbol) return [];
    return this.data.instruments.filter((i) => agrees(i, q));
  }

  /**
   * The (instrument, exchange) pairs a query stands for: `SMART` gives one per instrument, ""
   * one per listing exchange, a named exchange the instruments offered there.
   */
  listings(query: ContractQuery): Listing[] {
    const q = normalize(query);
    const out: Listing[] = [];
    for (const instrument of this.candidates(q)) {
      if (q.exchange === 'SMART') {
        if (instrument.validExchanges.includes('SMART')) out.push({ instrument, exchange: 'SMART' });
      } else if (q.exchange === '') {
        for (const exchange of instrument.listingExchanges) out.push({ instrument, exchange });
      } else if (isOnExchange(instrument, q.exchange)) {
        out.push({ instrument, exchange: q.exchange });
      }
    }
    return out;
  }

  /** REQ_CONTRACT_DATA: one CONTRACT_DATA body per listing; [] means error 200. */
  match(query: ContractQuery, nowMs: number): ContractDetailsResult[] {
    return this.listings(query).map(({ instrument, exchange }) => contractDetailsFor(instrument, exchange, nowMs));
  }

  /**
   * The single instrument a market-data or historical request refers to, with IB's errors when
   * there is none (200), several (200, ambiguous) or no exchange at all (321).
   */
  resolve(query: ContractQuery, opts: { requireExchange?: boolean } = {}): Resolution {
    const q = normalize(query);
    if (q.exchange === '' && (opts.requireExchange ?? true)) {
      return { ok: false, ...IbError.validation('bh', 'Please enter exchange') };
    }
    const found = new Map(this.listings(query).map((l) => [l.instrument.conId, l.instrument]));
    if (found.size === 0) return { ok: false, ...IbError.noSecurityDefinition() };
    if (found.size > 1) {
      const symbol = q.symbol || [...found.values()][0]!.symbol;
      return { ok: false, ...IbError.ambiguousContract(symbol) };
    }
    const instrument = [...found.values()][0]!;
    return { ok: true, instrument, exchange: q.exchange || instrument.primaryExchange };
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
