/**
 * The market-data port of the gateway model (model/ports.ts), backed by a ContractUniverse and the
 * deterministic history generator.
 */
import { IbError } from '../../common/ib/errors.ts';
import type { MarketData } from '../model/ports.ts';
import { ContractUniverse } from './contracts.ts';
import { buildHistoricalReply } from './history.ts';
import type { Instrument } from './instrument.ts';
import { headTimestamp, historicalSchedule, historicalTicks } from './history-extras.ts';
import { QuoteBook } from './quotes.ts';
import { marketRule } from './market-rules.ts';
import { smartComponents } from './smart-components.ts';

export interface MarketDataOptions {
  /** Run seed; with each conId it fixes all simulated prices. */
  seed: number;
  /** A contract file replacing the bundled universe (or extending it, with `extend`). */
  contractsFile?: string;
  /** Merge `contractsFile` into the bundled universe instead of replacing it. */
  extend?: boolean;
  /** Use this universe as is (wins over `contractsFile`). */
  universe?: ContractUniverse;
  /**
   * Refuse historical requests with an empty exchange (321 "Please enter exchange"), as TWS does.
   * Default true.
   */
  requireExchange?: boolean;
  /**
   * "Any symbol" mode: an unknown US stock symbol gets a synthetic, clearly marked contract
   * instead of error 200 (docs/wire-facts/contracts.md#any-symbol-mode). Default false.
   */
  anySymbol?: boolean;
}

export function loadUniverse(opts: Pick<MarketDataOptions, 'contractsFile' | 'extend' | 'universe'>): ContractUniverse {
  if (opts.universe) return opts.universe;
  if (!opts.contractsFile) return ContractUniverse.default();
  const base = ContractUniverse.default();
  // A replacement file may still borrow the bundled schedules and profiles.
  const file = ContractUniverse.fromFile(opts.contractsFile, { base });
  return opts.extend ? base.merge(file) : file;
}

/**
 * The market-data port over a universe: the file's instruments plus the generated futures,
 * options and (with `anySymbol`) made-up stocks, all of them at the model time of each call.
 */
export function createMarketData(opts: MarketDataOptions): MarketData & { universe: ContractUniverse } {
  const universe = loadUniverse(opts).withGenerated({ seed: opts.seed, anySymbol: opts.anySymbol ?? false });
  const requireExchange = opts.requireExchange ?? true;
  // One quote model per instrument, shared by every request, so its caches serve them all.
  const book = new QuoteBook(opts.seed);
  /**
   * Generated instruments (futures, options, any-symbol stocks) that resolveInstrument handed out:
   * they are listed only at a model time, which the quote calls below do not have. A generated
   * contract is a pure function of its conId, so one kept here never goes stale.
   */
  const generated = new Map<number, Instrument>();
  /** An instrument a request was resolved to (resolveInstrument hands out only known conIds). */
  const known = (ref: { conId: number }) => {
    const instrument = universe.byConId(ref.conId) ?? generated.get(ref.conId);
    if (!instrument) throw new Error(`conId ${ref.conId} is not in the contract universe`);
    return instrument;
  };
  return {
    universe,
    matchContracts: cachedMatcher(universe),
    noContract: (query) => universe.noContract(query),
    searchSymbols: (pattern) => universe.searchSymbols(pattern),
    resolveInstrument(req, nowMs) {
      const r = universe.resolve(req, nowMs, { requireExchange });
      if (!r.ok) return r;
      const { conId, symbol, localSymbol, secType } = r.instrument;
      if (!universe.byConId(conId)) generated.set(conId, r.instrument);
      return { ok: true, instrument: { conId, symbol, localSymbol, secType } };
    },
    historical(req, ref, nowMs) {
      const instrument = universe.byConId(ref.conId, nowMs, req.includeExpired);
      if (!instrument) return { ok: false, ...IbError.noSecurityDefinition() };
      return buildHistoricalReply(req, instrument, { seed: opts.seed, nowMs, exchange: req.exchange, quotes: book.of(instrument) });
    },
    quotes: (ref) => book.of(known(ref)),
    headTimestamp: (req, ref) => headTimestamp(book.of(known(ref)), req),
    historicalSchedule: (req, ref, nowMs) => historicalSchedule(book.of(known(ref)), req, nowMs),
    historicalTicks: (req, ref, nowMs) => historicalTicks(book.of(known(ref)), req, nowMs),
    optionChains(req, nowMs) {
      const symbol = req.underlyingSymbol.trim().toUpperCase();
      const secType = req.underlyingSecType.trim().toUpperCase();
      const underlyings =
        req.underlyingConId > 0
          ? [universe.byConId(req.underlyingConId)].filter((i) => i !== undefined && (!symbol || i.symbol === symbol))
          : universe.instruments.filter((i) => i.symbol === symbol && (!secType || i.secType === secType));
      if (underlyings.length === 0) return undefined;
      // Options on futures (futFopExchange set) are not simulated: the chain list is empty.
      if (req.futFopExchange.trim()) return [];
      return underlyings.flatMap((u) =>
        universe.optionParams(u!.conId, nowMs).map((p) => ({
          ...p,
          expirations: p.expirations.map((expiration) => ({ expiration })),
          strikes: p.strikes.map((strike) => ({ strike })),
        })),
      );
    },
    marketRule: (id) => marketRule(id),
    smartComponents: (bbo) => smartComponents(bbo),
  };
}

/** Contract details only change with the query and the exchange-local date (trading hours). */
const MATCH_BUCKET_MS = 15 * 60_000;
const MATCH_CACHE_SIZE = 1_000;
const MATCH_CACHE_MAX_ROWS = 64;

/**
 * Building full contract details (seven days of trading hours in the exchange's zone) costs tens
 * of microseconds; the same query within a quarter of an hour gets the same answer, so it is
 * built once. Bounded, oldest first out.
 */
function cachedMatcher(universe: ContractUniverse): MarketData['matchContracts'] {
  const cache = new Map<string, ReturnType<MarketData['matchContracts']>>();
  return (query, nowMs) => {
    // NUL never occurs inside a wire field, so it cannot make two queries collide.
    const q = query;
    const key = `${Math.floor(nowMs / MATCH_BUCKET_MS)}\u0000${q.conId}\u0000${q.symbol}\u0000${q.secType}\u0000${q.lastTradeDateOrContractMonth}\u0000${q.strike}\u0000${q.right}\u0000${q.multiplier}\u0000${q.exchange}\u0000${q.primaryExchange}\u0000${q.currency}\u0000${q.localSymbol}\u0000${q.tradingClass}\u0000${q.includeExpired}\u0000${q.secIdType}\u0000${q.secId}\u0000${q.issuerId}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = universe.match(query, nowMs);
      // Whole option chains (thousands of rows) are rare: built each time rather than kept.
      if (hit.length > MATCH_CACHE_MAX_ROWS) return hit;
      if (cache.size >= MATCH_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(key, hit);
    }
    return hit;
  };
}
