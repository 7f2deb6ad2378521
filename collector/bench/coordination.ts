/**
 * Coordination benchmark (issue 11): what sharing leases and the pacing budget costs.
 *
 *   npm run bench:coordination -- [--n 2000] [--warmup 200] [--scale 0.02] [--rounds 1]
 *                                 [--only latency|makespan] [--json]
 *
 * 1. Latency (collector/bench/coordination-latency.ts): lease acquire, lease release and one
 *    pacing-budget check (granted, and refused) on the files and Redis adapters, beside the
 *    in-memory adapter as the baseline, p50/p99 wall µs over `--n` iterations after `--warmup`.
 * 2. Makespan (collector/bench/coordination-makespan.ts): 8 collector processes on 2 "hosts"
 *    sharing one login through Redis, against one pooled process doing the same 80 historical
 *    requests, both on a fresh simulator at time scale `--scale`. `--rounds` alternates the two
 *    runs that many times and compares the medians. Goal: the fleet's collection makespan within
 *    10% of the pooled process's.
 *
 * A real redis-server (Debian's package) is started on a free loopback port and stopped at the
 * end; the load average is printed before and after each part, since the machine may be shared.
 * Exit code 0 whatever the figures (a benchmark reports; it does not gate), 1 if a run was not
 * complete (a worker failed or was killed: its makespan means nothing and the medians leave it out)
 * or the gateway sent a 326, 162 or 100 (the run then finished, its makespan includes the
 * penalty, and the verdict says so: those are coordination failures in their own right).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { percentile } from '../../reports/bench/stats.ts';
import { writeSyntheticUniverse } from '../coordination/testing/fleet.ts';
import { redisServerBinary, startRedis } from '../coordination/testing/redis-server.ts';
import { measureLatencies, type Samples } from './coordination-latency.ts';
import { PACING_MARGIN_MS, PACING_WINDOW_MS, runFleet, runPooled, type RunFigures } from './coordination-makespan.ts';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    scale: { type: 'string', default: '0.02' },
    rounds: { type: 'string', default: '1' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const USAGE = 'usage: npm run bench:coordination -- [--n 2000] [--warmup 200] [--scale 0.02] [--rounds 1] [--only latency|makespan] [--json]';
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const n = Number(args.n);
const warmup = Number(args.warmup);
const scale = Number(args.scale);
const rounds = Number(args.rounds);
for (const [name, v, ok] of [
  ['--n', n, Number.isInteger(n) && n > 0],
  ['--warmup', warmup, Number.isInteger(warmup) && warmup >= 0],
  ['--scale', scale, scale > 0 && scale <= 1],
  ['--rounds', rounds, Number.isInteger(rounds) && rounds > 0],
] as const) {
  if (!ok) {
    console.error(`${name} ${v} is out of range\n${USAGE}`);
    process.exit(2);
  }
}
if (args.only !== undefined && args.only !== 'latency' && args.only !== 'makespan') {
  console.error(`--only must be latency or makespan, not "${args.only}"\n${USAGE}`);
  process.exit(2);
}
if (!redisServerBinary()) {
  console.error('redis-server is not installed (Debian: apt-get install redis-server); this benchmark measures the Redis adapter against a real one');
  process.exit(2);
}

/** Tables go to stderr with --json (figures on stdout), to stdout otherwise. */
const say = (line: string) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(0)} µs`);
const pad = (s: string, w: number) => s.padEnd(w);
const median = (xs: readonly number[]) => percentile(xs, 50);

function latencyTable(samples: Samples[]): Array<Record<string, string | number>> {
  const base = new Map(samples.filter((s) => s.adapter.startsWith('memory')).map((s) => [s.operation, percentile(s.us, 50)]));
  say(`\n${pad('operation', 24)}${pad('adapter', 20)}${pad('p50', 11)}${pad('p99', 11)}p50 / baseline`);
  const rows = samples.map((s) => {
    const p50 = percentile(s.us, 50);
    const p99 = percentile(s.us, 99);
    const ratio = p50 / (base.get(s.operation) ?? Number.NaN);
    say(`${pad(s.operation, 24)}${pad(s.adapter, 20)}${pad(fmt(p50), 11)}${pad(fmt(p99), 11)}${ratio.toFixed(1)}×`);
    return { operation: s.operation, adapter: s.adapter, n: s.us.length, p50Us: p50, p99Us: p99 };
  });
  return rows;
}

function runLine(r: RunFigures, boundMs: number): void {
  const err = `326:${r.errors[326]} 162:${r.errors[162]} 100:${r.errors[100]}`;
  say(
    `${pad(r.run, 8)}${pad(String(r.processes), 11)}${pad(String(r.historicalRequests), 10)}${pad(`${(r.modelMs / 1000).toFixed(1)} s`, 14)}${pad(`${(r.wallMs / 1000).toFixed(2)} s`, 13)}${pad(`${((r.modelMs - boundMs) / 1000).toFixed(1)} s`, 13)}${pad(`${(r.endToEndWallMs / 1000).toFixed(2)} s`, 14)}${err}`,
  );
  for (const f of r.failures) say(`  ${f}`);
  for (const v of r.violations) say(`  gateway sent ${v}`);
}

const dir = mkdtempSync(path.join(tmpdir(), 'bench-coordination-'));
const redis = await startRedis();
const out: Record<string, unknown> = { date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, n, warmup, scale, rounds };
let valid = true;
let violations = 0;
try {
  if (args.only !== 'makespan') {
    const before = load();
    say(`latency: ${n} iterations after ${warmup} warm-up, per adapter (load average ${before})`);
    const samples = await measureLatencies({ n, warmup, redisUrl: redis.url });
    out.latency = latencyTable(samples);
    out.latencyLoad = { before, after: load() };
    say(`load average after: ${load()}`);
  }
  if (args.only !== 'latency') {
    const { file, symbols } = writeSyntheticUniverse(dir, 80);
    const bound = PACING_WINDOW_MS + PACING_MARGIN_MS;
    const before = load();
    say(`\nmakespan at time scale ${scale}, ${rounds} round(s), 80 historical requests per run (load average ${before})`);
    say(`pacing bound: the 61st request no earlier than the 1st + ${(bound / 1000).toFixed(2)} model s (${((bound * scale) / 1000).toFixed(2)} wall s)`);
    say(
      `${pad('run', 8)}${pad('processes', 11)}${pad('requests', 10)}${pad('model', 14)}${pad('wall', 13)}${pad('over bound', 13)}${pad('end to end', 14)}errors`,
    );
    const runs: RunFigures[] = [];
    for (let i = 0; i < rounds; i++) {
      const setup = { dir, timeScale: scale, contractsFile: file, symbols, redis };
      for (const run of [runPooled, runFleet]) {
        const r = await run(setup, `round-${i}`);
        runLine(r, bound);
        runs.push(r);
        if (r.failures.length > 0) valid = false;
        violations += r.errors[326] + r.errors[162] + r.errors[100];
      }
    }
    // Medians over complete runs only: a killed run's makespan is not one.
    const complete = runs.filter((r) => r.failures.length === 0);
    const pooled = median(complete.filter((r) => r.run === 'pooled').map((r) => r.modelMs));
    const fleet = median(complete.filter((r) => r.run === 'fleet').map((r) => r.modelMs));
    const ratio = fleet / pooled;
    const endRatio =
      median(complete.filter((r) => r.run === 'fleet').map((r) => r.endToEndWallMs)) /
      median(complete.filter((r) => r.run === 'pooled').map((r) => r.endToEndWallMs));
    const after = load();
    say(`load average after: ${after}`);
    say(
      `\nfleet / pooled collection makespan (median of ${rounds}): ${ratio.toFixed(3)} (pooled ${(pooled / 1000).toFixed(1)} model s, fleet ${(fleet / 1000).toFixed(1)} model s; pacing bound ${(bound / 1000).toFixed(1)} model s)`,
    );
    say(
      `above the pacing bound (what splitting the work costs): pooled ${((pooled - bound) / 1000).toFixed(1)} model s, fleet ${((fleet - bound) / 1000).toFixed(1)} model s`,
    );
    say(`end to end wall (process start-up included), fleet / pooled: ${endRatio.toFixed(3)}`);
    const caveat = violations > 0 ? ` — but the gateway sent ${violations} coordination error(s) (326/162/100, above): the shared budget was exceeded` : '';
    if (!valid) say(`${runs.length - complete.length} run(s) did not complete (above): the medians leave them out`);
    say(
      complete.some((r) => r.run === 'fleet') && complete.some((r) => r.run === 'pooled')
        ? `goal (fleet within 10% of pooled): ${ratio <= 1.1 ? 'met' : 'NOT met'}${caveat}`
        : 'no complete run of each kind: no verdict',
    );
    out.makespan = {
      runs,
      pooledModelMs: pooled,
      fleetModelMs: fleet,
      ratio,
      endToEndRatio: endRatio,
      boundModelMs: bound,
      goalMet: valid && ratio <= 1.1,
      violations,
      load: { before, after },
    };
  }
} finally {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
if (args.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
process.exit(valid && violations === 0 ? 0 : 1);
