import net from 'node:net';
import type { GatewayPort } from '../model/gateway-port.ts';
import type { Logger } from '../model/ports.ts';
import { silentLogger } from '../model/ports.ts';
import type { Session } from '../model/session.ts';
import { decodeClientFrame, FrameDecoder, MAX_FRAME_LENGTH, SIM_MAX_VERSION } from '../protocol/index.ts';
import { FrameCache } from './frame-cache.ts';

/** The version text of a handshake is a few bytes; refuse to buffer more before the session exists. */
const HANDSHAKE_MAX_LENGTH = 1024;
/** How long a closing socket may take to flush before it is destroyed (real ms). */
const CLOSE_FLUSH_MS = 2000;

export interface TcpServerOptions {
  host?: string;
  port?: number;
  logger?: Logger;
}

/**
 * The thin adapter from sockets to the gateway model: bytes → frames → decoded messages in,
 * replies → frames → bytes out. Everything a session does is decided by the model; this file only
 * frames, decodes, and reports how a connection ended.
 */
export class TcpGatewayServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly logger: Logger;
  /** Encoded frames of repeated answers, shared by every connection. */
  private readonly frames = new FrameCache();

  constructor(
    private readonly gateway: GatewayPort,
    private readonly opts: TcpServerOptions = {},
  ) {
    this.logger = opts.logger ?? silentLogger;
    this.server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server.on('error', (err) => this.logger.error({ err: err.message }, 'server error'));
  }

  /** Start listening; resolves with the bound address once connections are accepted. */
  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.opts.port ?? 4002, this.opts.host ?? '127.0.0.1', () => {
        this.server.off('error', onError);
        const addr = this.server.address() as net.AddressInfo;
        resolve({ host: addr.address, port: addr.port });
      });
    });
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Stop accepting, close every connection, and resolve when the listener is closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const s of this.sockets) s.destroy();
      this.server.close(() => resolve());
    });
  }

  private onData(s: Session, decoder: FrameDecoder, chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = decoder.push(chunk);
    } catch (err) {
      this.gateway.protocolError(s, err as Error);
      return;
    }
    for (const frame of frames) {
      if (!s.isOpen) return;
      if (s.state === 'handshake') {
        this.gateway.handshake(s, frame.toString('latin1'));
        decoder.maxLength = MAX_FRAME_LENGTH;
        continue;
      }
      let msg: ReturnType<typeof decodeClientFrame>;
      try {
        msg = decodeClientFrame(frame, s.version);
      } catch (err) {
        this.gateway.protocolError(s, err as Error);
        continue;
      }
      this.gateway.receive(s, msg);
    }
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const decoder = new FrameDecoder({ expectApiPrefix: true, maxLength: HANDSHAKE_MAX_LENGTH });
    let closing = false;
    let pending: Buffer[] = [];
    let session: Session | undefined;
    // Everything sent in one turn of the event loop goes out as one write: replies come in bursts
    // (CONTRACT_DATA then its END, answers to requests that arrived together on this socket), and
    // each write is a system call. setImmediate runs right after the loop has read all sockets.
    const flush = () => {
      const out = pending;
      pending = [];
      if (socket.destroyed || out.length === 0) return;
      socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    };

    session = this.gateway.open(
      {
        send: (msg) => {
          if (socket.destroyed || closing) return;
          if (pending.length === 0) setImmediate(flush);
          pending.push(this.frames.encode(msg, session?.version || SIM_MAX_VERSION));
        },
        close: () => {
          if (closing) return;
          closing = true;
          flush();
          socket.end();
          setTimeout(() => socket.destroy(), CLOSE_FLUSH_MS).unref();
        },
        backlog: () => socket.writableLength + pending.reduce((n, b) => n + b.length, 0),
      },
      remote,
    );

    socket.on('data', (chunk: Buffer) => {
      const s = session!;
      if (!s.isOpen) return;
      // Whatever one client sends, an unexpected failure ends that client's session, never the process.
      this.gateway.guard(s, 'reading a request', () => this.onData(s, decoder, chunk));
    });
    // 'end' is the client's FIN: a clean close. An error (reset) or a close without 'end' is not.
    socket.on('end', () => {
      this.gateway.disconnected(session!, true);
      socket.end();
    });
    socket.on('error', (err) => {
      this.logger.debug({ remote, err: err.message }, 'socket error');
      this.gateway.disconnected(session!, false);
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.gateway.disconnected(session!, false);
    });
  }
}
