/**
 * An independent cross-check of the reference frames with a real client, at server versions 178
 * and 193: the installed @stoqey/ib 1.6.10 (IBApi) connects to a raw capture gateway
 * (testing/capture-gateway.ts) announcing that version, sends every request it can
 * (testing/stoqey-drivers.ts), and the bytes it writes are compared with our reference frames.
 * Then our server frames are fed to its decoder, which rejects any field left over or missing
 * (error 505); for the long messages the decoded event is checked field by field as well.
 *
 * The frames used at a version are those whose layout is the declared layout at that version
 * (testing/layouts.ts). Request ids need no normalising: each request is driven with the reqId of
 * its reference frame. Where @stoqey/ib's bytes differ from ours, the official client decides
 * (KNOWN_DIFFERENCES).
 */
import { EventName, IBApi } from '@stoqey/ib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientMessages, decodeClientFrame, FrameDecoder, ServerMessages, type ClientMessageType, type MessageDef } from './index.ts';
import { startCaptureGateway, type CaptureGateway } from './testing/capture-gateway.ts';
import { CLIENT_FRAMES, frameBytes, labelOf, SERVER_FRAMES, STOQEY_HANDSHAKE, type ReferenceFrame } from './testing/frames.ts';
import { sameLayout } from './testing/layouts.ts';
import { drivers, NOT_SENDABLE_BY_STOQEY } from './testing/stoqey-drivers.ts';
import { STOQEY_EVENT_CHECKS } from './testing/stoqey-events.ts';

/**
 * Fields where @stoqey/ib 1.6.10 writes something else than our frame, with who is right. The
 * official EClient.java (TWS API 10.34.02) sends VERSION = 1 in reqAccountUpdatesMulti and
 * cancelAccountUpdatesMulti, as does ib_async 2.0.1; @stoqey/ib's encoder.js sends 2. The gateway
 * reads that field and ignores it, so both work; our frames keep the official 1.
 */
const KNOWN_DIFFERENCES: Partial<Record<ClientMessageType, Record<number, { ours: string; stoqey: string }>>> = {
  REQ_ACCOUNT_UPDATES_MULTI: { 1: { ours: '1', stoqey: '2' } },
  CANCEL_ACCOUNT_UPDATES_MULTI: { 1: { ours: '1', stoqey: '2' } },
};

/**
 * Server messages @stoqey/ib 1.6.10 cannot parse: HISTORICAL_DATA_END (only sent from v196) and the
 * four verification replies (its decoder has no case for 65, 66, 69, 70). SERVER_VERSION is the
 * handshake reply, checked by the connection itself.
 */
const NOT_PARSED_BY_STOQEY = new Set([
  'SERVER_VERSION',
  'HISTORICAL_DATA_END',
  'VERIFY_MESSAGE_API',
  'VERIFY_COMPLETED',
  'VERIFY_AND_AUTH_MESSAGE_API',
  'VERIFY_AND_AUTH_COMPLETED',
]);

const defs = { client: ClientMessages as Record<string, MessageDef>, server: ServerMessages as Record<string, MessageDef> };
/** The frames that are the message's wire form at `version`. */
const framesAt = (frames: readonly ReferenceFrame[], version: number) => frames.filter((f) => sameLayout(defs[f.side][f.type]!, f.version, version));

const fieldsOf = (frame: Buffer) => frame.toString('utf8', 4, frame.length - 1).split('\0');

/** A CURRENT_TIME sent after a frame marks the point where stoqey has decoded that frame. */
const SENTINEL_TIME = 1762766199;

for (const VERSION of [178, 193]) {
  describe(`@stoqey/ib 1.6.10 at server version ${VERSION}`, () => {
    let gateway: CaptureGateway;
    let api: IBApi;
    /** The first frame after the handshake (IBApi sends START_API on its own). */
    let startApi: Buffer;
    const errors: Array<{ message: string; code: number; reqId: number }> = [];

    beforeAll(async () => {
      gateway = await startCaptureGateway({ serverVersion: VERSION });
      // No client-side throttle: the requests go out back to back.
      api = new IBApi({ host: '127.0.0.1', port: gateway.port, maxReqPerSec: 10_000 });
      api.on(EventName.error, (err: Error, code: number, reqId: number) => errors.push({ message: err.message, code, reqId }));
      const ready = new Promise<void>((resolve) => api.once(EventName.nextValidId, () => resolve()));
      api.connect(5);
      await ready;
      startApi = await gateway.next();
    });

    afterAll(async () => {
      api?.disconnect();
      await gateway?.close();
    });

    describe('writes our reference frames', () => {
      it('the handshake and START_API', async () => {
        expect((await gateway.handshake).toString('hex')).toBe(STOQEY_HANDSHAKE.hex);
        const start = framesAt(CLIENT_FRAMES, VERSION).find((f) => f.type === 'START_API')!;
        expect(fieldsOf(startApi)).toEqual(start.fields);
      });

      it('every declared client message is driven here, sent on connect, or not sendable by @stoqey/ib', () => {
        expect(Object.keys(ClientMessages).sort()).toEqual(['START_API', ...NOT_SENDABLE_BY_STOQEY, ...Object.keys(drivers)].sort());
      });

      const driven = framesAt(CLIENT_FRAMES, VERSION).filter((f) => !f.decodeOnly && f.type !== 'START_API' && f.type in drivers);

      it('every driven message has at least one frame IBApi can write at this version', () => {
        const written = new Set(driven.filter((f) => drive(undefined, f) === undefined).map((f) => f.type));
        expect(Object.keys(drivers).filter((t) => !written.has(t))).toEqual([]);
      });

      it.each(driven.map((f) => [labelOf(f), f] as const))('%s', async (_label, frame: ReferenceFrame) => {
        const type = frame.type as ClientMessageType;
        const reason = drive(api, frame);
        if (reason !== undefined) {
          expect(reason).toMatch(/^IBApi/); // a frame IBApi's methods cannot express: nothing sent
          return;
        }
        const captured = await gateway.next().catch((err: Error) => {
          throw new Error(`${err.message}; stoqey errors: ${JSON.stringify(errors)}`);
        });
        const expected = [...frame.fields];
        for (const [index, diff] of Object.entries(KNOWN_DIFFERENCES[type] ?? {})) {
          expect(expected[Number(index)], `our ${type} field ${index}`).toBe(diff.ours);
          expected[Number(index)] = diff.stoqey;
        }
        expect(fieldsOf(captured)).toEqual(expected);
        expect(captured.equals(frameBytes(expected))).toBe(true);
        // Whatever the difference, the simulator reads stoqey's frame as the same request.
        const [body] = new FrameDecoder().push(captured);
        expect(decodeClientFrame(body!, VERSION)).toStrictEqual(frame.message);
        expect(errors).toEqual([]);
      });
    });

    function decodedUpToSentinel(timeoutMs = 2000): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`@stoqey/ib did not decode up to the sentinel; errors: ${JSON.stringify(errors)}`)), timeoutMs);
        const onTime = (time: number) => {
          if (time !== SENTINEL_TIME) return;
          clearTimeout(timer);
          api.off(EventName.currentTime, onTime);
          resolve();
        };
        api.on(EventName.currentTime, onTime);
      });
    }

    describe('its strict decoder accepts our server frames', () => {
      const fed = framesAt(SERVER_FRAMES, VERSION).filter((f) => !NOT_PARSED_BY_STOQEY.has(f.type));

      it.each(fed.map((f) => [labelOf(f), f] as const))('%s', async (_label, frame: ReferenceFrame) => {
        const before = errors.length;
        const check = STOQEY_EVENT_CHECKS[frame.type];
        const seen: unknown[][] = [];
        const listener = (...args: unknown[]) => seen.push(args);
        if (check) api.on(check.event as EventName.all, listener);
        gateway.send(Buffer.concat([frameBytes(frame.fields), frameBytes(['49', '1', String(SENTINEL_TIME)])]));
        await decodedUpToSentinel();
        if (check) api.off(check.event as EventName.all, listener);
        expect(errors.slice(before).filter((e) => e.code === 505)).toEqual([]);
        check?.verify(seen, frame.message as Record<string, unknown>, VERSION);
      });
    });
  });
}

/** Drive one frame's request through IBApi (or only ask whether it can be driven, with no api). */
function drive(api: IBApi | undefined, frame: ReferenceFrame): string | undefined {
  const driver = drivers[frame.type as keyof typeof drivers] as (api: IBApi, m: unknown) => unknown;
  // Without an api, run the driver against a stand-in whose methods send nothing.
  const target = api ?? (new Proxy({}, { get: () => () => undefined }) as IBApi);
  const reason = driver(target, frame.message);
  return typeof reason === 'string' ? reason : undefined;
}
