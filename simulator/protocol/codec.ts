import type { Field, Gate, MessageDef } from './schema.ts';

/** A message that does not match its declared layout. Names the message and the field. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    /** The request id, when it had been read before the error (so the reply can carry it). */
    readonly reqId?: number,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Server versions from which non-ASCII text is sent as `\uXXXX` escapes (ENCODE_MSG_ASCII7). */
export const ASCII7_SINCE = 153;

/** IB's "unset" sentinels, read as undefined by the opt* kinds. */
const UNSET_DOUBLE = '1.7976931348623157E308';
const UNSET_INT = '2147483647';

const INT_RE = /^-?\d+$/;
const DOUBLE_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function gateOpen(gate: Gate | undefined, version: number, msg: Record<string, unknown>): boolean {
  if (!gate) return true;
  if (gate.since !== undefined && version < gate.since) return false;
  if (gate.before !== undefined && version >= gate.before) return false;
  if (gate.when && !gate.when(msg)) return false;
  return true;
}

/** Escape every non-ASCII UTF-16 unit as `\uXXXX`, as TWS does from v153. */
export function escapeAscii7(text: string): string {
  // Fast path: almost all text is plain ASCII.
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c < 0x80 ? text[i] : `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return out;
}

export interface EncodeOptions {
  /** Escape non-ASCII text (set by the server side for v >= 153). */
  ascii7?: boolean;
}

/** Encode a message object into its wire fields (without NUL terminators or framing). */
export function encodeFields(def: MessageDef, msg: Record<string, unknown>, version: number, opts: EncodeOptions = {}): string[] {
  const out: string[] = [];
  if (def.id !== null) out.push(String(def.id));
  writeFields(def.fields, msg, version, out, opts.ascii7 ?? false, def.type);
  return out;
}

function writeFields(fields: readonly Field[], msg: Record<string, unknown>, version: number, out: string[], ascii7: boolean, where: string): void {
  for (const field of fields) {
    if (!gateOpen(field.gate, version, msg)) continue;
    if (field.kind === 'const') {
      out.push(field.value);
      continue;
    }
    const value = msg[field.name];
    if (field.kind === 'list') {
      const items = (value ?? []) as Array<Record<string, unknown>>;
      if (!Array.isArray(items)) throw new ProtocolError(`${where}.${field.name}: expected a list`);
      out.push(String(items.length));
      for (const item of items) writeFields(field.item, item, version, out, ascii7, `${where}.${field.name}[]`);
      continue;
    }
    out.push(writeScalar(field.kind, value, ascii7, `${where}.${field.name}`));
  }
}

function writeScalar(kind: string, value: unknown, ascii7: boolean, where: string): string {
  switch (kind) {
    case 'str': {
      const s = value === undefined || value === null ? '' : String(value);
      return ascii7 ? escapeAscii7(s) : s;
    }
    case 'bool':
      return value ? '1' : '0';
    case 'int':
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        if (value === undefined) return '0';
        throw new ProtocolError(`${where}: expected a finite number, got ${JSON.stringify(value)}`);
      }
      return kind === 'int' ? String(Math.trunc(value)) : String(value);
    case 'optInt':
    case 'optDouble':
      if (value === undefined || value === null) return '';
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ProtocolError(`${where}: expected a finite number or undefined, got ${JSON.stringify(value)}`);
      }
      return kind === 'optInt' ? String(Math.trunc(value)) : String(value);
    default:
      throw new ProtocolError(`${where}: unknown field kind ${kind}`);
  }
}

export interface DecodeOptions {
  /** Fail when fields are left over after the layout is read (the client-side oracle). */
  strict?: boolean;
}

/**
 * Decode wire fields (field 0 being the message id, unless the def has none) into a message
 * object. Missing trailing fields and malformed numbers raise a ProtocolError naming the field.
 */
export function decodeFields<T = Record<string, unknown>>(def: MessageDef, fields: readonly string[], version: number, opts: DecodeOptions = {}): T {
  const cursor = { pos: def.id === null ? 0 : 1 };
  const msg: Record<string, unknown> = { type: def.type };
  readFields(def.fields, fields, cursor, msg, version, def.type, msg);
  if (opts.strict && cursor.pos < fields.length) {
    throw new ProtocolError(`${def.type}: ${fields.length - cursor.pos} unprocessed field(s) left after the layout for v${version}`, reqIdOf(msg));
  }
  return msg as T;
}

function reqIdOf(msg: Record<string, unknown>): number | undefined {
  return typeof msg.reqId === 'number' ? msg.reqId : undefined;
}

function readFields(
  fields: readonly Field[],
  src: readonly string[],
  cursor: { pos: number },
  target: Record<string, unknown>,
  version: number,
  where: string,
  root: Record<string, unknown>,
): void {
  for (const field of fields) {
    if (!gateOpen(field.gate, version, target)) {
      if (field.kind === 'list') target[field.name] = [];
      else if (field.kind !== 'const') target[field.name] = defaultOf(field.kind);
      continue;
    }
    if (cursor.pos >= src.length) {
      const name = field.kind === 'const' ? 'version' : field.name;
      throw new ProtocolError(`${where}: message ended before field '${name}' (v${version})`, reqIdOf(root));
    }
    const raw = src[cursor.pos++]!;
    if (field.kind === 'const') continue;
    if (field.kind === 'list') {
      const n = parseCount(raw, `${where}.${field.name}`, reqIdOf(root));
      const items: Record<string, unknown>[] = [];
      for (let i = 0; i < n; i++) {
        const item: Record<string, unknown> = {};
        readFields(field.item, src, cursor, item, version, `${where}.${field.name}[${i}]`, root);
        items.push(item);
      }
      target[field.name] = items;
      continue;
    }
    target[field.name] = readScalar(field.kind, raw, `${where}.${field.name}`, reqIdOf(root));
  }
}

function defaultOf(kind: string): unknown {
  switch (kind) {
    case 'int':
    case 'double':
      return 0;
    case 'bool':
      return false;
    case 'str':
      return '';
    default:
      return undefined;
  }
}

function parseCount(raw: string, where: string, reqId: number | undefined): number {
  if (raw === '') return 0;
  if (!INT_RE.test(raw)) throw new ProtocolError(`${where}: count must be an integer, got ${JSON.stringify(raw)}`, reqId);
  const n = Number(raw);
  // A count can never exceed the number of fields a 16 MiB frame could hold.
  if (n < 0 || n > 0xffffff) throw new ProtocolError(`${where}: count ${n} is out of range`, reqId);
  return n;
}

function readScalar(kind: string, raw: string, where: string, reqId: number | undefined): unknown {
  switch (kind) {
    case 'str':
      return raw;
    case 'bool': {
      if (raw === '' || raw === '0') return false;
      if (raw === '1') return true;
      const lower = raw.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw new ProtocolError(`${where}: expected 0 or 1, got ${JSON.stringify(raw)}`, reqId);
    }
    case 'int':
      if (raw === '') return 0;
      if (!INT_RE.test(raw)) throw new ProtocolError(`${where}: expected an integer, got ${JSON.stringify(raw)}`, reqId);
      return Number(raw);
    case 'optInt':
      if (raw === '' || raw === UNSET_INT) return undefined;
      if (!INT_RE.test(raw)) throw new ProtocolError(`${where}: expected an integer, got ${JSON.stringify(raw)}`, reqId);
      return Number(raw);
    case 'double':
      if (raw === '') return 0;
      if (!DOUBLE_RE.test(raw)) throw new ProtocolError(`${where}: expected a number, got ${JSON.stringify(raw)}`, reqId);
      return Number(raw);
    case 'optDouble':
      if (raw === '' || raw === UNSET_DOUBLE) return undefined;
      if (!DOUBLE_RE.test(raw)) throw new ProtocolError(`${where}: expected a number, got ${JSON.stringify(raw)}`, reqId);
      return Number(raw);
    default:
      throw new ProtocolError(`${where}: unknown field kind ${kind}`, reqId);
  }
}
