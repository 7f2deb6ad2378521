/**
 * Makespan of the multi-host fleet against one pooled process doing the same gateway work, for
 * collector/bench/coordination.ts. Both runs: a fresh simulator (profile ibkr-paper, seed 1,
 * hourly bars paced like any other, as in multi-host.test.ts) at the same time scale, real child
 * processes (collect-worker.ts), the same deadlines.
 *
 * - fleet: 8 processes, 2 "hosts" (own data directory and host name each), 4 per host splitting
 *   the same 40 symbols, one login's leases, budget and cache shared through a real redis-server:
 *   80 historical requests (every series once per host).
 * - pooled: one process, one connection (the `pooled` strategy), files coordination (a single
 *   process's default), collecting 80 distinct symbols of the same kind: 80 historical requests of
 *   the same shape (2 D of 1 hour bars) into one database.
 *
 * Both runs are bounded by the same rule: one login may send 60 historical requests per 10 model
 * minutes (docs/wire-facts/pacing.md#historical-pacing-162), so the 61st cannot go before the 1st
 * + 600 s + the collector's 250 ms margin. The comparison is fair only over the same number of
 * requests of the same kind under the same budget, which is what the two runs are; what differs is
 * how the work is split (8 processes on 2 hosts sharing the budget through Redis, or one process
 * keeping it to itself). The fleet's series are asked for twice (once per host), so its pairs also
 * meet IB's 15 s rule for identical requests; the pooled run's 80 are all distinct.
 *
 * Figures per run:
 * - collection makespan (the goal's measure): from the run's first message at the gateway to its
 *   last HISTORICAL_DATA reply, in model ms from the simulator's journal, and in wall ms (model ×
 *   scale: the simulator's clock is a ScaledClock);
 * - end to end: wall ms from spawning the first process to the last one's exit, which adds Node
 *   start-up (8 processes at once on a 2-core machine) that long-lived workers pay once.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AFTER_CLOSE } from '../../common/testing/fixtures.ts';
import { openStore } from '../store/index.ts';
import type { WorkerConfig } from '../coordination/testing/collect-worker.ts';
import { deal, runWorker, startFleetSimulator, type FleetSimulator, type WorkerRun } from '../coordination/testing/fleet.ts';
import type { RedisServer } from '../coordination/testing/redis-server.ts';

/** The historical pacing window and the collector's margin, model ms (collector/pacing/rules.ts). */
export const PACING_WINDOW_MS = 600_000;
export const PACING_MARGIN_MS = 250;
export const PACING_WINDOW_MAX = 60;

export interface RunFigures {
  run: 'fleet' | 'pooled';
  processes: number;
  historicalRequests: number;
  /** Collection makespan, model ms and wall ms. */
  modelMs: number;
  wallMs: number;
  /** Spawn of the first process to exit of the last, wall ms. */
  endToEndWallMs: number;
  /** ERR_MSG codes that mean a coordination failure: 326 (id in use), 162 (pacing), 100 (message rate). */
  errors: { 326: number; 162: number; 100: number };
  /** Exit codes other than 0, with the worker's last words. */
  failures: string[];
  /** Each 326, 162 or 100 the gateway sent: model ms after the run's first message, client id, text. */
  violations: string[];
}

export interface MakespanSetup {
  dir: string;
  timeScale: number;
  contractsFile: string;
  /** At least 80 symbols: the fleet uses the first 40, the pooled run all 80. */
  symbols: string[];
  redis: RedisServer;
}

function workerConfig(
  fleet: FleetSimulator,
  s: MakespanSetup,
  extra: Pick<WorkerConfig, 'name' | 'coordination' | 'dataDir' | 'symbols' | 'seed'> & Partial<WorkerConfig>,
): WorkerConfig {
  return {
    host: fleet.sim.host,
    port: fleet.sim.port,
    timeScale: s.timeScale,
    ...fleet.anchor(),
    duration: '2 D',
    barSize: '1 hour',
    leaseTtlMs: 5_000,
    connectTimeoutMs: 300_000,
    maxWaitMs: 3_600_000,
    deadlineMs: 36_000_000,
    // Retries, coordination trouble and watchdog drops are logged, so a failed run says why.
    logLevel: 'warn',
    ...extra,
  };
}

/** Each data directory's database made before its processes start (concurrent first migrations are another test's subject). */
function prepareDataDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  openStore(path.join(dir, 'ibkr-harness.db')).close();
  return dir;
}

/** The pacing rule the simulator logged for each 162 it sent, by client id and request id. */
type RulesBroken = Map<string, string>;

function figures(run: RunFigures['run'], fleet: FleetSimulator, results: WorkerRun[], endToEndWallMs: number, scale: number, rules: RulesBroken): RunFigures {
  const journal = fleet.sim.gateway.journal;
  const first = journal.query({ dir: 'in' })[0]?.at ?? Number.NaN;
  const replies = journal.query({ dir: 'out' }).filter((e) => e.message.type === 'HISTORICAL_DATA');
  const last = replies.at(-1)?.at ?? Number.NaN;
  const modelMs = last - first;
  const violations = journal
    .query({ dir: 'out' })
    .filter((e) => e.message.type === 'ERR_MSG' && [326, 162, 100].includes(Number(e.message.code)))
    .map((e) => {
      const rule = rules.get(`${e.clientId}/${String(e.message.id)}`);
      return `+${((e.at - first) / 1000).toFixed(3)} model s, client ${e.clientId}, req ${String(e.message.id)}: ${String(e.message.code)} ${String(e.message.message)}${rule ? ` (rule: ${rule})` : ''}`;
    });
  return {
    run,
    processes: results.length,
    historicalRequests: fleet.received.get('REQ_HISTORICAL_DATA') ?? 0,
    modelMs,
    wallMs: modelMs * scale,
    endToEndWallMs,
    errors: { 326: fleet.errors.get(326) ?? 0, 162: fleet.errors.get(162) ?? 0, 100: fleet.errors.get(100) ?? 0 },
    violations,
    failures: results
      .filter((r) => r.code !== 0)
      .map((r) => `${r.report?.name ?? r.pid} exited ${r.code}: ${JSON.stringify(r.report?.failed ?? [])} ${r.stderr.slice(-600)}`),
  };
}

async function withSimulator(s: MakespanSetup, body: (fleet: FleetSimulator) => Promise<WorkerRun[]>, run: RunFigures['run']): Promise<RunFigures> {
  const rules: RulesBroken = new Map();
  const note = (obj: object, msg?: string) => {
    const o = obj as { clientId?: number; reqId?: number; rule?: string };
    if (msg === 'historical pacing violation') rules.set(`${o.clientId}/${o.reqId}`, String(o.rule));
  };
  const fleet = await startFleetSimulator({
    logger: { debug() {}, info: note, warn: note, error: note },
    timeScale: s.timeScale,
    start: AFTER_CLOSE,
    contractsFile: s.contractsFile,
    overrides: { history: { pacing: { maxBarSeconds: null } } },
  });
  try {
    const started = Date.now();
    const results = await body(fleet);
    return figures(run, fleet, results, Date.now() - started, s.timeScale, rules);
  } finally {
    await fleet.close();
  }
}

/** Wall ms a run may take before its processes are killed: 4 pacing windows and a minute. */
function killAfterMs(scale: number): number {
  return 4 * PACING_WINDOW_MS * scale + 60_000;
}

/** The 8-process, 2-host run on Redis (`tag` keeps its data directories apart from other rounds). */
export function runFleet(s: MakespanSetup, tag: string): Promise<RunFigures> {
  const hosts = ['host-a', 'host-b'];
  const symbols = s.symbols.slice(0, 40);
  const prefix = `fleet-${tag}`;
  return withSimulator(
    s,
    (fleet) => {
      const dirs = hosts.map((h) => prepareDataDir(path.join(s.dir, tag, h)));
      return Promise.all(
        hosts.flatMap((host, h) =>
          deal(symbols, 4).map((part, p) =>
            runWorker(
              workerConfig(fleet, s, {
                name: `${host}/worker-${p}`,
                coordination: `${s.redis.url}/0?prefix=${prefix}`,
                hostname: host,
                dataDir: dirs[h]!,
                symbols: part,
                seed: h * 10 + p + 1,
              }),
              killAfterMs(s.timeScale),
            ),
          ),
        ),
      );
    },
    'fleet',
  );
}

/** One pooled process, files coordination, the 80 distinct symbols. */
export function runPooled(s: MakespanSetup, tag: string): Promise<RunFigures> {
  return withSimulator(
    s,
    async (fleet) => [
      await runWorker(
        workerConfig(fleet, s, {
          name: 'pooled',
          coordination: 'files',
          dataDir: prepareDataDir(path.join(s.dir, tag, 'pooled')),
          symbols: s.symbols.slice(0, 80),
          seed: 1,
        }),
        killAfterMs(s.timeScale),
      ),
    ],
    'pooled',
  );
}
