/**
 * A deliberately lenient raw TWS client for robustness tests: it writes arbitrary bytes, keeps every
 * frame the server sends as plain field lists (no schema, so nothing it receives can make the test
 * client itself throw), and records how and by whom the connection was closed.
 *
 * Unlike WireClient it never decodes strictly and never throws from a socket callback: fuzz input
 * must only ever be able to break the simulator, not the harness.
 */
import net from 'node:net';
import { encodeClientMessage, encodeHandshake, FrameDecoder, SIM_MAX_VERSION, type ClientMessage } from '../protocol/index.ts';

/** Server message ids (docs/wire-facts/messages.md#server-message-ids; simulator/protocol/server-messages.ts). */
export const SERVER_ID = {
  ERR_MSG: '4',
  NEXT_VALID_ID: '9',
  CONTRACT_DATA: '10',
  MANAGED_ACCTS: '15',
  HISTORICAL_DATA: '17',
  CURRENT_TIME: '49',
  CONTRACT_DATA_END: '52',
} as const;

export interface ErrFrame {
  id: number;
  code: number;
  message: string;
}

/** ERR_MSG at v166..193: `4, 2, id, code, message, advancedOrderRejectJson`. */
export function asError(fields: readonly string[]): ErrFrame | undefined {
  if (fields[0] !== SERVER_ID.ERR_MSG) return undefined;
  return { id: Number(fields[2]), code: Number(fields[3]), message: fields[4] ?? '' };
}

export class RawClient {
  readonly socket: net.Socket;
  /** Frames after the handshake reply, as field lists (field 0 = message id). */
  readonly frames: string[][] = [];
  /** The id-less handshake reply (`[serverVersion, connectionTime]`), once received. */
  versionReply: string[] | undefined;
  bytesIn = 0;
  closed = false;
  /** The server sent FIN (or reset) before this side ended or destroyed the socket. */
  closedByPeer = false;
  /** Set if the server ever sent bytes that are not well-formed frames (a simulator bug). */
  serverFramingError: string | undefined;
  /** Set by interrupt(): waits resolve at once (the test already knows the run has failed). */
  interrupted = false;
  private weClosed = false;
  private readonly decoder = new FrameDecoder();
  private listeners: Array<() => void> = [];
  private readonly closedPromise: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      if (!this.weClosed) this.closedByPeer = true;
      // Answer the server's FIN so the connection really goes away.
      socket.end();
    });
    socket.on('error', () => {
      if (!this.weClosed) this.closedByPeer = true;
    });
    this.closedPromise = new Promise((resolve) =>
      socket.once('close', () => {
        this.closed = true;
        this.notify();
        resolve();
      }),
    );
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Connect, handshake (v100..178) and START_API; resolves once NEXT_VALID_ID arrived. */
  static async ready(port: number, clientId: number, timeoutMs = 5000): Promise<RawClient> {
    const c = await RawClient.connect(port);
    c.write(
      Buffer.concat([encodeHandshake(100, SIM_MAX_VERSION), encodeClientMessage({ type: 'START_API', clientId, optionalCapabilities: '' }, SIM_MAX_VERSION)]),
    );
    const ok = await c.waitFor((f) => f[0] === SERVER_ID.NEXT_VALID_ID, timeoutMs);
    if (!ok) {
      c.destroy();
      throw new Error(`client ${clientId}: no NEXT_VALID_ID within ${timeoutMs} ms (closed=${c.closed}, frames=${JSON.stringify(c.frames.slice(0, 5))})`);
    }
    return c;
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(bytes);
  }

  send(msg: ClientMessage): void {
    this.write(encodeClientMessage(msg, SIM_MAX_VERSION));
  }

  /** Half-close (FIN) from this side. */
  end(): void {
    this.weClosed = true;
    this.socket.end();
  }

  destroy(): void {
    this.weClosed = true;
    this.socket.destroy();
  }

  /**
   * Resolves with the first frame (already received or still to come) matching `pred`, or
   * undefined when the connection closes or `timeoutMs` passes first. Frames are not consumed.
   */
  waitFor(pred: (fields: string[]) => boolean, timeoutMs: number): Promise<string[] | undefined> {
    const found = this.find(pred);
    if (found) return Promise.resolve(found);
    if (this.closed || this.interrupted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      let done = false;
      const finish = (v: string[] | undefined) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve(v);
      };
      const check = () => {
        const f = this.find(pred);
        if (f) finish(f);
        else if (this.closed || this.interrupted) finish(undefined);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      this.listeners.push(check);
    });
  }

  /** Resolves once the handshake reply arrived (true), or on close/timeout (false). */
  async waitForVersion(timeoutMs: number): Promise<boolean> {
    if (this.versionReply) return true;
    // Any data event re-checks; the reply is the first frame, so "a frame or the reply" suffices.
    await this.waitFor(() => this.versionReply !== undefined, timeoutMs);
    return this.versionReply !== undefined;
  }

  /** Resolves true once the socket is closed, false if it is still open after `timeoutMs`. */
  async whenClosed(timeoutMs: number): Promise<boolean> {
    if (this.closed) return true;
    if (this.interrupted) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      this.listeners.push(() => this.interrupted && resolve(false));
    });
    const result = await Promise.race([this.closedPromise.then(() => true), timeout]);
    clearTimeout(timer);
    return result;
  }

  /** First frame matching `pred`; the handshake reply counts as a frame for this purpose. */
  private find(pred: (fields: string[]) => boolean): string[] | undefined {
    if (this.versionReply && pred(this.versionReply)) return this.versionReply;
    return this.frames.find(pred);
  }

  /** Give up every pending and future wait (e.g. the simulator threw: the answer will never come). */
  interrupt(): void {
    this.interrupted = true;
    this.notify();
  }

  errors(): ErrFrame[] {
    return this.frames.map(asError).filter((e): e is ErrFrame => e !== undefined);
  }

  private onData(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    if (this.serverFramingError) return;
    try {
      for (const body of this.decoder.push(chunk)) {
        if (body.length === 0 || body[body.length - 1] !== 0) throw new Error(`server frame without NUL terminator: ${body.subarray(0, 32).toString('hex')}`);
        const fields = body.toString('utf8', 0, body.length - 1).split('\0');
        if (!this.versionReply) this.versionReply = fields;
        else this.frames.push(fields);
      }
    } catch (err) {
      this.serverFramingError = (err as Error).message;
    }
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** Poll `probe` until it returns true or `timeoutMs` passes; returns the last result. */
export async function pollUntil(probe: () => boolean, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
