import net from 'node:net';
import {
  decodeServerFrame,
  encodeClientMessage,
  encodeHandshake,
  FrameDecoder,
  SIM_MAX_VERSION,
  type ClientMessage,
  type ServerMessage,
} from '../protocol/index.ts';

/**
 * The project's own minimal TWS client, built on the same codec as the simulator. It speaks raw
 * frames, so tests and benchmarks can do what real client libraries hide: pipeline requests,
 * send malformed bytes, or never read. It decodes strictly, so a layout error fails loudly.
 */
export interface WireClientOptions {
  host?: string;
  port: number;
  clientId?: number;
  /** Version range announced in the handshake. */
  minVersion?: number;
  maxVersion?: number;
  connectOptions?: string[];
  /** Skip START_API (to test the handshake alone). */
  noStart?: boolean;
}

type Waiter = { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class WireClient {
  readonly socket: net.Socket;
  serverVersion = 0;
  readonly received: ServerMessage[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder();
  private waiters: Waiter[] = [];
  private closeWaiters: Array<() => void> = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters) {
        clearTimeout(w.timer);
        w.reject(new Error('connection closed while waiting for a message'));
      }
      this.waiters = [];
      for (const c of this.closeWaiters) c();
    });
    socket.on('error', () => {});
  }

  /** Open a TCP connection and optionally send the handshake (and START_API). */
  static async connect(opts: WireClientOptions): Promise<WireClient> {
    const socket = net.connect({ host: opts.host ?? '127.0.0.1', port: opts.port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new WireClient(socket);
    socket.write(encodeHandshake(opts.minVersion ?? 100, opts.maxVersion ?? SIM_MAX_VERSION, opts.connectOptions));
    const hello = await client.next((m) => m.type === 'SERVER_VERSION');
    client.serverVersion = (hello as Extract<ServerMessage, { type: 'SERVER_VERSION' }>).serverVersion;
    if (!opts.noStart) client.send({ type: 'START_API', clientId: opts.clientId ?? 0, optionalCapabilities: '' });
    return client;
  }

  /** Connect and wait for NEXT_VALID_ID (login complete). */
  static async ready(opts: WireClientOptions, timeoutMs = 10_000): Promise<WireClient> {
    const c = await WireClient.connect(opts);
    await c.next((m) => m.type === 'NEXT_VALID_ID', timeoutMs);
    return c;
  }

  send(msg: ClientMessage): void {
    this.socket.write(encodeClientMessage(msg, this.serverVersion || SIM_MAX_VERSION));
  }

  /** Write raw bytes (for malformed-input tests). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next message (already received or still to come) that matches; consumed from the inbox. */
  next(match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const i = this.received.findIndex(match);
    if (i >= 0) return Promise.resolve(this.received.splice(i, 1)[0]!);
    if (this.closed) return Promise.reject(new Error('connection is closed'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`no matching message within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves when the server has closed the connection. */
  whenClosed(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const done = this.whenClosed();
    this.socket.end();
    return done;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    for (const frame of this.decoder.push(chunk)) {
      const msg = decodeServerFrame(frame, this.serverVersion || SIM_MAX_VERSION, this.serverVersion === 0);
      if (msg.type === 'SERVER_VERSION') this.serverVersion = msg.serverVersion;
      const i = this.waiters.findIndex((w) => w.match(msg));
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        clearTimeout(w!.timer);
        w!.resolve(msg);
      } else {
        this.received.push(msg);
      }
    }
  }
}
