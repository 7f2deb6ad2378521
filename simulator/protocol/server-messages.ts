/**
 * Messages the gateway sends to clients, declared once for encoder and decoder: every reply to
 * the requests in client-messages.ts, up to server version 194, split by area under `server/`.
 * Layouts and gates: docs/wire-facts/messages.md#server-message-ids and the files it links; gate
 * names: simulator/protocol/server-versions.ts. The simulator negotiates at most v178, but the
 * gates above it are kept so the tables stay true for a 193 profile.
 */
import { indexById, type MessageUnion } from './schema.ts';
import { accountMessages } from './server/account.ts';
import { connectionMessages } from './server/connection.ts';
import { contractMessages } from './server/contracts.ts';
import { historyMessages } from './server/history.ts';
import { marketDataMessages } from './server/market-data.ts';
import { newsMessages } from './server/news.ts';
import { orderMessages } from './server/orders.ts';

export const ServerMessages = {
  ...connectionMessages,
  ...contractMessages,
  ...historyMessages,
  ...marketDataMessages,
  ...orderMessages,
  ...accountMessages,
  ...newsMessages,
} as const;

export type ServerMessageDefs = typeof ServerMessages;
export type ServerMessageType = keyof ServerMessageDefs;
export type ServerMessage = MessageUnion<ServerMessageDefs>;
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;

/** Server message definitions by wire id (the id-less handshake reply is not in this map). */
export const serverMessageById: ReadonlyMap<number, ServerMessageDefs[ServerMessageType]> = indexById(ServerMessages);
