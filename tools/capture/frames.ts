/**
 * Frames as a capture holds them, through the project's codec: decoded where the message is
 * declared in `ClientMessages` / `ServerMessages` (so every message declared later decodes
 * without a change here), raw fields otherwise. Nothing here knows about sockets.
 */
import {
  clientMessageById,
  decodeFields,
  encodeFields,
  encodeFrame,
  serverMessageById,
  ServerMessages,
  type Field,
  type MessageDef,
} from '../../simulator/protocol/index.ts';
import type { FrameRecord, Side } from './format.ts';

/** A frame's content without its record fields (`conn`, `t`, `from`). */
export type FrameBody = Pick<FrameRecord, 'type' | 'msg' | 'fields' | 'base64' | 'note'>;

/** The declaration of a frame, by side and id text (`SERVER_VERSION` for the gateway's first frame). */
export function declarationOf(from: Side, idText: string | undefined, first = false): MessageDef | undefined {
  if (from === 'gateway' && first) return ServerMessages.SERVER_VERSION;
  if (idText === undefined || !/^\d+$/.test(idText)) return undefined;
  const id = Number(idText);
  return from === 'client' ? clientMessageById.get(id) : serverMessageById.get(id);
}

const declarationByType = new Map<string, MessageDef>();
/** A declaration by message name (client and server names never collide). */
export function declarationNamed(type: string): MessageDef | undefined {
  if (declarationByType.size === 0) {
    for (const d of [...clientMessageById.values(), ...serverMessageById.values(), ServerMessages.SERVER_VERSION]) declarationByType.set(d.type, d);
  }
  return declarationByType.get(type);
}

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Describe one frame body (without its length prefix) at the connection's server version.
 * `first`: the gateway's id-less handshake reply. Decoded only when encoding the result again
 * gives exactly the same fields, so replaying a capture sends the recorded bytes.
 */
export function describeFrame(from: Side, body: Buffer, version: number, first = false): FrameBody {
  const text = body.toString('utf8');
  if (body.length === 0 || body[body.length - 1] !== 0 || !Buffer.from(text, 'utf8').equals(body)) {
    return { base64: body.toString('base64'), note: body.length === 0 ? 'empty frame' : 'not NUL-terminated UTF-8 fields' };
  }
  const fields = text.slice(0, -1).split('\0');
  const def = declarationOf(from, fields[0], first);
  if (!def) return { fields };
  let msg: Record<string, unknown>;
  try {
    msg = decodeFields(def, fields, version, { strict: true });
  } catch (err) {
    return { type: def.type, fields, note: `does not decode at v${version}: ${(err as Error).message}` };
  }
  let again: string[];
  try {
    again = encodeFields(def, msg, version);
  } catch (err) {
    return { type: def.type, fields, note: `does not encode again: ${(err as Error).message}` };
  }
  if (!sameFields(again, fields)) return { type: def.type, fields, note: 'decoding and encoding again would change the bytes' };
  const { type: _type, ...rest } = dropAbsentFields(def.fields, msg, version);
  return { type: def.type, msg: rest };
}

/** Which fields of a layout are off the wire at one version: closed by a version gate, or by a condition. */
interface AbsentPlan {
  closed: ReadonlySet<string>;
  conditional: ReadonlyArray<{ name: string; when: (msg: Record<string, unknown>) => boolean }>;
  lists: ReadonlyArray<{ name: string; item: readonly Field[] }>;
}
const absentPlans = new WeakMap<readonly Field[], Map<number, AbsentPlan>>();

function absentPlanOf(fields: readonly Field[], version: number): AbsentPlan {
  let byVersion = absentPlans.get(fields);
  if (!byVersion) absentPlans.set(fields, (byVersion = new Map()));
  let plan = byVersion.get(version);
  if (!plan) {
    const closed = new Set<string>();
    const conditional: Array<{ name: string; when: (msg: Record<string, unknown>) => boolean }> = [];
    const lists: Array<{ name: string; item: readonly Field[] }> = [];
    for (const f of fields) {
      if (f.kind === 'const') continue;
      const g = f.gate;
      if ((g?.since !== undefined && version < g.since) || (g?.before !== undefined && version >= g.before)) closed.add(f.name);
      else if (g?.when) conditional.push({ name: f.name, when: g.when });
      else if (f.kind === 'list') lists.push({ name: f.name, item: f.item });
    }
    byVersion.set(version, (plan = { closed, conditional, lists }));
  }
  return plan;
}

/**
 * The message without the fields that are not on the wire at `version` (a closed version gate,
 * or a condition such as "only for BAG" that is false): the decoder fills them with defaults, a
 * capture leaves them out so it shows what was sent.
 */
function dropAbsentFields(fields: readonly Field[], msg: Record<string, unknown>, version: number): Record<string, unknown> {
  const plan = absentPlanOf(fields, version);
  if (plan.closed.size === 0 && plan.conditional.length === 0 && plan.lists.length === 0) return msg;
  let closed = plan.closed;
  if (plan.conditional.length > 0) {
    const off = plan.conditional.filter((c) => !c.when(msg)).map((c) => c.name);
    if (off.length > 0) closed = new Set([...closed, ...off]);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(msg)) if (!closed.has(key)) out[key] = msg[key];
  for (const { name, item } of plan.lists) {
    const items = out[name];
    if (Array.isArray(items)) out[name] = items.map((it: Record<string, unknown>) => dropAbsentFields(item, it, version));
  }
  return out;
}

/** The frame's fields as they are on the wire (field 0 the id, except for the handshake reply). */
export function fieldsOf(frame: FrameBody, version: number): string[] | undefined {
  if (frame.fields) return frame.fields;
  if (frame.msg && frame.type) {
    const def = declarationNamed(frame.type);
    if (def) return encodeFields(def, { type: frame.type, ...frame.msg }, version);
  }
  return undefined;
}

/** The frame's bytes (length prefix included), as recorded or with `msg` re-encoded at `version`. */
export function encodeRecordedFrame(frame: FrameBody, version: number): Buffer {
  if (frame.base64 !== undefined) {
    const body = Buffer.from(frame.base64, 'base64');
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length, 0);
    return Buffer.concat([head, body]);
  }
  const fields = fieldsOf(frame, version);
  if (!fields) throw new Error(`frame ${frame.type ?? '?'} has no content to encode`);
  return encodeFrame(fields);
}

/**
 * The frame decoded for reading (matching, comparing, attributing): `msg` as recorded, or the raw
 * fields decoded leniently at `version`. Undefined when the message is not declared or does not
 * decode. The result includes `type`.
 */
export function viewOf(frame: FrameBody, version: number): Record<string, unknown> | undefined {
  if (frame.msg && frame.type) return { type: frame.type, ...frame.msg };
  if (!frame.fields || !frame.type) return undefined;
  const def = declarationNamed(frame.type);
  if (!def) return undefined;
  try {
    return dropAbsentFields(def.fields, decodeFields(def, frame.fields, version), version);
  } catch {
    return undefined;
  }
}

/**
 * Fields that carry a request id the client chose: TWS clients name them reqId, tickerId or
 * orderId. They are what replay remaps and what request matching ignores.
 */
export const REQUEST_ID_FIELDS = ['reqId', 'tickerId', 'orderId'] as const;

/** ERR_MSG's id field, and the one code whose id is not a request id (docs/wire-facts/errors.md#100-message-rate-exceeded). */
const RATE_EXCEEDED = 100;

/**
 * The request id a decoded message carries, or undefined. NEXT_VALID_ID's `orderId` is the next
 * free id, not a request's; ERR_MSG's `id` is one unless it is -1 (a connection notice,
 * docs/wire-facts/errors.md#err_msg-layout) or the error is a 100.
 */
export function requestIdOf(view: Record<string, unknown> | undefined): number | undefined {
  if (!view || view.type === 'NEXT_VALID_ID') return undefined;
  if (view.type === 'ERR_MSG') {
    const id = view.id;
    return typeof id === 'number' && id >= 0 && view.code !== RATE_EXCEEDED ? id : undefined;
  }
  for (const name of REQUEST_ID_FIELDS) {
    const v = view[name];
    if (typeof v === 'number') return v;
  }
  return undefined;
}

/** The names of a message's fields that hold request ids (ERR_MSG's `id` included). */
export function requestIdFieldsOf(view: Record<string, unknown>): string[] {
  if (view.type === 'NEXT_VALID_ID') return [];
  if (view.type === 'ERR_MSG') return requestIdOf(view) === undefined ? [] : ['id'];
  return REQUEST_ID_FIELDS.filter((n) => typeof view[n] === 'number');
}

/**
 * A copy of `frame` whose top-level request-id fields are rewritten by `map` (recorded id → new
 * id). For a raw `fields` frame of a declared message, the position of each id field is found by
 * encoding the decoded message with a marker value in that field, so the other fields keep their
 * recorded text.
 */
export function remapRequestIds(frame: FrameBody, version: number, map: (name: string, id: number) => number | undefined): FrameBody {
  const view = viewOf(frame, version);
  if (!view) return frame;
  const changes: Array<[string, number]> = [];
  for (const name of requestIdFieldsOf(view)) {
    const to = map(name, view[name] as number);
    if (to !== undefined && to !== view[name]) changes.push([name, to]);
  }
  if (changes.length === 0) return frame;
  if (frame.msg) {
    const msg = { ...frame.msg };
    for (const [name, to] of changes) msg[name] = to;
    return { ...frame, msg };
  }
  const def = declarationNamed(frame.type!)!;
  const fields = [...frame.fields!];
  const MARKER = -987_654_321;
  for (const [name, to] of changes) {
    const marked = encodeFields(def, { ...view, [name]: MARKER }, version);
    for (let i = 0; i < marked.length && i < fields.length; i++) if (marked[i] === String(MARKER)) fields[i] = String(to);
  }
  return { ...frame, fields };
}
