/**
 * Connections as the journal shows them: who connected from where, which client id each claimed,
 * who was refused with 326 and who held the id then, how often each remote process connected
 * (churn) and how many API connections it held at once (concurrency).
 * Facts: docs/wire-facts/gateway.md#duplicate-client-id-326, #id-held-after-an-unclean-exit;
 * what counts as a remote process: docs/wire-facts/verdicts.md#remote-process.
 */
import type { JournalEntry } from '../model/journal.ts';
import { IbCode, NO_ID } from '../../common/ib/errors.ts';
import { BoundedList } from './bounded.ts';
import type { VerdictConfig } from './config.ts';
import { hostOf, num } from './reading.ts';
import { checkFields, listCheck, type Checks, type ConnRef } from './schema.ts';
import { newConn, type Conn, type Limits, type Timebase } from './state.ts';

const MINUTE_MS = 60_000;
const SAMPLE = 5;
const PEAK_SAMPLE = 10;
const OTHER_HOSTS = '(other hosts)';
/**
 * Connections that left a host's one-minute window are dropped from its array once more than this
 * many have (and they are at least half of it): the array holds the closed connections' state
 * alive until then, so a small bound keeps memory flat (amortized O(1) per connect either way).
 */
const COMPACT_AFTER = 64;

interface Holder {
  conn: Conn;
  since: number;
  /** Set once its connection closed with the id still held for a while. */
  releasedAt?: number;
  heldUntil?: number;
}

interface HostStats {
  connects: number;
  /** Connections within the last minute, oldest first, from `head`. */
  window: Conn[];
  windowAt: number[];
  head: number;
  peakPerMinute: number;
  peakStart: number;
  peakEnd: number;
  peakSample: ConnRef[];
  /** API-ready connections open now. */
  live: Set<Conn>;
  peakLive: number;
  peakLiveAt: number;
  peakLiveConns: ConnRef[];
}

export class ConnectionTracker {
  /** Open connections by session id. */
  readonly sessions = new Map<number, Conn>();
  private readonly holders = new Map<number, Holder>();
  private readonly hosts = new Map<string, HostStats>();
  private readonly clientIdsSeen = new Set<number>();
  private readonly clashes: BoundedList<Checks['326']['evidence'][number]>;
  private liveTotal = 0;
  private peakLiveTotal = 0;
  private peakLiveTotalAt = 0;
  private peakLiveTotalConns: ConnRef[] = [];
  connections = 0;
  apiSessions = 0;

  constructor(
    private readonly cfg: VerdictConfig,
    private readonly time: Timebase,
    private readonly limits: Limits,
  ) {
    this.clashes = new BoundedList(cfg.maxEvidence);
  }

  /** The connection of an entry; one the journal never showed connecting is made up from what is known. */
  get(e: JournalEntry): Conn {
    let c = this.sessions.get(e.sessionId);
    if (!c) {
      c = this.open(e.sessionId, 'unknown', e.at);
      c.clientId = e.clientId;
    }
    return c;
  }

  connected(e: JournalEntry): Conn {
    const remote = typeof e.message.remote === 'string' ? e.message.remote : 'unknown';
    return this.open(e.sessionId, remote, e.at);
  }

  private open(sessionId: number, remote: string, at: number): Conn {
    const c = newConn(sessionId, remote, hostOf(remote), at);
    this.sessions.set(sessionId, c);
    this.connections++;
    const h = this.host(c.host);
    h.connects++;
    h.window.push(c);
    h.windowAt.push(at);
    while (h.windowAt[h.head]! <= at - MINUTE_MS) h.head++;
    if (h.head > COMPACT_AFTER && h.head * 2 > h.window.length) {
      h.window.splice(0, h.head);
      h.windowAt.splice(0, h.head);
      h.head = 0;
    }
    const inWindow = h.window.length - h.head;
    if (inWindow > h.peakPerMinute) {
      h.peakPerMinute = inWindow;
      h.peakStart = h.windowAt[h.head]!;
      h.peakEnd = at;
      h.peakSample = h.window.slice(h.head, h.head + SAMPLE).map((x) => this.time.connRef(x));
    }
    return c;
  }

  private host(name: string): HostStats {
    let h = this.hosts.get(name);
    if (h) return h;
    // Beyond the bound, further hosts share one row (it says so in its name).
    if (this.hosts.size >= this.limits.maxHosts && name !== OTHER_HOSTS) {
      this.limits.evicted++;
      return this.host(OTHER_HOSTS);
    }
    h = {
      connects: 0,
      window: [],
      windowAt: [],
      head: 0,
      peakPerMinute: 0,
      peakStart: 0,
      peakEnd: 0,
      peakSample: [],
      live: new Set(),
      peakLive: 0,
      peakLiveAt: 0,
      peakLiveConns: [],
    };
    this.hosts.set(name, h);
    return h;
  }

  /** START_API: the connection claims `clientId`, unless another connection holds it (then a 326 follows). */
  startApi(c: Conn, clientId: number, at: number): void {
    c.clientId = clientId;
    if (this.clientIdsSeen.size < this.limits.maxClientIds) this.clientIdsSeen.add(clientId);
    const h = this.holders.get(clientId);
    if (!h || (h.heldUntil !== undefined && at >= h.heldUntil)) {
      this.holders.set(clientId, { conn: c, since: at });
      if (this.holders.size > this.limits.maxClientIds) this.pruneHolders(at);
    }
  }

  /** A frame the gateway sent on `c`: logins completing, 326 and refusals. */
  outgoing(c: Conn, e: JournalEntry): void {
    const m = e.message;
    if (!c.ready && (m.type === 'MANAGED_ACCTS' || m.type === 'NEXT_VALID_ID')) this.ready(c, e.at);
    if (m.type !== 'ERR_MSG' || num(m.id) !== NO_ID) return;
    const code = num(m.code);
    if (code === IbCode.CLIENT_ID_IN_USE) this.clash(c, e);
    else if (code === IbCode.CONNECT_FAIL && c.clientId !== null && this.holders.get(c.clientId)?.conn === c) this.holders.delete(c.clientId);
  }

  private ready(c: Conn, at: number): void {
    c.ready = true;
    this.apiSessions++;
    const h = this.host(c.host);
    h.live.add(c);
    this.liveTotal++;
    if (h.live.size > h.peakLive) {
      h.peakLive = h.live.size;
      h.peakLiveAt = at;
      h.peakLiveConns = [...h.live].slice(0, PEAK_SAMPLE).map((x) => this.time.connRef(x));
    }
    if (this.liveTotal > this.peakLiveTotal) {
      this.peakLiveTotal = this.liveTotal;
      this.peakLiveTotalAt = at;
      this.peakLiveTotalConns = [...this.sessions.values()]
        .filter((x) => x.ready)
        .slice(0, PEAK_SAMPLE)
        .map((x) => this.time.connRef(x));
    }
  }

  private clash(c: Conn, e: JournalEntry): void {
    const id = c.clientId;
    const h = id === null ? undefined : this.holders.get(id);
    const other = h && h.conn !== c ? h : undefined;
    // We took the refused connection for the holder (its holder never showed in the journal).
    if (h && h.conn === c && id !== null) this.holders.delete(id);
    this.clashes.push(() => ({
      at: this.time.iso(e.at),
      tMs: this.time.tMs(e.at),
      seq: e.seq,
      refused: this.time.connRef(c),
      holder: other ? this.time.connRef(other.conn) : null,
      holderState: other ? (other.releasedAt === undefined ? 'connected' : 'held-after-disconnect') : 'unknown',
      holderSince: other ? this.time.iso(other.since) : null,
    }));
  }

  /** The connection closed; its id stays held for `clientIdHeldMs` when the note says so. */
  disconnected(c: Conn, e: JournalEntry): void {
    c.closedAt = e.at;
    this.sessions.delete(c.sessionId);
    if (c.ready) {
      this.host(c.host).live.delete(c);
      this.liveTotal--;
    }
    const id = c.clientId;
    const h = id === null ? undefined : this.holders.get(id);
    if (!h || h.conn !== c || id === null) return;
    const heldMs = num(e.message.clientIdHeldMs) ?? 0;
    if (heldMs > 0) {
      h.releasedAt = e.at;
      h.heldUntil = e.at + heldMs;
    } else this.holders.delete(id);
  }

  /** A gateway reset frees every client id (a restart keeps them held: their DISCONNECTED notes say for how long). */
  reset(): void {
    this.holders.clear();
  }

  private pruneHolders(now: number): void {
    for (const [id, h] of this.holders) if (h.heldUntil !== undefined && h.heldUntil <= now) this.holders.delete(id);
    for (const [id, h] of this.holders) {
      if (this.holders.size <= this.limits.maxClientIds) break;
      if (h.releasedAt !== undefined) {
        this.holders.delete(id);
        this.limits.evicted++;
      }
    }
  }

  get clientIdCount(): number {
    return this.clientIdsSeen.size;
  }

  get hostCount(): number {
    return this.hosts.size;
  }

  report326(gating: boolean): Checks['326'] {
    const n = this.clashes.total;
    const first = this.clashes.items[0];
    const headline =
      n === 0
        ? 'no connection was refused with 326'
        : `${n} connection(s) refused with 326; first: client id ${first?.refused.clientId} from ${first?.refused.remote}${first?.holder ? `, held by session ${first.holder.sessionId} from ${first.holder.remote}${first.holderState === 'held-after-disconnect' ? ' (held after its unclean disconnect)' : ''}` : ''}`;
    return listCheck('326', gating, this.clashes, headline);
  }

  reportChurn(gating: boolean): Checks['churn'] {
    const max = this.cfg.churn.maxConnectsPerMinute;
    const over = [...this.hosts].filter(([, h]) => h.peakPerMinute > max).sort((a, b) => b[1].peakPerMinute - a[1].peakPerMinute);
    const evidence = over.slice(0, this.cfg.maxEvidence).map(([host, h]) => ({
      host,
      connects: h.connects,
      peakPerMinute: h.peakPerMinute,
      windowStart: this.time.iso(h.peakStart),
      windowEnd: this.time.iso(h.peakEnd),
      tMs: this.time.tMs(h.peakStart),
      sample: h.peakSample,
    }));
    const worst = evidence[0];
    const busiest = Math.max(0, ...[...this.hosts.values()].map((h) => h.peakPerMinute));
    const headline = worst
      ? `${worst.host} connected ${worst.peakPerMinute} times within a minute (limit ${max}); ${over.length} remote process(es) over the limit`
      : `at most ${busiest} connect(s) per minute from one remote process (limit ${max})`;
    return {
      ...checkFields('churn', gating, { found: over.length > 0, count: over.length, headline, evidence, omitted: over.length - evidence.length }),
      maxConnectsPerMinute: max,
    };
  }

  /** How many remote processes there are: distinct hosts that held an API connection, or the declared number. */
  remoteProcesses(): number {
    if (this.cfg.remoteProcesses !== 'host') return this.cfg.remoteProcesses;
    let n = 0;
    for (const h of this.hosts.values()) if (h.peakLive > 0) n++;
    return n;
  }

  reportConcurrency(gating: boolean): Checks['concurrency'] {
    const per = this.cfg.concurrency.maxConnectionsPerProcess;
    const processes = this.remoteProcesses();
    const rows: Checks['concurrency']['evidence'] = [];
    if (this.cfg.remoteProcesses === 'host') {
      const over = [...this.hosts].filter(([, h]) => h.peakLive > per).sort((a, b) => b[1].peakLive - a[1].peakLive);
      for (const [host, h] of over)
        rows.push({ process: host, peak: h.peakLive, at: this.time.iso(h.peakLiveAt), tMs: this.time.tMs(h.peakLiveAt), connections: h.peakLiveConns });
    } else if (this.peakLiveTotal > processes * per) {
      const at = this.peakLiveTotalAt;
      rows.push({
        process: `all (${processes} declared)`,
        peak: this.peakLiveTotal,
        at: this.time.iso(at),
        tMs: this.time.tMs(at),
        connections: this.peakLiveTotalConns,
      });
    }
    const evidence = rows.slice(0, this.cfg.maxEvidence);
    const worst = evidence[0];
    const headline = worst
      ? `${worst.peak} API connections at once from ${worst.process} (at most ${per} per remote process); ${this.peakLiveTotal} at once in all, from ${processes} remote process(es)`
      : `at most ${this.peakLiveTotal} API connection(s) at once, from ${processes} remote process(es)`;
    return {
      ...checkFields('concurrency', gating, { found: rows.length > 0, count: rows.length, headline, evidence, omitted: rows.length - evidence.length }),
      peakConnections: this.peakLiveTotal,
      remoteProcesses: processes,
      maxConnectionsPerProcess: per,
    };
  }
}
