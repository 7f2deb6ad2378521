/**
 * The shape of a reference frame, and a tiny framing helper that turns its fields into bytes.
 *
 * Deliberately independent of `simulator/protocol`: nothing here imports the codec, the tables or
 * framing.ts at run time (only their TypeScript types, so a frame's object is checked against the
 * declared field names). A frame is what a real client or gateway puts on the wire, written by
 * hand from a client's source or a capture; the codec is then tested against it, not against
 * itself.
 */
import type { ClientMessageOf, ClientMessageType } from '../client-messages.ts';
import type { ServerMessageOf, ServerMessageType } from '../server-messages.ts';

export interface ReferenceFrame {
  /** `client`: client → gateway (the simulator decodes it); `server`: gateway → client. */
  readonly side: 'client' | 'server';
  /** The declared message type (a key of ClientMessages / ServerMessages). */
  readonly type: string;
  /** The server version the layout is for (the negotiated version of the connection). */
  readonly version: number;
  /** The wire fields, field 0 being the message id (none for the handshake reply). */
  readonly fields: readonly string[];
  /** The object the frame decodes to, `type` included; fields absent at `version` hold the decoder's defaults. */
  readonly message: Readonly<Record<string, unknown>> & { readonly type: string };
  /** Where the field order was checked: a client's encoder/decoder at a named version, or a capture. */
  readonly source: string;
  /**
   * A capture in a form our encoder does not write (e.g. @stoqey/ib's empty conId, ib_async's
   * `0.0` strike): only the decoder is checked against it.
   */
  readonly decodeOnly?: boolean;
}

/**
 * Fields written as one string, separated by `|` (commas occur inside IB fields, `|` in none we
 * use). `'71|2|5|'` is four fields, the last one empty.
 */
export const wire = (text: string): string[] => text.split('|');

interface FrameSpec<M> {
  version: number;
  /** The fields as `|`-separated text (see `wire`). */
  wire: string;
  message: M;
  source: string;
  decodeOnly?: boolean;
}

function frame(side: ReferenceFrame['side'], type: string, spec: FrameSpec<object>): ReferenceFrame {
  const { wire: text, message, ...rest } = spec;
  return { side, type, fields: wire(text), message: { type, ...message }, ...rest };
}

/** A frame a client sends, with its decoded object typed by the declaration. */
export const clientFrame = <T extends ClientMessageType>(type: T, spec: FrameSpec<Omit<ClientMessageOf<T>, 'type'>>) => frame('client', type, spec);

/** A frame the gateway sends, with its decoded object typed by the declaration. */
export const serverFrame = <T extends ServerMessageType>(type: T, spec: FrameSpec<Omit<ServerMessageOf<T>, 'type'>>) => frame('server', type, spec);

/** A v100+ frame: 4-byte big-endian body length, then every field followed by NUL (UTF-8). */
export function frameBytes(fields: readonly string[]): Buffer {
  const body = Buffer.concat(fields.map((field) => Buffer.from(`${field}\0`, 'utf8')));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  return Buffer.concat([length, body]);
}

/** The client's first bytes: `API\0`, a 4-byte big-endian length, the version text without NUL. */
export function handshakeBytes(versionText: string): Buffer {
  const text = Buffer.from(versionText, 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(text.length, 0);
  return Buffer.concat([Buffer.from([0x41, 0x50, 0x49, 0x00]), length, text]);
}

/**
 * The sources the frames were checked against (read 2026-11-30). Facts only: field order and
 * version gates, nothing copied.
 */
export const SOURCE = {
  /** IB's TWS API 10.34.02 (MAX_CLIENT_VER 199), as mirrored at github.com/camilovm10/IBKR-Python@e826a3a, IBJts/source/JavaClient/com/ib/client/. */
  eclient: 'official Java client, TWS API 10.34.02, EClient.java',
  edecoder: 'official Java client, TWS API 10.34.02, EDecoder.java',
  /** github.com/ib-api-reloaded/ib_async at 2afdae4 (release 2.0.1). */
  ibAsyncClient: 'ib_async 2.0.1, ib_async/client.py',
  ibAsyncDecoder: 'ib_async 2.0.1, ib_async/decoder.py',
  /** The npm package installed here, dist/core/io/. */
  stoqeyEncoder: '@stoqey/ib 1.6.10, dist/core/io/encoder.js (and socket.js for START_API)',
  stoqeyDecoder: '@stoqey/ib 1.6.10, dist/core/io/decoder.js',
  /** Bytes the real clients wrote to / accepted from a mock gateway (the team's protocol notes, 2025-11). */
  stoqeyCapture: 'capture: @stoqey/ib 1.6.10 against a mock gateway',
  ibAsyncCapture: 'capture: ib_async 2.0.1 against a mock gateway',
  /** The handshake reply bytes in nautilus_trader's IB adapter test fixtures (2023). */
  twsCapture: 'capture: TWS handshake reply in nautilus_trader test fixtures',
} as const;
