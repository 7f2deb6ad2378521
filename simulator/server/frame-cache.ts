/**
 * Encoded frames of repeated answers, cached in the TCP send path. The model sends plain message
 * objects; a contract-details answer repeats the same ~60 fields for every request about the same
 * contract, and only its reqId changes. Encoding those fields is most of the cost of an answer, so
 * the frame is built once per (message, version) and later ones get only the new reqId spliced in.
 *
 * A hit requires every declared field to be identical (`===`, lists by identity) to the cached
 * message's, except the varying one: a message that differs in any field the encoder reads is
 * simply encoded afresh. (The encoder reads declared fields only; version gates' `when`
 * conditions read earlier fields of the same message, see protocol/schema.ts.) The cached frame is
 * the codec's own output, so the bytes are exactly what `encodeServerMessage` would give.
 */
import { ASCII7_SINCE, encodeFields, encodeFrame, encodeServerMessage, ServerMessages, type ServerMessage, type ServerMessageType } from '../protocol/index.ts';

/** What is cached: per message type, the field that identifies a body and the one that varies. */
const CACHED: Partial<Record<ServerMessageType, { key: string; varying: string }>> = {
  CONTRACT_DATA: { key: 'conId', varying: 'reqId' },
};

type Fields = Record<string, unknown>;
/** Are all compared fields of `a` and `b` identical? */
type Comparer = (a: Fields, b: Fields) => boolean;

interface Entry {
  source: Fields;
  /** Frame body bytes before the varying field, and after it (NUL terminators included). */
  before: Buffer;
  after: Buffer;
}

interface TypeCache {
  key: string;
  varying: string;
  same: Comparer;
  /** version → key value → the variants seen. */
  byVersion: Map<number, Map<unknown, Entry[]>>;
}

/** Variants kept per key (the same contract answered to different queries); the oldest goes first. */
const VARIANTS = 4;
/** Bound on cached keys per version: beyond it that version's cache starts over (a bounded contract universe stays far below). */
const MAX_KEYS = 20_000;

export class FrameCache {
  private readonly types = new Map<ServerMessageType, TypeCache>();

  /** The frame for `msg` at `version`: from the cache when it can be, else from the codec. */
  encode(msg: ServerMessage, version: number): Buffer {
    const t = this.typeCache(msg.type);
    if (!t) return encodeServerMessage(msg, version);
    const m = msg as unknown as Fields;
    const varying = m[t.varying];
    if (typeof varying !== 'number' || !Number.isSafeInteger(varying)) return encodeServerMessage(msg, version);
    let byKey = t.byVersion.get(version);
    if (!byKey) t.byVersion.set(version, (byKey = new Map()));
    const key = m[t.key];
    const variants = byKey.get(key);
    if (variants) for (const e of variants) if (t.same(m, e.source)) return splice(e, varying);
    const entry = build(msg, version, t.varying, varying);
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

  /** Cached bodies, over every type and version. */
  get size(): number {
    let n = 0;
    for (const t of this.types.values()) for (const byKey of t.byVersion.values()) n += byKey.size;
    return n;
  }

  private typeCache(type: ServerMessageType): TypeCache | undefined {
    const rule = CACHED[type];
    if (!rule) return undefined;
    let t = this.types.get(type);
    if (!t) {
      const names = ServerMessages[type].fields.flatMap((f) => (f.kind === 'const' || f.name === rule.varying ? [] : [f.name]));
      this.types.set(type, (t = { ...rule, same: comparer(names), byVersion: new Map() }));
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
  return { source, before: part(a.slice(0, at)), after: part(a.slice(at + 1)) };
}
function splice(e: Entry, value: number): Buffer {
  const text = String(value);
  const length = e.before.length + text.length + 1 + e.after.length;
  const out = Buffer.allocUnsafe(4 + length);
  out.writeUInt32BE(length, 0);
  e.before.copy(out, 4);
  let at = 4 + e.before.length;
  at += out.write(text, at, 'latin1');
  out[at++] = 0;
  e.after.copy(out, at);
  return out;
}
