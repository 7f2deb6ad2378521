/**
 * Every frame in and out of the gateway, decoded, in a bounded ring buffer: the simulator's
 * equivalent of a packet capture, readable by tests ("exactly one REQ_CONTRACT_DATA reached the
 * gateway") and by humans (`GET /journal`). When the ring is full the oldest entries go.
 *
 * Subscribers (`subscribe`) see every entry as it is recorded, whatever the ring keeps or drops,
 * and also the gateway's *notes*: events that are not frames (a connection opened or closed, a
 * sec-def request served, a restart), which never enter the ring. The verdict analyser
 * (simulator/verdict/) is such a subscriber.
 */
export interface JournalEntry {
  seq: number;
  /** Model time, epoch ms. */
  at: number;
  sessionId: number;
  clientId: number | null;
  dir: 'in' | 'out';
  /** The decoded message (or a short description for frames that could not be decoded). */
  message: { type: string; [field: string]: unknown };
  /**
   * Outgoing only: a fault kept this frame from the client, and why (e.g. `stall (fault 3)`). The
   * gateway sent it, the client never received it: what a client could have seen is every
   * outgoing frame without this mark.
   */
  withheld?: string;
}

/**
 * The gateway's notes: events that are not frames, delivered to subscribers only (never kept in the
 * ring, so `GET /journal` stays a capture of the wire). Shapes (`message` fields):
 *  - `CONNECTED` (dir in) `{ remote }`: a connection was accepted from `remote` (`host:port` over
 *    TCP; `<process>:<n>` for in-process clients that name their process).
 *  - `DISCONNECTED` (dir in when the client ended it, out when the gateway did)
 *    `{ reason, by: 'client' | 'gateway', clientIdHeldMs? }`: `clientIdHeldMs` (model ms) is how long
 *    the session's client id stays held after it (0 after a clean close), when it held one.
 *  - `SECDEF_SERVED` (dir out) `{ reqId, waitMs, serviceMs, answered }`: the sec-def queue finished
 *    a contract-details request (model ms waited in the queue and in service); `answered` is false
 *    when its connection had closed meanwhile, so nobody got the answer.
 *  - `GATEWAY_EVENT` (dir out, sessionId 0) `{ event: 'reset' | 'restart' | 'connectivity-lost' |
 *    'connectivity-restored', dataLost? }`: gateway-wide events that drop queued work.
 * A note's `seq` is the seq of the last frame recorded before it (notes do not number themselves).
 */
export const JOURNAL_NOTES = ['CONNECTED', 'DISCONNECTED', 'SECDEF_SERVED', 'GATEWAY_EVENT'] as const;
export type JournalNoteType = (typeof JOURNAL_NOTES)[number];

/** Called with every entry and note as it is recorded; it must not throw (errors are swallowed and counted). */
export type JournalSink = (entry: JournalEntry) => void;

export interface JournalQuery {
  sinceSeq?: number;
  sessionId?: number;
  clientId?: number;
  type?: string;
  dir?: 'in' | 'out';
  limit?: number;
}

export interface JournalLimits {
  /** Longer text fields are cut (a hostile 16 MiB field must not be kept 10,000 times). */
  maxStringLength: number;
  /** Longer lists (bars, descriptions) keep their first items and a count. */
  maxListItems: number;
}

export const DEFAULT_JOURNAL_LIMITS: JournalLimits = { maxStringLength: 1024, maxListItems: 500 };

export class Journal {
  private ring: Array<JournalEntry | undefined>;
  private next = 0;
  private seq = 0;
  /** Whether the ring keeps entries (subscribers are fed either way). */
  enabled: boolean;
  readonly limits: JournalLimits;
  private sinks: JournalSink[] = [];
  /** Subscriber calls that threw (a subscriber bug must not break the gateway's send path). */
  sinkErrors = 0;

  constructor(capacity = 10_000, enabled = true, limits: Partial<JournalLimits> = {}) {
    this.ring = new Array(Math.max(1, capacity));
    this.enabled = enabled;
    this.limits = { ...DEFAULT_JOURNAL_LIMITS, ...limits };
  }

  get capacity(): number {
    return this.ring.length;
  }

  /** Keep one frame and feed it to subscribers; returns its entry (undefined while the journal is off and unsubscribed). */
  record(at: number, sessionId: number, clientId: number | null, dir: 'in' | 'out', message: JournalEntry['message']): JournalEntry | undefined {
    if (!this.enabled && this.sinks.length === 0) return undefined;
    const entry: JournalEntry = { seq: ++this.seq, at, sessionId, clientId, dir, message: this.bounded(message) };
    if (this.enabled) {
      this.ring[this.next] = entry;
      this.next = (this.next + 1) % this.ring.length;
    }
    if (this.sinks.length > 0) this.feed(entry);
    return entry;
  }

  /** A gateway note (see JOURNAL_NOTES): to subscribers only, never into the ring. */
  note(at: number, sessionId: number, clientId: number | null, dir: 'in' | 'out', message: { type: JournalNoteType; [field: string]: unknown }): void {
    if (this.sinks.length === 0) return;
    this.feed({ seq: this.seq, at, sessionId, clientId, dir, message });
  }

  /** Feed every entry and note to `sink` from now on; returns the unsubscribe (harmless twice). */
  subscribe(sink: JournalSink): () => void {
    this.sinks = [...this.sinks, sink];
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  get subscriberCount(): number {
    return this.sinks.length;
  }

  private feed(entry: JournalEntry): void {
    for (const sink of this.sinks) {
      try {
        sink(entry);
      } catch {
        this.sinkErrors++;
      }
    }
  }

  /** The message itself when it is within the limits (the usual case), else a trimmed copy. */
  private bounded(message: JournalEntry['message']): JournalEntry['message'] {
    const { maxStringLength, maxListItems } = this.limits;
    let copy: Record<string, unknown> | undefined;
    // for…in rather than Object.entries: this runs for every frame, and allocates nothing
    // unless a field is over a limit.
    for (const k in message) {
      const v = message[k];
      if (typeof v === 'string' && v.length > maxStringLength) {
        copy ??= { ...message };
        // A slice would keep the whole original string alive in V8; copy the kept part out.
        copy[k] = `${Buffer.from(v.slice(0, maxStringLength), 'utf8').toString('utf8')}… (${v.length} chars)`;
      } else if (Array.isArray(v) && v.length > maxListItems) {
        copy ??= { ...message };
        copy[k] = v.slice(0, maxListItems);
        copy[`${k}Omitted`] = v.length - maxListItems;
      }
    }
    return (copy as JournalEntry['message']) ?? message;
  }

  /** Entries matching the query, oldest first. */
  query(q: JournalQuery = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const e = this.ring[(this.next + i) % this.ring.length];
      if (!e) continue;
      if (q.sinceSeq !== undefined && e.seq <= q.sinceSeq) continue;
      if (q.sessionId !== undefined && e.sessionId !== q.sessionId) continue;
      if (q.clientId !== undefined && e.clientId !== q.clientId) continue;
      if (q.type !== undefined && e.message.type !== q.type) continue;
      if (q.dir !== undefined && e.dir !== q.dir) continue;
      out.push(e);
    }
    return q.limit !== undefined && out.length > q.limit ? out.slice(out.length - q.limit) : out;
  }

  resize(capacity: number): void {
    const kept = this.query();
    this.ring = new Array(Math.max(1, capacity));
    this.next = 0;
    for (const e of kept.slice(-this.ring.length)) {
      this.ring[this.next] = e;
      this.next = (this.next + 1) % this.ring.length;
    }
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.seq = 0;
  }
}
