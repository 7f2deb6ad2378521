/**
 * Reference frames for every declared wire message, built without the codec.
 *
 * The encoder and the decoder walk one declaration table (client-messages.ts, server-messages.ts),
 * so a wrong field order round-trips perfectly. These frames are the outside check: each one is
 * the wire fields as a real client or gateway puts them on the wire, written by hand and checked
 * against a named source (the official EClient.java / EDecoder.java, ib_async 2.0.1, @stoqey/ib
 * 1.6.10, or a capture), plus the object they decode to. frames.test.ts requires that the encoder
 * writes exactly these bytes, that the decoder reads exactly this object (no field left over), and
 * that every declared message has a frame for each layout its version gates produce between
 * server versions 100 and 194.
 *
 * The frames live by area: client-frames.ts, contract-client-frames.ts,
 * market-data-client-frames.ts, order-client-frames.ts, session-client-frames.ts for requests;
 * server-frames.ts, contract-data-frames.ts, contract-server-frames.ts,
 * market-data-server-frames.ts, order-server-frames.ts for replies. The long, many-gated messages
 * (PLACE_ORDER, OPEN_ORDER, COMPLETED_ORDER, BOND_CONTRACT_DATA) get one frame per layout from a
 * reference writer (frame-writer.ts) transcribed statement by statement from the official client:
 * place-order-frames.ts, open-order-frames.ts.
 *
 * Adding a message (or a version gate) means adding its frames:
 *  1. Read the message in a client's source (EClient.java for requests, EDecoder.java for
 *     replies; ib_async or @stoqey/ib to confirm) and write the fields in that order, as text,
 *     in the file of its area, using `clientFrame` / `serverFrame` (fields `|`-separated, field 0
 *     the message id), or extend its reference writer.
 *  2. Use values that differ from field to field, so a swapped pair changes the bytes.
 *  3. Give the decoded object (fields closed at that version hold the decoder's default) and the
 *     `source` you read. One frame at 178, plus one per other layout between 100 and 194.
 *  4. If @stoqey/ib can send the request, add a driver to stoqey-drivers.ts; for a long reply,
 *     a field check of the event @stoqey/ib emits to stoqey-events.ts.
 */
import { clientFrames } from './client-frames.ts';
import { contractClientFrames } from './contract-client-frames.ts';
import { contractDataFrames } from './contract-data-frames.ts';
import { contractServerFrames } from './contract-server-frames.ts';
import { marketDataClientFrames } from './market-data-client-frames.ts';
import { marketDataServerFrames } from './market-data-server-frames.ts';
import { openOrderFrames } from './open-order-frames.ts';
import { orderClientFrames } from './order-client-frames.ts';
import { orderServerFrames } from './order-server-frames.ts';
import { placeOrderFrames } from './place-order-frames.ts';
import { handshakeBytes, type ReferenceFrame } from './reference-frame.ts';
import { serverFrames } from './server-frames.ts';
import { sessionClientFrames } from './session-client-frames.ts';

export { frameBytes, handshakeBytes, SOURCE, type ReferenceFrame } from './reference-frame.ts';

export const CLIENT_FRAMES: readonly ReferenceFrame[] = [
  ...clientFrames,
  ...contractClientFrames,
  ...marketDataClientFrames,
  ...placeOrderFrames,
  ...orderClientFrames,
  ...sessionClientFrames,
];
export const SERVER_FRAMES: readonly ReferenceFrame[] = [
  ...serverFrames,
  ...contractDataFrames,
  ...contractServerFrames,
  ...marketDataServerFrames,
  ...openOrderFrames,
  ...orderServerFrames,
];
export const REFERENCE_FRAMES: readonly ReferenceFrame[] = [...CLIENT_FRAMES, ...SERVER_FRAMES];

/**
 * The first bytes of a v100+ connection as @stoqey/ib 1.6.10 writes them (capture, and its
 * socket.js): `API\0`, length 9, `v100..193` (193 = CME_TAGGING_FIELDS_IN_OPEN_ORDER).
 */
export const STOQEY_HANDSHAKE = {
  min: 100,
  max: 193,
  bytes: handshakeBytes('v100..193'),
  hex: '41504900' + '00000009' + '7631303' + '02e2e313933',
} as const;

/** A short label for failure messages: `CONTRACT_DATA@163 (client)`. */
export const labelOf = (f: ReferenceFrame): string => `${f.type}@${f.version} (${f.side}${f.decodeOnly ? ', decode only' : ''})`;
