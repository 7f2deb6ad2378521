/**
 * Contract-details throughput and latency of the simulator, next to the practical limit of this
 * machine: a bare TCP server that only frames and answers every request with a canned reply.
 *
 *   npx tsx simulator/bench/throughput.ts            # table
 *   npx tsx simulator/bench/throughput.ts --json     # figures as JSON on stdout (table on stderr)
 *   npx tsx simulator/bench/throughput.ts --profile  # also CPU-profile the simulator targets
 *   options: --duration <s> (5) --warmup <s> (1) --connections <n> (4) --depth <n> (32)
 *            --serial-duration <s> (3) --targets bare,sim,sim-journal --rounds <n> (1)
 *
 * On a shared machine the figures move with the load of other processes: `--rounds 3` runs the
 * targets interleaved three times and reports, per target, the round with the median throughput.
 *
 * Every target runs in its own child process (one core for the server, one for the load client
 * on a 2-core machine); the client is a lean raw client on the project's FrameDecoder, and its own
 * CPU use is reported so a client bottleneck would show.
 *
 * Workload: `connections` connections, each keeping `depth` REQ_CONTRACT_DATA (AAPL SMART USD)
 * in flight; a request's latency runs from its write to its CONTRACT_DATA_END. Replies come back
 * in request order on a connection, so responses are matched to requests first-in first-out.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMarketData } from '../market/market-data.ts';
import { Journal } from '../model/journal.ts';
import { contractRequest } from '../protocol/requests.ts';
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeClientMessage,
  encodeHandshake,
  encodeServerMessage,
  FrameDecoder,
  SIM_MAX_VERSION,
} from '../protocol/index.ts';
import { startSimulator } from '../simulator.ts';
import { FrameCache } from '../server/frame-cache.ts';

// ---- options --------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
function opt(name: string, dflt: number): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
}
const flag = (name: string) => argv.includes(`--${name}`);

type TargetName = 'bare' | 'sim' | 'sim-journal';
const TARGETS: Record<TargetName, string> = {
  bare: 'bare framing server (canned reply)',
  sim: 'simulator, instant, journal off',
  'sim-journal': 'simulator, instant, journal on',
};

const V = SIM_MAX_VERSION;
const { type: _type, reqId: _reqId, ...QUERY } = contractRequest(0);

// ---- server side (child process) --------------------------------------------------------------------

/** The practical limit: frame, count, answer with pre-encoded bytes. Nothing else. */
function startBareServer(): Promise<number> {
  const now = Date.now();
  const hello = encodeServerMessage({ type: 'SERVER_VERSION', serverVersion: V, connectionTime: '20251110 10:15:00 MET' }, V);
  const login = Buffer.concat([
    encodeServerMessage({ type: 'MANAGED_ACCTS', accounts: 'DU0118471' }, V),
    encodeServerMessage({ type: 'NEXT_VALID_ID', orderId: 1 }, V),
  ]);
  // Byte for byte the reply the simulator sends for AAPL SMART USD (with a fixed reqId).
  const details = createMarketData({ seed: 1 }).matchContracts(QUERY, now);
  const canned = Buffer.concat([
    ...details.map((d) => encodeServerMessage({ type: 'CONTRACT_DATA', reqId: 1, ...d }, V)),
    encodeServerMessage({ type: 'CONTRACT_DATA_END', reqId: 1 }, V),
  ]);
  const server = net.createServer({ noDelay: true }, (socket) => {
    const decoder = new FrameDecoder({ expectApiPrefix: true });
    let state = 0;
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      const out: Buffer[] = [];
      for (const _ of frames) {
        if (state === 0) out.push(hello);
        else if (state === 1) out.push(login);
        else out.push(canned);
        if (state < 2) state++;
      }
      if (out.length > 0) socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

async function serve(target: TargetName): Promise<void> {
  let port: number;
  if (target === 'bare') port = await startBareServer();
  else {
    port = (await startSimulator({ port: 0, profile: 'instant', seed: 1, journal: { enabled: target === 'sim-journal' } })).port;
  }
  process.on('message', (m) => {
    if (m === 'cpu') process.send!({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
    if (m === 'exit') process.exit(0); // a normal exit, so --cpu-prof writes its profile
  });
  process.send!({ port });
}

// ---- load client (parent process) -----------------------------------------------------------------

const END0 = 0x35; // '5'
const END1 = 0x32; // '2'

/** A frame body starting with `52\0` (CONTRACT_DATA_END), `4\0` (ERR_MSG) or `9\0` (NEXT_VALID_ID). */
const isEnd = (b: Buffer) => b[0] === END0 && b[1] === END1 && b[2] === 0;
const isErr = (b: Buffer) => b[0] === 0x34 && b[1] === 0;
const isNextId = (b: Buffer) => b[0] === 0x39 && b[1] === 0;

const REQ_POOL = 4096;
/** Pre-encoded requests with distinct reqIds (the client must not spend its time encoding). */
const requests: Buffer[] = Array.from({ length: REQ_POOL }, (_, i) => encodeClientMessage({ type: 'REQ_CONTRACT_DATA', reqId: i + 1, ...QUERY }, V));

class LoadConnection {
  readonly socket: net.Socket;
  private readonly decoder = new FrameDecoder();
  /** Send times of requests in flight, FIFO. */
  private times: number[] = [];
  private head = 0;
  private nextReq = 0;
  private loggedIn!: () => void;
  readonly ready: Promise<void>;
  private isReady = false;
  /** When set, every frame received is kept here (for the sanity check). */
  capture: Buffer[] | undefined;
  running = false;
  recording = false;
  completed = 0;
  errors = 0;
  latencies: number[] = [];

  constructor(port: number, clientId: number) {
    this.socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    this.ready = new Promise((r) => (this.loggedIn = r));
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', () => {});
    this.socket.write(Buffer.concat([encodeHandshake(100, V), encodeClientMessage({ type: 'START_API', clientId, optionalCapabilities: '' }, V)]));
  }

  send(n: number): void {
    if (n <= 0) return;
    const t = performance.now();
    const out: Buffer[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = requests[this.nextReq++ % REQ_POOL]!;
      this.times.push(t);
    }
    this.socket.write(n === 1 ? out[0]! : Buffer.concat(out));
  }

  get inFlight(): number {
    return this.times.length - this.head;
  }

  private onData(chunk: Buffer): void {
    const frames = this.decoder.push(chunk);
    let done = 0;
    const now = performance.now();
    for (const f of frames) {
      this.capture?.push(f);
      if (isEnd(f)) {
        const sent = this.times[this.head++]!;
        if (this.recording) {
          this.completed++;
          this.latencies.push(now - sent);
        }
        done++;
      } else if (!this.isReady) {
        if (isNextId(f)) {
          this.isReady = true;
          this.loggedIn();
        }
      } else if (isErr(f)) {
        this.errors++;
      }
    }
    if (this.head > 65_536) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    if (this.running) this.send(done);
  }
}

interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

function percentiles(values: number[]): Percentiles {
  const s = Float64Array.from(values).sort();
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), mean };
}

interface Child {
  proc: ChildProcess;
  port: number;
  ask(): Promise<{ cpu: NodeJS.CpuUsage; rss: number }>;
  stop(): Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);

async function spawnTarget(target: TargetName, profileDir?: string): Promise<Child> {
  const execArgv = [...process.execArgv, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  const proc = fork(SELF, ['--serve', target], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('message', (m: { port?: number }) => (m.port ? resolve(m.port) : reject(new Error('bad hello'))));
    proc.once('exit', (code) => reject(new Error(`${target} exited with ${code}`)));
  });
  return {
    proc,
    port,
    ask: () =>
      new Promise((resolve) => {
        proc.once('message', (m) => resolve(m as { cpu: NodeJS.CpuUsage; rss: number }));
        proc.send('cpu');
      }),
    stop: () =>
      new Promise((resolve) => {
        proc.once('exit', () => resolve());
        proc.send('exit');
      }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunResult {
  requestsPerSec: number;
  latencyMs: Percentiles;
  completed: number;
  errors: number;
  serverCpuPct: number;
  clientCpuPct: number;
  serverCpuUsPerRequest: number;
  clientCpuUsPerRequest: number;
}

async function load(child: Child, connections: number, depth: number, warmupS: number, durationS: number, firstClientId: number): Promise<RunResult> {
  const conns = Array.from({ length: connections }, (_, i) => new LoadConnection(child.port, firstClientId + i));
  await Promise.all(conns.map((c) => c.ready));
  for (const c of conns) {
    c.running = true;
    c.send(depth);
  }
  await sleep(warmupS * 1000);
  const cpu0 = await child.ask();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  for (const c of conns) c.recording = true;
  await sleep(durationS * 1000);
  for (const c of conns) c.recording = false;
  const elapsed = (performance.now() - t0) / 1000;
  const client1 = process.cpuUsage(client0);
  const cpu1 = await child.ask();
  for (const c of conns) c.running = false;
  // Let what is in flight come back before closing (a fair end for the next run).
  for (let i = 0; i < 200 && conns.some((c) => c.inFlight > 0); i++) await sleep(10);
  for (const c of conns) c.socket.destroy();

  const completed = conns.reduce((n, c) => n + c.completed, 0);
  const serverUs = cpu1.cpu.user + cpu1.cpu.system - (cpu0.cpu.user + cpu0.cpu.system);
  const clientUs = client1.user + client1.system;
  return {
    requestsPerSec: completed / elapsed,
    latencyMs: percentiles(conns.flatMap((c) => c.latencies)),
    completed,
    errors: conns.reduce((n, c) => n + c.errors, 0),
    serverCpuPct: (100 * serverUs) / 1e6 / elapsed,
    clientCpuPct: (100 * clientUs) / 1e6 / elapsed,
    serverCpuUsPerRequest: serverUs / Math.max(1, completed),
    clientCpuUsPerRequest: clientUs / Math.max(1, completed),
  };
}

/** One request, decoded strictly: the target really answers contract details for AAPL. */
async function sanityCheck(child: Child, clientId: number): Promise<string> {
  const c = new LoadConnection(child.port, clientId);
  await c.ready;
  await sleep(20); // let the farm notices that follow login pass
  const frames: Buffer[] = (c.capture = []);
  c.send(1);
  for (let i = 0; i < 500 && c.inFlight > 0; i++) await sleep(2);
  c.socket.destroy();
  const msgs = frames.map((f) => decodeServerFrame(f, V));
  const data = msgs.find((m) => m.type === 'CONTRACT_DATA');
  if (data?.type !== 'CONTRACT_DATA' || data.symbol !== 'AAPL' || data.conId !== 265598)
    throw new Error(`unexpected reply: ${JSON.stringify(msgs).slice(0, 300)}`);
  return `${msgs.length} messages`;
}

// ---- per-request stage costs (in process, no sockets) ---------------------------------------------------

/** CPU cost of each stage a contract-details request goes through, measured one at a time. */
function stageBreakdown(): Array<{ stage: string; us: number }> {
  const market = createMarketData({ seed: 1 });
  const now = Date.now();
  const body = requests[0]!.subarray(4);
  const details = market.matchContracts(QUERY, now)[0]!;
  const journal = new Journal(10_000, true);
  const frames = new FrameCache();
  let reqId = 0;
  const time = (stage: string, fn: () => unknown, n = 20_000) => {
    for (let i = 0; i < 2000; i++) fn();
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    return { stage, us: ((performance.now() - t) * 1000) / n };
  };
  return [
    time('decode REQ_CONTRACT_DATA (decodeClientFrame)', () => decodeClientFrame(body, V)),
    time('match + build details (market.matchContracts)', () => market.matchContracts(QUERY, now)),
    time('encode CONTRACT_DATA, repeated (the TCP frame cache)', () => frames.encode({ type: 'CONTRACT_DATA', reqId: ++reqId, ...details }, V)),
    time('encode CONTRACT_DATA_END', () => encodeServerMessage({ type: 'CONTRACT_DATA_END', reqId: 1 }, V)),
    time('encode CONTRACT_DATA, first time (encodeServerMessage)', () => encodeServerMessage({ type: 'CONTRACT_DATA', reqId: 1, ...details }, V)),
    time('journal: 1 in + 2 out entries (when on)', () => {
      journal.record(now, 1, 1, 'in', { type: 'REQ_CONTRACT_DATA' });
      journal.record(now, 1, 1, 'out', { type: 'CONTRACT_DATA', ...details });
      journal.record(now, 1, 1, 'out', { type: 'CONTRACT_DATA_END' });
    }),
  ];
}

// ---- profile summary --------------------------------------------------------------------------------

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

function summarizeProfile(file: string, top = 25): string | undefined {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (id: number) => {
    const f = byId.get(id)!.callFrame;
    const where = f.url.replace(/^.*\/(work\/main|node_modules)\//, '').replace(/^file:\/\/.*\/simulator\//, 'simulator/');
    return `${f.functionName || '(anonymous)'} ${where}${where ? `:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    self.set(key(id), (self.get(key(id)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(cur);
      if (!seen.has(k)) {
        seen.add(k);
        incl.set(k, (incl.get(k) ?? 0) + dt);
      }
    }
  });
  // The module-loader thread of tsx writes a profile too: nearly all idle, nothing to say.
  if ((self.get('(idle) ') ?? 0) > 0.9 * total) return undefined;
  const fmt = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, t]) => `  ${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return `profile ${file} (${(total / 1e6).toFixed(1)} s sampled)\n-- self time --\n${fmt(self)}\n-- inclusive time --\n${fmt(incl)}`;
}

// ---- main ------------------------------------------------------------------------------------------------

interface TargetResult {
  target: TargetName;
  label: string;
  sanity: string;
  pipelined: RunResult;
  serial: RunResult;
  /** Throughput of every round (the reported round is the median one). */
  roundsRequestsPerSec: number[];
}

async function main(): Promise<void> {
  const json = flag('json');
  const out = json ? (s: string) => process.stderr.write(`${s}\n`) : (s: string) => process.stdout.write(`${s}\n`);
  const connections = opt('connections', 4);
  const depth = opt('depth', 32);
  const warmup = opt('warmup', 1);
  const duration = opt('duration', 5);
  const serialDuration = opt('serial-duration', 3);
  const defaults = Object.keys(TARGETS);
  const targetsArg = argv.includes('--targets') ? argv[argv.indexOf('--targets') + 1]!.split(',') : defaults;
  const targets = targetsArg.filter((t): t is TargetName => t in TARGETS);
  const profileDir = flag('profile') ? fs.mkdtempSync(path.join(os.tmpdir(), 'ibkr-bench-prof-')) : undefined;

  out(
    `contract-details benchmark: ${connections} connections x ${depth} in flight, ${warmup} s warm-up + ${duration} s; serial 1 in flight for ${serialDuration} s`,
  );
  out(
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  const rounds = Math.max(1, opt('rounds', 1));
  const all = new Map<TargetName, TargetResult[]>();
  let clientId = 1;
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      const dir = profileDir && target !== 'bare' && round === 1 ? path.join(profileDir, target) : undefined;
      const child = await spawnTarget(target, dir);
      try {
        const sanity = await sanityCheck(child, clientId++);
        const pipelined = await load(child, connections, depth, warmup, duration, clientId);
        clientId += connections;
        const serial = await load(child, 1, 1, Math.min(warmup, 0.5), serialDuration, clientId++);
        all.set(target, [...(all.get(target) ?? []), { target, label: TARGETS[target], sanity, pipelined, serial, roundsRequestsPerSec: [] }]);
        out(
          `  ${rounds > 1 ? `[round ${round}] ` : ''}${TARGETS[target]}: ${pipelined.requestsPerSec.toFixed(0)} req/s, p50 ${pipelined.latencyMs.p50.toFixed(2)} ms (reply: ${sanity})`,
        );
      } finally {
        await child.stop();
      }
    }
  }
  const results: TargetResult[] = targets.map((t) => {
    const runs = all.get(t)!;
    const sorted = [...runs].sort((a, b) => a.pipelined.requestsPerSec - b.pipelined.requestsPerSec);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
    return { ...median, roundsRequestsPerSec: runs.map((r) => Math.round(r.pipelined.requestsPerSec)) };
  });

  const bare = results.find((r) => r.target === 'bare');
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  const rows = results.map((r) => [
    r.label,
    f(r.pipelined.requestsPerSec),
    f(r.pipelined.latencyMs.p50, 2),
    f(r.pipelined.latencyMs.p90, 2),
    f(r.pipelined.latencyMs.p99, 2),
    f(r.serial.latencyMs.p50, 3),
    f(r.serial.latencyMs.p99, 3),
    f(r.pipelined.serverCpuPct),
    f(r.pipelined.serverCpuUsPerRequest, 1),
    f(r.pipelined.clientCpuPct),
    bare ? `${f((100 * r.pipelined.requestsPerSec) / bare.pipelined.requestsPerSec, 1)}%` : '-',
    bare ? `${f(r.pipelined.latencyMs.p50 / bare.pipelined.latencyMs.p50, 2)}x` : '-',
    bare ? `${f(r.serial.latencyMs.p50 / bare.serial.latencyMs.p50, 2)}x` : '-',
  ]);
  const header = [
    'target',
    'req/s',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'serial p50',
    'serial p99',
    'srv CPU%',
    'srv µs/req',
    'cli CPU%',
    'tput/bare',
    'p50/bare',
    'serial p50/bare',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  out('');
  out(line(header));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) out(line(r));

  const goals = { minThroughputRatio: 0.5, maxP50Ratio: 2 };
  const verdicts = bare
    ? results
        .filter((r) => r.target !== 'bare')
        .map((r) => {
          const throughputRatio = r.pipelined.requestsPerSec / bare.pipelined.requestsPerSec;
          const p50Ratio = r.pipelined.latencyMs.p50 / bare.pipelined.latencyMs.p50;
          const serialP50Ratio = r.serial.latencyMs.p50 / bare.serial.latencyMs.p50;
          return {
            target: r.target,
            throughputRatio,
            p50Ratio,
            serialP50Ratio,
            meetsThroughput: throughputRatio >= goals.minThroughputRatio,
            meetsP50: p50Ratio <= goals.maxP50Ratio,
          };
        })
    : [];
  out('');
  for (const v of verdicts) {
    out(
      `${TARGETS[v.target]}: throughput ${(100 * v.throughputRatio).toFixed(1)}% of bare (goal >= 50%: ${v.meetsThroughput ? 'met' : 'MISSED'}), ` +
        `p50 ${v.p50Ratio.toFixed(2)}x bare (goal <= 2x: ${v.meetsP50 ? 'met' : 'MISSED'}), serial p50 ${v.serialP50Ratio.toFixed(2)}x bare`,
    );
  }
  const stages = stageBreakdown();
  out('\nper-request CPU by stage (in process, no sockets):');
  for (const st of stages) out(`  ${st.us.toFixed(2).padStart(7)} µs  ${st.stage}`);
  const sim = results.find((r) => r.target === 'sim');
  if (sim) {
    const js = stages.slice(0, 4).reduce((a, b) => a + b.us, 0);
    out(
      `  simulator (journal off) used ${sim.pipelined.serverCpuUsPerRequest.toFixed(1)} µs of CPU per request under load; the codec and market stages ` +
        `above account for ${js.toFixed(1)} µs, the rest is sockets (one writev per request), the event loop and gateway bookkeeping.`,
    );
  }

  if (rounds > 1) for (const r of results) out(`  ${r.label}: req/s by round ${r.roundsRequestsPerSec.join(', ')} (median reported)`);
  out(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  const clientHot = results.filter((r) => r.pipelined.clientCpuPct > 90);
  if (clientHot.length) out(`note: the load client used > 90% of a core against ${clientHot.map((r) => r.target).join(', ')}; that figure is a lower bound.`);

  if (profileDir) {
    for (const target of targets.filter((t) => t !== 'bare' && fs.existsSync(path.join(profileDir, t)))) {
      const dir = path.join(profileDir, target);
      for (const file of fs.readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'))) {
        const summary = summarizeProfile(path.join(dir, file));
        if (summary) out(`\n[${target}] ${summary}`);
      }
    }
  }

  if (json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadAverageAtEnd: os.loadavg() },
          workload: {
            connections,
            depth,
            warmupS: warmup,
            durationS: duration,
            serialDurationS: serialDuration,
            rounds,
            request: 'REQ_CONTRACT_DATA AAPL STK SMART USD',
          },
          goals,
          results,
          verdicts,
          stages,
          profileDir,
        },
        null,
        2,
      )}\n`,
    );
  }
}

const serveAt = argv.indexOf('--serve');
if (serveAt >= 0) {
  void serve(argv[serveAt + 1] as TargetName);
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
