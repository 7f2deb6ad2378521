/**
 * Compares the gateway frames of a capture with a target's answers to the same client frames,
 * per connection, per request and per field. Frames are grouped by the request id they carry
 * (frames without one form their own group), and paired within a group by message type — and
 * by code for ERR_MSG — in arrival order. Rules and the ignored fields: docs/captures/README.md#diff.
 */
import { conversationsOf, describeRequest, type Conversation } from '../capture/conversations.ts';
import type { Capture, FrameRecord } from '../capture/format.ts';
import { fieldsOf, requestIdOf, viewOf } from '../capture/frames.ts';
import type { TargetConversation } from './drive.ts';

/**
 * Fields that differ between any two gateways, or any two runs of one, and say nothing about
 * fidelity: the clock of the gateway, and the order-id counter it keeps per client id
 * (docs/wire-facts/gateway.md#next-order-id-per-client-id). Request ids need no entry: diff sends
 * the recorded requests with their recorded ids.
 */
export const IGNORED_FIELDS: ReadonlyArray<{ field: string; why: string }> = [
  { field: 'SERVER_VERSION.connectionTime', why: "the gateway's clock and time zone at connection" },
  { field: 'CURRENT_TIME.time', why: "the gateway's clock" },
  { field: 'ERR_MSG.errorTime', why: "the gateway's clock (from v194)" },
  { field: 'ACCT_UPDATE_TIME.time', why: "the gateway's clock" },
  { field: 'NEXT_VALID_ID.orderId', why: 'the order-id counter the gateway keeps per client id' },
];

export type DifferenceKind = 'field' | 'missing' | 'extra' | 'order' | 'closed' | 'not-sent';

export interface Difference {
  conn: number;
  /** The request the frames answer: `REQ_CONTRACT_DATA reqId 1 AAPL STK SMART USD`, `handshake`, or `frames without a request id`. */
  request: string;
  /** The message: `CONTRACT_DATA #1`, `ERR_MSG 2104 #2` (the n-th of its kind in the group). */
  message: string;
  kind: DifferenceKind;
  /** For `field`: the field's path, e.g. `bars[3].close`; `[i]` for raw fields. */
  path?: string;
  recorded?: unknown;
  actual?: unknown;
}

export interface Comparison {
  differences: Difference[];
  /** Recorded gateway frames compared (handshake replies included). */
  frames: number;
  connections: number;
}

const HANDSHAKE = 'handshake';
const NO_REQUEST_ID = 'frames without a request id';

/** `ignore` entries are `TYPE` or `TYPE.path` (a path prefix; list indices left out: `HISTORICAL_DATA.bars.close`). */
export function compareCapture(capture: Capture, targets: TargetConversation[], ignore: readonly string[] = IGNORED_FIELDS.map((i) => i.field)): Comparison {
  const differences: Difference[] = [];
  let frames = 0;
  const byConn = new Map(targets.map((t) => [t.conn, t]));
  const conversations = conversationsOf(capture).filter((c) => byConn.has(c.conn));
  for (const conv of conversations) {
    const target = byConn.get(conv.conn)!;
    const recorded = [conv.reply, ...conv.frames.filter((f) => f.from === 'gateway')].filter((f): f is FrameRecord => f !== undefined);
    frames += recorded.length;
    const labels = requestLabels(conv);
    const recordedGroups = groupFrames(recorded, conv.version, conv.reply);
    const actualGroups = groupFrames(target.frames, target.version, target.frames[0]);
    for (const key of new Set([...recordedGroups.keys(), ...actualGroups.keys()])) {
      const request = key === HANDSHAKE || key === NO_REQUEST_ID ? key : (labels.get(key) ?? `reqId ${key}`);
      compareGroup(recordedGroups.get(key) ?? [], actualGroups.get(key) ?? [], key !== NO_REQUEST_ID, ignore, (d) =>
        differences.push({ conn: conv.conn, request, ...d }),
      );
    }
    const recordedClose = conv.close?.by === 'gateway';
    if (recordedClose !== target.closedByGateway) {
      differences.push({
        conn: conv.conn,
        request: 'connection',
        message: 'close',
        kind: 'closed',
        recorded: recordedClose ? 'closed by the gateway' : 'left open',
        actual: target.closedByGateway ? 'closed by the gateway' : 'left open',
      });
    }
    if (target.notSent > 0) {
      differences.push({
        conn: conv.conn,
        request: 'connection',
        message: 'client frames',
        kind: 'not-sent',
        recorded: `${target.notSent} more client frame(s)`,
        actual: 'not sent: the target had closed the connection or never replied to the handshake',
      });
    }
  }
  return { differences, frames, connections: conversations.length };
}

interface Viewed {
  frame: FrameRecord;
  version: number;
  view: Record<string, unknown> | undefined;
  /** Pairing key: the type (and code for ERR_MSG), or the raw id. */
  pair: string;
}

function groupFrames(frames: FrameRecord[], version: number, reply: FrameRecord | undefined): Map<string, Viewed[]> {
  const groups = new Map<string, Viewed[]>();
  for (const frame of frames) {
    const view = viewOf(frame, version);
    const key = frame === reply ? HANDSHAKE : String(requestIdOf(view) ?? NO_REQUEST_ID);
    const pair = view ? (view.type === 'ERR_MSG' ? `ERR_MSG ${view.code}` : String(view.type)) : `${frame.type ?? 'message'} ${frame.fields?.[0] ?? ''}`.trim();
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push({ frame, version, view, pair });
  }
  return groups;
}

function requestLabels(conv: Conversation): Map<string, string> {
  const labels = new Map<string, string>();
  for (const f of conv.frames) {
    if (f.from !== 'client') continue;
    const view = viewOf(f, conv.version);
    const id = requestIdOf(view);
    if (id !== undefined && !labels.has(String(id))) labels.set(String(id), describeRequest(f.type, view));
  }
  return labels;
}

type Emit = (d: Omit<Difference, 'conn' | 'request'>) => void;

function compareGroup(recorded: Viewed[], actual: Viewed[], checkOrder: boolean, ignore: readonly string[], emit: Emit): void {
  const seen = new Map<string, number>();
  const nth = (pair: string) => {
    const n = (seen.get(pair) ?? 0) + 1;
    seen.set(pair, n);
    return n;
  };
  const remaining = [...actual];
  const paired: Array<[Viewed, Viewed]> = [];
  for (const r of recorded) {
    const message = `${r.pair} #${nth(r.pair)}`;
    const i = remaining.findIndex((a) => a.pair === r.pair);
    if (i < 0) {
      emit({ message, kind: 'missing', recorded: summary(r) });
      continue;
    }
    const [a] = remaining.splice(i, 1);
    paired.push([r, a!]);
    compareFrames(r, a!, ignore, (d) => emit({ message, ...d }));
  }
  for (const a of remaining) emit({ message: `${a.pair} #${nth(a.pair)}`, kind: 'extra', actual: summary(a) });
  if (!checkOrder) return;
  const inBoth = new Set(paired.map(([r]) => r.pair));
  const order = (list: Viewed[]) => collapse(list.filter((v) => inBoth.has(v.pair)).map((v) => v.pair));
  const was = order(recorded);
  const is = order(actual);
  if (was !== is) emit({ message: 'order', kind: 'order', recorded: was, actual: is });
}

/** `CONTRACT_DATA ×2, CONTRACT_DATA_END` */
function collapse(pairs: string[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < pairs.length) {
    let j = i;
    while (j < pairs.length && pairs[j] === pairs[i]) j++;
    out.push(j - i > 1 ? `${pairs[i]} ×${j - i}` : pairs[i]!);
    i = j;
  }
  return out.join(', ');
}

function summary(v: Viewed): string {
  if (v.view?.type === 'ERR_MSG') return `ERR_MSG ${v.view.code} (id ${v.view.id}): ${v.view.message}`;
  return v.view ? String(v.view.type) : `${v.frame.type ?? 'undeclared'} [${(v.frame.fields ?? []).join(',')}]`;
}

function compareFrames(r: Viewed, a: Viewed, ignore: readonly string[], emit: (d: Omit<Difference, 'conn' | 'request' | 'message'>) => void): void {
  if (r.view && a.view) {
    const type = String(r.view.type);
    const skip = (path: string) => isIgnored(type, path, ignore);
    diffValues(strip(r.view), strip(a.view), '', skip, (path, recorded, actual) => emit({ kind: 'field', path, recorded, actual }));
    return;
  }
  const rf = fieldsOf(r.frame, r.version) ?? [];
  const af = fieldsOf(a.frame, a.version) ?? [];
  for (let i = 0; i < Math.max(rf.length, af.length); i++) {
    if (rf[i] !== af[i]) emit({ kind: 'field', path: `[${i}]`, recorded: rf[i], actual: af[i] });
  }
}

function strip(view: Record<string, unknown>): Record<string, unknown> {
  const { type: _type, ...rest } = view;
  return rest;
}

export function isIgnored(type: string, path: string, ignore: readonly string[]): boolean {
  const plain = `${type}.${path.replace(/\[\d+\]/g, '')}`;
  return ignore.some((spec) => spec === type || plain === spec || plain.startsWith(`${spec}.`) || plain.startsWith(`${spec}[`));
}

function diffValues(a: unknown, b: unknown, path: string, skip: (path: string) => boolean, out: (path: string, a: unknown, b: unknown) => void): void {
  if (path !== '' && skip(path)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out(`${path}.length`, a.length, b.length);
    for (let i = 0; i < Math.min(a.length, b.length); i++) diffValues(a[i], b[i], `${path}[${i}]`, skip, out);
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffValues(a[k], b[k], path ? `${path}.${k}` : k, skip, out);
    return;
  }
  if (!Object.is(a, b)) out(path, a, b);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
