/**
 * Wire fuzzing over real TCP against one simulator (profile `instant`).
 *
 * Every property run opens fresh connections and throws garbage, damaged frames or mutated request
 * streams at the server. After each run:
 *  - no exception escaped into the process (a socket-callback throw would kill a real simulator),
 *  - the long-lived bystander session, connected before any fuzzing, is still open and still
 *    answers REQ_CONTRACT_DATA for AAPL correctly,
 *  - the gateway is back to exactly the bystander (sessions, TCP connections, client ids),
 *  - every byte the server sent is a well-formed frame of a declared server message.
 * Some categories also have a precise expected reaction (closed / ERR_MSG 320 and still usable).
 *
 * `FUZZ_RUNS=2000 npx vitest run simulator/robustness/fuzz.property.test.ts` digs deeper.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_PREFIX,
  ClientMessages,
  decodeClientFrame,
  decodeServerFrame,
  encodeClientMessage,
  encodeFrame,
  encodeHandshake,
  FramingError,
  MAX_FRAME_LENGTH,
  type Field,
  type MessageDef,
} from '../protocol/index.ts';
import { startSimulator, type Simulator } from '../simulator.ts';
import { WireClient } from '../testing/wire-client.ts';
import {
  anyFrameFields,
  byteMutation,
  chunk,
  KNOWN_IDS,
  mutateBytes,
  nearValidFields,
  validFields,
  validFieldsOf,
  VERSION,
  anyField,
} from '../testing/arbitraries.ts';
import { asError, pollUntil, RawClient, SERVER_ID } from '../testing/raw-client.ts';
import { AAPL_CONID, contractRequest, encodeRequest, historyRequest } from '../protocol/requests.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const BYSTANDER_ID = 777_001;
/** Request ids of sentinels and bystander checks; far from anything the generators produce. */
const SENTINEL_REQ = 2_000_000_000;

let sim: Simulator;
let bystander: WireClient;
let bystanderReq = 1_900_000_000;
let nextClientId = 1;
const escaped: unknown[] = [];
const stats = { runs: 0, frames: 0, bytes: 0, closedByServer: 0, errorFrames: 0 };

/** Connections of the current run: interrupted when the simulator throws, so the run fails fast. */
const live = new Set<RawClient>();
const onUncaught = (err: unknown) => {
  escaped.push(err);
  for (const c of live) c.interrupt();
};

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  sim = await startSimulator({ port: 0, profile: 'instant', seed: 11 });
  bystander = await WireClient.ready({ port: sim.port, clientId: BYSTANDER_ID });
});

afterAll(async () => {
  console.log(
    `fuzz totals: ${stats.runs} runs, ${stats.frames} frames/handshakes, ${(stats.bytes / 1e6).toFixed(1)} MB sent; ` +
      `${stats.closedByServer} closed by the server, ${stats.errorFrames} ERR_MSG frames received`,
  );
  bystander?.destroy();
  await sim?.close();
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
});

const clientId = () => (nextClientId++ % 700_000) + 1;

/** Each run starts clean, so a failure (and fast-check's shrinking) is pinned on the right input. */
async function startRun(): Promise<void> {
  stats.runs++;
  escaped.length = 0;
  // A failed run may have left connections behind; they must not fail the next (shrinking) runs.
  if (live.size > 0 || sim.gateway.sessionCount !== 1) {
    for (const c of live) c.destroy();
    await pollUntil(() => sim.gateway.sessionCount === 1, 2000);
  }
}

function track(c: RawClient): RawClient {
  live.add(c);
  c.socket.once('close', () => live.delete(c));
  return c;
}

async function connect(): Promise<RawClient> {
  await startRun();
  return track(await RawClient.connect(sim.port));
}

async function ready(): Promise<RawClient> {
  await startRun();
  return track(await RawClient.ready(sim.port, clientId()));
}

function send(c: RawClient, bytes: Buffer, frames = 1): void {
  stats.frames += frames;
  stats.bytes += bytes.length;
  c.write(bytes);
}

async function sendChunked(c: RawClient, bytes: Buffer, cuts: readonly number[], frames: number): Promise<void> {
  stats.frames += frames;
  stats.bytes += bytes.length;
  for (const part of chunk(bytes, cuts)) {
    c.write(part);
    // Let the server read between writes so frames really arrive split.
    await new Promise((r) => setImmediate(r));
  }
}

/** Every frame the server sent must decode strictly as a declared server message. */
function assertServerOutputWellFormed(c: RawClient): void {
  expect(c.serverFramingError, 'server sent bytes that are not frames').toBeUndefined();
  const version = Number(c.versionReply?.[0] ?? VERSION);
  for (const fields of c.frames) {
    const body = Buffer.from(`${fields.join('\0')}\0`, 'utf8');
    expect(() => decodeServerFrame(body, version), `server frame ${JSON.stringify(fields).slice(0, 300)}`).not.toThrow();
  }
}

/**
 * After a run: the fuzz client is gone and the simulator is exactly as before, with the bystander
 * still served correctly.
 */
async function afterRun(c: RawClient): Promise<void> {
  stats.closedByServer += c.closedByPeer ? 1 : 0;
  stats.errorFrames += c.errors().length;
  c.destroy();
  expect(escaped, 'an exception escaped into the simulator process').toEqual([]);
  assertServerOutputWellFormed(c);
  await checkBystander();
  const settled = await pollUntil(() => sim.gateway.sessionCount === 1 && sim.tcp.connectionCount === 1, 3000);
  expect({ sessions: sim.gateway.sessionCount, sockets: sim.tcp.connectionCount, settled }).toEqual({ sessions: 1, sockets: 1, settled: true });
  expect(sim.gateway.clientIds.snapshot(sim.clock.now())).toEqual({ live: [BYSTANDER_ID], held: [] });
}

async function checkBystander(): Promise<void> {
  expect(bystander.closed, 'the bystander session was closed').toBe(false);
  const reqId = bystanderReq++;
  bystander.send(contractRequest(reqId));
  const data = await bystander.next((m) => (m.type === 'CONTRACT_DATA' && m.reqId === reqId) || (m.type === 'ERR_MSG' && m.id === reqId), 5000);
  expect(data).toMatchObject({ type: 'CONTRACT_DATA', reqId, symbol: 'AAPL', conId: AAPL_CONID, exchange: 'SMART', currency: 'USD' });
  await bystander.next((m) => m.type === 'CONTRACT_DATA_END' && m.reqId === reqId, 5000);
  // Nothing else arrived for the bystander (no stray errors from other sessions' fuzz).
  expect(bystander.received.filter((m) => m.type === 'ERR_MSG' && m.id !== -1)).toEqual([]);
}

/** How many ERR_MSG 320 the server owes for these bodies, by the same declared layouts. */
function readErrorsOwed(body: Buffer): number {
  try {
    return decodeClientFrame(body, VERSION).type === 'UNKNOWN' ? 1 : 0;
  } catch (err) {
    if (err instanceof FramingError) throw err; // callers only pass well-framed bodies
    return 1;
  }
}

const bodyOf = (frame: Buffer) => frame.subarray(4);
const cuts = fc.array(fc.nat(), { maxLength: 6 });

async function assertStillServes(c: RawClient, label: string): Promise<void> {
  c.send({ type: 'REQ_CURRENT_TIME' });
  const t = await c.waitFor((f) => f[0] === SERVER_ID.CURRENT_TIME, 5000);
  expect(t, `${label}: no CURRENT_TIME after the bad frame (closed=${c.closed})`).toBeDefined();
  expect(c.closedByPeer, `${label}: the server closed the session`).toBe(false);
}

// ---- (a) garbage before the handshake ------------------------------------------------------------

describe('(a) garbage before the handshake', () => {
  const notPrefix = (b: Uint8Array) => !API_PREFIX.subarray(0, Math.min(4, b.length)).equals(Buffer.from(b.subarray(0, 4)));

  it('random bytes instead of "API\\0": the server closes the connection and sends nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 4096 }).filter(notPrefix), cuts, async (bytes, cutAt) => {
        const c = await connect();
        try {
          await sendChunked(c, Buffer.from(bytes), cutAt, 1);
          expect(await c.whenClosed(3000), 'garbage prefix: connection still open').toBe(true);
          expect(c.closedByPeer).toBe(true);
          expect(c.bytesIn).toBe(0);
        } finally {
          await afterRun(c);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('text protocols and pre-v100 handshakes are refused', async () => {
    const samples = ['GET / HTTP/1.1\r\nHost: x\r\n\r\n', '76\0', 'v100..178', 'api\0', 'AP\0', 'API\x01', '\0\0\0\tv100..178', ' API\0'];
    for (const text of samples) {
      const c = await connect();
      try {
        send(c, Buffer.from(text, 'latin1'));
        expect(await c.whenClosed(3000), JSON.stringify(text)).toBe(true);
        expect(c.versionReply, JSON.stringify(text)).toBeUndefined();
      } finally {
        await afterRun(c);
      }
    }
  });

  it('"API\\0" followed by garbage: closed, or cleaned up when the client leaves', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), async (bytes, destroy) => {
        const c = await connect();
        try {
          send(c, Buffer.concat([API_PREFIX, Buffer.from(bytes)]));
          // A complete but unparseable version text is refused; an incomplete one waits for more.
          const len = bytes.length >= 4 ? Buffer.from(bytes).readUInt32BE(0) : -1;
          if (len > 1024 || (len >= 0 && bytes.length >= 4 + len && !/^v\d/.test(Buffer.from(bytes.subarray(4, 4 + len)).toString('latin1')))) {
            expect(await c.whenClosed(3000), 'unreadable handshake: connection still open').toBe(true);
            expect(c.versionReply).toBeUndefined();
          }
          if (destroy) c.destroy();
          else c.end();
          expect(await c.whenClosed(3000)).toBe(true);
        } finally {
          await afterRun(c);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- (d) bad version ranges ------------------------------------------------------------------

describe('(d) version ranges', () => {
  function handshakeBytes(text: string, encoding: BufferEncoding = 'latin1'): Buffer {
    const body = Buffer.from(text, encoding);
    const head = Buffer.alloc(8);
    API_PREFIX.copy(head, 0);
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  }

  it.each([
    ['above what the simulator speaks', 'v999..1000'],
    ['not a number', 'vabc'],
    ['max below min', 'v178..100'],
    ['below v100', 'v1..50'],
    ['no number', 'v'],
    ['empty', ''],
    ['trailing newline', 'v100..178\n'],
    ['trailing NUL', 'v100..178\0'],
    ['negative', 'v-1..178'],
    ['three dots', 'v100...178'],
    ['too many digits', 'v9999999..99999999'],
    ['huge text (5 KiB)', `v100..178 ${'x'.repeat(5000)}`],
    ['huge number (1000 digits)', `v${'9'.repeat(1000)}`],
  ])('bad range, %s: closed without a version reply', async (_why, text) => {
    const c = await connect();
    try {
      send(c, handshakeBytes(text));
      expect(await c.whenClosed(3000), 'connection still open').toBe(true);
      expect(c.closedByPeer).toBe(true);
      expect(c.versionReply).toBeUndefined();
    } finally {
      await afterRun(c);
    }
  });

  it('a handshake length prefix far beyond the limit closes at once (nothing is buffered)', async () => {
    for (const len of [1025, 0x10000, 0xffffff, 0x1000000, 0xffffffff]) {
      const c = await connect();
      try {
        const head = Buffer.alloc(8);
        API_PREFIX.copy(head, 0);
        head.writeUInt32BE(len, 4);
        send(c, Buffer.concat([head, Buffer.from('v100..178')]));
        expect(await c.whenClosed(3000), `length ${len}`).toBe(true);
        expect(c.versionReply).toBeUndefined();
      } finally {
        await afterRun(c);
      }
    }
  });

  it.each([
    ['v100..178', 178],
    ['v100..193', 178],
    ['v157..178 +PACEAPI', 178],
    ['v178', 178],
    ['v100', 100],
    ['v100..999999', 178],
  ])('%j is accepted at v%i and logs in', async (text, expected) => {
    const c = await connect();
    try {
      send(c, Buffer.concat([handshakeBytes(text), encodeClientMessage({ type: 'START_API', clientId: clientId(), optionalCapabilities: '' }, expected)]));
      expect(await c.waitFor((f) => f[0] === SERVER_ID.NEXT_VALID_ID, 3000)).toBeDefined();
      expect(Number(c.versionReply?.[0])).toBe(expected);
    } finally {
      await afterRun(c);
    }
  });

  const versionText = fc.oneof(
    fc
      .tuple(
        fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.stringMatching(/^[0-9]{0,8}$/), anyField),
        fc.constantFrom('..', '.', '...', '', '..-', ' .. '),
        fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.stringMatching(/^[0-9]{0,8}$/), anyField),
        fc.oneof(
          fc.constant(''),
          fc.constantFrom(' +PACEAPI', '  +PACEAPI  x', ' ', '\t+PACEAPI'),
          anyField.map((s) => ` ${s}`),
        ),
      )
      .map(([a, sep, b, opts]) => `v${a}${sep}${b}${opts}`),
    fc.string({ maxLength: 64 }),
    fc.string({ unit: 'binary', maxLength: 64 }),
  );

  it('random version texts: either a sane version reply or a close, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(versionText, fc.constantFrom<BufferEncoding>('latin1', 'utf8'), async (text, enc) => {
        const c = await connect();
        try {
          const bytes = handshakeBytes(text, enc);
          send(c, Buffer.concat([bytes, encodeClientMessage({ type: 'START_API', clientId: clientId(), optionalCapabilities: '' }, VERSION)]));
          const loggedIn = await c.waitFor((f) => f[0] === SERVER_ID.NEXT_VALID_ID, 3000);
          if (c.versionReply) {
            // Accepted: the text really announced a range that includes the negotiated version.
            const v = Number(c.versionReply[0]);
            const m = /^v(\d+)(?:\.\.(\d+))?(?:\s|$)/.exec(bytes.subarray(8).toString('latin1'));
            expect(m, `accepted ${JSON.stringify(text)}`).not.toBeNull();
            const min = Number(m![1]);
            const max = m![2] === undefined ? min : Number(m![2]);
            expect(v).toBe(Math.min(max, 178));
            expect(v).toBeGreaterThanOrEqual(Math.max(min, 100));
            expect(loggedIn).toBeDefined();
          } else {
            expect(c.closed, `refused ${JSON.stringify(text)} but left the connection open`).toBe(true);
            expect(c.closedByPeer).toBe(true);
            expect(c.bytesIn).toBe(0);
          }
        } finally {
          await afterRun(c);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- (b) random frames after a valid handshake -----------------------------------------------------

describe('(b) random frames on a logged-in session', () => {
  it('well-framed random, damaged and valid frames never close the session; each unreadable one gets ERR_MSG 320', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyFrameFields, { minLength: 1, maxLength: 40 }), cuts, async (framesFields, cutAt) => {
        const c = await ready();
        try {
          const frames = framesFields.map((f) => encodeFrame(f));
          const owed = frames.reduce((n, f) => n + readErrorsOwed(bodyOf(f)), 0);
          await sendChunked(c, Buffer.concat(frames), cutAt, frames.length);
          // Sentinels: CURRENT_TIME is answered in order, so everything before it has been read;
          // the contract request goes through the shared sec-def queue behind the fuzzed ones.
          send(c, Buffer.concat([encodeRequest({ type: 'REQ_CURRENT_TIME' }), encodeRequest(contractRequest(SENTINEL_REQ))]), 2);
          const end = await c.waitFor((f) => f[0] === SERVER_ID.CONTRACT_DATA_END && f[2] === String(SENTINEL_REQ), 10_000);
          expect(end, `no answer to the sentinel (closed=${c.closed}, byPeer=${c.closedByPeer})`).toBeDefined();
          expect(c.closedByPeer).toBe(false);
          expect(c.frames.some((f) => f[0] === SERVER_ID.CURRENT_TIME)).toBe(true);
          // Read errors are sent while the frame is read, so all of them are in by now.
          const readErrors = c.frames.filter((f) => asError(f)?.code === 320);
          expect(readErrors.length, JSON.stringify(readErrors.slice(0, 3))).toBe(owed);
        } finally {
          await afterRun(c);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a non-numeric value in a numeric field of a known request: ERR_MSG 320 naming the field, session stays usable', async () => {
    const candidates = numericFieldPositions();
    const nonInt = fc
      .oneof(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.constantFrom('1.5', '1e3', ' 1', '1 ', '+1', '0x10', 'NaN', 'Infinity', '--1', '\uff11', '1_000', '٣'),
      )
      .filter((s) => !s.includes('\0') && !/^-?\d+$/.test(s));
    const nonDouble = nonInt.filter((s) => !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s));
    const arb = fc.constantFrom(...candidates).chain((cand) => fc.tuple(fc.constant(cand), validFieldsOf(cand.def), cand.kind === 'int' ? nonInt : nonDouble));
    await fc.assert(
      fc.asyncProperty(arb, async ([cand, fields, bad]) => {
        const c = await ready();
        try {
          const damaged = [...fields];
          damaged[cand.index] = bad;
          send(c, encodeFrame(damaged));
          const err = await c.waitFor((f) => asError(f)?.code === 320, 5000);
          expect(err, `no ERR_MSG 320 for ${cand.def}.${cand.name} = ${JSON.stringify(bad)}`).toBeDefined();
          const e = asError(err!)!;
          expect(e.message).toContain(`${cand.def}.${cand.name}:`);
          expect(e.id).toBe(cand.reqIdIndex !== undefined && cand.reqIdIndex < cand.index ? Number(fields[cand.reqIdIndex]) : -1);
          await assertStillServes(c, `${cand.def}.${cand.name}`);
        } finally {
          await afterRun(c);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('an unknown message id: ERR_MSG 320 (id -1) and the session stays usable', async () => {
    const known = new Set(KNOWN_IDS.map(String));
    const unknownId = fc.oneof(
      fc
        .integer({ min: 0, max: 10_000_000 })
        .filter((n) => !KNOWN_IDS.includes(n))
        .map(String),
      fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0') && !(/^\d+$/.test(s) && known.has(String(Number(s))))),
    );
    await fc.assert(
      fc.asyncProperty(unknownId, fc.array(anyField, { maxLength: 20 }), async (id, rest) => {
        const c = await ready();
        try {
          send(c, encodeFrame([id, ...rest]));
          const err = await c.waitFor((f) => asError(f)?.code === 320, 5000);
          expect(err, `no ERR_MSG for id ${JSON.stringify(id)}`).toBeDefined();
          expect(asError(err!)).toMatchObject({ id: -1 });
          expect(asError(err!)!.message).toContain('unsupported message id');
          await assertStillServes(c, `id ${JSON.stringify(id)}`);
        } finally {
          await afterRun(c);
        }
      }),
      { numRuns: RUNS },
    );
  });

  type Breaker =
    | { kind: 'empty' }
    | { kind: 'noNul'; body: Uint8Array }
    | { kind: 'oversized'; length: number; tail: Uint8Array }
    | { kind: 'truncated'; fields: string[]; keep: number; destroy: boolean };
  const breaker: fc.Arbitrary<Breaker> = fc.oneof(
    fc.constant({ kind: 'empty' as const }),
    fc.record({
      kind: fc.constant('noNul' as const),
      body: fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => (b[b.length - 1] === 0 ? Uint8Array.of(...b, 0x41) : b)),
    }),
    fc.record({
      kind: fc.constant('oversized' as const),
      length: fc.integer({ min: MAX_FRAME_LENGTH + 1, max: 0xffffffff }),
      tail: fc.uint8Array({ maxLength: 64 }),
    }),
    fc.record({ kind: fc.constant('truncated' as const), fields: anyFrameFields, keep: fc.nat(), destroy: fc.boolean() }),
  );

  it('empty frames, frames without NUL terminator, oversized lengths, truncated frames: error or close, never a crash or leak', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyFrameFields, { maxLength: 5 }), breaker, fc.array(validFields, { maxLength: 3 }), async (before, brk, after) => {
        const c = await ready();
        try {
          const head = Buffer.concat(before.map((f) => encodeFrame(f)));
          const tail = Buffer.concat(after.map((f) => encodeFrame(f)));
          const errorsBefore = () => c.errors().length;
          switch (brk.kind) {
            case 'empty':
            case 'noNul': {
              const body = brk.kind === 'empty' ? Buffer.alloc(0) : Buffer.from(brk.body);
              const len = Buffer.alloc(4);
              len.writeUInt32BE(body.length);
              send(c, Buffer.concat([head, len, body, tail]), before.length + 1 + after.length);
              const closed = await c.whenClosed(2000);
              // Either the server drops the unframeable stream, or it reports it and carries on.
              if (!closed) {
                expect(errorsBefore()).toBeGreaterThan(0);
                await assertStillServes(c, brk.kind);
              } else {
                expect(c.closedByPeer).toBe(true);
              }
              break;
            }
            case 'oversized': {
              const len = Buffer.alloc(4);
              len.writeUInt32BE(brk.length);
              send(c, Buffer.concat([head, len, Buffer.from(brk.tail)]), before.length + 1);
              expect(await c.whenClosed(3000), `length ${brk.length}: connection still open`).toBe(true);
              expect(c.closedByPeer).toBe(true);
              break;
            }
            case 'truncated': {
              const frame = encodeFrame(brk.fields);
              const cut = 1 + (brk.keep % (frame.length - 1)); // 1..len-1 bytes of the frame
              send(c, Buffer.concat([head, frame.subarray(0, cut)]), before.length + 1);
              // The server must wait for the rest, not give up on the session...
              await new Promise((r) => setTimeout(r, 20));
              expect(c.closedByPeer).toBe(false);
              // ...and forget it completely when the client goes away mid-frame.
              if (brk.destroy) c.destroy();
              else c.end();
              expect(await c.whenClosed(3000)).toBe(true);
              break;
            }
          }
        } finally {
          await afterRun(c);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- (c) mutations of valid request streams ------------------------------------------------------

describe('(c) mutated valid request streams', () => {
  const requestsArb = fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 1, max: 1000 }).map((r) => encodeRequest(contractRequest(r))) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 1000 }).map((r) => encodeRequest(contractRequest(r, { exchange: '', currency: '' }))) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 1000 }).map((r) => encodeRequest(historyRequest(r))) },
      { weight: 1, arbitrary: fc.constant(encodeRequest({ type: 'REQ_CURRENT_TIME' })) },
      { weight: 1, arbitrary: fc.constant(encodeRequest({ type: 'REQ_IDS', numIds: 1 })) },
      { weight: 1, arbitrary: fc.constant(encodeRequest({ type: 'REQ_MATCHING_SYMBOLS', reqId: 5, pattern: 'AA' })) },
      { weight: 1, arbitrary: fc.constant(encodeRequest({ type: 'REQ_ACCOUNT_SUMMARY', reqId: 6, group: 'All', tags: 'NetLiquidation' })) },
      { weight: 2, arbitrary: validFields.map((f) => encodeFrame(f)) },
    ),
    { minLength: 1, maxLength: 12 },
  );

  function login(id: number, pace: boolean): Buffer {
    return Buffer.concat([
      encodeHandshake(100, VERSION, pace ? ['+PACEAPI'] : []),
      encodeRequest({ type: 'START_API', clientId: id, optionalCapabilities: '' }),
    ]);
  }

  it('bit flips, truncation, duplication and splicing of a whole session (handshake included)', async () => {
    await fc.assert(
      fc.asyncProperty(
        requestsArb,
        requestsArb,
        fc.array(byteMutation, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        cuts,
        fc.boolean(),
        async (reqs, donorReqs, muts, pace, cutAt, destroy) => {
          const c = await connect();
          try {
            const stream = Buffer.concat([login(clientId(), pace), ...reqs]);
            const donor = Buffer.concat([login(clientId(), !pace), ...donorReqs]);
            const mutated = muts.reduce<Buffer>((b, m) => mutateBytes(b, m, donor), stream);
            await sendChunked(c, mutated, cutAt, reqs.length + 2);
            // Let the server act on what it got, then leave; it must let go of everything.
            await c.waitFor(() => false, 15);
            if (destroy) c.destroy();
            else c.end();
            expect(await c.whenClosed(3000), 'connection not closed after the client left').toBe(true);
          } finally {
            await afterRun(c);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('mutated request bodies on a logged-in session', async () => {
    await fc.assert(
      fc.asyncProperty(requestsArb, requestsArb, fc.array(byteMutation, { minLength: 1, maxLength: 5 }), cuts, async (reqs, donorReqs, muts, cutAt) => {
        const c = await ready();
        try {
          const body = Buffer.concat(reqs);
          const mutated = muts.reduce<Buffer>((b, m) => mutateBytes(b, m, Buffer.concat(donorReqs)), body);
          await sendChunked(c, mutated, cutAt, reqs.length);
          // If the framing survived, the session must still answer in order.
          send(c, encodeRequest({ type: 'REQ_CURRENT_TIME' }));
          await c.waitFor((f) => f[0] === SERVER_ID.CURRENT_TIME, 50);
          c.end();
          expect(await c.whenClosed(3000), 'connection not closed after the client left').toBe(true);
        } finally {
          await afterRun(c);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('field-level damage to valid requests, many sessions in parallel', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(nearValidFields, { minLength: 1, maxLength: 20 }), { minLength: 2, maxLength: 6 }), async (perClient) => {
        await startRun();
        const clients = await Promise.all(perClient.map(async () => track(await RawClient.ready(sim.port, clientId()))));
        try {
          await Promise.all(
            clients.map(async (c, i) => {
              const frames = perClient[i]!.map((f) => encodeFrame(f));
              send(c, Buffer.concat([...frames, encodeRequest({ type: 'REQ_CURRENT_TIME' })]), frames.length + 1);
              expect(await c.waitFor((f) => f[0] === SERVER_ID.CURRENT_TIME, 5000), 'no CURRENT_TIME').toBeDefined();
              expect(c.closedByPeer).toBe(false);
            }),
          );
        } finally {
          for (const c of clients) c.destroy();
          for (const c of clients.slice(1)) assertServerOutputWellFormed(c);
          await afterRun(clients[0]!);
        }
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});

describe('after the fuzzing', () => {
  it('the simulator still accepts new clients and serves them', async () => {
    const c = await WireClient.ready({ port: sim.port, clientId: 5 });
    c.send(contractRequest(1));
    expect(await c.next((m) => m.type === 'CONTRACT_DATA_END', 5000)).toMatchObject({ reqId: 1 });
    await c.close();
    await checkBystander();
    expect(escaped).toEqual([]);
  });
});

// ---- helpers ---------------------------------------------------------------------------------------

interface NumericField {
  def: keyof typeof ClientMessages;
  name: string;
  kind: 'int' | 'double';
  /** Wire position (0 = message id). */
  index: number;
  reqIdIndex: number | undefined;
}

/** Top-level int/double fields of every client message and their wire positions at VERSION. */
function numericFieldPositions(): NumericField[] {
  const out: NumericField[] = [];
  for (const [type, def] of Object.entries(ClientMessages) as Array<[keyof typeof ClientMessages, MessageDef]>) {
    let index = 1;
    let reqIdIndex: number | undefined;
    const found: Array<Omit<NumericField, 'reqIdIndex'>> = [];
    for (const f of def.fields as readonly Field[]) {
      const g = f.gate;
      if (g && ((g.since !== undefined && VERSION < g.since) || (g.before !== undefined && VERSION >= g.before) || g.when)) {
        if (g.when) break; // position depends on other fields from here on
        continue;
      }
      if (f.kind === 'list') break;
      if (f.kind !== 'const') {
        if (f.name === 'reqId') reqIdIndex = index;
        if (f.kind === 'int' || f.kind === 'double') found.push({ def: type, name: f.name, kind: f.kind, index });
      }
      index++;
    }
    for (const f of found) out.push({ ...f, reqIdIndex });
  }
  return out;
}
