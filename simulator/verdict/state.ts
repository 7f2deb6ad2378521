/**
 * What the verdict analyser remembers while it reads the journal: one `Conn` per open connection
 * (and as long as a request of a closed one is still queued at the gateway), one `Req` per open
 * request. Both are dropped as soon as nothing can refer to them any more, so memory follows what
 * is open at the gateway, not the number of frames.
 */
import type { ConnRef, RequestRef } from './schema.ts';

export interface Conn {
  sessionId: number;
  remote: string;
  /** The remote process it counts for (README "Verdicts": remote process). */
  host: string;
  clientId: number | null;
  connectedAt: number;
  /** Login completed (MANAGED_ACCTS or NEXT_VALID_ID went out): an API client holding its id. */
  ready: boolean;
  closedAt: number | undefined;
  /** Open requests by reqId. */
  readonly open: Map<number, Req>;
  /** Its contract-details requests still in the gateway's sec-def queue (also after it closed). */
  waitingSecdef: number;
}

export type AbandonHow = 're-sent' | 'cancelled' | 'disconnected';

export interface Req {
  readonly conn: Conn;
  readonly type: string;
  readonly reqId: number;
  /** Identity for re-sends and duplicates (reading.ts requestKey), if it is about one contract. */
  readonly key: string | undefined;
  readonly contract: string | null;
  readonly at: number;
  readonly seq: number;
  /** When and how its client gave up on it. */
  abandoned: { how: AbandonHow; at: number; resentAs: number | null } | undefined;
  /** A later request with the same reqId on the same connection (the older one takes the answers). */
  sameId: Req | undefined;
  /** Neighbours in the sec-def waiting list (arrival order), while it waits there. */
  qPrev: Req | undefined;
  qNext: Req | undefined;
  inQueue: boolean;
  /** Why the gateway will never answer it, if a gateway event dropped it. */
  droppedBy: string | undefined;
  /** Model ms of sec-def service it took (from its SECDEF_SERVED note). */
  serviceMs: number | undefined;
}

export function newConn(sessionId: number, remote: string, host: string, at: number): Conn {
  return { sessionId, remote, host, clientId: null, connectedAt: at, ready: false, closedAt: undefined, open: new Map(), waitingSecdef: 0 };
}

export function newReq(conn: Conn, type: string, reqId: number, key: string | undefined, contract: string | null, at: number, seq: number): Req {
  return {
    conn,
    type,
    reqId,
    key,
    contract,
    at,
    seq,
    abandoned: undefined,
    sameId: undefined,
    qPrev: undefined,
    qNext: undefined,
    inQueue: false,
    droppedBy: undefined,
    serviceMs: undefined,
  };
}

/** Model time as evidence shows it: ISO text, and ms since the first entry. */
export class Timebase {
  t0: number | undefined;

  iso(at: number): string {
    return new Date(at).toISOString();
  }

  tMs(at: number): number {
    return this.t0 === undefined ? 0 : at - this.t0;
  }

  connRef(c: Conn): ConnRef {
    return { sessionId: c.sessionId, clientId: c.clientId, remote: c.remote };
  }

  requestRef(r: Req): RequestRef {
    return { type: r.type, reqId: r.reqId, contract: r.contract, conn: this.connRef(r.conn), seq: r.seq, at: this.iso(r.at), tMs: this.tMs(r.at) };
  }
}

/** Counters of state dropped to stay bounded (reported as `analyser.evicted`). */
export interface Limits {
  maxOpenRequests: number;
  maxHosts: number;
  maxClientIds: number;
  maxOrders: number;
  evicted: number;
}

export const DEFAULT_LIMITS: Omit<Limits, 'evicted'> = { maxOpenRequests: 200_000, maxHosts: 10_000, maxClientIds: 50_000, maxOrders: 100_000 };
