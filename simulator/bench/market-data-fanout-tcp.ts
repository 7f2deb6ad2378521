/**
 * Market-data fan-out over real TCP: a simulator at time scale 1 in a child process, 32 raw TCP
 * clients in this one, each opening 100 streaming top-of-book lines (REQ_MKT_DATA). Reported per
 * wall second: tick messages received (TICK_PRICE / TICK_SIZE / TICK_STRING / TICK_GENERIC), the
 * simulator process's CPU (process.cpuUsage in the child, so the clients' CPU is not counted),
 * the clients' CPU, and tick delivery latency p50 / p99 / max.
 *
 *   npx tsx simulator/bench/market-data-fanout-tcp.ts [--clients 32] [--lines 100] [--seconds 20]
 *     [--diagnose] [--baseline together|after] [--client-parse deferred|live] [--journal on|off] [--json]
 *
 * Baseline in the same run: a bare server (child process) that frames the handshake and login
 * with canned replies and then writes, every 250 ms, as many pre-encoded tick frames per client
 * as the simulator sends (counted over 2 s first) — the cost of the sockets alone on this machine.
 * By default (`--baseline together`) it streams to its own 32 clients beside the simulator and
 * both are recorded over the same seconds, so both meet the same host load; `after` records it
 * alone after the simulator, as before 2026-12-01.
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
 * instants, measured the same way. Arrival is stamped when a socket's data is read and decoded
 * after recording (`--client-parse deferred`, the default; `live` decodes as data comes, as
 * before 2026-12-01: see fanout/client.ts).
 *
 * `--diagnose` adds where the latency goes (fanout/probes.ts), per server process: event-loop
 * delay, GC pauses, timer lateness and callback length, per tick due → sent by the model and
 * due → handed to socket.write; and this process's own event-loop delay. The probes cost CPU
 * (the journal subscription stays on), so CPU figures of a diagnose run are not the simulator's.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createMarketData } from '../market/market-data.ts';
import { FanoutClient } from './fanout/client.ts';
import { LoopProbe, type LoopReport, type Spread, spreadOf } from './fanout/probes.ts';
import { type FromServer, type ServerDiagnosis, STEP_MS, serveBare, serveSimulator, type ToServer, wallNow } from './fanout/servers.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '32' },
    lines: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
    diagnose: { type: 'boolean', default: false },
    'client-parse': { type: 'string', default: 'deferred' },
    baseline: { type: 'string', default: 'together' },
    pin: { type: 'boolean', default: false },
    journal: { type: 'string', default: 'on' },
    serve: { type: 'string' },
    'per-step': { type: 'string', default: '0' },
  },
});
const clients = Number(values.clients);
const lines = Number(values.lines);
const seconds = Number(values.seconds);
const diagnose = values.diagnose;
if (values['client-parse'] !== 'deferred' && values['client-parse'] !== 'live') throw new Error('--client-parse is deferred or live');
const deferParse = values['client-parse'] === 'deferred';
if (values.journal !== 'on' && values.journal !== 'off') throw new Error('--journal is on or off');
if (values.baseline !== 'together' && values.baseline !== 'after') throw new Error('--baseline is together or after');
const journal = values.journal === 'on';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuUs = (u: NodeJS.CpuUsage) => u.user + u.system;

if (values.serve) {
  const opts = { clients, lines, diagnose, journal };
  const answer = values.serve === 'sim' ? await serveSimulator(opts) : await serveBare(opts, Number(values['per-step']));
  process.on('disconnect', () => process.exit(0)); // the parent is gone: do not linger
  process.on('message', (m: ToServer) => {
    if (m === 'exit') process.exit(0);
    if (m === 'cpu') process.send!({ cpu: process.cpuUsage() });
    else process.send!(answer(m)!);
  });
}

interface Child {
  port: number;
  ask<T extends FromServer>(m: ToServer): Promise<T>;
  stop(): Promise<void>;
}

async function spawn(target: 'sim' | 'bare', perStep = 0): Promise<Child> {
  const args = ['--serve', target, '--per-step', String(perStep), '--lines', String(lines), '--clients', String(clients), '--journal', values.journal!];
  const proc: ChildProcess = fork(fileURLToPath(import.meta.url), diagnose ? [...args, '--diagnose'] : args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (values.pin) pin(proc.pid!, 1);
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('message', (m: { port?: number }) => (m.port ? resolve(m.port) : reject(new Error('bad hello'))));
    proc.once('exit', (code) => reject(new Error(`${target} exited with ${code}`)));
  });
  return {
    port,
    ask: <T>(m: ToServer) =>
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

/**
 * `--pin`: this process (the clients) on core 0, the servers on core 1 (Linux taskset, all threads).
 * Unpinned, the kernel tends to wake a client on the core of the server that just wrote to it
 * (loopback sockets wake their reader synchronously), so every write can preempt the server.
 */
function pin(pid: number, core: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}
if (values.pin && !values.serve) pin(process.pid, 0);

const stocks = createMarketData({ seed: 1 }).universe.instruments.filter((i) => i.secType === 'STK');

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

interface Result {
  target: string;
  ticksPerSecond: number;
  serverCpuPct: number;
  clientCpuPct: number;
  serverCpuMsPer12800: number;
  latencyMs: Spread;
  clockErrorMs: number;
  errors: number;
  loadAverage: number[];
  /** How the lines' due instants bunch up in the step (the simulator's follow the requests' arrival). */
  phases: Phases;
  diagnosis?: { server: ServerDiagnosis | undefined; client: LoopReport };
}

/** How the lines' due instants fall in the 250 ms step: the most lines due in one ms, and in the busiest 10 ms. */
interface Phases {
  maxPerMs: number;
  maxPer10Ms: number;
}

function phasesOf(starts: Array<[number, number, number]>): Phases {
  const perMs = new Array<number>(STEP_MS).fill(0);
  for (const [, , at] of starts) perMs[Math.floor(((at % STEP_MS) + STEP_MS) % STEP_MS)]!++;
  let maxPer10Ms = 0;
  for (let i = 0; i < STEP_MS; i++) {
    let n = 0;
    for (let j = 0; j < 10; j++) n += perMs[(i + j) % STEP_MS]!;
    maxPer10Ms = Math.max(maxPer10Ms, n);
  }
  return { maxPerMs: Math.max(...perMs), maxPer10Ms };
}

/** A server child with its clients connected, lines open and line starts mapped to this process's clock. */
interface Fleet {
  target: 'sim' | 'bare';
  child: Child;
  conns: FanoutClient[];
  errorMs: number;
  starts: Array<[number, number, number]>;
}

async function setUp(target: 'sim' | 'bare', perStep: number): Promise<Fleet> {
  const child = await spawn(target, perStep);
  const conns = Array.from({ length: clients }, (_, i) => new FanoutClient(child.port, i + 1, lines, deferParse));
  await Promise.all(conns.map((c) => c.ready));
  await Promise.all(conns.map((c) => c.openLines(stocks, target === 'sim')));
  await sleep(2000); // every line past its first round
  const { offset, errorMs } = await clockOffset(child);
  const { starts } = await child.ask<{ starts: Array<[number, number, number]> }>('starts');
  const byClient = new Map(conns.map((c) => [c.clientId, c]));
  for (const [clientId, reqId, at] of starts) byClient.get(clientId)?.t0.set(reqId, at + offset);
  return { target, child, conns, errorMs, starts };
}

/** Tick frames per client and 250 ms step the simulator sends now (2 s counted), for the bare server to match. */
async function ticksPerStep(sim: Fleet): Promise<number> {
  const w0 = performance.now();
  for (const c of sim.conns) c.startRecording();
  await sleep(2000);
  for (const c of sim.conns) c.stopRecording();
  const perSecond = sim.conns.reduce((n, c) => n + c.ticks, 0) / ((performance.now() - w0) / 1000);
  for (const c of sim.conns) c.reset();
  return Math.round(perSecond / clients / (1000 / STEP_MS));
}

/** Record every fleet over the same `seconds`; the clients' CPU and loop figures are this process's, shared by all. */
async function record(fleets: Fleet[]): Promise<Result[]> {
  const clientLoop = new LoopProbe();
  const load0 = os.loadavg();
  for (const f of fleets) await f.child.ask('record-start');
  const cpu0 = await Promise.all(fleets.map((f) => f.child.ask<{ cpu: NodeJS.CpuUsage }>('cpu')));
  const client0 = process.cpuUsage();
  const w0 = performance.now();
  if (diagnose) clientLoop.start();
  for (const f of fleets) for (const c of f.conns) c.startRecording();
  await sleep(seconds * 1000);
  const elapsedS = (performance.now() - w0) / 1000;
  const clientUs = cpuUs(process.cpuUsage(client0));
  const cpu1 = await Promise.all(fleets.map((f) => f.child.ask<{ cpu: NodeJS.CpuUsage }>('cpu')));
  const diagnoses: Array<ServerDiagnosis | undefined> = [];
  for (const f of fleets) diagnoses.push((await f.child.ask<{ diagnosis: ServerDiagnosis | undefined }>('record-stop')).diagnosis);
  const clientReport = diagnose ? clientLoop.stop() : undefined;
  for (const f of fleets) for (const c of f.conns) c.stopRecording();
  const load1 = os.loadavg();
  for (const f of fleets) {
    for (const c of f.conns) c.socket.destroy();
    await f.child.stop();
  }
  return fleets.map((f, i) => {
    const ticks = f.conns.reduce((n, c) => n + c.ticks, 0);
    const serverUs = cpuUs(cpu1[i]!.cpu) - cpuUs(cpu0[i]!.cpu);
    return {
      target: f.target === 'sim' ? `simulator (scale 1, journal ${values.journal})` : 'bare server (canned frames)',
      ticksPerSecond: ticks / elapsedS,
      serverCpuPct: serverUs / 1e4 / elapsedS,
      clientCpuPct: clientUs / 1e4 / elapsedS,
      serverCpuMsPer12800: ((serverUs / 1000) * 12_800) / Math.max(1, ticks),
      latencyMs: spreadOf(f.conns.flatMap((c) => c.latencies)),
      clockErrorMs: f.errorMs,
      errors: f.conns.reduce((n, c) => n + c.errors, 0),
      loadAverage: [(load0[0]! + load1[0]!) / 2],
      phases: phasesOf(f.starts),
      ...(clientReport ? { diagnosis: { server: diagnoses[i], client: clientReport } } : {}),
    };
  });
}

/**
 * `together`: the bare server streams beside the simulator and both are recorded over the same
 * seconds, so both see the same host (a shared machine's load changes from minute to minute); its
 * own cost is small (≈ 1 % of a core, its clients' decoding is deferred). `after`: one after the other.
 */
async function runAll(): Promise<Result[]> {
  const sim = await setUp('sim', 0);
  const perStep = await ticksPerStep(sim);
  if (values.baseline === 'together') return record([sim, await setUp('bare', perStep)]);
  const [simResult] = await record([sim]);
  const [bareResult] = await record([await setUp('bare', perStep)]);
  return [simResult!, bareResult!];
}

const ms = (s: Spread | undefined) => (s ? `${s.p50.toFixed(2)} / ${s.p99.toFixed(2)} / ${s.max.toFixed(1)}` : '—');

function printDiagnosis(r: Result): void {
  const d = r.diagnosis;
  if (!d) return;
  const s = d.server;
  const gc = (l: LoopReport) =>
    (['minor', 'major', 'incremental'] as const)
      .map((k) => `${k} ${l.gc[k].count}× total ${l.gc[k].totalMs.toFixed(0)} max ${l.gc[k].maxMs.toFixed(1)}`)
      .join('; ');
  console.log(`  ${r.target}  (p50 / p99 / max, ms)`);
  const sched = (l: LoopReport) =>
    `${l.runQueueWaitMs === undefined ? '—' : `${l.runQueueWaitMs.toFixed(0)} ms (${((100 * l.runQueueWaitMs) / l.wallMs).toFixed(1)} % of the time)`}, preempted ${l.preemptions}×`;
  if (s) {
    console.log(`    server waiting for a core   ${sched(s)}`);
    console.log(`    server event-loop delay     ${ms(s.loopDelay)}`);
    console.log(`    server GC pauses            ${gc(s)}`);
    if (s.timerLateness) console.log(`    timer lateness              ${ms(s.timerLateness)}   (${s.timerLateness.n} callbacks)`);
    if (s.timerCallbackMs) console.log(`    timer callback length       ${ms(s.timerCallbackMs)}`);
    if (s.tickSent) console.log(`    tick due → sent by model    ${ms(s.tickSent)}`);
    console.log(`    tick due → socket.write     ${ms(s.tickWritten)}`);
  }
  console.log(`    client waiting for a core   ${sched(d.client)}`);
  console.log(`    client event-loop delay     ${ms(d.client.loopDelay)}`);
  console.log(`    client GC pauses            ${gc(d.client)}`);
  console.log(`    tick due → client arrival   ${ms(r.latencyMs)}`);
}

if (!values.serve) {
  const rows = await runAll();
  const [sim, bare] = rows as [Result, Result];
  if (values.json) console.log(JSON.stringify({ clients, lines, seconds, deferParse, baseline: values.baseline, machine: { cpus: os.cpus().length }, rows }));
  else {
    console.log(
      `${clients} clients × ${lines} lines over TCP, ${seconds} s (time scale 1, 10:00 New York); ${os.cpus().length} cores; client parse ${values['client-parse']}, baseline ${values.baseline}${values.pin ? ', clients pinned to core 0 and servers to core 1' : ''}`,
    );
    console.log('target                            ticks/s  server CPU  per 12,800 ticks  client CPU  latency p50 / p99 / max (ms)  errors  load avg');
    for (const r of rows) {
      console.log(
        `${r.target.padEnd(32)}${r.ticksPerSecond.toFixed(0).padStart(9)}${`${r.serverCpuPct.toFixed(1)} %`.padStart(12)}${`${r.serverCpuMsPer12800.toFixed(0)} ms`.padStart(18)}${`${r.clientCpuPct.toFixed(1)} %`.padStart(12)}${ms(r.latencyMs).padStart(30)}${String(r.errors).padStart(8)}${r.loadAverage[0]!.toFixed(1).padStart(10)}`,
      );
    }
    console.log(`clock mapping error ≤ ${Math.max(sim.clockErrorMs, bare.clockErrorMs).toFixed(3)} ms (half the shortest IPC round trip)`);
    console.log(
      `lines due in one ms / in the busiest 10 ms of the 250 ms step: simulator ${sim.phases.maxPerMs} / ${sim.phases.maxPer10Ms}, bare server ${bare.phases.maxPerMs} / ${bare.phases.maxPer10Ms} (of ${clients * lines})`,
    );
    if (diagnose) {
      console.log('where the latency goes (--diagnose; probes cost CPU, so CPU figures above are not the simulator’s):');
      for (const r of rows) printDiagnosis(r);
    }
  }
}
