/**
 * Market-data fan-out over real TCP: a simulator at time scale 1 in a child process, 32 raw TCP
 * clients in this one, each opening 100 streaming top-of-book lines (REQ_MKT_DATA). Reported per
 * wall second: tick messages received (TICK_PRICE / TICK_SIZE / TICK_STRING / TICK_GENERIC), the
 * simulator process's CPU (process.cpuUsage in the child, so the clients' CPU is not counted),
 * the clients' CPU, and tick delivery latency p50 / p99 / max.
 *
 *   npx tsx simulator/bench/market-data-fanout-tcp.ts [--clients 32] [--lines 100] [--seconds 20] [--json]
 *
 * Baseline in the same run: a bare server (child process) that frames the handshake and login
 * with canned replies and then writes, every 250 ms, as many pre-encoded tick frames per client
 * as the simulator sent — the cost of the sockets alone on this machine.
 *
 * Latency: the gap between the model instant a tick is due and its arrival at the client, in wall
 * ms. A line's updates are due at its request instant t0 + k × 250 ms (stream-schedule.ts). t0 is
 * the model time of the line's MARKET_DATA_TYPE in the simulator's journal (read through a journal
 * subscription during setup only, dropped before measuring; it precedes the handler's own t0 by
 * microseconds, so latencies are over- rather than under-stated). Model time maps to this process's
 * wall clock by an IPC ping (the reply with the shortest round trip; its half round trip is the
 * mapping's error bound, reported). Both clocks run on performance.now(), so they do not drift. A
 * tick arriving at model instant m on a line is attributed to the latest due instant ≤ m, which
 * is right while latency stays below 250 ms. The bare baseline's "lines" are due at its timer's
 * instants, measured the same way.
 */
import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ScaledClock } from '../../common/clock.ts';
import { createMarketData } from '../market/market-data.ts';
import { encodeClientMessage, encodeHandshake, encodeServerMessage, FrameDecoder, SIM_MAX_VERSION } from '../protocol/index.ts';
import { mktDataRequest } from '../protocol/requests.ts';
import { startSimulator } from '../simulator.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '32' },
    lines: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
    serve: { type: 'string' },
    'per-step': { type: 'string', default: '0' },
  },
});
const clients = Number(values.clients);
const lines = Number(values.lines);
const seconds = Number(values.seconds);
const V = SIM_MAX_VERSION;
const STEP_MS = 250;
/** Wed 2025-11-12 10:00 New York: regular hours, every US line ticking. */
const OPEN = Date.UTC(2025, 10, 12, 15, 0);
/** The messages per second a client may send (IB's 50, with room). docs/wire-facts/pacing.md */
const REQUESTS_PER_SECOND = 25;
const wallNow = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuUs = (u: NodeJS.CpuUsage) => u.user + u.system;

// ---- child processes: the simulator and the bare baseline ------------------------------------------

type ToChild = 'cpu' | 'starts' | 'exit' | { ping: number };
type FromChild = { port: number } | { cpu: NodeJS.CpuUsage } | { starts: Array<[number, number, number]> } | { pong: number; model: number };

async function serveSimulator(): Promise<(m: ToChild) => FromChild | undefined> {
  const clock = new ScaledClock(1, OPEN);
  const sim = await startSimulator({
    port: 0,
    clock,
    seed: 1,
    overrides: { marketData: { lines: clients * lines, permissions: { live: ['*'], delayed: ['*'] } } },
  });
  const starts: Array<[number, number, number]> = [];
  const unsubscribe = sim.gateway.journal.subscribe((e) => {
    if (e.dir === 'out' && e.message.type === 'MARKET_DATA_TYPE') starts.push([e.clientId ?? 0, e.message.reqId as number, e.at]);
  });
  process.send!({ port: sim.port });
  return (m) => {
    if (m === 'starts') {
      unsubscribe();
      return { starts };
    }
    if (typeof m === 'object') return { pong: m.ping, model: clock.now() };
    return undefined;
  };
}

/** Frames the login with canned replies, then every 250 ms writes `perStep` tick frames per client. */
async function serveBare(perStep: number): Promise<(m: ToChild) => FromChild | undefined> {
  const hello = encodeServerMessage({ type: 'SERVER_VERSION', serverVersion: V, connectionTime: '20251112 16:00:00 MET' }, V);
  const login = Buffer.concat([
    encodeServerMessage({ type: 'MANAGED_ACCTS', accounts: 'DU0118471' }, V),
    encodeServerMessage({ type: 'NEXT_VALID_ID', orderId: 1 }, V),
  ]);
  const ticks = Array.from({ length: lines }, (_, i) =>
    encodeServerMessage({ type: 'TICK_PRICE', reqId: i + 1, tickType: 1, price: 123.45, size: 300, attrMask: 0 }, V),
  );
  const step = Buffer.concat(Array.from({ length: perStep }, (_, i) => ticks[i % lines]!));
  const sockets = new Set<net.Socket>();
  const clientIds = new Map<net.Socket, number>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    const decoder = new FrameDecoder({ expectApiPrefix: true });
    let frames = 0;
    socket.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) {
        if (frames === 0) socket.write(hello);
        else if (frames === 1) {
          clientIds.set(socket, Number(f.toString('latin1').split('\0')[2]));
          socket.write(login);
          sockets.add(socket);
        }
        frames++;
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const t0 = wallNow();
  let k = 0;
  // Never before the due instant (a timer may fire up to a millisecond early): like the simulator's clock.
  const tick = () => {
    const wait = t0 + (k + 1) * STEP_MS - wallNow();
    if (wait > 0) {
      setTimeout(tick, Math.max(1, Math.floor(wait)));
      return;
    }
    k++;
    for (const s of sockets) s.write(step);
    setTimeout(tick, Math.max(1, Math.floor(t0 + (k + 1) * STEP_MS - wallNow())));
  };
  setTimeout(tick, STEP_MS);
  process.send!({ port: (server.address() as net.AddressInfo).port });
  return (m) => {
    if (m === 'starts')
      return { starts: [...clientIds.values()].flatMap((c) => Array.from({ length: lines }, (_, i): [number, number, number] => [c, i + 1, t0])) };
    if (typeof m === 'object') return { pong: m.ping, model: wallNow() };
    return undefined;
  };
}

if (values.serve) {
  const answer = values.serve === 'sim' ? await serveSimulator() : await serveBare(Number(values['per-step']));
  process.on('disconnect', () => process.exit(0)); // the parent is gone: do not linger
  process.on('message', (m: ToChild) => {
    if (m === 'exit') process.exit(0);
    if (m === 'cpu') process.send!({ cpu: process.cpuUsage() });
    else process.send!(answer(m)!);
  });
}

interface Child {
  port: number;
  ask<T extends FromChild>(m: ToChild): Promise<T>;
  stop(): Promise<void>;
}

async function spawn(target: 'sim' | 'bare', perStep = 0): Promise<Child> {
  const proc: ChildProcess = fork(
    fileURLToPath(import.meta.url),
    ['--serve', target, '--per-step', String(perStep), '--lines', String(lines), '--clients', String(clients)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('message', (m: { port?: number }) => (m.port ? resolve(m.port) : reject(new Error('bad hello'))));
    proc.once('exit', (code) => reject(new Error(`${target} exited with ${code}`)));
  });
  return {
    port,
    ask: <T>(m: ToChild) =>
      new Promise<T>((resolve) => {
        proc.once('message', (r) => resolve(r as T));
        proc.send(m);
      }),
    stop: () =>
      new Promise((resolve) => {
        proc.once('exit', () => resolve());
        proc.send('exit');
      }),
  };
}

// ---- clients (this process) ------------------------------------------------------------------------------

const stocks = createMarketData({ seed: 1 }).universe.instruments.filter((i) => i.secType === 'STK');
/** Message ids of the tick messages (simulator/protocol/server/market-data.ts). */
const TICK_IDS = new Set(['1', '2', '45', '46']);

class FanoutClient {
  readonly socket: net.Socket;
  private readonly decoder = new FrameDecoder();
  readonly ready: Promise<void>;
  /** MARKET_DATA_TYPE messages received: lines open. */
  types = 0;
  /** reqId → the line's t0 in this process's wall ms (set before recording). */
  t0 = new Map<number, number>();
  recording = false;
  ticks = 0;
  errors = 0;
  latencies: number[] = [];

  constructor(
    port: number,
    readonly clientId: number,
  ) {
    this.socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    let loggedIn!: () => void;
    this.ready = new Promise((r) => (loggedIn = r));
    this.socket.on('error', () => {});
    this.socket.on('data', (chunk: Buffer) => {
      const arrived = wallNow();
      for (const f of this.decoder.push(chunk)) {
        const a = f.indexOf(0);
        const id = f.toString('latin1', 0, a);
        if (id === '9') loggedIn();
        if (id === '58') this.types++;
        if (!this.recording) continue;
        if (id === '4') this.errors++;
        if (!TICK_IDS.has(id)) continue;
        const b = f.indexOf(0, a + 1);
        const reqId = Number(f.toString('latin1', b + 1, f.indexOf(0, b + 1)));
        const t0 = this.t0.get(reqId);
        this.ticks++;
        if (t0 === undefined) continue;
        this.latencies.push((arrived - t0) % STEP_MS);
      }
    });
    this.socket.write(Buffer.concat([encodeHandshake(100, V), encodeClientMessage({ type: 'START_API', clientId, optionalCapabilities: '' }, V)]));
  }

  /** Open the lines at REQUESTS_PER_SECOND (the message rate limit applies). */
  async openLines(confirmed: boolean): Promise<void> {
    for (let l = 0; l < lines; l += REQUESTS_PER_SECOND) {
      const batch: Buffer[] = [];
      for (let i = l; i < Math.min(lines, l + REQUESTS_PER_SECOND); i++) {
        const s = stocks[((this.clientId - 1) * lines + i) % stocks.length]!;
        batch.push(encodeClientMessage(mktDataRequest(i + 1, { conId: s.conId, symbol: '', exchange: 'SMART', currency: '' }), V));
      }
      this.socket.write(Buffer.concat(batch));
      if (l + REQUESTS_PER_SECOND < lines) await sleep(1000);
    }
    // Each open line answers with MARKET_DATA_TYPE first (the bare server does not answer).
    for (let waited = 0; confirmed && this.types < lines; waited += 50) {
      if (waited > 120_000) throw new Error(`client ${this.clientId}: only ${this.types} of ${lines} lines open after 2 minutes`);
      await sleep(50);
    }
  }
}

/** Model → this process's wall ms: the offset from the ping with the shortest round trip. */
async function clockOffset(child: Child): Promise<{ offset: number; errorMs: number }> {
  let best = { offset: 0, errorMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < 30; i++) {
    const sent = wallNow();
    const r = await child.ask<{ pong: number; model: number }>({ ping: sent });
    const back = wallNow();
    if ((back - sent) / 2 < best.errorMs) best = { offset: (sent + back) / 2 - r.model, errorMs: (back - sent) / 2 };
  }
  return best;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN;
}

interface Result {
  target: string;
  ticksPerSecond: number;
  serverCpuPct: number;
  clientCpuPct: number;
  serverCpuMsPer12800: number;
  latencyMs: { p50: number; p99: number; max: number };
  clockErrorMs: number;
  errors: number;
  loadAverage: number[];
}

async function run(target: 'sim' | 'bare', perStep: number): Promise<Result> {
  const child = await spawn(target, perStep);
  const conns = Array.from({ length: clients }, (_, i) => new FanoutClient(child.port, i + 1));
  await Promise.all(conns.map((c) => c.ready));
  await Promise.all(conns.map((c) => c.openLines(target === 'sim')));
  await sleep(2000); // every line past its first round
  const { offset, errorMs } = await clockOffset(child);
  const { starts } = await child.ask<{ starts: Array<[number, number, number]> }>('starts');
  const byClient = new Map(conns.map((c) => [c.clientId, c]));
  for (const [clientId, reqId, at] of starts) byClient.get(clientId)?.t0.set(reqId, at + offset);
  const load0 = os.loadavg();
  const cpu0 = await child.ask<{ cpu: NodeJS.CpuUsage }>('cpu');
  const client0 = process.cpuUsage();
  const w0 = performance.now();
  for (const c of conns) c.recording = true;
  await sleep(seconds * 1000);
  for (const c of conns) c.recording = false;
  const elapsedS = (performance.now() - w0) / 1000;
  const clientUs = cpuUs(process.cpuUsage(client0));
  const cpu1 = await child.ask<{ cpu: NodeJS.CpuUsage }>('cpu');
  const load1 = os.loadavg();
  for (const c of conns) c.socket.destroy();
  await child.stop();

  const ticks = conns.reduce((n, c) => n + c.ticks, 0);
  const serverUs = cpuUs(cpu1.cpu) - cpuUs(cpu0.cpu);
  const lat = Float64Array.from(conns.flatMap((c) => c.latencies)).sort();
  return {
    target: target === 'sim' ? 'simulator (scale 1, journal on)' : 'bare server (canned frames)',
    ticksPerSecond: ticks / elapsedS,
    serverCpuPct: serverUs / 1e4 / elapsedS,
    clientCpuPct: clientUs / 1e4 / elapsedS,
    serverCpuMsPer12800: ((serverUs / 1000) * 12_800) / Math.max(1, ticks),
    latencyMs: { p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), max: lat.at(-1) ?? Number.NaN },
    clockErrorMs: errorMs,
    errors: conns.reduce((n, c) => n + c.errors, 0),
    loadAverage: [(load0[0]! + load1[0]!) / 2],
  };
}

if (!values.serve) {
  const sim = await run('sim', 0);
  const perStep = Math.round(sim.ticksPerSecond / clients / (1000 / STEP_MS));
  const bare = await run('bare', perStep);
  const rows = [sim, bare];
  if (values.json) console.log(JSON.stringify({ clients, lines, seconds, machine: { cpus: os.cpus().length }, rows }));
  else {
    console.log(`${clients} clients × ${lines} lines over TCP, ${seconds} s (time scale 1, 10:00 New York); ${os.cpus().length} cores`);
    console.log('target                            ticks/s  server CPU  per 12,800 ticks  client CPU  latency p50 / p99 / max (ms)  errors  load avg');
    for (const r of rows) {
      const lat = `${r.latencyMs.p50.toFixed(2)} / ${r.latencyMs.p99.toFixed(2)} / ${r.latencyMs.max.toFixed(1)}`;
      console.log(
        `${r.target.padEnd(32)}${r.ticksPerSecond.toFixed(0).padStart(9)}${`${r.serverCpuPct.toFixed(1)} %`.padStart(12)}${`${r.serverCpuMsPer12800.toFixed(0)} ms`.padStart(18)}${`${r.clientCpuPct.toFixed(1)} %`.padStart(12)}${lat.padStart(30)}${String(r.errors).padStart(8)}${r.loadAverage[0]!.toFixed(1).padStart(10)}`,
      );
    }
    console.log(`clock mapping error ≤ ${Math.max(sim.clockErrorMs, bare.clockErrorMs).toFixed(3)} ms (half the shortest IPC round trip)`);
  }
}
