/**
 * One collector process for the multi-process coordination tests and the benchmark: the library
 * API (`createCollector`) collecting a list of symbols, coordinated through the store the config
 * names. Usage: collect-worker.ts '<json WorkerConfig>'. Prints one JSON line (WorkerReport) and
 * exits 0 when every symbol was collected, 1 otherwise.
 */
import { ScaledClock } from '../../../common/clock.ts';
import { createLogger, type LogLevel } from '../../../common/logger.ts';
import { createCollector } from '../../collector.ts';
import { describeError } from '../../errors.ts';
import { parseCoordination } from '../spec.ts';
import { openRedisCoordination } from '../redis/redis-coordination.ts';
import type { CoordinationStore } from '../port.ts';

export interface WorkerConfig {
  name: string;
  host: string;
  port: number;
  timeScale: number;
  /** Model time at wall time `anchorWall`: the simulator's clock, so both agree on "now". */
  anchorModel: number;
  anchorWall: number;
  /** `files` or `redis://…` */
  coordination: string;
  /** Stands in for the host's name (a lease of another host is never judged by its pid). */
  hostname?: string;
  dataDir: string;
  symbols: string[];
  duration: string;
  barSize: string;
  whatToShow?: string;
  leaseTtlMs: number;
  /** Model ms: one handshake, and how long a request waits for a (re)connection (which needs a lease). */
  connectTimeoutMs: number;
  maxWaitMs: number;
  deadlineMs: number;
  seed: number;
  logLevel?: string;
}

export interface WorkerReport {
  name: string;
  pid: number;
  status: string;
  ok: number;
  failed: Array<{ symbol: string; code: string; message: string }>;
  clientIds: number[];
  wallMs: number;
}

const config = JSON.parse(process.argv[2] ?? '') as WorkerConfig;
const started = Date.now();
const clock = new ScaledClock(config.timeScale, config.anchorModel + (Date.now() - config.anchorWall) / config.timeScale);
const log = createLogger(`worker-${config.name}`, (config.logLevel ?? 'error') as LogLevel);
const spec = parseCoordination(config.coordination);
let coordination: CoordinationStore | string = config.coordination;
if (spec.kind === 'redis' && config.hostname) {
  coordination = await openRedisCoordination(spec, { recoveryMs: config.leaseTtlMs, hostname: config.hostname, log });
}
const clientIds = new Set<number>();
let report: WorkerReport;
try {
  const collector = await createCollector({
    host: config.host,
    port: config.port,
    dataDir: config.dataDir,
    coordination,
    clock,
    seed: config.seed,
    process: config.name,
    log,
    leaseTtlMs: config.leaseTtlMs,
    deadlineMs: config.deadlineMs,
    options: { connectTimeoutMs: config.connectTimeoutMs, maxWaitMs: config.maxWaitMs },
  });
  collector.onConnectionEvent((e) => {
    if (e.type === 'connected') clientIds.add(e.clientId);
  });
  const out = await collector.collect({
    symbols: config.symbols,
    duration: config.duration,
    barSize: config.barSize,
    whatToShow: config.whatToShow ?? 'TRADES',
  });
  await collector.close();
  if (typeof coordination !== 'string') await coordination.close();
  const failed = out.results
    .filter((r) => r.status !== 'ok')
    .map((r) => ({ symbol: r.symbol, code: r.error?.code ?? r.status, message: r.error?.message ?? '' }));
  report = {
    name: config.name,
    pid: process.pid,
    status: out.status,
    ok: out.results.length - failed.length,
    failed,
    clientIds: [...clientIds],
    wallMs: Date.now() - started,
  };
} catch (err) {
  report = {
    name: config.name,
    pid: process.pid,
    status: 'error',
    ok: 0,
    failed: [{ symbol: '*', code: 'ERROR', message: describeError(err) }],
    clientIds: [...clientIds],
    wallMs: Date.now() - started,
  };
}
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(report.failed.length === 0 ? 0 : 1);
