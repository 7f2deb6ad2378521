/**
 * The server side of the TCP fan-out benchmark (simulator/bench/market-data-fanout-tcp.ts), run in
 * a child process: the simulator at time scale 1, or the bare baseline server. Each answers the
 * parent's IPC questions (`FromServer`). With `diagnose`, the process also measures where a tick's
 * latency goes (probes.ts) between `record-start` and `record-stop`.
 */
import net from 'node:net';
import type { JournalEntry } from '../../model/journal.ts';
import { encodeServerMessage, FrameDecoder, SIM_MAX_VERSION } from '../../protocol/index.ts';
import { startSimulator } from '../../simulator.ts';
import { LoopProbe, type LoopReport, ProbedClock, Samples, type Spread } from './probes.ts';

export const STEP_MS = 250;
/** Wed 2025-11-12 10:00 New York: regular hours, every US line ticking. */
export const OPEN = Date.UTC(2025, 10, 12, 15, 0);
const V = SIM_MAX_VERSION;
export const wallNow = () => performance.timeOrigin + performance.now();

export type ToServer = 'cpu' | 'starts' | 'record-start' | 'record-stop' | 'exit' | { ping: number };
/** A line: [clientId, reqId, its t0 (model ms for the simulator, wall ms for the bare server)]. */
export type LineStart = [number, number, number];
export interface ServerDiagnosis extends LoopReport {
  /** How late timer callbacks started (model ms = wall ms at scale 1), and how long they ran. */
  timerLateness?: Spread;
  timerCallbackMs?: Spread;
  /** Per tick: model instant sent by the gateway − due instant. */
  tickSent?: Spread;
  /** Per tick: instant its bytes were handed to socket.write − due instant. */
  tickWritten: Spread;
}
export type FromServer =
  | { port: number }
  | { cpu: NodeJS.CpuUsage }
  | { starts: LineStart[] }
  | { pong: number; model: number }
  | { diagnosis: ServerDiagnosis | undefined }
  | { ok: true };

export interface ServeOptions {
  clients: number;
  lines: number;
  diagnose: boolean;
  /** The simulator's journal ring (its default is on; subscribers are fed either way). */
  journal: boolean;
}

type Answer = (m: ToServer) => FromServer | undefined;

const TICKS = new Set(['TICK_PRICE', 'TICK_SIZE', 'TICK_STRING', 'TICK_GENERIC']);

/**
 * Per tick, from the journal: due → sent (the entry's model instant) and due → written (patched
 * socket.write). A tick is due at its line's t0 + k × 250 ms (stream-schedule.ts); the latest due
 * instant ≤ the send instant is taken, as the clients do.
 */
class TickProbe {
  recording = false;
  readonly t0 = new Map<number, number>();
  readonly sent = new Samples();
  readonly written = new Samples();
  private readonly sessionOfRemote = new Map<string, number>();
  private readonly sessionOfSocket = new WeakMap<net.Socket, number>();
  /** sessionId → due instants of the ticks sent and not yet written. */
  private readonly pending = new Map<number, number[]>();

  constructor(private readonly now: () => number) {
    const probe = this;
    const write = net.Socket.prototype.write;
    net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
      probe.writing(this);
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof write;
  }

  sink = (e: JournalEntry): void => {
    if (e.message.type === 'CONNECTED') this.sessionOfRemote.set(e.message.remote as string, e.sessionId);
    if (!this.recording || e.dir !== 'out' || !TICKS.has(e.message.type)) return;
    const t0 = this.t0.get((e.clientId ?? 0) * 65536 + (e.message.reqId as number));
    if (t0 === undefined) return;
    const due = e.at - ((e.at - t0) % STEP_MS);
    this.sent.push(e.at - due);
    let dues = this.pending.get(e.sessionId);
    if (!dues) this.pending.set(e.sessionId, (dues = []));
    dues.push(due);
  };

  private writing(socket: net.Socket): void {
    let id = this.sessionOfSocket.get(socket);
    if (id === undefined) {
      id = this.sessionOfRemote.get(`${socket.remoteAddress}:${socket.remotePort}`);
      if (id === undefined) return;
      this.sessionOfSocket.set(socket, id);
    }
    const dues = this.pending.get(id);
    if (!dues || dues.length === 0) return;
    const now = this.now();
    for (const due of dues) this.written.push(now - due);
    dues.length = 0;
  }
}

export async function serveSimulator(o: ServeOptions): Promise<Answer> {
  const clock = new ProbedClock(1, OPEN);
  const sim = await startSimulator({
    port: 0,
    clock,
    seed: 1,
    journal: { enabled: o.journal },
    overrides: { marketData: { lines: o.clients * o.lines, permissions: { live: ['*'], delayed: ['*'] } } },
  });
  const starts: LineStart[] = [];
  const probe = o.diagnose ? new TickProbe(() => clock.now()) : undefined;
  const loop = new LoopProbe();
  const unsubscribe = sim.gateway.journal.subscribe((e) => {
    if (e.dir === 'out' && e.message.type === 'MARKET_DATA_TYPE') starts.push([e.clientId ?? 0, e.message.reqId as number, e.at]);
    probe?.sink(e);
  });
  process.send!({ port: sim.port });
  return (m) => {
    if (m === 'starts') {
      // Without probes the journal subscription goes before measuring: it is not part of the simulator's cost.
      if (!probe) unsubscribe();
      for (const [c, r, at] of starts) probe?.t0.set(c * 65536 + r, at);
      return { starts };
    }
    if (m === 'record-start') {
      if (probe) {
        loop.start();
        clock.recording = probe.recording = true;
      }
      return { ok: true };
    }
    if (m === 'record-stop') {
      if (!probe) return { diagnosis: undefined };
      clock.recording = probe.recording = false;
      return {
        diagnosis: {
          ...loop.stop(),
          timerLateness: clock.lateness.spread(),
          timerCallbackMs: clock.callbackMs.spread(),
          tickSent: probe.sent.spread(),
          tickWritten: probe.written.spread(),
        },
      };
    }
    if (typeof m === 'object') return { pong: m.ping, model: clock.now() };
    return undefined;
  };
}

/** Frames the login with canned replies, then every 250 ms writes `perStep` tick frames per client. */
export async function serveBare(o: ServeOptions, perStep: number): Promise<Answer> {
  const hello = encodeServerMessage({ type: 'SERVER_VERSION', serverVersion: V, connectionTime: '20251112 16:00:00 MET' }, V);
  const login = Buffer.concat([
    encodeServerMessage({ type: 'MANAGED_ACCTS', accounts: 'DU0118471' }, V),
    encodeServerMessage({ type: 'NEXT_VALID_ID', orderId: 1 }, V),
  ]);
  const ticks = Array.from({ length: o.lines }, (_, i) =>
    encodeServerMessage({ type: 'TICK_PRICE', reqId: i + 1, tickType: 1, price: 123.45, size: 300, attrMask: 0 }, V),
  );
  const step = Buffer.concat(Array.from({ length: perStep }, (_, i) => ticks[i % o.lines]!));
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
  let recording = false;
  const loop = new LoopProbe();
  const written = new Samples();
  // Never before the due instant (a timer may fire up to a millisecond early): like the simulator's clock.
  const tick = () => {
    const wait = t0 + (k + 1) * STEP_MS - wallNow();
    if (wait > 0) {
      setTimeout(tick, Math.max(1, Math.floor(wait)));
      return;
    }
    k++;
    const due = t0 + k * STEP_MS;
    for (const s of sockets) {
      if (recording) written.push(wallNow() - due);
      s.write(step);
    }
    setTimeout(tick, Math.max(1, Math.floor(t0 + (k + 1) * STEP_MS - wallNow())));
  };
  setTimeout(tick, STEP_MS);
  process.send!({ port: (server.address() as net.AddressInfo).port });
  return (m) => {
    if (m === 'starts') return { starts: [...clientIds.values()].flatMap((c) => Array.from({ length: o.lines }, (_, i): LineStart => [c, i + 1, t0])) };
    if (m === 'record-start') {
      if (o.diagnose) {
        loop.start();
        recording = true;
      }
      return { ok: true };
    }
    if (m === 'record-stop') {
      if (!o.diagnose) return { diagnosis: undefined };
      recording = false;
      // One write carries `perStep` ticks, all due at the same instant: the per-write figures are the per-tick ones.
      return { diagnosis: { ...loop.stop(), tickWritten: written.spread() } };
    }
    if (typeof m === 'object') return { pong: m.ping, model: wallNow() };
    return undefined;
  };
}
