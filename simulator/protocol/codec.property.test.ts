import fc from 'fast-check';
import { FrameCache } from '../server/frame-cache.ts';
import { describe, expect, it } from 'vitest';
import {
  ClientMessages,
  decodeFields,
  encodeFields,
  encodeFrame,
  escapeAscii7,
  FrameDecoder,
  ServerMessages,
  splitFields,
  encodeServerMessage,
  type ServerMessage,
  type Field,
  type MessageDef,
} from './index.ts';

/** Versions around every gate in the tables, plus the bounds of what the simulator serves. */
const VERSIONS = [100, 121, 124, 134, 152, 163, 164, 166, 176, 178, 182, 186, 194, 196];

const text = fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/\0/g, ''));
const noNegZero = (n: number) => (Object.is(n, -0) ? 0 : n);
const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true }).map(noNegZero);

function gateOpen(f: Field, version: number, msg: Record<string, unknown>): boolean {
  const g = f.gate;
  if (!g) return true;
  if (g.since !== undefined && version < g.since) return false;
  if (g.before !== undefined && version >= g.before) return false;
  return g.when ? g.when(msg) : true;
}

const defaults: Record<string, unknown> = { int: 0, double: 0, bool: false, str: '', optInt: undefined, optDouble: undefined };

function scalarArb(kind: string, name: string): fc.Arbitrary<unknown> {
  if (name === 'secType') return fc.constantFrom('STK', 'BAG', 'FUND', 'CASH', '');
  switch (kind) {
    case 'int':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'optInt':
      return fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 2 }), { nil: undefined });
    case 'double':
      return finiteDouble;
    case 'optDouble':
      return fc.option(finiteDouble, { nil: undefined });
    case 'bool':
      return fc.boolean();
    default:
      return text;
  }
}

/**
 * A random message for `def` at `version`: fields whose gate is closed hold the decoder's default,
 * so decode(encode(m)) must give back exactly m. Built field by field because `when` gates look at
 * earlier fields.
 */
function messageArb(fields: readonly Field[], version: number): fc.Arbitrary<Record<string, unknown>> {
  const step = (i: number, acc: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> => {
    if (i === fields.length) return fc.constant(acc);
    const f = fields[i]!;
    if (f.kind === 'const') return step(i + 1, acc);
    if (!gateOpen(f, version, acc)) return step(i + 1, { ...acc, [f.name]: f.kind === 'list' ? [] : defaults[f.kind] });
    const valueArb = f.kind === 'list' ? fc.array(messageArb(f.item, version), { maxLength: 3 }) : scalarArb(f.kind, f.name);
    return valueArb.chain((v) => step(i + 1, { ...acc, [f.name]: v }));
  };
  return step(0, {});
}

const allDefs: Array<[string, MessageDef]> = [
  ...Object.values(ClientMessages).map((d) => [`client ${d.type}`, d] as [string, MessageDef]),
  ...Object.values(ServerMessages).map((d) => [`server ${d.type}`, d] as [string, MessageDef]),
];

describe('codec round trip', () => {
  for (const [label, def] of allDefs) {
    it(`${label}: decode(encode(m)) = m at every version`, () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...VERSIONS).chain((v) => messageArb(def.fields, v).map((m) => [v, m] as const)),
          ([version, m]) => {
            const frame = encodeFrame(encodeFields(def, m, version));
            const body = frame.subarray(4);
            expect(frame.readUInt32BE(0)).toBe(body.length);
            const decoded = decodeFields(def, splitFields(body), version, { strict: true });
            expect(decoded).toEqual({ type: def.type, ...m });
          },
        ),
        { numRuns: 100 },
      );
    });
  }

  it('server text is sent ASCII-only from v153 and decodes to the \\uXXXX escapes', () => {
    const def = ServerMessages.ERR_MSG;
    fc.assert(
      fc.property(text, (message) => {
        const m = { id: 1, code: 200, message, advancedOrderRejectJson: '', errorTime: 0 };
        const frame = encodeFrame(encodeFields(def, m, 178, { ascii7: true }));
        expect([...frame.subarray(4)].every((b) => b < 0x80)).toBe(true);
        const decoded = decodeFields<Record<string, unknown>>(def, splitFields(frame.subarray(4)), 178);
        expect(decoded.message).toBe(escapeAscii7(message));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the frame cache of the TCP send path (server/frame-cache.ts)', () => {
  it('gives exactly the bytes of the codec, for any body, reqId and version, reused or not', () => {
    const def = ServerMessages.CONTRACT_DATA;
    const cache = new FrameCache();
    fc.assert(
      fc.property(
        fc.constantFrom(...VERSIONS).chain((v) => messageArb(def.fields, v).map((m) => [v, m] as const)),
        fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 3 }),
        fc.nat(3),
        ([version, m], reqIds, conId) => {
          const { reqId: _r, ...body } = m;
          for (const reqId of reqIds) {
            // A few conIds only, so that different bodies share a key and must not be confused.
            const msg = { type: 'CONTRACT_DATA', ...body, conId, reqId } as unknown as ServerMessage;
            expect(cache.encode(msg, version)).toEqual(encodeServerMessage(msg, version));
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(cache.size).toBeGreaterThan(0);
  });

  it('gives exactly the bytes of the codec for ticks, whose bodies share a small table (collisions, reuse, any reqId)', () => {
    const cache = new FrameCache();
    const types = ['TICK_PRICE', 'TICK_SIZE', 'TICK_GENERIC', 'TICK_STRING'] as const;
    // Few distinct values, so that bodies repeat and share or fight over slots; all fields drawn by the codec's arbitraries too.
    const tick = fc.oneof(
      fc.record({
        type: fc.constant('TICK_PRICE'),
        tickType: fc.constantFrom(1, 2, 4, 66),
        price: fc.constantFrom(-1, 0, 123.45, 123.46, 0.1 + 0.2),
        size: fc.constantFrom(undefined, 0, 100, 1.5),
        attrMask: fc.constantFrom(0, 1),
      }),
      fc.record({ type: fc.constant('TICK_SIZE'), tickType: fc.constantFrom(0, 3, 5, 8), size: fc.constantFrom(0, 100, 2.25) }),
      fc.record({ type: fc.constant('TICK_GENERIC'), tickType: fc.constantFrom(49, 23), value: fc.constantFrom(0, 1, 0.5) }),
      fc.record({ type: fc.constant('TICK_STRING'), tickType: fc.constantFrom(45, 88), value: fc.constantFrom('', '1762959600', '1762959601', 'é') }),
      fc.constantFrom(...types).chain((type) => messageArb(ServerMessages[type].fields, 178).map((m) => ({ ...m, type }))),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...VERSIONS),
        fc.array(fc.tuple(tick, fc.integer({ min: -1, max: 2 ** 31 - 1 })), { minLength: 1, maxLength: 40 }),
        (version, ticks) => {
          for (const [body, reqId] of ticks) {
            const msg = { ...body, reqId } as unknown as ServerMessage;
            expect(cache.encode(msg, version)).toEqual(encodeServerMessage(msg, version));
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(cache.size).toBeGreaterThan(0);
  });

  it('passes other messages to the codec unchanged', () => {
    const cache = new FrameCache();
    const end = { type: 'CONTRACT_DATA_END', reqId: 5 } as const;
    expect(cache.encode(end, 178)).toEqual(encodeServerMessage(end, 178));
    expect(cache.size).toBe(0);
  });
});

describe('framing', () => {
  const framesArb = fc.array(fc.array(text, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 20 });

  it('any split of a byte stream yields the same frames', () => {
    fc.assert(
      fc.property(framesArb, fc.array(fc.nat(), { maxLength: 30 }), (messages, cuts) => {
        const stream = Buffer.concat(messages.map((m) => encodeFrame(m)));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const decoder = new FrameDecoder();
        const got: string[][] = [];
        let prev = 0;
        for (const p of [...points, stream.length]) {
          for (const f of decoder.push(stream.subarray(prev, p))) got.push(splitFields(f));
          prev = p;
        }
        expect(got).toEqual(messages);
        expect(decoder.pendingBytes).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('byte-at-a-time delivery after the API prefix yields the same frames', () => {
    fc.assert(
      fc.property(framesArb, (messages) => {
        const stream = Buffer.concat([Buffer.from('API\0', 'latin1'), ...messages.map((m) => encodeFrame(m))]);
        const decoder = new FrameDecoder({ expectApiPrefix: true });
        const got: string[][] = [];
        for (let i = 0; i < stream.length; i++) for (const f of decoder.push(stream.subarray(i, i + 1))) got.push(splitFields(f));
        expect(got).toEqual(messages);
      }),
      { numRuns: 100 },
    );
  });
});
