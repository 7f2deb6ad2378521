/**
 * The market-data port of the gateway model (model/ports.ts), backed by a ContractUniverse and the
 * deterministic history generator.
 */
import type { MarketData } from '../model/ports.ts';
import { ContractUniverse } from './contracts.ts';
import { buildHistoricalReply } from './history.ts';

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
}

export function loadUniverse(opts: Pick<MarketDataOptions, 'contractsFile' | 'extend' | 'universe'>): ContractUniverse {
  if (opts.universe) return opts.universe;
  if (!opts.contractsFile) return ContractUniverse.default();
  const base = ContractUniverse.default();
  // A replacement file may still borrow the bundled schedules and profiles.
  const file = ContractUniverse.fromFile(opts.contractsFile, { base });
  return opts.extend ? base.merge(file) : file;
}

export function createMarketData(opts: MarketDataOptions): MarketData & { universe: ContractUniverse } {
  const universe = loadUniverse(opts);
  const requireExchange = opts.requireExchange ?? true;
  return {
    universe,
    matchContracts: (query, nowMs) => universe.match(query, nowMs),
    searchSymbols: (pattern) => universe.searchSymbols(pattern),
    resolveInstrument(req) {
      const r = universe.resolve(req, { requireExchange });
      if (!r.ok) return r;
      const { conId, symbol, localSymbol } = r.instrument;
      return { ok: true, instrument: { conId, symbol, localSymbol } };
    },
    historical(req, ref, nowMs) {
      const instrument = universe.byConId(ref.conId);
      if (!instrument) return { ok: false, code: 200, message: 'No security definition has been found for the request' };
      return buildHistoricalReply(req, instrument, { seed: opts.seed, nowMs, exchange: req.exchange });
    },
  };
}
