/**
 * Replays the client side of a capture against a target gateway and records what the target
 * answers. Client steps (connection opens, handshakes, requests, closes) run in their recorded
 * order across all connections. Before each step on a connection the driver waits until the
 * target has sent as many frames on it as the recorded gateway had by then, so a request goes out
 * after the answers it went out after in the recording — or once the target has been quiet for
 * `settleMs`, so a target that answers less does not stall the run.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_PREFIX } from '../../simulator/protocol/index.ts';
import { ConnectionDecoder } from '../capture/connection-decoder.ts';
import { conversationsOf, type Conversation } from '../capture/conversations.ts';
import { isFrame, type Capture, type FrameRecord } from '../capture/format.ts';
import { encodeRecordedFrame } from '../capture/frames.ts';
import type { Masker } from '../capture/mask.ts';

export interface Target {
  host: string;
  port: number;
}

export interface DriveOptions {
  /** Wall ms of target silence after which a step goes ahead without every recorded answer (default 1000). */
  settleMs?: number;
  /** Wall ms a step waits at most (default 10 000). */
  stepTimeoutMs?: number;
  /** Wall ms of silence awaited after the last step, to catch frames the recording did not have (default 200). */
  graceMs?: number;
  /**
   * For a masked capture: the target's frames are masked alike (the first account seen gets the
   * first mask, as in the recording) and the capture's client frames are unmasked before sending.
   */
  masker?: Masker;
}

/** What the target did on one replayed connection. */
export interface TargetConversation {
  conn: number;
  /** The target's negotiated server version (0: no handshake reply). */
  version: number;
  /** The target's frames: the handshake reply first. */
  frames: FrameRecord[];
  closedByGateway: boolean;
  /** Recorded client frames not sent because the target had closed the connection (or never replied). */
  notSent: number;
}

/** The target could not be reached or never answered a handshake (exit 3 in the CLI). */
export class TargetUnreachable extends Error {
  override readonly name = 'TargetUnreachable';
}

type Step =
  | { at: number; conv: Conversation; kind: 'open' }
  | { at: number; conv: Conversation; kind: 'handshake'; text: string; expected: number }
  | { at: number; conv: Conversation; kind: 'frame'; frame: FrameRecord; expected: number }
  | { at: number; conv: Conversation; kind: 'close'; expected: number };

function stepsOf(conversations: Conversation[]): Step[] {
  const steps: Array<Step & { order: number }> = [];
  let order = 0;
  for (const conv of conversations) {
    const gatewayTimes = [conv.reply, ...conv.frames.filter((f) => f.from === 'gateway')].filter((f) => f !== undefined).map((f) => f.t);
    const expectedAt = (t: number) => gatewayTimes.filter((g) => g <= t).length;
    steps.push({ at: conv.openedAt, conv, kind: 'open', order: order++ });
    if (conv.handshake)
      steps.push({ at: conv.openedAt + conv.handshake.t, conv, kind: 'handshake', text: conv.handshake.handshake, expected: 0, order: order++ });
    for (const frame of conv.frames) {
      if (frame.from === 'client') steps.push({ at: conv.openedAt + frame.t, conv, kind: 'frame', frame, expected: expectedAt(frame.t), order: order++ });
    }
    if (conv.close?.by === 'client') steps.push({ at: conv.openedAt + conv.close.t, conv, kind: 'close', expected: expectedAt(conv.close.t), order: order++ });
  }
  return steps.sort((a, b) => a.at - b.at || a.order - b.order);
}

class TargetConnection {
  readonly result: TargetConversation;
  private lastFrameAt = performance.now();
  private endedByUs = false;
  closed = false;
  readonly decoder: ConnectionDecoder;

  constructor(
    readonly socket: net.Socket,
    conn: number,
    masker: Masker | undefined,
  ) {
    this.result = { conn, version: 0, frames: [], closedByGateway: false, notSent: 0 };
    const opened = performance.now();
    this.decoder = new ConnectionDecoder((r) => {
      if (!isFrame({ conn, ...r } as FrameRecord)) return;
      this.result.frames.push({ conn, ...(r as Omit<FrameRecord, 'conn'>) });
      this.lastFrameAt = performance.now();
    }, masker);
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push('gateway', chunk, Math.round((performance.now() - opened) * 100) / 100);
      this.result.version = this.decoder.version === Number.MAX_SAFE_INTEGER ? 0 : this.decoder.version;
    });
    socket.on('end', () => {
      if (!this.endedByUs) this.result.closedByGateway = true;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!this.endedByUs) this.result.closedByGateway = true;
      this.closed = true;
    });
  }

  /** Wait until the target sent `expected` frames, closed, was quiet for `quietMs`, or `timeoutMs` passed. */
  async until(expected: number, quietMs: number, timeoutMs: number): Promise<void> {
    const start = performance.now();
    for (;;) {
      const now = performance.now();
      if (this.result.frames.length >= expected || this.closed) return;
      if (now - Math.max(start, this.lastFrameAt) >= quietMs || now - start >= timeoutMs) return;
      await sleep(5);
    }
  }

  /** Wait for `quietMs` without a new frame (or a close). */
  async quiet(quietMs: number): Promise<void> {
    const start = performance.now();
    while (!this.closed && performance.now() - Math.max(start, this.lastFrameAt) < quietMs) await sleep(5);
  }

  async end(): Promise<void> {
    if (this.closed) return;
    this.endedByUs = true;
    const closed = new Promise<void>((r) => this.socket.once('close', () => r()));
    this.socket.end();
    await Promise.race([closed, sleep(1000)]);
    this.socket.destroy();
  }
}

function connect(target: Target, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TargetUnreachable(`no TCP connection to ${target.host}:${target.port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new TargetUnreachable(`cannot connect to ${target.host}:${target.port}: ${err.code ?? err.message}`));
    };
    socket.once('error', onError);
  });
}

/** The client's opening bytes with the recorded version text (docs/wire-facts/handshake.md#the-clients-opening-bytes). */
function handshakeBytes(text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  return Buffer.concat([API_PREFIX, length, body]);
}

/**
 * Run the capture's client side against `target`. Resolves with the target's answers per
 * recorded connection; rejects with TargetUnreachable when a connection cannot be opened or the
 * first connection gets no handshake reply.
 */
export async function driveCapture(capture: Capture, target: Target, opts: DriveOptions = {}): Promise<TargetConversation[]> {
  const settleMs = opts.settleMs ?? 1000;
  const stepTimeoutMs = opts.stepTimeoutMs ?? 10_000;
  const conversations = conversationsOf(capture);
  const connections = new Map<number, TargetConnection>();
  try {
    let first = true;
    for (const step of stepsOf(conversations)) {
      if (step.kind === 'open') {
        connections.set(step.conv.conn, new TargetConnection(await connect(target, stepTimeoutMs), step.conv.conn, opts.masker));
        continue;
      }
      const c = connections.get(step.conv.conn)!;
      if (step.kind === 'handshake') {
        c.socket.write(handshakeBytes(step.text));
        // The reply is needed to encode what follows; a recording without one needs no waiting.
        if (step.conv.reply || first) await c.until(1, stepTimeoutMs, stepTimeoutMs);
        if (first && c.result.version === 0) {
          throw new TargetUnreachable(`${target.host}:${target.port} sent no handshake reply within ${stepTimeoutMs} ms (is it a TWS API port?)`);
        }
        first = false;
        continue;
      }
      await c.until(step.expected, settleMs, stepTimeoutMs);
      if (step.kind === 'close') {
        await c.end();
        continue;
      }
      if (c.closed || c.result.version === 0) {
        c.result.notSent++;
        continue;
      }
      const frame = opts.masker ? opts.masker.unmaskFrame(step.frame) : step.frame;
      c.socket.write(encodeRecordedFrame(frame, c.result.version));
    }
    // Let every connection still open finish answering, then close it as a client would.
    const graceMs = opts.graceMs ?? 200;
    await Promise.all(
      conversations.map(async (conv) => {
        const c = connections.get(conv.conn);
        if (!c) return;
        const recorded = (conv.reply ? 1 : 0) + conv.frames.filter((f) => f.from === 'gateway').length;
        await c.until(recorded, settleMs, stepTimeoutMs);
        await c.quiet(graceMs);
      }),
    );
    return conversations.filter((conv) => connections.has(conv.conn)).map((conv) => connections.get(conv.conn)!.result);
  } finally {
    await Promise.all([...connections.values()].map((c) => c.end()));
  }
}
