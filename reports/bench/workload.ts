/**
 * The benchmark's workloads and the scenario each (strategy, workload) pair becomes. Every
 * strategy gets the same actors: a UI process whose pages each qualify a watchlist when opened,
 * and a worker process whose tasks each qualify one symbol and collect its history, as in the
 * incident. Only the connection strategy of both processes differs.
 */
import type { ContractSpec } from '../../collector/gateway-client.ts';
import { STRATEGY_NAMES, type StrategyName } from '../../collector/strategies/index.ts';
import { ONE_DAY_HOURLY, page, range, task } from '../../scenarios/dsl.ts';
import type { Scenario, Target } from '../../scenarios/types.ts';
import type { ProfileOverrides } from '../../simulator/model/profile.ts';

export interface Workload {
  name: string;
  profile: string;
  overrides?: ProfileOverrides;
  /** Watchlist length: the first N of SYMBOLS. */
  symbols: number;
  /** UI pages, each qualifying the whole watchlist at once (as qualifyContracts does). */
  pages: number;
  /** Worker tasks, each qualifying one symbol and collecting its history, then disconnecting. */
  tasks: number;
}

/** Unambiguous listings of the bundled universe, the incident's five first. */
export const SYMBOLS: readonly ContractSpec[] = [
  { symbol: 'TTE', currency: 'EUR' },
  { symbol: 'WLN', currency: 'EUR' },
  { symbol: 'AAPL', currency: 'USD' },
  { symbol: 'TSLA', currency: 'USD' },
  { symbol: 'MSFT', currency: 'USD' },
  { symbol: 'AMD', currency: 'USD' },
  { symbol: 'SAP', currency: 'EUR' },
  { symbol: 'SPY', currency: 'USD' },
  { symbol: 'AZN', currency: 'GBP' },
  { symbol: 'MC', currency: 'EUR' },
];

/** Callers at once: what the throughput/error chart puts on its x axis. */
export const concurrencyOf = (w: Workload): number => w.pages + w.tasks;

/** Operations a workload asks for: every page's qualifications, every task's qualify + history. */
export const expectedOps = (w: Workload): number => w.pages * w.symbols + w.tasks * 2;

const w = (pages: number, tasks: number, symbols = 5, profile = 'lynx-paper'): Workload => ({
  name: `${profile === 'lynx-paper' ? '' : `${profile}-`}${symbols}sym-${pages}p${tasks}t`,
  profile,
  symbols,
  pages,
  tasks,
});

/** A concurrency ladder on the incident's gateway, plus a longer watchlist and IB's own limits. */
export const FULL_MATRIX: readonly Workload[] = [w(1, 1), w(2, 1), w(4, 2), w(8, 4), w(4, 2, 10), w(4, 2, 5, 'ibkr-paper')];
/** Two rungs of the ladder: enough for the concurrency chart, and the incident's load (4 pages, 2 tasks). */
export const QUICK_MATRIX: readonly Workload[] = [w(2, 1), w(4, 2)];

export function findWorkloads(names: readonly string[], pool: readonly Workload[] = FULL_MATRIX): Workload[] {
  return names.map((n) => {
    const found = pool.find((x) => x.name === n) ?? parseWorkload(n);
    if (!found) throw new Error(`unknown workload "${n}"; use one of ${pool.map((x) => x.name).join(', ')} or <profile->?<N>sym-<P>p<T>t`);
    return found;
  });
}

/** `5sym-4p2t` or `ibkr-paper-5sym-4p2t`, so any point of the matrix can be asked for by name. */
export function parseWorkload(name: string): Workload | undefined {
  const m = /^(?:(.+)-)?(\d+)sym-(\d+)p(\d+)t$/.exec(name);
  if (!m) return undefined;
  const symbols = Number(m[2]);
  if (symbols < 1 || symbols > SYMBOLS.length) return undefined;
  return w(Number(m[3]), Number(m[4]), symbols, m[1] ?? 'lynx-paper');
}

/** Model time after which a run is cut off; calls still open then count as unfinished. */
export const MAX_MODEL_MS = 300_000;

export function benchScenario(strategy: StrategyName, wl: Workload): Scenario {
  const watchlist = SYMBOLS.slice(0, wl.symbols);
  return {
    name: `bench-${wl.name}-${strategy}`,
    title: `${strategy} on ${wl.name}`,
    problem: `Benchmark: ${wl.pages} page(s) qualifying ${wl.symbols} symbol(s) and ${wl.tasks} task(s) collecting history, ${wl.profile} gateway.`,
    gateway: { profile: wl.profile, ...(wl.overrides ? { overrides: wl.overrides } : {}) },
    maxModelMs: MAX_MODEL_MS,
    processes: [
      // Pages open 100 ms apart, as a user clicking through the app would.
      { name: 'ui', strategy, actors: range(wl.pages).map((i) => page(`page-${i}`, { at: (i - 1) * 100, qualify: watchlist })) },
      {
        name: 'worker',
        strategy,
        actors: range(wl.tasks).map((i) => task(`task-${i}`, { at: 300, collect: [watchlist[(i - 1) % watchlist.length]!], history: ONE_DAY_HOURLY })),
      },
    ].filter((p) => p.actors.length > 0),
    expect: [],
  };
}

export const ALL_STRATEGIES: readonly StrategyName[] = STRATEGY_NAMES;

/** Default runs per seed: one where a seed replays exactly, three where host noise must be measured. */
export const defaultRepeats = (target: Target): number => (target === 'virtual' ? 1 : 3);
