import type { Field, MessageDef } from './schema.ts';
import { MIN_SERVER_VER_ENCODE_MSG_ASCII7 } from './server-versions.ts';

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

/**
 * Server version from which non-ASCII text is sent as `\uXXXX` escapes
 * (docs/wire-facts/framing.md#text-encoding-and-ascii7-escapes).
 */
export const ASCII7_SINCE = MIN_SERVER_VER_ENCODE_MSG_ASCII7;
export { escapeAscii7 } from '../../common/ib/text.ts';
import { escapeAscii7 } from '../../common/ib/text.ts';

/** IB's "unset" sentinels, read as undefined by the opt* kinds. */
const UNSET_DOUBLE = '1.7976931348623157E308';
const UNSET_INT = '2147483647';

const INT_RE = /^-?\d+$/;

/** A client's bad value, quoted for an error message: bounded, so a huge field cannot make a huge reply. */
export function quote(raw: string, max = 48): string {
  return raw.length <= max ? JSON.stringify(raw) : `${JSON.stringify(raw.slice(0, max))}… (${raw.length} chars)`;
}

/**
 * Integers must be safe JavaScript integers: beyond 2^53 they lose digits, and from 1e21 on they
 * would be echoed back in exponent form, which is not an integer field. (TWS itself parses most of
 * these as 32-bit ints and rejects anything larger.)
 */
function parseInteger(raw: string, where: string, root: Record<string, unknown>): number {
  // Fast path: canonical decimal text ("0", "-12", "265598") round-trips through Number.
  const fast = +raw;
  if (Number.isSafeInteger(fast) && String(fast) === raw) return fast;
  if (!INT_RE.test(raw)) throw new ProtocolError(`${where}: expected an integer, got ${quote(raw)}`, reqIdOf(root));
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new ProtocolError(`${where}: integer ${quote(raw, 24)} is out of range`, reqIdOf(root));
  return n;
}
const DOUBLE_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A message layout resolved for one server version: fields whose version gate is closed are
 * gone, field paths for error messages are built once. Encoding and decoding walk this plan; the
 * table stays the single declaration.
 */
export interface Step {
  kind: Field['kind'];
  name: string;
  /** `msg.field` path used in error messages. */
  where: string;
  value?: string;
  when?: (msg: Record<string, unknown>) => boolean;
  item?: Step[];
  /** Closed by a static gate at this version: only the decoder's default applies. */
  absent: boolean;
}

const plans = new WeakMap<readonly Field[], Map<number, Step[]>>();

function plan(fields: readonly Field[], version: number, where: string): Step[] {
  let byVersion = plans.get(fields);
  if (!byVersion) plans.set(fields, (byVersion = new Map()));
  let steps = byVersion.get(version);
  if (!steps) {
    steps = fields.map((f) => {
      const g = f.gate;
      const absent = (g?.since !== undefined && version < g.since) || (g?.before !== undefined && version >= g.before);
      const name = f.kind === 'const' ? (f.name ?? 'version') : f.name;
      return {
        kind: f.kind,
        name,
        where: `${where}.${name}`,
        absent,
        ...(f.kind === 'const' ? { value: f.value } : {}),
        ...(g?.when ? { when: g.when } : {}),
        ...(f.kind === 'list' ? { item: plan(f.item, version, `${where}.${name}[]`) } : {}),
      };
    });
    byVersion.set(version, steps);
  }
  return steps;
}

export interface EncodeOptions {
  /** Escape non-ASCII text (set by the server side from ASCII7_SINCE, v153). */
  ascii7?: boolean;
}

/** Encode a message object into its wire fields (without NUL terminators or framing). */
export function encodeFields(def: MessageDef, msg: Record<string, unknown>, version: number, opts: EncodeOptions = {}): string[] {
  const out: string[] = [];
  if (def.id !== null) out.push(String(def.id));
  writeFields(plan(def.fields, version, def.type), msg, out, opts.ascii7 ?? false);
  return out;
}

function writeFields(steps: readonly Step[], msg: Record<string, unknown>, out: string[], ascii7: boolean): void {
  for (const step of steps) {
    if (step.absent || (step.when && !step.when(msg))) continue;
    if (step.kind === 'const') {
      out.push(step.value!);
      continue;
    }
    const value = msg[step.name];
    if (step.kind === 'list') {
      const items = (value ?? []) as Array<Record<string, unknown>>;
      if (!Array.isArray(items)) throw new ProtocolError(`${step.where}: expected a list`);
      out.push(String(items.length));
      for (const item of items) writeFields(step.item!, item, out, ascii7);
      continue;
    }
    out.push(writeScalar(step.kind, value, ascii7, step.where));
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
  readFields(plan(def.fields, version, def.type), fields, cursor, msg, version, msg);
  if (opts.strict && cursor.pos < fields.length) {
    throw new ProtocolError(`${def.type}: ${fields.length - cursor.pos} unprocessed field(s) left after the layout for v${version}`, reqIdOf(msg));
  }
  return msg as T;
}

function reqIdOf(msg: Record<string, unknown>): number | undefined {
  return typeof msg.reqId === 'number' ? msg.reqId : undefined;
}

function readFields(
  steps: readonly Step[],
  src: readonly string[],
  cursor: { pos: number },
  target: Record<string, unknown>,
  version: number,
  root: Record<string, unknown>,
): void {
  for (const step of steps) {
    if (step.absent || (step.when && !step.when(target))) {
      if (step.kind === 'list') target[step.name] = [];
      else if (step.kind !== 'const') target[step.name] = defaultOf(step.kind);
      continue;
    }
    if (cursor.pos >= src.length) {
      throw new ProtocolError(`${step.where.slice(0, step.where.lastIndexOf('.'))}: message ended before field '${step.name}' (v${version})`, reqIdOf(root));
    }
    const raw = src[cursor.pos++]!;
    if (step.kind === 'const') continue;
    if (step.kind === 'list') {
      const n = parseCount(raw, step.where, root);
      const items: Record<string, unknown>[] = [];
      for (let i = 0; i < n; i++) {
        const item: Record<string, unknown> = {};
        readFields(step.item!, src, cursor, item, version, root);
        items.push(item);
      }
      target[step.name] = items;
      continue;
    }
    target[step.name] = readScalar(step.kind, raw, step.where, root);
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

function parseCount(raw: string, where: string, root: Record<string, unknown>): number {
  if (raw === '') return 0;
  if (!INT_RE.test(raw)) throw new ProtocolError(`${where}: count must be an integer, got ${quote(raw)}`, reqIdOf(root));
  const n = Number(raw);
  // A count can never exceed the number of fields a 16 MiB frame could hold.
  if (n < 0 || n > 0xffffff) throw new ProtocolError(`${where}: count ${n} is out of range`, reqIdOf(root));
  return n;
}

function readScalar(kind: string, raw: string, where: string, root: Record<string, unknown>): unknown {
  switch (kind) {
    case 'str':
      return raw;
    case 'bool': {
      if (raw === '' || raw === '0') return false;
      if (raw === '1') return true;
      const lower = raw.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw new ProtocolError(`${where}: expected 0 or 1, got ${quote(raw)}`, reqIdOf(root));
    }
    case 'int':
      return raw === '' ? 0 : parseInteger(raw, where, root);
    case 'optInt':
      return raw === '' || raw === UNSET_INT ? undefined : parseInteger(raw, where, root);
    case 'double':
      if (raw === '') return 0;
      return parseDouble(raw, where, root);
    case 'optDouble':
      if (raw === '' || raw === UNSET_DOUBLE) return undefined;
      return parseDouble(raw, where, root);
    default:
      throw new ProtocolError(`${where}: unknown field kind ${kind}`, reqIdOf(root));
  }
}

function parseDouble(raw: string, where: string, root: Record<string, unknown>): number {
  if (!DOUBLE_RE.test(raw)) throw new ProtocolError(`${where}: expected a number, got ${quote(raw)}`, reqIdOf(root));
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new ProtocolError(`${where}: number ${quote(raw, 24)} is out of range`, reqIdOf(root));
  return n;
}
