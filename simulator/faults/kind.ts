/**
 * What a fault kind is, in the style of Toxiproxy's toxics: a small object with a name, a schema
 * for its spec (the JSON a user writes) and its behaviour. Each kind lives in its own file in this
 * folder and is listed once in `registry.ts`; docs/adding-a-fault.md walks through adding one.
 *
 * Two scopes:
 *  - `session` kinds sit in the fault stage between the transport adapter and the gateway model and
 *    act on one connection: on a matching incoming message (a rule), or at once on matching open
 *    sessions (connection kinds without a message-level match).
 *  - `gateway` kinds are things a real gateway does itself (lose its link to IB, restart); the
 *    stage only invokes the model's own behaviour for them.
 */
import { z } from 'zod';
import type { Clock } from '../../common/clock.ts';
import { count, integer, strictObject } from '../../common/schema.ts';
import type { IncomingMessage } from '../model/gateway-port.ts';
import type { FillCap } from '../orders/order-types.ts';
import type { Session } from '../model/session.ts';

/** Which sessions and messages a session fault applies to. Every field given must match. */
export const matchSchema = strictObject({
  /** Client message type, e.g. `REQ_CONTRACT_DATA`, `START_API` (or `UNKNOWN`). */
  message: z.string().min(1).optional(),
  /** The session's client id (for START_API: the id it asks for). */
  clientId: integer().optional(),
  sessionId: integer().min(1).optional(),
  /** The request's `symbol` field, case-insensitive. */
  symbol: z.string().optional(),
  /** The request's `reqId` field. */
  reqId: integer().optional(),
  /** Only sessions that completed their login (true), or that have not (false). */
  ready: z.boolean().optional(),
  /** Only sessions holding a client id at the gateway: logging in or ready (true), or not (false). */
  apiClient: z.boolean().optional(),
  /** At-once faults: of the matching open sessions (in connection order), hit only the one at this index modulo their count. */
  pick: count().optional(),
});
export type FaultMatch = z.infer<typeof matchSchema>;

/** The fields every session fault shares, besides its kind and its own parameters. */
export const sessionFaultFields = {
  match: matchSchema.optional(),
  /** Let this many matches through before acting. */
  after: count().optional(),
  /** Act at most this many times (default: unlimited for rules, every matching session at once). */
  times: count().optional(),
};

/** A rule over messages when the match names a message, a symbol or a reqId; otherwise an at-once fault. */
export function isMessageLevel(match: FaultMatch | undefined): boolean {
  return match?.message !== undefined || match?.symbol !== undefined || match?.reqId !== undefined;
}

/** A session as a fault kind may act on it, provided by the fault stage. */
export interface FaultedSession {
  readonly session: Session;
  /** Hand `msg` to the gateway after `ms` model ms (dropped if the session closes meanwhile). */
  deliverLater(msg: IncomingMessage, ms: number): void;
  /** Hand `msg` to the gateway now (a fault that acts after the gateway has seen the message). */
  deliverNow(msg: IncomingMessage): void;
  /** Answer the client with an ERR_MSG for request `id` (-1: none), through the gateway (journaled). */
  answerError(id: number, code: number, text: string): void;
  /**
   * Close the connection. `clean`: as the client's FIN would (the client id is free at once);
   * otherwise as a network failure (the id stays held for the gateway's grace period).
   */
  close(clean: boolean, reason: string): void;
  /** From now on nothing the gateway sends reaches the client (until the fault is removed). */
  stall(faultId: number): void;
  /** From now on the client takes at most `bytesPerSecond` (until the fault is removed). */
  throttle(faultId: number, bytesPerSecond: number): void;
  /** Cap the fills of this session's client's order `orderId` (false: no such open order). */
  capOrderFills(orderId: number, cap: FillCap): boolean;
}

/** What happens to the message that triggered a session fault. */
export type MessageVerdict = 'pass' | 'consumed';

export interface SessionFaultKind<S extends { kind: string } = { kind: string }> {
  readonly name: S['kind'];
  readonly scope: 'session';
  readonly schema: z.ZodType<S>;
  /** One line for logs and listings. */
  describe(spec: S): string;
  /** A matching message arrived on `s`: act, and say whether the message still goes on to the gateway. */
  onMessage(spec: S, s: FaultedSession, msg: IncomingMessage, faultId: number): MessageVerdict;
  /** Act at once on a matching open session. Kinds without it are rules only. */
  onSession?(spec: S, s: FaultedSession, faultId: number): void;
}

/** The model behaviour a gateway-wide fault may invoke (the gateway model provides it). */
export interface GatewayEvents {
  readonly clock: Clock;
  loseConnectivity(): void;
  restoreConnectivity(dataLost: boolean): void;
  restart(): void;
}

export interface GatewayFaultKind<S extends { kind: string } = { kind: string }> {
  readonly name: S['kind'];
  readonly scope: 'gateway';
  readonly schema: z.ZodType<S>;
  describe(spec: S): string;
  /** Do it now. Returns a cancel for anything it left scheduled (a timed restore), if any. */
  apply(spec: S, gateway: GatewayEvents): { cancel(): void } | undefined;
}

export type FaultKind = SessionFaultKind<never> | GatewayFaultKind<never>;

/** The request id a message carries (an order's id for order messages), or -1. */
export function reqIdOf(msg: IncomingMessage): number {
  const m = msg as { reqId?: unknown; orderId?: unknown };
  const id = m.reqId ?? m.orderId;
  return typeof id === 'number' ? id : -1;
}
