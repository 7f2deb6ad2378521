/**
 * The codec against the reference frames (testing/frames.ts), which are written by hand from the
 * clients' sources, not produced by the codec: the encoder must write exactly each frame's bytes,
 * the decoder must read exactly each frame's object, and every declared message must have frames.
 */
import { describe, expect, it } from 'vitest';
import {
  ClientMessages,
  decodeClientFrame,
  decodeFields,
  decodeServerFrame,
  encodeClientMessage,
  encodeHandshake,
  encodeServerMessage,
  FrameDecoder,
  parseVersionRange,
  ServerMessages,
  splitFields,
  type ClientMessage,
  type MessageDef,
  type ServerMessage,
} from './index.ts';
import { CLIENT_FRAMES, frameBytes, labelOf, REFERENCE_FRAMES, SERVER_FRAMES, STOQEY_HANDSHAKE, type ReferenceFrame } from './testing/frames.ts';
import { FrameCache } from '../server/frame-cache.ts';
import { layoutRanges as layoutRangesIn, staticallyOpen } from './testing/layouts.ts';

/** Split frame bytes by hand (length prefix, NUL-terminated fields), for readable failures. */
function fieldsOf(bytes: Buffer): string[] {
  const length = bytes.readUInt32BE(0);
  expect(bytes.length, 'length prefix').toBe(4 + length);
  expect(bytes[bytes.length - 1], 'last byte is a NUL terminator').toBe(0);
  return bytes.toString('utf8', 4, bytes.length - 1).split('\0');
}

/** The one body a frame's bytes hold, read by the production frame reader. */
function bodyOf(frame: ReferenceFrame): Buffer {
  const bodies = new FrameDecoder().push(frameBytes(frame.fields));
  expect(bodies).toHaveLength(1);
  return bodies[0]!;
}

const defs = { client: ClientMessages as Record<string, MessageDef>, server: ServerMessages as Record<string, MessageDef> };

describe('the encoder writes exactly the reference frames', () => {
  const encodable = REFERENCE_FRAMES.filter((f) => !f.decodeOnly);
  it.each(encodable.map((f) => [labelOf(f), f] as const))('%s', (_label, frame) => {
    const bytes =
      frame.side === 'client'
        ? encodeClientMessage(frame.message as ClientMessage, frame.version)
        : encodeServerMessage(frame.message as ServerMessage, frame.version);
    expect(fieldsOf(bytes)).toEqual(frame.fields);
    expect(bytes.equals(frameBytes(frame.fields))).toBe(true);
  });
});

describe('the decoder reads exactly the reference objects, with no field left over', () => {
  it.each(REFERENCE_FRAMES.map((f) => [labelOf(f), f] as const))('%s', (_label, frame) => {
    const body = bodyOf(frame);
    if (frame.side === 'server') {
      // Strict, as the project's own client decodes (and as @stoqey/ib does).
      expect(decodeServerFrame(body, frame.version, frame.type === 'SERVER_VERSION')).toStrictEqual(frame.message);
      return;
    }
    expect(decodeClientFrame(body, frame.version)).toStrictEqual(frame.message);
    // The simulator tolerates trailing fields from newer clients; the layout itself must use them all.
    expect(decodeFields(defs.client[frame.type]!, splitFields(body), frame.version, { strict: true })).toStrictEqual(frame.message);
  });
});

describe("the simulator's cached contract-details send path writes the same bytes", () => {
  // The TCP adapter caches a contract-details frame per body and splices in each new reqId
  // (simulator/server/frame-cache.ts): the second send of a body comes from the cache.
  const contractData = SERVER_FRAMES.filter((f) => f.type === 'CONTRACT_DATA' && !f.decodeOnly);

  it.each(contractData.map((f) => [labelOf(f), f] as const))('%s', (_label, frame) => {
    const cache = new FrameCache();
    const msg = frame.message as ServerMessage;
    const other = { ...msg, reqId: (msg as { reqId: number }).reqId + 7 } as ServerMessage;
    expect(fieldsOf(cache.encode(other, frame.version))).not.toEqual(frame.fields);
    expect(fieldsOf(cache.encode(msg, frame.version))).toEqual(frame.fields);
    expect(cache.size).toBe(1);
  });
});

// ---- completeness ------------------------------------------------------------------------------

/** The server versions over which layouts must have frames (the gates the brief names, 100..194). */
const FIRST = 100;
const LAST = 194;

const layoutRanges = (def: MessageDef) => layoutRangesIn(def, FIRST, LAST);

/** Every declared layout (and data-dependent field) without an encodable reference frame. */
function missingFrames(frames: readonly ReferenceFrame[]): string[] {
  const missing: string[] = [];
  for (const side of ['client', 'server'] as const) {
    for (const [type, def] of Object.entries(defs[side])) {
      const own = frames.filter((f) => f.side === side && f.type === type && !f.decodeOnly);
      for (const { from, to } of layoutRanges(def)) {
        if (!own.some((f) => f.version >= from && f.version <= to)) missing.push(`${side} message ${type}: no frame for server versions ${from}..${to}`);
      }
      for (const field of def.fields) {
        const when = field.gate?.when;
        if (!when || field.kind === 'const') continue;
        if (!own.some((f) => staticallyOpen(field, f.version) && when(f.message))) {
          missing.push(`${side} message ${type}: no frame in which the conditional field '${field.name}' is present`);
        }
      }
    }
  }
  return missing;
}

const HOW_TO_ADD =
  'Every declared message needs a hand-written reference frame for each layout its version gates produce. ' +
  'Add one to simulator/protocol/testing/client-frames.ts or server-frames.ts with clientFrame()/serverFrame(): ' +
  'the fields in the order the official EClient.java (requests) or EDecoder.java (replies) writes/reads them, ' +
  'the object they decode to, and the source you read (steps in the header of testing/frames.ts).';

describe('every declared message has reference frames', () => {
  it('one per layout between server versions 100 and 194, and one with each conditional field present', () => {
    expect(missingFrames(REFERENCE_FRAMES), HOW_TO_ADD).toEqual([]);
  });

  it('the check notices a message without frames, a missing layout and a missing conditional field', () => {
    const without = (pred: (f: ReferenceFrame) => boolean) => missingFrames(REFERENCE_FRAMES.filter((f) => !pred(f)));
    expect(without((f) => f.type === 'REQ_IDS')).toEqual(['client message REQ_IDS: no frame for server versions 100..194']);
    expect(without((f) => f.type === 'ERR_MSG' && f.version === 194)).toEqual(['server message ERR_MSG: no frame for server versions 194..194']);
    expect(without((f) => f.type === 'REQ_HISTORICAL_DATA' && f.message.secType === 'BAG')).toEqual([
      "client message REQ_HISTORICAL_DATA: no frame in which the conditional field 'comboLegs' is present",
    ]);
  });

  it('the layouts the tables declare are the ones the frames cover', () => {
    // A gate added to a table changes these; the frames must follow (see HOW_TO_ADD).
    const bounds = (def: MessageDef) => layoutRanges(def).map((r) => r.from);
    expect(bounds(ClientMessages.REQ_CONTRACT_DATA)).toEqual([100, 176]);
    expect(bounds(ClientMessages.REQ_HISTORICAL_DATA)).toEqual([100, 124]);
    expect(bounds(ServerMessages.ERR_MSG)).toEqual([100, 166, 194]);
    expect(bounds(ServerMessages.HISTORICAL_DATA)).toEqual([100, 124]);
    expect(bounds(ServerMessages.SYMBOL_SAMPLES)).toEqual([100, 176]);
    expect(bounds(ServerMessages.CONTRACT_DATA)).toEqual([100, 110, 121, 122, 126, 134, 152, 163, 164, 179, 182, 186]);
    // The order messages, gate by gate as EClient.placeOrder and EOrderDecoder read them (10.34.02).
    expect(bounds(ClientMessages.PLACE_ORDER)).toEqual([
      100, 102, 103, 105, 106, 111, 138, 139, 141, 145, 148, 151, 158, 160, 162, 166, 169, 170, 177, 183, 184, 187, 189, 190, 192,
    ]);
    expect(bounds(ClientMessages.CANCEL_ORDER)).toEqual([100, 169, 187, 190, 192]);
    expect(bounds(ServerMessages.OPEN_ORDER)).toEqual([100, 102, 103, 106, 111, 141, 142, 145, 148, 151, 158, 160, 162, 170, 177, 183, 184, 185, 189, 193]);
    expect(bounds(ServerMessages.COMPLETED_ORDER)).toEqual([100, 102, 103, 111, 141, 145, 170, 177, 183, 184]);
    expect(bounds(ServerMessages.EXECUTION_DATA)).toEqual([100, 103, 136, 178]);
  });

  it('each frame names its source and belongs to a declared message', () => {
    for (const f of REFERENCE_FRAMES) {
      expect(f.source.length, labelOf(f)).toBeGreaterThan(10);
      expect(defs[f.side][f.type], labelOf(f)).toBeDefined();
    }
    expect(CLIENT_FRAMES.every((f) => f.side === 'client') && SERVER_FRAMES.every((f) => f.side === 'server')).toBe(true);
  });
});

describe('the handshake', () => {
  it('encodeHandshake writes the bytes @stoqey/ib sends, and the frame reader reads them back', () => {
    expect(STOQEY_HANDSHAKE.bytes.toString('hex')).toBe(STOQEY_HANDSHAKE.hex);
    expect(encodeHandshake(STOQEY_HANDSHAKE.min, STOQEY_HANDSHAKE.max)).toEqual(STOQEY_HANDSHAKE.bytes);
    const [text] = new FrameDecoder({ expectApiPrefix: true }).push(STOQEY_HANDSHAKE.bytes);
    expect(parseVersionRange(text!.toString('latin1'))).toEqual({ min: 100, max: 193, options: [] });
  });
});
