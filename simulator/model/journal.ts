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

/** Numbers kept per slot for a tick frame. */
const NUMS = 5;
const TICK_PRICE = 1;
const TICK_SIZE = 2;
const TICK_STRING = 3;
const TICK_GENERIC = 4;
/** Message type of each tick kind (index 0: not a tick). */
const TICK_TYPES = ['', 'TICK_PRICE', 'TICK_SIZE', 'TICK_STRING', 'TICK_GENERIC'] as const;

/** The fields of the four tick messages (simulator/protocol/server/market-data.ts). */
interface PackedTick {
  reqId: number;
  tickType: number;
  price?: number;
  size?: number;
  attrMask?: number;
  value?: number | string;
}

const isNum = (v: unknown): v is number => typeof v === 'number';

/**
 * The tick kind `message` can be kept as (numbers only), or 0 to keep the object: only a tick with
 * exactly the fields the model sends, each of the expected type, so the rebuilt message is equal.
 */
function tickKindOf(message: JournalEntry['message'], maxStringLength: number): number {
  const m = message as unknown as PackedTick & { type: string };
  switch (m.type) {
    case 'TICK_PRICE':
      return isNum(m.reqId) &&
        isNum(m.tickType) &&
        isNum(m.price) &&
        (m.size === undefined || (isNum(m.size) && !Number.isNaN(m.size))) &&
        isNum(m.attrMask) &&
        fieldCount(m) === 6
        ? TICK_PRICE
        : 0;
    case 'TICK_SIZE':
      return isNum(m.reqId) && isNum(m.tickType) && isNum(m.size) && fieldCount(m) === 4 ? TICK_SIZE : 0;
    case 'TICK_GENERIC':
      return isNum(m.reqId) && isNum(m.tickType) && isNum(m.value) && fieldCount(m) === 4 ? TICK_GENERIC : 0;
    case 'TICK_STRING':
      return isNum(m.reqId) && isNum(m.tickType) && typeof m.value === 'string' && m.value.length <= maxStringLength && fieldCount(m) === 4 ? TICK_STRING : 0;
    default:
      return 0;
  }
}

/** A message's estimated JSON bytes as a journal entry, as `Journal.bounded` counts them for one within the limits. */
function entryBytes(message: Record<string, unknown>): number {
  let bytes = ENTRY_OVERHEAD;
  for (const k in message) bytes += k.length + 4 + estimateJsonBytes(message[k], 1);
  return bytes;
}

/** Entry bytes of each tick kind with every number present and an empty TICK_STRING value. */
const TICK_BYTES = [
  0,
  entryBytes({ type: 'TICK_PRICE', reqId: 0, tickType: 0, price: 0, size: 0, attrMask: 0 }),
  entryBytes({ type: 'TICK_SIZE', reqId: 0, tickType: 0, size: 0 }),
  entryBytes({ type: 'TICK_STRING', reqId: 0, tickType: 0, value: '' }),
  entryBytes({ type: 'TICK_GENERIC', reqId: 0, tickType: 0, value: 0 }),
];

/** What `entryBytes` gives for a tick `tickKindOf` accepted, without walking it. */
function tickBytes(kind: number, message: JournalEntry['message']): number {
  const m = message as unknown as PackedTick;
  if (kind === TICK_STRING) return TICK_BYTES[kind]! + (m.value as string).length;
  if (kind === TICK_PRICE && m.size === undefined) return TICK_BYTES[kind]! - estimateJsonBytes(0, 1);
  return TICK_BYTES[kind]!;
}

function fieldCount(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

/**
 * The ring: at most `capacity` entries and at most `maxBytes` (estimated JSON) of them; when
 * either is full the oldest entries go. Reading is by query (in process) or by bounded pages
 * (`GET /journal`), so no single answer can be larger than a page.
 *
 * Kept as columns (typed arrays for the numbers, one array of message references), not as one
 * object per entry: at 50,000 frames a second (32 clients × 100 streaming lines) an entry object
 * per frame, and a closure per frame to mark it withheld, were most of what recording cost
 * (simulator/bench/market-data-fanout.ts `--journal on|off`). Entries are built when read.
 */
export class Journal {
  private messages!: Array<JournalEntry['message'] | undefined>;
  /**
   * Tick frames are kept as numbers, not as their message objects (kinds TICK_PRICE…TICK_GENERIC
   * above): 0 = the message is in `messages`; otherwise its tick kind, its fields in `nums`
   * (TICK_STRING's value stays in `messages`). Holding 10,000 message objects made every
   * young-generation GC copy them.
   */
  private tickKinds!: Uint8Array;
  /** reqId, tickType, price | size | value, TICK_PRICE's size (NaN: none), attrMask: NUMS per slot. */
  private nums!: Float64Array;
  /** Sparse: the reason a fault withheld the frame in that slot. */
  private withheldBy!: Array<string | undefined>;
  private seqs!: Float64Array;
  private ats!: Float64Array;
  private sessionIds!: Float64Array;
  /** NaN for null. */
  private clientIds!: Float64Array;
  /** 0 in, 1 out. */
  private dirs!: Uint8Array;
  private sizes!: Float64Array;
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
    this.allocate(capacity);
    this.enabled = enabled;
    this._maxBytes = maxBytes ?? DEFAULT_JOURNAL_BYTES;
    this.limits = { ...DEFAULT_JOURNAL_LIMITS, ...perEntry };
  }

  private allocate(capacity: number): void {
    const n = Math.max(1, capacity);
    this.messages = new Array(n);
    this.withheldBy = new Array(n);
    this.tickKinds = new Uint8Array(n);
    this.nums = new Float64Array(n * NUMS);
    this.seqs = new Float64Array(n);
    this.ats = new Float64Array(n);
    this.sessionIds = new Float64Array(n);
    this.clientIds = new Float64Array(n);
    this.dirs = new Uint8Array(n);
    this.sizes = new Float64Array(n);
    this.head = 0;
    this.count = 0;
    this.totalBytes = 0;
  }

  get capacity(): number {
    return this.messages.length;
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

  /**
   * Keep one frame and feed it to subscribers. Returns its seq, to mark it withheld later
   * (`markWithheld`), or 0 while the journal is off and unsubscribed (nothing recorded).
   */
  record(at: number, sessionId: number, clientId: number | null, dir: 'in' | 'out', message: JournalEntry['message']): number {
    if (!this.enabled && this.sinks.length === 0) return 0;
    const seq = ++this.seq;
    // A tick of the usual shape is within every limit and its size is known without a walk.
    const kind = tickKindOf(message, this.limits.maxStringLength);
    const kept = kind === 0 ? this.bounded(message) : { message, bytes: tickBytes(kind, message) };
    if (this.enabled) {
      if (this.count === this.messages.length) this.dropOldest();
      this.append(seq, at, sessionId, clientId, dir, kept.message, kind, kept.bytes, undefined);
      this.trimToBytes();
    }
    if (this.sinks.length > 0) this.feed({ seq, at, sessionId, clientId, dir, message: kept.message });
    return seq;
  }

  /**
   * A fault kept frame `seq` (from `record`) from its client, for `reason`: the entry reads
   * `withheld: reason` from now on. A frame no longer in the ring, or seq 0, is ignored.
   */
  markWithheld(seq: number, reason: string): void {
    if (seq <= 0) return;
    // Seqs rise along the ring but may skip: frames recorded while `enabled` was off (fed to
    // subscribers only) took seqs too. So search, rather than count from the oldest.
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[(this.head + mid) % this.messages.length]! < seq) lo = mid + 1;
      else hi = mid;
    }
    const slot = (this.head + lo) % this.messages.length;
    if (lo < this.count && this.seqs[slot] === seq) this.withheldBy[slot] = reason;
  }

  private dropOldest(): void {
    const h = this.head;
    this.totalBytes -= this.sizes[h]!;
    this.messages[h] = undefined;
    this.withheldBy[h] = undefined;
    this.head = (h + 1) % this.messages.length;
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

  /**
   * Put one entry after the newest (the caller has made room); `kind` from tickKindOf, `bytes` its
   * size. The fields come one by one, not as an entry object: this runs for every frame.
   */
  private append(
    seq: number,
    at: number,
    sessionId: number,
    clientId: number | null,
    dir: 'in' | 'out',
    message: JournalEntry['message'],
    kind: number,
    bytes: number,
    withheld: string | undefined,
  ): void {
    const slot = (this.head + this.count) % this.messages.length;
    this.keepMessage(slot, message, kind);
    this.withheldBy[slot] = withheld;
    this.seqs[slot] = seq;
    this.ats[slot] = at;
    this.sessionIds[slot] = sessionId;
    this.clientIds[slot] = clientId ?? Number.NaN;
    this.dirs[slot] = dir === 'in' ? 0 : 1;
    this.sizes[slot] = bytes;
    this.count++;
    this.totalBytes += bytes;
  }

  /** Store `message` in `slot`: as numbers when it is a tick of the usual shape, else by reference. */
  private keepMessage(slot: number, message: JournalEntry['message'], kind: number): void {
    this.tickKinds[slot] = kind;
    if (kind === 0) {
      this.messages[slot] = message;
      return;
    }
    const m = message as unknown as PackedTick;
    const o = slot * NUMS;
    this.nums[o] = m.reqId;
    this.nums[o + 1] = m.tickType;
    if (kind === TICK_PRICE) {
      this.nums[o + 2] = m.price!;
      this.nums[o + 3] = m.size ?? Number.NaN;
      this.nums[o + 4] = m.attrMask!;
      this.messages[slot] = undefined;
    } else if (kind === TICK_SIZE) {
      this.nums[o + 2] = m.size!;
      this.messages[slot] = undefined;
    } else if (kind === TICK_GENERIC) {
      this.nums[o + 2] = m.value as number;
      this.messages[slot] = undefined;
    } else {
      // TICK_STRING: the value string is shared by every line of an instrument's step.
      this.messages[slot] = m.value as unknown as JournalEntry['message'];
    }
  }

  private typeAt(slot: number): string {
    const kind = this.tickKinds[slot]!;
    return kind === 0 ? this.messages[slot]!.type : TICK_TYPES[kind]!;
  }

  /** The message in `slot`, rebuilt when it was kept as numbers (fields in the codec's order). */
  private messageAt(slot: number): JournalEntry['message'] {
    const kind = this.tickKinds[slot]!;
    if (kind === 0) return this.messages[slot]!;
    const o = slot * NUMS;
    const reqId = this.nums[o]!;
    const tickType = this.nums[o + 1]!;
    if (kind === TICK_PRICE) {
      const size = this.nums[o + 3]!;
      return { type: 'TICK_PRICE', reqId, tickType, price: this.nums[o + 2]!, size: Number.isNaN(size) ? undefined : size, attrMask: this.nums[o + 4]! };
    }
    if (kind === TICK_SIZE) return { type: 'TICK_SIZE', reqId, tickType, size: this.nums[o + 2]! };
    if (kind === TICK_GENERIC) return { type: 'TICK_GENERIC', reqId, tickType, value: this.nums[o + 2]! };
    return { type: 'TICK_STRING', reqId, tickType, value: this.messages[slot] as unknown as string };
  }

  /** The entry in ring position `i` (0 = oldest), built from the columns. */
  private at(i: number): JournalEntry {
    const slot = (this.head + i) % this.messages.length;
    const clientId = this.clientIds[slot]!;
    const withheld = this.withheldBy[slot];
    const entry: JournalEntry = {
      seq: this.seqs[slot]!,
      at: this.ats[slot]!,
      sessionId: this.sessionIds[slot]!,
      clientId: Number.isNaN(clientId) ? null : clientId,
      dir: this.dirs[slot] === 0 ? 'in' : 'out',
      message: this.messageAt(slot),
    };
    if (withheld !== undefined) entry.withheld = withheld;
    return entry;
  }

  /** Whether ring position `i` matches `q`, read from the columns (no entry is built). */
  private matchesAt(i: number, q: JournalQuery): boolean {
    const slot = (this.head + i) % this.messages.length;
    if (q.sinceSeq !== undefined && this.seqs[slot]! <= q.sinceSeq) return false;
    if (q.sessionId !== undefined && this.sessionIds[slot] !== q.sessionId) return false;
    if (q.clientId !== undefined && this.clientIds[slot] !== q.clientId) return false;
    if (q.type !== undefined && this.typeAt(slot) !== q.type) return false;
    if (q.dir !== undefined && this.dirs[slot] !== (q.dir === 'in' ? 0 : 1)) return false;
    return true;
  }

  /** Entries matching the query, oldest first; with `limit`, the newest `limit` of them. */
  query(q: JournalQuery = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    if (q.limit !== undefined) {
      for (let i = this.count - 1; i >= 0 && out.length < q.limit; i--) if (this.matchesAt(i, q)) out.push(this.at(i));
      return out.reverse();
    }
    for (let i = 0; i < this.count; i++) if (this.matchesAt(i, q)) out.push(this.at(i));
    return out;
  }

  /**
   * One bounded page of `query(q)`, oldest first. Without `limit`: the oldest matching entries
   * after `sinceSeq`, as many as `bounds` allow, and the `nextSinceSeq` to continue from. With
   * `limit`: the newest `limit` matching entries (fewer if `bounds` are reached), no continuation.
   */
  page(q: JournalQuery, bounds: PageBounds): JournalPage {
    const entries: JournalEntry[] = [];
    let bytes = 0;
    const sizeAt = (i: number) => this.sizes[(this.head + i) % this.messages.length]!;
    const full = (i: number) => entries.length >= bounds.maxEntries || (entries.length > 0 && bytes + sizeAt(i) > bounds.maxBytes);
    if (q.limit !== undefined) {
      const want = Math.min(q.limit, bounds.maxEntries);
      for (let i = this.count - 1; i >= 0 && entries.length < want; i--) {
        if (!this.matchesAt(i, q)) continue;
        if (full(i)) break;
        entries.push(this.at(i));
        bytes += sizeAt(i);
      }
      return { entries: entries.reverse(), nextSinceSeq: null };
    }
    for (let i = 0; i < this.count; i++) {
      if (!this.matchesAt(i, q)) continue;
      if (full(i)) return { entries, nextSinceSeq: entries.at(-1)!.seq };
      entries.push(this.at(i));
      bytes += sizeAt(i);
    }
    return { entries, nextSinceSeq: null };
  }

  /** Keep at most `capacity` entries from now on; the newest stay. */
  resize(capacity: number): void {
    const from = Math.max(0, this.count - Math.max(1, capacity));
    const kept = Array.from({ length: this.count - from }, (_, k) => {
      const i = from + k;
      return { entry: this.at(i), bytes: this.sizes[(this.head + i) % this.messages.length]! };
    });
    this.allocate(capacity);
    // Already within the limits when recorded: only the kind is read again.
    for (const { entry: e, bytes } of kept)
      this.append(e.seq, e.at, e.sessionId, e.clientId, e.dir, e.message, tickKindOf(e.message, Number.POSITIVE_INFINITY), bytes, e.withheld);
    this.trimToBytes();
  }

  /** Change the byte bound; entries beyond it go at once, oldest first. */
  setMaxBytes(maxBytes: number): void {
    this._maxBytes = maxBytes;
    this.trimToBytes();
  }

  clear(): void {
    this.allocate(this.messages.length);
    this.seq = 0;
  }
}
