/**
 * Qualification throughput of the five connection strategies against a serialized gateway.
 *
 *   npx tsx collector/bench/qualify.ts [--service-ms 200] [--n N] [--seed 1] [--login-ms 0]
 *                                      [--strategies a,b] [--tcp] [--scale 0.02] [--json]
 *
 * The gateway serves contract details one at a time with a fixed service time s (log-normal
 * sigma 0, no per-client, per-waiter or throttle terms, no client limit), so N distinct
 * qualifications cannot finish in less than N × s: that is the yardstick. N callers each ask for
 * one distinct contract key at the same moment; how callers map to connections is the strategy's
 * business: per-page and timeout-wrapper give every caller (a UI page) its own connection, kept
 * open to the end; task-random-id gives every caller (a worker task) a connection closed when the
 * task ends; singleton and pooled share one session per process. Every strategy runs on a fresh
 * gateway with the same seed and profile.
 *
 * By default everything runs in virtual time on the in-process model connector, so the figures
 * are exact model milliseconds and the run takes a second. `--tcp` runs the same over real TCP
 * with @stoqey/ib on a scaled clock (`--scale` real ms per model ms) for comparison. Read TCP
 * figures with the scale in mind: every real millisecond of client and simulator CPU per request
 * (decode, encode, building the contract details, timer lateness) counts as 1/scale model ms. A
 * strictly serial client (pooled, one request in flight) pays that once per request, while clients
 * that flood the gateway's queue hide it, so at --scale 0.1 pooled reads ≈1.13 and at --scale 1
 * (real time) ≈1.03; in virtual time the overhead is zero by construction.
 *
 * Goal checked: pooled makespan ≤ 1.05 × N × s. Login latency defaults to 0 so the figure is the
 * qualification path alone; `--login-ms 300` adds the connection set-up every strategy pays.
 */
import { parseArgs } from 'node:util';
import { ScaledClock, VirtualClock, type Clock } from '../../common/clock.ts';
import type { GatewayModel } from '../../simulator/model/gateway.ts';
import type { ProfileOverrides } from '../../simulator/model/profile.ts';
import { createMarketData } from '../../simulator/market/market-data.ts';
import { createGateway, startSimulator } from '../../simulator/simulator.ts';
import { ModelConnector } from '../adapters/model-connector.ts';
import { StoqeyConnector } from '../adapters/stoqey-connector.ts';
import { ClientIdInUse, RequestTimeout } from '../errors.ts';
import type { ContractSpec, GatewayConnector } from '../gateway-client.ts';
import { createStrategy, STRATEGY_NAMES, type StrategyName } from '../strategies/index.ts';
import { qualificationKey } from '../store/index.ts';
import { AFTER_CLOSE, drive, errorsSent, received, strategyDeps, track } from '../testing/env.ts';

const { values: args } = parseArgs({
  options: {
    'service-ms': { type: 'string', default: '200' },
    n: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'login-ms': { type: 'string', default: '0' },
    strategies: { type: 'string', default: STRATEGY_NAMES.join(',') },
    tcp: { type: 'boolean', default: false },
    scale: { type: 'string', default: '0.02' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(
    'usage: npx tsx collector/bench/qualify.ts [--service-ms 200] [--n N] [--seed 1] [--login-ms 0] [--strategies a,b] [--tcp] [--scale 0.02] [--json]',
  );
  process.exit(0);
}

const serviceMs = Number(args['service-ms']);
const seed = Number(args.seed);
const loginMs = Number(args['login-ms']);
const scale = Number(args.scale);
const strategies = args.strategies.split(',').map((s) => s.trim()) as StrategyName[];
for (const s of strategies) if (!(STRATEGY_NAMES as readonly string[]).includes(s)) throw new Error(`unknown strategy "${s}" (${STRATEGY_NAMES.join(', ')})`);

const overrides: ProfileOverrides = {
  connections: { maxClients: 10_000, loginLatency: { median: loginMs, sigma: 0 }, loginPerOtherClientMs: 0 },
  secdef: {
    service: { median: serviceMs, sigma: 0 },
    perOtherClientMs: 0,
    perWaitingClientMs: 0,
    throttle: { windowMs: 10_000, threshold: Number.MAX_SAFE_INTEGER, penaltyMs: 0, perExcessMs: 0 },
  },
  messageRate: { enabled: false },
};

/**
 * Distinct qualification keys that each name exactly one contract of the bundled universe:
 * symbol + currency, the same with the primary exchange, and the same routed to the primary
 * exchange instead of SMART (three keys per instrument).
 */
function contractKeys(): ContractSpec[] {
  const market = createMarketData({ seed });
  const specs: ContractSpec[] = [];
  for (const i of market.universe.instruments) {
    specs.push({ symbol: i.symbol, currency: i.currency });
    specs.push({ symbol: i.symbol, currency: i.currency, primaryExchange: i.primaryExchange });
    specs.push({ symbol: i.symbol, currency: i.currency, exchange: i.primaryExchange });
  }
  const unique = new Map<string, ContractSpec>();
  for (const s of specs) {
    const matches = market.matchContracts(
      {
        conId: 0,
        symbol: s.symbol,
        secType: 'STK',
        lastTradeDateOrContractMonth: '',
        strike: 0,
        right: '',
        multiplier: '',
        exchange: s.exchange ?? 'SMART',
        primaryExchange: s.primaryExchange ?? '',
        currency: s.currency ?? '',
        localSymbol: '',
        tradingClass: '',
        includeExpired: false,
        secIdType: '',
        secId: '',
        issuerId: '',
      },
      AFTER_CLOSE,
    );
    if (matches.length === 1) unique.set(qualificationKey(s), s);
  }
  return [...unique.values()];
}

interface Row {
  strategy: StrategyName;
  n: number;
  makespanMs: number;
  ratio: number;
  qualified: number;
  failed: number;
  requests: number;
  connections: number;
  errors326: number;
  timeouts: number;
  realMs: number;
}

interface Target {
  connector: GatewayConnector;
  gateway: GatewayModel;
  clock: Clock;
  /** Wait for a promise (driving virtual time when there is one). */
  run<T>(p: Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function target(): Promise<Target> {
  if (!args.tcp) {
    const clock = new VirtualClock(AFTER_CLOSE);
    const gateway = createGateway({ clock, seed, profile: 'ibkr-paper', overrides });
    return {
      connector: new ModelConnector(gateway, clock, { name: 'bench-gateway' }),
      gateway,
      clock,
      run: (p) => drive(clock, p, { limitMs: 24 * 3_600_000, stepMs: 1_000 }),
      close: async () => {},
    };
  }
  const clock = new ScaledClock(scale, AFTER_CLOSE);
  const sim = await startSimulator({ port: 0, clock, seed, profile: 'ibkr-paper', overrides });
  return { connector: new StoqeyConnector({ host: sim.host, port: sim.port, clock }), gateway: sim.gateway, clock, run: (p) => p, close: () => sim.close() };
}

async function bench(name: StrategyName, keys: ContractSpec[]): Promise<Row> {
  const t = await target();
  const kit = strategyDeps(t.connector, t.clock, { seed, process: 'bench' });
  const strategy = createStrategy(name, kit.deps);
  const realStart = performance.now();
  const t0 = t.clock.now();
  const done: number[] = [];
  // Worker tasks end (and, with task-random-id, disconnect) when their call is done; UI pages
  // (per-page, timeout-wrapper, singleton) stay open until the end of the run, as in the incident.
  const isTask = name === 'task-random-id' || name === 'pooled';
  const calls = keys.map(async (spec, i) => {
    const client = strategy.client({ actor: `bench/${isTask ? 'task' : 'page'}-${i}`, role: isTask ? 'worker' : 'ui' });
    try {
      return await client.qualify(spec);
    } finally {
      done.push(t.clock.now());
      if (isTask) await client.close();
    }
  });
  const tracked = calls.map((c) => track(c));
  const settled = await t.run(Promise.allSettled(calls));
  const realMs = performance.now() - realStart;
  const makespanMs = Math.max(...done) - t0;
  await strategy.close();
  kit.store.close();

  const qualified = settled.filter((s) => s.status === 'fulfilled' && s.value.kind === 'qualified').length;
  const events = kit.recorder.events();
  const timeouts = events.filter(
    (e) => e.type === 'info' && e.error?.code === 'REQUEST_TIMEOUT' && (e.op === 'qualify-attempt' || (e.op === 'qualify' && name !== 'timeout-wrapper')),
  ).length;
  const row: Row = {
    strategy: name,
    n: keys.length,
    makespanMs: Math.round(makespanMs),
    ratio: makespanMs / (keys.length * serviceMs),
    qualified,
    failed: keys.length - qualified,
    requests: received(t.gateway, 'REQ_CONTRACT_DATA').length,
    connections: received(t.gateway, 'START_API').length,
    errors326: errorsSent(t.gateway, 326).length,
    timeouts,
    realMs: Math.round(realMs),
  };
  // Every caller must have ended one way or another; anything else is a bench bug.
  for (const c of tracked) if (!c.settled) throw new Error(`${name}: a caller never settled`);
  for (const s of settled) {
    if (s.status === 'rejected' && !(s.reason instanceof ClientIdInUse) && !(s.reason instanceof RequestTimeout)) throw s.reason;
  }
  await t.close();
  return row;
}

async function main(): Promise<void> {
  const all = contractKeys();
  const n = args.n === undefined ? all.length : Number(args.n);
  if (!(n >= 1 && n <= all.length)) throw new Error(`--n must be 1..${all.length} (distinct contract keys in the universe)`);
  const keys = all.slice(0, n);
  const rows: Row[] = [];
  for (const s of strategies) rows.push(await bench(s, keys));

  const ideal = n * serviceMs;
  const pooled = rows.find((r) => r.strategy === 'pooled');
  const goal = pooled ? { target: 1.05, pooledRatio: pooled.ratio, met: pooled.ratio <= 1.05 } : undefined;
  const params = { mode: args.tcp ? `tcp (scale ${scale})` : 'virtual time (model connector)', n, serviceMs, idealMs: ideal, loginMs, seed };

  if (args.json) {
    console.log(JSON.stringify({ params, rows, goal }, null, 2));
    return;
  }
  console.log(`qualification benchmark — ${params.mode}; N = ${n} distinct keys, s = ${serviceMs} ms, N × s = ${ideal} ms, login ${loginMs} ms, seed ${seed}`);
  const header = ['strategy', 'makespan ms', 'makespan/(N×s)', 'qualified', 'failed', 'requests', 'connections', '326s', 'timeouts', 'real ms'];
  const lines = rows.map((r) => [
    r.strategy,
    String(r.makespanMs),
    r.ratio.toFixed(3),
    String(r.qualified),
    String(r.failed),
    String(r.requests),
    String(r.connections),
    String(r.errors326),
    String(r.timeouts),
    String(r.realMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
  if (goal) console.log(`goal pooled ≤ 1.05 × N × s: ${goal.pooledRatio.toFixed(3)} → ${goal.met ? 'met' : 'NOT met'}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
