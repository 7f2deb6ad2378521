/**
 * Messages a TWS client sends to the gateway, declared once for decoder and encoder: every
 * message id that @stoqey/ib 1.6.10, ib_async 2.0.1 and the official client (TWS API 10.34.02)
 * can send up to server version 193, split by area under `client/`. Layouts and gates:
 * docs/wire-facts/messages.md#client-message-ids and the files it links; gate names:
 * simulator/protocol/server-versions.ts. Gates below 100 (the lowest version served) are open and
 * not written; gates from 195 up are not declared.
 */
import { indexById, type MessageUnion } from './schema.ts';
import { accountMessages } from './client/account.ts';
import { connectionMessages } from './client/connection.ts';
import { contractMessages } from './client/contracts.ts';
import { historyMessages } from './client/history.ts';
import { marketDataMessages } from './client/market-data.ts';
import { newsMessages } from './client/news.ts';
import { orderMessages } from './client/orders.ts';

export const ClientMessages = {
  ...connectionMessages,
  ...contractMessages,
  ...historyMessages,
  ...marketDataMessages,
  ...orderMessages,
  ...accountMessages,
  ...newsMessages,
} as const;

export type ClientMessageDefs = typeof ClientMessages;
export type ClientMessageType = keyof ClientMessageDefs;
export type ClientMessage = MessageUnion<ClientMessageDefs>;
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>;

/** Client message definitions by wire id: one Map lookup per decoded frame. */
export const clientMessageById: ReadonlyMap<number, ClientMessageDefs[ClientMessageType]> = indexById(ClientMessages);
