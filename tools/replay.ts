/**
 * `ibkr-harness replay`: a capture served as a scripted gateway. Each connection follows one
 * recorded conversation: the handshake is answered as recorded (the recorded server version), and
 * each request is answered with the gateway frames that answered the matching recorded request
 * (tools/capture/conversations.ts), with request and order ids rewritten to the new client's.
 */
import net from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { Log } from '../common/log.ts';
import { silentLog } from '../common/log.ts';
import { IbError } from '../common/ib/errors.ts';
import { encodeServerMessage, FrameDecoder, MAX_FRAME_LENGTH, parseVersionRange } from '../simulator/protocol/index.ts';
import { conversationsOf, describeRequest, exchangesOf, type Conversation, type Exchange, type Reply } from './capture/conversations.ts';
import type { Capture } from './capture/format.ts';
import { describeFrame, encodeRecordedFrame, REQUEST_ID_FIELDS, remapRequestIds, requestIdOf, viewOf, type FrameBody } from './capture/frames.ts';

export interface ReplayOptions {
  capture: Capture;
  /** Named in error texts and logs (the capture's file name). */
  source?: string;
  host?: string;
  /** Port to listen on (0 picks a free one). */
  port: number;
  /** `asap` (default): answers at once; `recorded`: each answer after its recorded delay. */
  timing?: 'asap' | 'recorded';
  logger?: Log;
}

export interface UnmatchedRequest {
  conn: number;
  /** What was asked: `REQ_CONTRACT_DATA reqId 7 TSLA STK SMART USD`. */
  request: string;
}

export interface ReplayServer {
  host: string;
  port: number;
  /** Requests that no recorded request matched, in arrival order. */
  readonly unmatched: readonly UnmatchedRequest[];
  close(): Promise<void>;
}

/** A recorded conversation prepared for serving. */
interface Script {
  conv: Conversation;
  preamble: Reply[];
  login: Exchange | undefined;
  exchanges: Exchange[];
  /** Exchanges already used (a repeated request reuses its recorded answer). */
  used: Set<Exchange>;
  assigned: boolean;
}

/**
 * The error sent for a request the capture has no answer for: 322 ends the request in
 * @stoqey/ib and ib_async alike (docs/wire-facts/errors.md#which-codes-end-a-request,
 * docs/wire-facts/errors.md#322-processing-errors).
 */
const notInCapture = (what: string, source: string) => IbError.processing('replay', `${what} is not in the capture ${source}`);

/** Start serving `opts.capture`. Resolves once listening. */
export async function startReplay(opts: ReplayOptions): Promise<ReplayServer> {
  const logger = opts.logger ?? silentLog;
  const source = opts.source ?? 'capture';
  const scripts: Script[] = conversationsOf(opts.capture)
    .filter((c) => c.reply)
    .map((conv) => {
      const { preamble, exchanges } = exchangesOf(conv);
      const login = exchanges.find((e) => e.request.type === 'START_API');
      return { conv, preamble, login, exchanges: exchanges.filter((e) => e !== login), used: new Set(), assigned: false };
    });
  if (scripts.length === 0) throw new Error(`${source} holds no connection with a handshake reply: nothing to replay`);
  const unmatched: UnmatchedRequest[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;

  const server = net.createServer({ noDelay: true }, (socket) => {
    const conn = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const decoder = new FrameDecoder({ expectApiPrefix: true, maxLength: 1024 });
    let script: Script | undefined;
    const ids = new Map<number, number>();
    const timers = new Set<NodeJS.Timeout>();
    socket.on('close', () => {
      for (const t of timers) clearTimeout(t);
      if (script) script.assigned = false;
    });

    const send = (replies: Reply[], since: number, remap?: (name: string, id: number) => number | undefined) => {
      const version = script!.conv.version;
      const out = (r: Reply) => {
        if (socket.destroyed) return;
        if ('close' in r) {
          socket.end();
          return;
        }
        socket.write(encodeRecordedFrame(remap ? remapRequestIds(r.frame, version, remap) : r.frame, version));
      };
      for (const r of replies) {
        const delay = opts.timing === 'recorded' ? Math.max(0, r.t - since) : 0;
        if (delay === 0) out(r);
        else {
          const timer = setTimeout(() => {
            timers.delete(timer);
            out(r);
          }, delay);
          timers.add(timer);
        }
      }
    };

    const onHandshake = (text: string) => {
      script = scripts.find((s) => !s.assigned) ?? scripts[0]!;
      script.assigned = true;
      const version = script.conv.version;
      try {
        const range = parseVersionRange(text);
        if (version < range.min || version > range.max) {
          logger.warn({ conn, offered: text, recorded: version }, 'the recorded server version is outside the range this client offers');
        }
      } catch {
        logger.warn({ conn, offered: text }, 'unreadable version range; answering as recorded');
      }
      decoder.maxLength = MAX_FRAME_LENGTH;
      send([{ t: 0, frame: script.conv.reply! }], 0);
      send(script.preamble, script.conv.reply!.t);
    };

    const onStartApi = (clientId: unknown) => {
      // Prefer a recorded conversation of the same client id (a 326 is recorded on its own connection).
      const current = script!;
      if (current.conv.clientId !== clientId) {
        const better = scripts.find((s) => !s.assigned && s.conv.clientId === clientId && s.conv.version === current.conv.version);
        if (better) {
          current.assigned = false;
          better.assigned = true;
          script = better;
        }
      }
      const login = script!.login;
      if (login) send(login.replies, login.request.t);
    };

    const onRequest = (frame: FrameBody) => {
      const s = script!;
      const view = viewOf(frame, s.conv.version);
      const exchange = findExchange(s, frame, view, scripts);
      const label = describeRequest(frame.type, view);
      if (!exchange) {
        unmatched.push({ conn, request: label });
        logger.warn({ conn, request: label, source }, 'request not in the capture');
        const id = requestIdOf(view) ?? -1;
        const body = notInCapture(label, source);
        socket.write(
          encodeServerMessage({ type: 'ERR_MSG', id, code: body.code, message: body.message, advancedOrderRejectJson: '', errorTime: 0 }, s.conv.version),
        );
        return;
      }
      s.used.add(exchange);
      const recordedId = exchange.requestId;
      const newId = requestIdOf(view);
      if (recordedId !== undefined && newId !== undefined) ids.set(recordedId, newId);
      send(exchange.replies, exchange.request.t, (name, id) => (id === recordedId ? newId : name === 'orderId' || name === 'id' ? ids.get(id) : undefined));
    };

    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        logger.warn({ conn, err: (err as Error).message }, 'unreadable client bytes, closing');
        socket.destroy();
        return;
      }
      try {
        for (const body of frames) {
          if (!script) {
            onHandshake(body.toString('latin1'));
            continue;
          }
          const frame = describeFrame('client', body, script.conv.version);
          if (frame.type === 'START_API') onStartApi(viewOf(frame, script.conv.version)?.clientId);
          else onRequest(frame);
        }
      } catch (err) {
        // One client's unforeseen input ends that client's connection, never the server.
        logger.error({ conn, err: (err as Error).message }, 'internal error while replaying; closing the connection');
        socket.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as net.AddressInfo;
  logger.info({ port: addr.port, source, connections: scripts.length }, 'replaying');
  return {
    host: addr.address,
    port: addr.port,
    unmatched,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The request's fields without its request ids: what matching compares. */
function matchKey(frame: FrameBody, view: Record<string, unknown> | undefined): unknown {
  if (!view) return { type: frame.type, fields: frame.fields, base64: frame.base64 };
  const key: Record<string, unknown> = { ...view };
  for (const name of REQUEST_ID_FIELDS) delete key[name];
  return key;
}

/**
 * The recorded exchange that answers a request: same message type and fields except request ids.
 * Unused exchanges of this connection's conversation first, then used ones (a request asked
 * again gets its recorded answer again), then other conversations at the same version.
 */
function findExchange(script: Script, frame: FrameBody, view: Record<string, unknown> | undefined, all: Script[]): Exchange | undefined {
  const key = matchKey(frame, view);
  const matches = (s: Script, e: Exchange) => e.request.type === frame.type && isDeepStrictEqual(matchKey(e.request, viewOf(e.request, s.conv.version)), key);
  const others = all.filter((s) => s !== script && s.conv.version === script.conv.version);
  for (const s of [script, ...others]) {
    const free = s.exchanges.find((e) => !s.used.has(e) && matches(s, e));
    if (free) return free;
    const again = s.exchanges.find((e) => matches(s, e));
    if (again) return again;
  }
  return undefined;
}
