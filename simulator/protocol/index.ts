/**
 * The wire codec: framing plus one declared table per message. Nothing in here knows about
 * sockets, sessions or time; the simulator, the test client and the fuzzers all use it alike.
 */
import { decodeFields, encodeFields, ProtocolError, ASCII7_SINCE } from './codec.ts';
import { encodeFrame, splitFields } from './framing.ts';
import { ClientMessages, clientMessageById, type ClientMessage, type ClientMessageType } from './client-messages.ts';
import { ServerMessages, serverMessageById, type ServerMessage, type ServerMessageType } from './server-messages.ts';
import { MIN_CLIENT_VER, MIN_SERVER_VER_CME_TAGGING_FIELDS_IN_OPEN_ORDER, MIN_SERVER_VER_PENDING_PRICE_REVISION } from './server-versions.ts';

export * from './codec.ts';
export * from './framing.ts';
export * from './schema.ts';
export * from './client-messages.ts';
export * from './server-messages.ts';
export * from './server-versions.ts';

/**
 * The highest server version of the default profiles (`maxServerVersion`), and the version the
 * project's own test clients announce: docs/wire-facts/server-versions.md#why-the-simulator-stops-at-178.
 */
export const SIM_MAX_VERSION = MIN_SERVER_VER_PENDING_PRICE_REVISION;
/**
 * The highest `maxServerVersion` a profile may set: @stoqey/ib 1.6.10's maximum, below ERR_MSG's
 * change at 194 — docs/wire-facts/server-versions.md#server-version-profiles.
 */
export const SIM_HIGHEST_VERSION = MIN_SERVER_VER_CME_TAGGING_FIELDS_IN_OPEN_ORDER;
/** The lowest version the simulator accepts: the v100+ handshake (docs/wire-facts/handshake.md#pre-v100-handshake). */
export const SIM_MIN_VERSION = MIN_CLIENT_VER;

/** A client message whose id has no declaration: kept raw so the gateway can answer it. */
export interface UnknownClientMessage {
  type: 'UNKNOWN';
  id: number | string;
  fields: string[];
}

/** Encode a server message to a ready-to-write frame at the negotiated version. */
export function encodeServerMessage(msg: ServerMessage, version: number): Buffer {
  const def = ServerMessages[msg.type as ServerMessageType];
  return encodeFrame(encodeFields(def, msg as Record<string, unknown>, version), { ascii7: version >= ASCII7_SINCE });
}

/** Encode a client message to a ready-to-write frame (used by the project's own test client). */
export function encodeClientMessage(msg: ClientMessage, version: number): Buffer {
  const def = ClientMessages[msg.type as ClientMessageType];
  return encodeFrame(encodeFields(def, msg as Record<string, unknown>, version));
}

/**
 * Decode one client frame body. Unknown ids come back as `UNKNOWN` rather than throwing, because
 * TWS answers them with an error and carries on; malformed fields throw a ProtocolError.
 */
export function decodeClientFrame(body: Buffer, version: number): ClientMessage | UnknownClientMessage {
  const fields = splitFields(body);
  const idText = fields[0]!;
  const id = /^\d+$/.test(idText) ? Number(idText) : NaN;
  const def = Number.isNaN(id) ? undefined : clientMessageById.get(id);
  if (!def) return { type: 'UNKNOWN', id: Number.isNaN(id) ? idText : id, fields };
  return decodeFields<ClientMessage>(def, fields, version);
}

/**
 * Decode one server frame body, strictly (no field left over), as @stoqey/ib does. `expectVersion`
 * is set for the first frame of a connection, which is the id-less handshake reply.
 */
export function decodeServerFrame(body: Buffer, version: number, expectVersion = false): ServerMessage {
  const fields = splitFields(body);
  if (expectVersion) return decodeFields<ServerMessage>(ServerMessages.SERVER_VERSION, fields, version, { strict: true });
  const id = Number(fields[0]);
  const def = serverMessageById.get(id);
  if (!def) throw new ProtocolError(`no declaration for server message id ${JSON.stringify(fields[0])}`);
  return decodeFields<ServerMessage>(def, fields, version, { strict: true });
}
