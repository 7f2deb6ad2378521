/**
 * The reference model of sessions and client ids at the gateway for client-ids.property.test.ts,
 * and the comparison of the gateway (seen only through the virtual-time harness: TestClient and its
 * control methods) with it.
 *
 * The reference model is a list of connections (awaiting START_API, API client with a login
 * deadline, or closed) and a map id → end of its grace period. Its rules, a line or two each in
 * `Reference`:
 *  - an id is taken while a session logging in or ready holds it, and for `idGraceMs` after that
 *    session vanished uncleanly (reset, drop) from a running gateway; a clean close frees it after
 *    `idGraceCleanMs` (docs/wire-facts/gateway.md#duplicate-client-id-326,
 *    docs/wire-facts/gateway.md#id-held-after-an-unclean-exit);
 *  - START_API with a taken id → error 326 (id -1, exact text) and the socket closed; the holder
 *    carries on (docs/wire-facts/gateway.md#duplicate-client-id-326);
 *  - with `maxClients` API clients live, the next START_API with a free id → error 502 and closed
 *    (docs/wire-facts/gateway.md#max-32-api-clients);
 *  - the handshake answers min(client max, 178) unless the client's range excludes it
 *    (docs/wire-facts/handshake.md#version-negotiation);
 *  - a connection without START_API within the handshake timeout is closed; a second START_API on
 *    a started session is ignored (simulator choices, simulator/model/profile.ts);
 *  - login completes `loginLatency + loginPerOtherClientMs × other API clients` after
 *    START_API, plus `loginPerOtherClientMs` for each API client that starts meanwhile (sigma 0 here); a restart closes everything, frees every id (held ones too: the
 *    new process holds none) and refuses connections for `restartDowntimeMs`
 *    (docs/wire-facts/gateway.md#daily-restart).
 *
 * `agree` compares what the clients and the control methods show with what the model predicts.
 */
import { expectAgreement } from '../../common/testing/model-commands.ts';
import { TEXT, type Harness, type TestClient } from './model-harness.ts';

/** Login time, and the extra per other open connection (sigma 0, so exact), in model ms. */
export const LOGIN_MS = 300;
export const PER_OTHER_MS = 50;
/** A connection without START_API for this long (model ms) is closed. */
export const HANDSHAKE_TIMEOUT_MS = 20_000;
const FARM_CODES = new Set([2104, 2106, 2158]);

export interface Setup {
  maxClients: number;
  idGraceMs: number;
  idGraceCleanMs: number;
  restartDowntimeMs: number;
}

/** The server versions a client offers in its handshake, [min, max]. */
export type VersionRange = readonly [number, number];
export const DEFAULT_VERSIONS: VersionRange = [100, 178];

export interface Conn {
  state: 'awaiting' | 'api' | 'closed';
  clientId: number | null;
  /** The version the gateway answered the handshake with; null if it closed instead. */
  serverVersion: number | null;
  openedAt: number;
  readyAt?: number;
  closedAt?: number;
  /** The refusal the client must have received (326 or 502), if any. */
  refusal?: number;
}

export interface Model {
  setup: Setup;
  now: number;
  conns: Conn[];
  /** Client id → model time its grace period ends. */
  held: Map<number, number>;
  downUntil: number;
  nextCrowdId: number;
}

export interface Real {
  h: Harness;
  clients: TestClient[];
}

// ---- the reference model -----------------------------------------------------------------------

export const Reference = {
  open: (m: Model) => m.conns.filter((c) => c.state !== 'closed'),
  liveIds: (m: Model) => m.conns.filter((c) => c.state === 'api').map((c) => c.clientId!),
  heldIds: (m: Model) => [...m.held].filter(([, until]) => until > m.now).sort(([a], [b]) => a - b),
  taken: (m: Model, id: number) => Reference.liveIds(m).includes(id) || (m.held.get(id) ?? -Infinity) > m.now,

  /**
   * A connection offering server versions min..max: the gateway answers min(max, 178) unless that
   * is below min or below 100, or the range is inverted; then it closes (handshake.md, "Version
   * negotiation"). During a restart it closes at once.
   */
  connect(m: Model, versions: VersionRange = DEFAULT_VERSIONS): Conn {
    const [min, max] = versions;
    const negotiated = Math.min(max, 178);
    const ok = m.now >= m.downUntil && max >= min && negotiated >= min && negotiated >= 100;
    const conn: Conn = {
      state: ok ? 'awaiting' : 'closed',
      clientId: null,
      openedAt: m.now,
      serverVersion: ok ? negotiated : null,
      ...(ok ? {} : { closedAt: m.now }),
    };
    m.conns.push(conn);
    return conn;
  },

  startApi(m: Model, conn: Conn, id: number): void {
    conn.clientId = id;
    if (Reference.taken(m, id)) Reference.close(m, conn, 0, 326);
    else if (Reference.liveIds(m).length >= m.setup.maxClients) Reference.close(m, conn, 0, 502);
    else {
      // Only API clients count, not sockets short of START_API; a login under way is pushed back by
      // one that starts meanwhile (docs/wire-facts/limits.md#what-slows-a-login).
      const others = Reference.liveIds(m).length;
      for (const c of m.conns) if (c !== conn && c.state === 'api' && c.readyAt! > m.now) c.readyAt! += PER_OTHER_MS;
      Object.assign(conn, { state: 'api', readyAt: m.now + LOGIN_MS + PER_OTHER_MS * others });
      m.held.delete(id);
    }
  },

  /** The connection ends now; an API client's id stays taken for `graceMs`. */
  close(m: Model, conn: Conn, graceMs: number, refusal?: number): void {
    if (conn.state === 'api' && graceMs > 0) m.held.set(conn.clientId!, m.now + graceMs);
    Object.assign(conn, { state: 'closed', closedAt: m.now, ...(refusal ? { refusal } : {}) });
  },

  restart(m: Model): void {
    for (const c of Reference.open(m)) Reference.close(m, c, 0);
    m.held.clear();
    m.downUntil = m.now + m.setup.restartDowntimeMs;
  },

  passTime(m: Model, ms: number): void {
    m.now += ms;
    for (const c of m.conns) {
      const deadline = c.openedAt + HANDSHAKE_TIMEOUT_MS;
      if (c.state === 'awaiting' && deadline <= m.now) Object.assign(c, { state: 'closed', closedAt: deadline });
    }
  },

  /** The next moment something is due: a grace period ends, a login completes, a timeout, a restart ends. */
  nextDeadline(m: Model): number | undefined {
    const due = [...m.held.values(), m.downUntil];
    for (const c of m.conns) {
      if (c.state === 'api') due.push(c.readyAt!);
      if (c.state === 'awaiting') due.push(c.openedAt + HANDSHAKE_TIMEOUT_MS);
    }
    const future = due.filter((t) => t > m.now);
    return future.length === 0 ? undefined : Math.min(...future);
  },

  /** Ready (MANAGED_ACCTS, NEXT_VALID_ID, farm notices) once the login deadline passed while open. */
  becameReady: (m: Model, c: Conn) => c.readyAt !== undefined && c.readyAt <= (c.closedAt ?? m.now),
};

// ---- what the gateway shows, and what the model predicts of it -------------------------------------

export const label = (i: number) => `conn-${i}`;

/** One connection as seen from outside; the model predicts the same record. */
interface ConnView {
  conn: string;
  serverVersion: number | null;
  closedAt: number | undefined;
  /** The session as `GET /sessions` lists it (state, client id); null once closed. */
  session: [string, number | null] | null;
  readyAt: number | undefined;
  /** Errors other than farm notices, as [id, code, text]: a refusal (326, 502) or nothing. */
  refusals: Array<[number, number, string]>;
  farmNotices: boolean;
}

function observed(r: Real): ConnView[] {
  const sessions = new Map(r.h.sessions().map((s) => [s.remote, s]));
  return r.clients.map((c, i) => {
    const s = sessions.get(label(i));
    const errors = c.errors().map((e) => e.msg);
    const refusals = errors.filter((e) => !FARM_CODES.has(e.code));
    return {
      conn: `${label(i)}${c.closed ? ' (closed)' : ''}`,
      serverVersion: c.of('SERVER_VERSION')[0]?.msg.serverVersion ?? null,
      closedAt: c.closedAt,
      session: s ? [s.state, s.clientId] : null,
      readyAt: c.readyAt,
      refusals: refusals.map((e) => [e.id, e.code, e.message]),
      farmNotices: errors.length > refusals.length,
    };
  });
}

/** The texts clients match on: IB's for 326; for 502 the official client's wording (docs/wire-facts/gateway.md#max-32-api-clients). */
const REFUSAL_TEXT: Record<number, (m: Model) => string> = {
  326: () => TEXT.inUse,
  502: (m) => `Couldn't connect to TWS. The maximum API connection threshold (${m.setup.maxClients}) has been reached.`,
};

function predicted(m: Model): ConnView[] {
  return m.conns.map((c, i) => {
    const ready = Reference.becameReady(m, c);
    return {
      conn: `${label(i)}${c.state === 'closed' ? ' (closed)' : ''}`,
      serverVersion: c.serverVersion,
      closedAt: c.closedAt,
      session: c.state === 'closed' ? null : c.state === 'awaiting' ? ['awaiting-start', null] : [ready ? 'ready' : 'login', c.clientId],
      readyAt: ready ? c.readyAt : undefined,
      refusals: c.refusal ? [[-1, c.refusal, REFUSAL_TEXT[c.refusal]!(m)]] : [],
      farmNotices: ready,
    };
  });
}

/** Let the gateway's messages arrive, then check that everything observable agrees with the model. */
export async function agree(m: Model, r: Real): Promise<void> {
  await r.h.advance(0);
  const ids = r.h.clientIds();
  expectAgreement(
    {
      now: r.h.clock.now(),
      conns: observed(r),
      sessions: r.h.sessions().length,
      // Live: sessions logging in or ready, each id once. Held: unclean exits within their grace, never live.
      live: ids.live,
      held: ids.held.map((x) => [x.clientId, x.until]).sort(([a], [b]) => a! - b!),
    },
    {
      now: m.now,
      conns: predicted(m),
      sessions: Reference.open(m).length,
      live: Reference.liveIds(m).sort((a, b) => a - b),
      held: Reference.heldIds(m),
    },
  );
}
