import net from 'node:net';
import { exposureWarning, isLoopbackHost } from '../../common/http-guard.ts';
import { RateLimitedLog } from '../../common/rate-limited-log.ts';
import type { GatewayPort } from '../model/gateway-port.ts';
import type { Logger } from '../model/ports.ts';
import { silentLogger } from '../model/ports.ts';
import type { Session } from '../model/session.ts';
import { decodeClientFrame, FrameDecoder, MAX_FRAME_LENGTH, SIM_MAX_VERSION } from '../protocol/index.ts';
import { FrameCache } from './frame-cache.ts';
import { DEFAULT_PENDING_LIMITS, PendingConnections, PRE_LOGIN_MAX_FRAME, type PendingLimits, type PendingVictim } from './pending-connections.ts';

/** How long a closing socket may take to flush before it is destroyed (real ms). */
const CLOSE_FLUSH_MS = 2000;
/**
 * Bytes a connection the gateway is closing may still send before it is destroyed at once: the
 * flush period is for our last replies, not for reading a client that keeps streaming (a 16 MiB
 * frame refused at its length prefix must not then be read and thrown away).
 */
const CLOSING_READ_LIMIT = 64 * 1024;

export interface TcpServerOptions {
  host?: string;
  port?: number;
  logger?: Logger;
  /** Bounds on connections that have not logged in (server/pending-connections.ts); defaults there. */
  pending?: Partial<PendingLimits>;
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
  /** Connections that have not logged in yet, with what they hold buffered. */
  private readonly pending: PendingConnections<net.Socket>;
  /** Inside a socket's 'data' handler: replies then wait for the end of the turn (see `accept`). */
  private reading = false;
  /** Evictions come in floods when they come: their lines share one budget (real time). */
  private readonly evictionLog: Logger;

  constructor(
    private readonly gateway: GatewayPort,
    private readonly opts: TcpServerOptions = {},
  ) {
    this.logger = opts.logger ?? silentLogger;
    this.pending = new PendingConnections({ ...DEFAULT_PENDING_LIMITS, ...opts.pending });
    this.evictionLog = new RateLimitedLog(this.logger, {
      keyOf: () => 'pending-connections',
      keyField: 'limit',
      now: () => performance.now(),
      setTimer: (ms, fn) => {
        const t = setTimeout(fn, ms).unref();
        return { cancel: () => clearTimeout(t) };
      },
    });
    this.server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    // An error while binding is listen()'s rejection, reported once by its caller; only errors of
    // a listening server are logged here.
    this.server.on('error', (err) => {
      if (this.server.listening) this.logger.error({ err: err.message }, 'server error');
    });
  }

  /**
   * Start listening; resolves with the bound address once connections are accepted. Beyond
   * loopback it warns: the TWS protocol has no authentication (a real gateway keeps a list of
   * trusted IPs instead).
   */
  listen(): Promise<{ host: string; port: number }> {
    const host = this.opts.host ?? '127.0.0.1';
    if (!isLoopbackHost(host)) this.logger.warn({ host }, exposureWarning('the simulated gateway', host, 'the TWS protocol has no authentication'));
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.opts.port ?? 4002, host, () => {
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

  /** Connections that have not logged in yet, and the bytes they hold buffered. */
  get pendingStats(): { connections: number; bufferedBytes: number } {
    return { connections: this.pending.count, bufferedBytes: this.pending.bufferedBytes };
  }

  /** Stop accepting, close every connection, and resolve when the listener is closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const s of this.sockets) s.destroy();
      this.server.close(() => resolve());
    });
  }

  /**
   * Frames are taken one at a time, so each is checked against the limit of the session's state
   * at that moment: before login (handshake, START_API) a frame may be PRE_LOGIN_MAX_FRAME bytes,
   * after it the protocol's 16 MiB. A client that pipelines requests right behind its START_API
   * gets the larger limit for them.
   */
  private onData(s: Session, decoder: FrameDecoder, chunk: Buffer): void {
    decoder.append(chunk);
    for (;;) {
      if (!s.isOpen) return;
      decoder.maxLength = s.isApiClient ? MAX_FRAME_LENGTH : PRE_LOGIN_MAX_FRAME;
      let frame: Buffer | undefined;
      try {
        frame = decoder.next();
      } catch (err) {
        this.gateway.protocolError(s, err as Error);
        return;
      }
      if (frame === undefined) return;
      if (s.state === 'handshake') {
        this.gateway.handshake(s, frame.toString('latin1'));
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

  /** Close a connection the pending limits picked (it has sent nothing worth a reply). */
  private evict(victim: PendingVictim<net.Socket>): void {
    this.evictionLog.warn({ remote: `${victim.key.remoteAddress}:${victim.key.remotePort}`, pending: this.pending.count }, victim.why);
    victim.key.destroy();
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const decoder = new FrameDecoder({ expectApiPrefix: true, maxLength: PRE_LOGIN_MAX_FRAME });
    let closing = false;
    /** Bytes read since the gateway decided to close this connection. */
    let readWhileClosing = 0;
    let pending: Buffer[] = [];
    /** Bytes in `pending` (the model asks for the backlog after every message it sends). */
    let pendingBytes = 0;
    let session: Session | undefined;
    // Replies to what the sockets sent are written once the loop has read them all (setImmediate):
    // requests that arrive together (pipelined, several reads of one socket in one turn) get one
    // write, and each write is a system call. What the model sends on its own (a timer: a session's
    // streaming lines due at one wake, a delayed answer) is written as soon as that callback
    // returns (a microtask): it must not wait for the other sessions' timers due in the same turn
    // (with setImmediate, the first of 32 sessions woken together waited for all 32 to be computed).
    let flushQueued: 'no' | 'turn' | 'now' = 'no';
    const flush = () => {
      flushQueued = 'no';
      const out = pending;
      pending = [];
      pendingBytes = 0;
      if (socket.destroyed || out.length === 0) return;
      socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    };

    session = this.gateway.open(
      {
        send: (msg) => {
          if (socket.destroyed || closing) return;
          if (this.reading) {
            if (flushQueued === 'no') {
              flushQueued = 'turn';
              setImmediate(flush);
            }
          } else if (flushQueued !== 'now') {
            flushQueued = 'now';
            queueMicrotask(flush);
          }
          const frame = this.frames.encode(msg, session?.version || SIM_MAX_VERSION);
          pending.push(frame);
          pendingBytes += frame.length;
        },
        close: () => {
          if (closing) return;
          closing = true;
          flush();
          socket.end();
          setTimeout(() => socket.destroy(), CLOSE_FLUSH_MS).unref();
        },
        backlog: () => socket.writableLength + pendingBytes,
      },
      remote,
    );

    if (session.isOpen) {
      const victim = this.pending.opened(socket);
      if (victim) this.evict(victim);
    }

    socket.on('data', (chunk: Buffer) => {
      const s = session!;
      if (!s.isOpen) {
        readWhileClosing += chunk.length;
        if (readWhileClosing > CLOSING_READ_LIMIT) socket.destroy();
        return;
      }
      // Whatever one client sends, an unexpected failure ends that client's session, never the process.
      this.reading = true;
      try {
        this.gateway.guard(s, 'reading a request', () => this.onData(s, decoder, chunk));
      } finally {
        this.reading = false;
      }
      if (!s.isOpen || s.isApiClient) this.pending.forget(socket);
      else {
        const victim = this.pending.buffered(socket, decoder.pendingBytes);
        if (victim) this.evict(victim);
      }
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
      this.pending.forget(socket);
      this.gateway.disconnected(session!, false);
    });
  }
}
