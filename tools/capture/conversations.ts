/**
 * A capture read back as conversations: one per recorded connection, with its handshake, the
 * negotiated version, the client id, and which gateway frames answered which client request.
 */
import { isFrame, isHandshake, type Capture, type CloseRecord, type FrameRecord, type HandshakeRecord } from './format.ts';
import { requestIdOf, viewOf } from './frames.ts';

export interface Conversation {
  conn: number;
  /** Wall ms from the start of the recording to this connection's opening. */
  openedAt: number;
  handshake?: HandshakeRecord;
  /** The gateway's handshake reply (SERVER_VERSION). */
  reply?: FrameRecord;
  /** The negotiated server version (0 when the gateway never replied). */
  version: number;
  /** START_API's client id, when the client sent one. */
  clientId?: number;
  /** Every frame after the handshake, both directions, in capture order. */
  frames: FrameRecord[];
  close?: CloseRecord;
}

/** Split a capture into conversations, in the order the connections were opened. */
export function conversationsOf(capture: Capture): Conversation[] {
  const byConn = new Map<number, Conversation>();
  const get = (conn: number) => {
    let c = byConn.get(conn);
    if (!c) byConn.set(conn, (c = { conn, openedAt: 0, version: 0, frames: [] }));
    return c;
  };
  for (const r of capture.records) {
    const c = get(r.conn);
    if ('event' in r) {
      if (r.event === 'open') c.openedAt = r.at;
      else if (r.event === 'close') c.close = r;
    } else if (isHandshake(r)) {
      c.handshake = r;
    } else if (isFrame(r)) {
      if (r.from === 'gateway' && !c.reply) {
        c.reply = r;
        const v = Number(r.msg?.serverVersion ?? r.fields?.[0]);
        c.version = Number.isSafeInteger(v) && v > 0 ? v : 0;
        continue;
      }
      if (r.from === 'client' && r.type === 'START_API' && c.clientId === undefined) {
        const id = viewOf(r, c.version)?.clientId;
        if (typeof id === 'number') c.clientId = id;
      }
      c.frames.push(r);
    }
  }
  return [...byConn.values()].sort((a, b) => a.openedAt - b.openedAt || a.conn - b.conn);
}

/** What the gateway did after a request: a frame, or closing the connection. `t` as recorded. */
export type Reply = { t: number; frame: FrameRecord } | { t: number; close: true };

/** A client frame and the gateway's answer to it. */
export interface Exchange {
  request: FrameRecord;
  /** The request decoded (undefined for undeclared messages). */
  view: Record<string, unknown> | undefined;
  requestId: number | undefined;
  replies: Reply[];
}

/**
 * Attribute each gateway frame to the client request it answers: the latest request with the
 * same request id when the frame carries one (reqId, tickerId, orderId, an ERR_MSG's id);
 * otherwise the latest client frame before it. So the login frames (MANAGED_ACCTS, NEXT_VALID_ID,
 * farm notices) belong to START_API, CURRENT_TIME to REQ_CURRENT_TIME, a 326 and the close that
 * follows it to START_API. Gateway frames before any client frame are the `preamble`.
 */
export function exchangesOf(c: Conversation): { preamble: Reply[]; exchanges: Exchange[] } {
  const preamble: Reply[] = [];
  const exchanges: Exchange[] = [];
  const byId = new Map<number, Exchange>();
  let last: Exchange | undefined;
  for (const frame of c.frames) {
    const view = viewOf(frame, c.version);
    const id = requestIdOf(view);
    if (frame.from === 'client') {
      last = { request: frame, view, requestId: id, replies: [] };
      exchanges.push(last);
      if (id !== undefined) byId.set(id, last);
      continue;
    }
    const owner = (id !== undefined ? byId.get(id) : undefined) ?? last;
    (owner?.replies ?? preamble).push({ t: frame.t, frame });
  }
  if (c.close?.by === 'gateway') (last?.replies ?? preamble).push({ t: c.close.t, close: true });
  return { preamble, exchanges };
}

/** A short label for a request: `REQ_CONTRACT_DATA reqId 3 AAPL STK SMART USD`. */
export function describeRequest(type: string | undefined, view: Record<string, unknown> | undefined): string {
  if (!view) return type ?? 'undeclared message';
  const id = requestIdOf(view);
  const parts = [String(view.type)];
  if (id !== undefined) parts.push(`reqId ${id}`);
  if (view.type === 'START_API') parts.push(`clientId ${view.clientId}`);
  for (const k of ['symbol', 'secType', 'exchange', 'currency', 'barSize', 'duration', 'endDateTime', 'pattern']) {
    const v = view[k];
    if (typeof v === 'string' && v !== '') parts.push(k === 'endDateTime' ? `end "${v}"` : v);
  }
  return parts.join(' ');
}
