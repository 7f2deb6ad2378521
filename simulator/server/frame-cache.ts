/**
 * Encoded frames of repeated answers, cached in the TCP send path. The model sends plain message
 * objects; many of them repeat the fields of an earlier one with only the reqId changed, and
 * encoding those fields is most of the cost of a frame, so the frame is built once per (message,
 * version) and later ones get only the new reqId spliced in:
 *  - a contract-details answer repeats the same ~60 fields for every request about the same
 *    contract (cached per conId, a few variants each);
 *  - a tick (TICK_PRICE / TICK_SIZE / TICK_STRING / TICK_GENERIC) goes with the same fields to
 *    every streaming line of its instrument in a 250 ms step — 80 lines each when 3,200 lines
 *    share 40 stocks (cached in a small two-way hashed table per type and version: a new body
 *    takes the less recently used of its two slots, so the table stays bounded).
 *
 * A hit requires every declared field to be identical (`===`, lists by identity) to the cached
 * message's, except the varying one: a message that differs in any field the encoder reads is
 * simply encoded afresh. (The encoder reads declared fields only; version gates' `when`
 * conditions read earlier fields of the same message, see protocol/schema.ts.) The cached frame is
 * the codec's own output, so the bytes are exactly what `encodeServerMessage` would give.
 */
import { ASCII7_SINCE, encodeFields, encodeFrame, encodeServerMessage, ServerMessages, type ServerMessage, type ServerMessageType } from '../protocol/index.ts';

type Fields = Record<string, unknown>;

/**
 * What is cached: per message type the field that varies, and either the field that identifies a
 * body (`key`: kept per key value, a few variants each) or a hash of the fields (`hash`: two
 * slots per hash value in a fixed table).
 */
type Rule = { varying: string } & ({ key: string; hash?: never } | { hash: (m: Fields) => number; key?: never });

/** A cheap hash of a tick's fields, in 32 bits (a collision only costs a miss). */
const num = (v: unknown) => (typeof v === 'number' ? (v * 4096) | 0 : 0);
const mix = (h: number, v: number) => {
  const x = Math.imul(h ^ v, 0x9e3779b1);
  return x ^ (x >>> 15);
};
const text = (v: unknown) => {
  if (typeof v !== 'string' || v.length === 0) return 0;
  return v.length + (v.charCodeAt(v.length - 1) << 8) + (v.charCodeAt(v.length - 2) << 16) + (v.charCodeAt(v.length >> 1) << 24);
};

const CACHED: Partial<Record<ServerMessageType, Rule>> = {
  CONTRACT_DATA: { key: 'conId', varying: 'reqId' },
  TICK_PRICE: { hash: (m) => mix(mix(num(m.tickType), num(m.price)), num(m.size)), varying: 'reqId' },
  TICK_SIZE: { hash: (m) => mix(num(m.tickType), num(m.size)), varying: 'reqId' },
  TICK_GENERIC: { hash: (m) => mix(num(m.tickType), num(m.value)), varying: 'reqId' },
  TICK_STRING: { hash: (m) => mix(num(m.tickType), text(m.value)), varying: 'reqId' },
};
/** Are all compared fields of `a` and `b` identical? */
type Comparer = (a: Fields, b: Fields) => boolean;

interface Entry {
  source: Fields;
  /** Frame body bytes before the varying field, and after it (NUL terminators included). */
  before: Buffer;
  after: Buffer;
  /** When it was last used (hashed tables). */
  used: number;
}

interface TypeCache {
  rule: Rule;
  same: Comparer;
  /** version → key value → the variants seen (rules with a key). */
  byVersion: Map<number, Map<unknown, Entry[]>>;
  /** version → slots (rules with a hash). */
  slotsByVersion: Map<number, Array<Entry | undefined>>;
}

/** Variants kept per key (the same contract answered to different queries); the oldest goes first. */
const VARIANTS = 4;
/** Bound on cached keys per version: beyond it that version's cache starts over (a bounded contract universe stays far below). */
const MAX_KEYS = 20_000;
/**
 * Slots of a hashed table, by their hash's top bits: room for the ticks of a few hundred
 * instruments in one step. Two-way: a body may sit in its slot or the next (slot ^ 1), the one
 * not used last is replaced, so two bodies that share a slot do not evict each other on every use.
 */
const SLOT_BITS = 12;

export class FrameCache {
  private readonly types = new Map<ServerMessageType, TypeCache>();
  /** A counter stamped on hashed entries when used, to replace the one used least recently. */
  private uses = 0;

  /** The frame for `msg` at `version`: from the cache when it can be, else from the codec. */
  encode(msg: ServerMessage, version: number): Buffer {
    const t = this.typeCache(msg.type);
    if (!t) return encodeServerMessage(msg, version);
    const m = msg as unknown as Fields;
    const { rule } = t;
    const varying = m[rule.varying];
    if (typeof varying !== 'number' || !Number.isSafeInteger(varying)) return encodeServerMessage(msg, version);
    if (rule.hash) return this.hashed(t, rule.hash, m, version, varying);
    let byKey = t.byVersion.get(version);
    if (!byKey) t.byVersion.set(version, (byKey = new Map()));
    const key = m[rule.key];
    const variants = byKey.get(key);
    if (variants) for (const e of variants) if (t.same(m, e.source)) return splice(e, varying);
    const entry = build(msg, version, rule.varying, varying);
    if (!entry) return encodeServerMessage(msg, version);
    if (!variants) {
      if (byKey.size >= MAX_KEYS) byKey.clear();
      byKey.set(key, [entry]);
    } else {
      if (variants.length >= VARIANTS) variants.shift();
      variants.push(entry);
    }
    return splice(entry, varying);
  }

  private hashed(t: TypeCache, hash: (m: Fields) => number, m: Fields, version: number, varying: number): Buffer {
    let slots = t.slotsByVersion.get(version);
    if (!slots) t.slotsByVersion.set(version, (slots = new Array<Entry | undefined>(1 << SLOT_BITS).fill(undefined)));
    const slot = hash(m) >>> (32 - SLOT_BITS);
    const first = slots[slot];
    if (first && t.same(m, first.source)) {
      first.used = ++this.uses;
      return splice(first, varying);
    }
    const second = slots[slot ^ 1];
    if (second && t.same(m, second.source)) {
      second.used = ++this.uses;
      return splice(second, varying);
    }
    const msg = m as unknown as ServerMessage;
    const entry = build(msg, version, t.rule.varying, varying);
    if (!entry) return encodeServerMessage(msg, version);
    entry.used = ++this.uses;
    slots[!first || (second && first.used < second.used) ? slot : slot ^ 1] = entry;
    return splice(entry, varying);
  }

  /** Cached bodies, over every type and version. */
  get size(): number {
    let n = 0;
    for (const t of this.types.values()) {
      for (const byKey of t.byVersion.values()) n += byKey.size;
      for (const slots of t.slotsByVersion.values()) for (const e of slots) if (e) n++;
    }
    return n;
  }

  private typeCache(type: ServerMessageType): TypeCache | undefined {
    const rule = CACHED[type];
    if (!rule) return undefined;
    let t = this.types.get(type);
    if (!t) {
      const names = ServerMessages[type].fields.flatMap((f) => (f.kind === 'const' || f.name === rule.varying ? [] : [f.name]));
      this.types.set(type, (t = { rule, same: comparer(names), byVersion: new Map(), slotsByVersion: new Map() }));
    }
    return t;
  }
}

/**
 * A comparer of the named fields, written out as straight-line code: V8 reads constant property
 * names through inline caches, several times faster than a loop over a list of names (this runs
 * for every answer sent). The names come from the message declarations, never from input.
 */
function comparer(names: readonly string[]): Comparer {
  const body = names.map((k) => `a[${JSON.stringify(k)}] === b[${JSON.stringify(k)}]`).join(' && ') || 'true';
  return new Function('a', 'b', `return ${body};`) as Comparer;
}

/** Encode once, and find where the varying field sits by encoding it with another value. */
function build(msg: ServerMessage, version: number, varying: string, value: number): Entry | undefined {
  const def = ServerMessages[msg.type];
  const source = { ...(msg as unknown as Fields) };
  const a = encodeFields(def, source, version);
  const b = encodeFields(def, { ...source, [varying]: value + 1 }, version);
  const at = a.findIndex((f, i) => f !== b[i]);
  if (at < 0 || a.length !== b.length || a[at] !== String(value)) return undefined;
  const ascii7 = version >= ASCII7_SINCE;
  const part = (fields: string[]) => (fields.length === 0 ? Buffer.alloc(0) : encodeFrame(fields, { ascii7 }).subarray(4));
  return { source, before: part(a.slice(0, at)), after: part(a.slice(at + 1)), used: 0 };
}
/**
 * The cached body with `value` spliced in, as a frame. Bodies are a few dozen bytes: copied byte
 * by byte, which is cheaper than Buffer.copy's native call at that size (this runs for every tick).
 */
function splice(e: Entry, value: number): Buffer {
  const text = String(value);
  const { before, after } = e;
  const length = before.length + text.length + 1 + after.length;
  const out = Buffer.allocUnsafe(4 + length);
  out.writeUInt32BE(length, 0);
  let at = 4;
  for (let i = 0; i < before.length; i++) out[at++] = before[i]!;
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  out[at++] = 0;
  for (let i = 0; i < after.length; i++) out[at++] = after[i]!;
  return out;
}
