/**
 * Every frame in and out of the gateway, decoded, in a bounded ring buffer: the simulator's
 * equivalent of a packet capture, readable by tests ("exactly one REQ_CONTRACT_DATA reached the
 * gateway") and by humans (`GET /journal`). When the ring is full the oldest entries go.
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
  enabled: boolean;
  readonly limits: JournalLimits;

  constructor(capacity = 10_000, enabled = true, limits: Partial<JournalLimits> = {}) {
    this.ring = new Array(Math.max(1, capacity));
    this.enabled = enabled;
    this.limits = { ...DEFAULT_JOURNAL_LIMITS, ...limits };
  }

  get capacity(): number {
    return this.ring.length;
  }

  /** Keep one frame; returns its entry (undefined while the journal is off). */
  record(at: number, sessionId: number, clientId: number | null, dir: 'in' | 'out', message: JournalEntry['message']): JournalEntry | undefined {
    if (!this.enabled) return undefined;
    const entry: JournalEntry = { seq: ++this.seq, at, sessionId, clientId, dir, message: this.bounded(message) };
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.ring.length;
    return entry;
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
