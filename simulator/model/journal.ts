/**
 * Every frame in and out of the gateway, decoded, in a bounded ring buffer: the simulator's
 * equivalent of a packet capture, readable by tests ("exactly one REQ_CONTRACT_DATA reached the
 * gateway") and by humans (`GET /journal`, in pages). Bounded in entries and in bytes: when
 * either is reached the oldest entries go.
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

/** Entries kept by default (`--journal-size`, `PATCH /journal {capacity}`). */
export const DEFAULT_JOURNAL_CAPACITY = 10_000;
/** Upper bound on the entries: the ring's slots are allocated up front. */
export const MAX_JOURNAL_CAPACITY = 1_000_000;
/**
 * Bytes kept by default, counted as the entries' JSON size (estimated, see `estimateJsonBytes`);
 * the JavaScript objects take two to three times that (`--journal-bytes`, `PATCH /journal {maxBytes}`).
 */
export const DEFAULT_JOURNAL_BYTES = 32 * 1024 * 1024;
export const MAX_JOURNAL_BYTES = 1024 * 1024 * 1024;

/** One page of journal entries, oldest first, and where the next page starts (null: no more). */
export interface JournalPage {
  entries: JournalEntry[];
  /** Pass as `sinceSeq` to get the next page; null when nothing more matched. */
  nextSinceSeq: number | null;
}

/** Bounds of one page: entries, and their estimated JSON bytes (a page holds at least one entry). */
export interface PageBounds {
  maxEntries: number;
  maxBytes: number;
}

/** The seq, at, ids and dir of an entry, as JSON. */
const ENTRY_OVERHEAD = 80;
/** Lists longer than this are estimated from their first items. */
const SAMPLED_ITEMS = 16;

/**
 * The approximate size of a value as JSON, in bytes: close enough to bound memory by, cheap
 * enough to run for every frame (long lists are sampled, deep nesting is cut off).
 */
export function estimateJsonBytes(v: unknown, depth = 0): number {
  switch (typeof v) {
    case 'string':
      return v.length + 2;
    case 'boolean':
      return 5;
    case 'undefined':
      return 0;
    case 'object': {
      if (v === null) return 4;
      if (depth > 8) return 64;
      if (Array.isArray(v)) {
        const sampled = Math.min(v.length, SAMPLED_ITEMS);
        let bytes = 0;
        for (let i = 0; i < sampled; i++) bytes += estimateJsonBytes(v[i], depth + 1) + 1;
        return 2 + (sampled < v.length ? Math.ceil((bytes * v.length) / sampled) : bytes);
      }
      let bytes = 2;
      for (const k in v) bytes += k.length + 4 + estimateJsonBytes((v as Record<string, unknown>)[k], depth + 1);
      return bytes;
    }
    default:
      return 8;
  }
}

/**
 * The ring: at most `capacity` entries and at most `maxBytes` (estimated JSON) of them; when
 * either is full the oldest entries go. Reading is by query (in process) or by bounded pages
 * (`GET /journal`), so no single answer can be larger than a page.
 */
export class Journal {
  private ring: Array<JournalEntry | undefined>;
  private sizes: Float64Array;
  /** Slot of the oldest entry. */
  private head = 0;
  private count = 0;
  private totalBytes = 0;
  private seq = 0;
  /** Whether the ring keeps entries (subscribers are fed either way). */
  enabled: boolean;
  private _maxBytes: number;
  readonly limits: JournalLimits;
  private sinks: JournalSink[] = [];
  /** Subscriber calls that threw (a subscriber bug must not break the gateway's send path). */
  sinkErrors = 0;

  constructor(capacity = DEFAULT_JOURNAL_CAPACITY, enabled = true, limits: Partial<JournalLimits & { maxBytes: number }> = {}) {
    const { maxBytes, ...perEntry } = limits;
    this.ring = new Array(Math.max(1, capacity));
    this.sizes = new Float64Array(this.ring.length);
    this.enabled = enabled;
    this._maxBytes = maxBytes ?? DEFAULT_JOURNAL_BYTES;
    this.limits = { ...DEFAULT_JOURNAL_LIMITS, ...perEntry };
  }

  get capacity(): number {
    return this.ring.length;
  }

  /** Bytes (estimated JSON) the entries may take together; the oldest go first. */
  get maxBytes(): number {
    return this._maxBytes;
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

  /** Entries held now. */
  get size(): number {
    return this.count;
  }

  /** Estimated JSON bytes of the entries held now. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Keep one frame and feed it to subscribers; returns its entry (undefined while the journal is off and unsubscribed). */
  record(at: number, sessionId: number, clientId: number | null, dir: 'in' | 'out', message: JournalEntry['message']): JournalEntry | undefined {
    if (!this.enabled && this.sinks.length === 0) return undefined;
    const kept = this.bounded(message);
    const entry: JournalEntry = { seq: ++this.seq, at, sessionId, clientId, dir, message: kept.message };
    if (this.enabled) {
      if (this.count === this.ring.length) this.dropOldest();
      const slot = (this.head + this.count) % this.ring.length;
      this.ring[slot] = entry;
      this.sizes[slot] = kept.bytes;
      this.count++;
      this.totalBytes += kept.bytes;
      this.trimToBytes();
    }
    if (this.sinks.length > 0) this.feed(entry);
    return entry;
  }

  private dropOldest(): void {
    this.totalBytes -= this.sizes[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.count--;
  }

  /** Drop the oldest entries until the bytes fit (the newest entry always stays). */
  private trimToBytes(): void {
    while (this.totalBytes > this._maxBytes && this.count > 1) this.dropOldest();
  }

  /**
   * The message itself when it is within the limits (the usual case), else a trimmed copy; and
   * its estimated size as a journal entry.
   */
  private bounded(message: JournalEntry['message']): { message: JournalEntry['message']; bytes: number } {
    const { maxStringLength, maxListItems } = this.limits;
    let copy: Record<string, unknown> | undefined;
    let bytes = ENTRY_OVERHEAD;
    // for…in rather than Object.entries: this runs for every frame, and allocates nothing
    // unless a field is over a limit.
    for (const k in message) {
      const v = message[k];
      if (typeof v === 'string' && v.length > maxStringLength) {
        copy ??= { ...message };
        // A slice would keep the whole original string alive in V8; copy the kept part out.
        const cut = `${Buffer.from(v.slice(0, maxStringLength), 'utf8').toString('utf8')}… (${v.length} chars)`;
        copy[k] = cut;
        bytes += k.length + 4 + cut.length + 2;
      } else if (Array.isArray(v) && v.length > maxListItems) {
        copy ??= { ...message };
        const items = v.slice(0, maxListItems);
        copy[k] = items;
        copy[`${k}Omitted`] = v.length - maxListItems;
        bytes += 2 * k.length + 20 + estimateJsonBytes(items, 1);
      } else {
        bytes += k.length + 4 + estimateJsonBytes(v, 1);
      }
    }
    return { message: (copy as JournalEntry['message']) ?? message, bytes };
  }

  private matches(e: JournalEntry, q: JournalQuery): boolean {
    if (q.sinceSeq !== undefined && e.seq <= q.sinceSeq) return false;
    if (q.sessionId !== undefined && e.sessionId !== q.sessionId) return false;
    if (q.clientId !== undefined && e.clientId !== q.clientId) return false;
    if (q.type !== undefined && e.message.type !== q.type) return false;
    if (q.dir !== undefined && e.dir !== q.dir) return false;
    return true;
  }

  private at(i: number): JournalEntry {
    return this.ring[(this.head + i) % this.ring.length]!;
  }

  /** Entries matching the query, oldest first; with `limit`, the newest `limit` of them. */
  query(q: JournalQuery = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.count; i++) {
      const e = this.at(i);
      if (this.matches(e, q)) out.push(e);
    }
    return q.limit !== undefined && out.length > q.limit ? out.slice(out.length - q.limit) : out;
  }

  /**
   * One bounded page of `query(q)`, oldest first. Without `limit`: the oldest matching entries
   * after `sinceSeq`, as many as `bounds` allow, and the `nextSinceSeq` to continue from. With
   * `limit`: the newest `limit` matching entries (fewer if `bounds` are reached), no continuation.
   */
  page(q: JournalQuery, bounds: PageBounds): JournalPage {
    const entries: JournalEntry[] = [];
    let bytes = 0;
    const full = (i: number) =>
      entries.length >= bounds.maxEntries || (entries.length > 0 && bytes + this.sizes[(this.head + i) % this.ring.length]! > bounds.maxBytes);
    if (q.limit !== undefined) {
      const want = Math.min(q.limit, bounds.maxEntries);
      for (let i = this.count - 1; i >= 0 && entries.length < want; i--) {
        const e = this.at(i);
        if (!this.matches(e, q)) continue;
        if (full(i)) break;
        entries.push(e);
        bytes += this.sizes[(this.head + i) % this.ring.length]!;
      }
      return { entries: entries.reverse(), nextSinceSeq: null };
    }
    for (let i = 0; i < this.count; i++) {
      const e = this.at(i);
      if (!this.matches(e, q)) continue;
      if (full(i)) return { entries, nextSinceSeq: entries.at(-1)!.seq };
      entries.push(e);
      bytes += this.sizes[(this.head + i) % this.ring.length]!;
    }
    return { entries, nextSinceSeq: null };
  }

  resize(capacity: number): void {
    const kept = this.query();
    const keptSizes = kept.map((_, i) => this.sizes[(this.head + i) % this.ring.length]!);
    this.ring = new Array(Math.max(1, capacity));
    this.sizes = new Float64Array(this.ring.length);
    this.head = 0;
    this.count = 0;
    this.totalBytes = 0;
    const from = Math.max(0, kept.length - this.ring.length);
    for (let i = from; i < kept.length; i++) {
      this.ring[this.count] = kept[i];
      this.sizes[this.count] = keptSizes[i]!;
      this.totalBytes += keptSizes[i]!;
      this.count++;
    }
    this.trimToBytes();
  }

  /** Change the byte bound; entries beyond it go at once, oldest first. */
  setMaxBytes(maxBytes: number): void {
    this._maxBytes = maxBytes;
    this.trimToBytes();
  }

  clear(): void {
    this.ring.fill(undefined);
    this.sizes.fill(0);
    this.head = 0;
    this.count = 0;
    this.totalBytes = 0;
    this.seq = 0;
  }
}
