/**
 * A malformed-frame flood against the simulator, and what a bystander client waits meanwhile:
 * the figure behind "malformed frames count towards the message rate" (docs/wire-facts/limits.md).
 *
 *   npx tsx simulator/bench/hostile.ts                        # this checkout only
 *   npx tsx simulator/bench/hostile.ts --baseline-root ../main  # and another checkout, same run
 *   options: --frames <n> (100000) --batch <n> (500) --profile <name> (ibkr-paper)
 *            --quiet-requests <n> (200) --json
 *
 * Each target is `ibkr-harness sim` in its own process at time scale 1 and log level info (its log
 * bytes are counted from its stderr). Per target:
 *  1. quiet: a bystander (client id 1) sends REQ_CONTRACT_DATA one at a time; p50/p95 of write →
 *     CONTRACT_DATA_END, in wall ms;
 *  2. flood: attackers send `frames` malformed frames (REQ_IDS with a numIds that is no integer, an
 *     unknown message id, a 400-digit reqId), `batch` per write, honouring backpressure, while the
 *     bystander keeps measuring. An attacker the simulator closes is replaced by a new connection
 *     with a fresh client id, as an attacker would do, until every frame is written.
 * Reported: bystander p50/p95 quiet and under flood, replies the attackers got (all, per second,
 * errors 320 and 100), log bytes the simulator wrote during the flood, connections the attack
 * needed, and whether the simulator was alive at the end.
 *
 * Wall time on a shared machine moves with its load; the baseline target runs in the same run, one
 * after the other, so the two are compared under the same conditions. Figures are for one run.
 */
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { contractRequest } from '../protocol/requests.ts';
import { decodeServerFrame, encodeClientMessage, encodeFrame, encodeHandshake, FrameDecoder, SIM_MAX_VERSION } from '../protocol/index.ts';
import { startChildSimulator, type ChildSimulator } from '../testing/child-simulator.ts';
import { RawClient, SERVER_ID } from '../testing/raw-client.ts';

const argv = process.argv.slice(2);
function arg(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
const num = (name: string, dflt: number) => Number(arg(name) ?? dflt);

const FRAMES = num('frames', 100_000);
const BATCH = num('batch', 500);
const QUIET_REQUESTS = num('quiet-requests', 200);
const PROFILE = arg('profile') ?? 'ibkr-paper';
const BASELINE_ROOT = arg('baseline-root');
const V = SIM_MAX_VERSION;

/** Malformed frames of three kinds, each a request the decoder refuses (error 320, session kept). */
const MALFORMED = [
  encodeFrame(['8', '1', 'x']), // REQ_IDS, numIds not an integer
  encodeFrame(['9999', '1']), // unknown message id
  encodeFrame(['81', '9'.repeat(400), 'AAPL']), // REQ_MATCHING_SYMBOLS, a reqId out of range
];

interface Latencies {
  samples: number[];
}

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** The bystander's loop: one REQ_CONTRACT_DATA at a time until `stop()` says so. */
async function measure(c: RawClient, firstReqId: number, until: () => boolean, into: Latencies): Promise<number> {
  let reqId = firstReqId;
  while (!until()) {
    const id = reqId++;
    const t = performance.now();
    c.send(contractRequest(id));
    const end = await c.waitFor((f) => f[0] === SERVER_ID.CONTRACT_DATA_END && f[2] === String(id), 30_000);
    if (!end) throw new Error(`bystander: no CONTRACT_DATA_END for ${id} within 30 s (closed=${c.closed})`);
    into.samples.push(performance.now() - t);
    c.frames.length = 0; // keep the bystander's memory flat
  }
  return reqId;
}

interface AttackStats {
  framesWritten: number;
  connections: number;
  replies: number;
  errors320: number;
  errors100: number;
  refusedLogins: number;
}

/**
 * One attacker connection: handshake, START_API, then malformed batches until the server closes
 * it or `budget()` has no frames left. Resolves when the socket is gone.
 */
function attack(port: number, clientId: number, budget: { left: number }, stats: AttackStats): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    const decoder = new FrameDecoder({ expectApiPrefix: false });
    let handshaken = false;
    let ready = false;
    let kind = 0;
    const pump = () => {
      while (ready && budget.left > 0 && !socket.destroyed) {
        const n = Math.min(BATCH, budget.left);
        budget.left -= n;
        stats.framesWritten += n;
        const frames: Buffer[] = new Array(n);
        for (let i = 0; i < n; i++) frames[i] = MALFORMED[kind++ % MALFORMED.length]!;
        if (!socket.write(Buffer.concat(frames))) return; // wait for 'drain'
      }
      if (budget.left <= 0) socket.end();
    };
    socket.on('drain', pump);
    socket.on('data', (chunk: Buffer) => {
      let bodies: Buffer[];
      try {
        bodies = decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const body of bodies) {
        if (!handshaken) {
          handshaken = true;
          continue;
        }
        stats.replies++;
        const msg = decodeServerFrame(body, V) as { type: string; code?: number };
        if (msg.type === 'NEXT_VALID_ID' && !ready) {
          ready = true;
          pump();
        } else if (msg.type === 'ERR_MSG') {
          if (msg.code === 320) stats.errors320++;
          else if (msg.code === 100) stats.errors100++;
          else if (!ready) stats.refusedLogins++;
        }
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve());
    socket.write(Buffer.concat([encodeHandshake(100, V), encodeClientMessage({ type: 'START_API', clientId, optionalCapabilities: '' }, V)]));
    stats.connections++;
  });
}

interface TargetResult {
  target: string;
  quiet: { requests: number; p50Ms: number; p95Ms: number };
  flood: {
    seconds: number;
    bystanderRequests: number;
    p50Ms: number;
    p95Ms: number;
    framesWritten: number;
    connections: number;
    repliesPerSecond: number;
    errors320: number;
    errors100: number;
    logBytes: number;
  };
  aliveAfter: boolean;
}

async function runTarget(name: string, root: string | undefined): Promise<TargetResult> {
  const sim: ChildSimulator = await startChildSimulator(['--profile', PROFILE, '--log-level', 'info', '--no-journal'], 30_000, ...(root ? [root] : []));
  let logBytes = 0;
  sim.child.stderr!.on('data', (b: Buffer) => (logBytes += b.length));
  try {
    const bystander = await RawClient.ready(sim.port, 1, 15_000);
    // Warm up, then the quiet figure.
    const warm: Latencies = { samples: [] };
    let n = 0;
    let reqId = await measure(bystander, 1, () => n++ >= 20, warm);
    const quiet: Latencies = { samples: [] };
    reqId = await measure(bystander, reqId, () => quiet.samples.length >= QUIET_REQUESTS, quiet);

    const stats: AttackStats = { framesWritten: 0, connections: 0, replies: 0, errors320: 0, errors100: 0, refusedLogins: 0 };
    const budget = { left: FRAMES };
    const logBefore = logBytes;
    const t0 = performance.now();
    let attacking = true;
    const attackers = (async () => {
      let clientId = 1000;
      // Two attackers at a time, each replaced when the simulator closes it.
      await Promise.all(
        [0, 1].map(async () => {
          while (budget.left > 0) await attack(sim.port, clientId++, budget, stats);
        }),
      );
      attacking = false;
    })();
    const flood: Latencies = { samples: [] };
    await measure(bystander, reqId, () => !attacking, flood);
    await attackers;
    const seconds = (performance.now() - t0) / 1000;
    const floodLogBytes = logBytes - logBefore;

    bystander.send({ type: 'REQ_CURRENT_TIME' });
    const aliveAfter = sim.exit === undefined && (await bystander.waitFor((f) => f[0] === SERVER_ID.CURRENT_TIME, 5000)) !== undefined;
    bystander.destroy();
    return {
      target: name,
      quiet: { requests: quiet.samples.length, p50Ms: percentile(quiet.samples, 50), p95Ms: percentile(quiet.samples, 95) },
      flood: {
        seconds,
        bystanderRequests: flood.samples.length,
        p50Ms: percentile(flood.samples, 50),
        p95Ms: percentile(flood.samples, 95),
        framesWritten: stats.framesWritten,
        connections: stats.connections,
        repliesPerSecond: stats.replies / seconds,
        errors320: stats.errors320,
        errors100: stats.errors100,
        logBytes: floodLogBytes,
      },
      aliveAfter,
    };
  } finally {
    await sim.stop();
  }
}

const results: TargetResult[] = [];
if (BASELINE_ROOT) results.push(await runTarget(`baseline (${path.resolve(BASELINE_ROOT)})`, path.resolve(BASELINE_ROOT)));
results.push(await runTarget('this checkout', undefined));

const f1 = (x: number) => x.toFixed(1);
const lines = [
  `${FRAMES} malformed frames, ${BATCH} per write, 2 attackers at a time (replaced when closed); profile ${PROFILE}, time scale 1, log level info`,
  '',
  '| target | bystander p50 / p95 quiet (ms) | under flood (ms) | flood (s) | attacker connections | replies/s to attackers | 320s | 100s | log bytes | alive |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map(
    (r) =>
      `| ${r.target} | ${f1(r.quiet.p50Ms)} / ${f1(r.quiet.p95Ms)} | ${f1(r.flood.p50Ms)} / ${f1(r.flood.p95Ms)} (${r.flood.bystanderRequests} requests) | ${f1(r.flood.seconds)} | ` +
      `${r.flood.connections} | ${Math.round(r.flood.repliesPerSecond)} | ${r.flood.errors320} | ${r.flood.errors100} | ${(r.flood.logBytes / 1e6).toFixed(2)} MB | ${r.aliveAfter} |`,
  ),
];
if (argv.includes('--json')) {
  console.error(lines.join('\n'));
  console.log(JSON.stringify(results, null, 2));
} else {
  console.log(lines.join('\n'));
}
