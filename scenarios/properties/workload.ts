/**
 * Arbitrary workloads for the property tests: processes with actors that qualify and collect at
 * arbitrary times, over known, ambiguous and unknown symbols, with faults thrown in. A workload
 * is plain JSON, so a shrunk counterexample can be kept as a regression fixture and replayed.
 */
import fc from 'fast-check';
import type { ContractSpec } from '../../collector/gateway-client.ts';
import type { StrategyName, StrategyOptions } from '../../collector/strategies/index.ts';
import { at } from '../dsl.ts';
import type { ActorPlan, FaultStep, Scenario } from '../types.ts';

export const SYMBOLS: readonly ContractSpec[] = [
  { symbol: 'TTE', currency: 'EUR' },
  { symbol: 'WLN', currency: 'EUR' },
  { symbol: 'AAPL', currency: 'USD' },
  { symbol: 'MSFT', currency: 'USD' },
  { symbol: 'TTE' }, // ambiguous: SBF/EUR and NYSE/USD
  { symbol: 'NOPE', currency: 'USD' }, // unknown: error 200
];

export const HISTORIES = [
  { duration: '1 D', barSize: '1 hour' },
  { duration: '2 D', barSize: '30 mins' },
  { duration: '1800 S', barSize: '30 secs' },
] as const;

export type Op = { kind: 'qualify'; symbol: number } | { kind: 'collect'; symbol: number; history: number } | { kind: 'sleep'; ms: number };
export interface ActorWork {
  role: 'ui' | 'worker';
  startAt: number;
  ops: Op[];
}
export type FaultWork =
  | { kind: 'drop'; at: number; victim: number }
  | { kind: 'stall'; at: number; victim: number }
  | { kind: 'connectivity'; at: number; forMs: number; dataLost: boolean }
  | { kind: 'restart'; at: number };
export interface Workload {
  processes: Array<{ actors: ActorWork[] }>;
  faults: FaultWork[];
}

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('qualify' as const), symbol: fc.nat(SYMBOLS.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('collect' as const), symbol: fc.nat(SYMBOLS.length - 1), history: fc.nat(HISTORIES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sleep' as const), ms: fc.integer({ min: 0, max: 3_000 }) }) },
);

const actorWork: fc.Arbitrary<ActorWork> = fc.record({
  role: fc.constantFrom('ui' as const, 'worker' as const),
  startAt: fc.integer({ min: 0, max: 5_000 }),
  ops: fc.array(op, { minLength: 1, maxLength: 5 }),
});

const fault: fc.Arbitrary<FaultWork> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.integer({ min: 0, max: 6_000 }), victim: fc.nat(9) }),
  fc.record({ kind: fc.constant('stall' as const), at: fc.integer({ min: 0, max: 6_000 }), victim: fc.nat(9) }),
  fc.record({
    kind: fc.constant('connectivity' as const),
    at: fc.integer({ min: 0, max: 6_000 }),
    forMs: fc.integer({ min: 100, max: 15_000 }),
    dataLost: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('restart' as const), at: fc.integer({ min: 0, max: 6_000 }) }),
);

export function workloadArb(opts: { faults?: boolean; maxProcesses?: number } = {}): fc.Arbitrary<Workload> {
  return fc.record({
    processes: fc.array(fc.record({ actors: fc.array(actorWork, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: opts.maxProcesses ?? 3 }),
    faults: opts.faults === false ? fc.constant([]) : fc.array(fault, { maxLength: 2 }),
  });
}

/** Deadline every qualify call in a property run is given (model ms). */
export const QUALIFY_DEADLINE_MS = 60_000;

/** A runnable scenario for `strategy` from a workload. Pacing is enforced for all bar sizes. */
export function scenarioFor(w: Workload, strategy: StrategyName): Scenario {
  const options: StrategyOptions = { qualifyDeadlineMs: QUALIFY_DEADLINE_MS, watchdog: { intervalMs: 5_000, timeoutMs: 5_000 } };
  return {
    name: `property/${strategy}`,
    title: 'generated workload',
    problem: 'property test',
    gateway: { profile: 'lynx-paper', overrides: { history: { pacing: { maxBarSeconds: null } } } },
    needsControl: w.faults.length > 0,
    maxModelMs: 30 * 60_000,
    processes: w.processes.map((p, i) => ({
      name: `p${i + 1}`,
      strategy,
      options,
      actors: p.actors.map((a, j) => actorPlan(`a${j + 1}`, a)),
    })),
    faults: w.faults.map(faultStep),
    expect: [],
  };
}

function actorPlan(name: string, a: ActorWork): ActorPlan {
  return {
    name,
    role: a.role,
    startAtMs: a.startAt,
    closeWhenDone: a.role === 'worker',
    async script(ctx) {
      for (const o of a.ops) {
        if (o.kind === 'sleep') await ctx.sleep(o.ms);
        else if (o.kind === 'qualify') await ctx.qualify(SYMBOLS[o.symbol]!);
        else await ctx.collect(SYMBOLS[o.symbol]!, HISTORIES[o.history]!);
      }
    },
  };
}

function faultStep(f: FaultWork): FaultStep {
  switch (f.kind) {
    case 'drop':
    case 'stall':
      // The victim is picked among the sessions ready at that moment, whatever their number.
      return at(f.at, { kind: f.kind, match: { ready: true, pick: f.victim } });
    case 'connectivity':
      return at(f.at, { kind: 'connectivity', state: 'lost', forMs: f.forMs, dataLost: f.dataLost });
    case 'restart':
      return at(f.at, { kind: 'restart' });
  }
}
