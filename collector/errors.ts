/**
 * Typed failures of the collector.
 *
 * Every error the collector raises on purpose is a `CollectorError`: callers branch on `code` (or
 * `instanceof`) instead of matching message text, and `retryable` tells `retry()` whether trying
 * again can possibly help. Messages always name the thing that failed (address, client id,
 * symbol, file) because in the incident the logs said "timeout" and nothing else. IB's codes come
 * from common/ib/errors.ts, the one home of IB's codes and texts.
 */
import { IbCode } from '../common/ib/errors.ts';
import { IB_HISTORICAL_PACING } from '../common/ib/pacing.ts';

export interface CollectorErrorOptions {
  retryable: boolean;
  cause?: unknown;
  /** IB error code this failure came from (326, 200, 162...), when there is one. */
  ibCode?: number;
  /** Minimum wait before a retry can succeed (e.g. a pacing penalty); `retry()` honours it. */
  retryAfterMs?: number;
  /** What the user can do about it ("is the gateway running on …?"), shown after the message. */
  hint?: string;
}

export class CollectorError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly ibCode: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: CollectorErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable;
    this.ibCode = options.ibCode;
    this.retryAfterMs = options.retryAfterMs;
    this.hint = options.hint;
  }
}

export function isCollectorError(err: unknown): err is CollectorError {
  return err instanceof CollectorError;
}

/** One-line description of any thrown value, for messages that wrap another error. */
export function describeError(err: unknown): string {
  if (err instanceof CollectorError) return `${err.code}: ${err.message}${err.hint ? ` (hint: ${err.hint})` : ''}`;
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/**
 * Error 326. Retryable because the cure is another attempt with a *different* id (the session
 * marks this one taken and leases the next); retrying with the same id only repeats the 326.
 */
export class ClientIdInUse extends CollectorError {
  constructor(
    readonly clientId: number,
    readonly address: string,
  ) {
    super('CLIENT_ID_IN_USE', `client id ${clientId} is already in use on gateway ${address} (error ${IbCode.CLIENT_ID_IN_USE})`, {
      retryable: true,
      ibCode: IbCode.CLIENT_ID_IN_USE,
    });
  }
}

/** Every id of a role's range is leased by a live process or marked in use after a 326. */
export class ClientIdsExhausted extends CollectorError {
  constructor(
    readonly role: string,
    readonly gateway: string,
    readonly detail: string,
  ) {
    super('CLIENT_IDS_EXHAUSTED', `no free client id for role '${role}' on gateway ${gateway}: ${detail}`, {
      // Ids come back when other holders finish or a 326 grace period ends.
      retryable: true,
    });
  }
}

export class GatewayUnreachable extends CollectorError {
  constructor(
    readonly host: string,
    readonly port: number,
    cause?: unknown,
    hint?: string,
  ) {
    const why = cause === undefined ? '' : `: ${describeError(cause)}`;
    super('GATEWAY_UNREACHABLE', `cannot reach gateway at ${host}:${port}${why}`, { retryable: true, cause, ...(hint ? { hint } : {}) });
  }
}

/**
 * The live-target guard (collector/live-guard.ts) refused this gateway: it manages an account that
 * is not a paper account and the command was not told `--i-know-this-is-live`, or the workload is
 * abusive. Raised before any request is sent; never retried.
 */
export class LiveGatewayRefused extends CollectorError {
  constructor(
    readonly address: string,
    readonly accounts: readonly string[],
    reason: string,
  ) {
    super('LIVE_GATEWAY_REFUSED', `refusing gateway ${address}: ${reason}`, { retryable: false });
  }
}

export class HandshakeTimeout extends CollectorError {
  constructor(
    readonly address: string,
    readonly clientId: number,
    readonly timeoutMs: number,
    hint?: string,
  ) {
    super('HANDSHAKE_TIMEOUT', `gateway ${address} did not complete the API handshake for client id ${clientId} within ${timeoutMs} ms`, {
      retryable: true,
      ...(hint ? { hint } : {}),
    });
  }
}

export class NotConnected extends CollectorError {
  constructor(readonly operation: string) {
    super('NOT_CONNECTED', `cannot ${operation}: not connected to the gateway`, { retryable: true, ibCode: IbCode.NOT_CONNECTED });
  }
}

export class ConnectionLost extends CollectorError {
  constructor(
    readonly address: string,
    readonly clientId: number,
    cause?: unknown,
  ) {
    const why = cause === undefined ? '' : `: ${describeError(cause)}`;
    super('CONNECTION_LOST', `connection to gateway ${address} (client id ${clientId}) was lost${why}`, {
      retryable: true,
      cause,
    });
  }
}

/**
 * Error 1101: IB connectivity came back with "data lost". Requests the gateway had in hand when
 * the link dropped will never be answered; they are safe (and necessary) to send again.
 */
export class RequestsLost extends CollectorError {
  constructor(readonly address: string) {
    super(
      'REQUESTS_LOST',
      `gateway ${address} restored connectivity with data lost (${IbCode.CONNECTIVITY_RESTORED_DATA_LOST}): pending requests must be sent again`,
      {
        retryable: true,
        ibCode: IbCode.CONNECTIVITY_RESTORED_DATA_LOST,
      },
    );
  }
}

export class RequestTimeout extends CollectorError {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super('REQUEST_TIMEOUT', `${what} got no answer within ${timeoutMs} ms`, { retryable: true });
  }
}

/** Error 200: the gateway knows no such contract. Asking again gives the same answer. */
export class NoSecurityDefinition extends CollectorError {
  constructor(
    readonly symbol: string,
    readonly query: string = symbol,
  ) {
    super('NO_SECURITY_DEFINITION', `no security definition found for ${query} (error ${IbCode.NO_SECURITY_DEFINITION})`, {
      retryable: false,
      ibCode: IbCode.NO_SECURITY_DEFINITION,
    });
  }
}

export interface ContractCandidate {
  conId: number;
  symbol: string;
  exchange?: string;
  primaryExchange?: string;
  currency?: string;
  localSymbol?: string;
}

/** More than one contract matches; the query must be made more specific, not repeated. */
export class AmbiguousContract extends CollectorError {
  constructor(
    readonly symbol: string,
    readonly candidates: readonly ContractCandidate[],
  ) {
    const list = candidates
      .slice(0, 5)
      .map((c) => `${c.conId} ${c.primaryExchange ?? c.exchange ?? '?'}/${c.currency ?? '?'}`)
      .join(', ');
    const more = candidates.length > 5 ? `, ... (${candidates.length} in all)` : '';
    super('AMBIGUOUS_CONTRACT', `contract for ${symbol} is ambiguous: ${candidates.length} matches [${list}${more}]`, {
      retryable: false,
    });
  }
}

/** Error 162 "Historical data request pacing violation". */
export class PacingViolation extends CollectorError {
  constructor(
    readonly what: string,
    retryAfterMs = IB_HISTORICAL_PACING.identicalWindowMs,
  ) {
    super('PACING_VIOLATION', `historical data pacing violation for ${what} (error ${IbCode.HMDS_ERROR})`, {
      retryable: true,
      ibCode: IbCode.HMDS_ERROR,
      retryAfterMs,
    });
  }
}

/**
 * Error 162 "HMDS query returned no data": the gateway has no bars in the window asked for. Not a
 * success and not a transport failure; the collector records the window with IB's text as its
 * reason (docs/wire-facts/history.md#no-data-162). `ibText` is the gateway's message.
 */
export class NoHistoricalData extends CollectorError {
  constructor(
    readonly what: string,
    readonly ibText: string,
  ) {
    super('NO_DATA', `no historical data for ${what} (error ${IbCode.HMDS_ERROR}: ${ibText})`, { retryable: false, ibCode: IbCode.HMDS_ERROR });
  }
}

export class DeadlineExceeded extends CollectorError {
  constructor(
    readonly what: string,
    readonly deadlineMs: number,
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    const last = lastError === undefined ? '' : `; last error: ${describeError(lastError)}`;
    super('DEADLINE_EXCEEDED', `${what} did not succeed within ${deadlineMs} ms (${attempts} attempt(s))${last}`, {
      retryable: false,
      cause: lastError,
    });
  }
}

export class Aborted extends CollectorError {
  constructor(
    readonly what: string,
    readonly reason?: unknown,
    readonly lastError?: unknown,
  ) {
    const why = reason === undefined ? '' : `: ${describeError(reason)}`;
    super('ABORTED', `${what} was aborted${why}`, { retryable: false, cause: lastError ?? reason });
  }
}

export type StoreFailure = 'corrupt' | 'locked' | 'io' | 'schema' | 'constraint' | 'other';

/** A storage failure, naming the database file. Only a locked database is worth retrying. */
export class StoreError extends CollectorError {
  constructor(
    readonly kind: StoreFailure,
    readonly path: string,
    readonly operation: string,
    cause?: unknown,
  ) {
    const why = cause === undefined ? '' : `: ${describeError(cause)}`;
    super(`STORE_${kind.toUpperCase()}`, `${STORE_FAILURE_TEXT[kind]} (${path}) while trying to ${operation}${why}`, {
      retryable: kind === 'locked',
      cause,
    });
  }
}

const STORE_FAILURE_TEXT: Record<StoreFailure, string> = {
  corrupt: 'database file is corrupt or not a SQLite database',
  locked: 'database is locked by another connection',
  io: 'database file cannot be opened or written',
  schema: 'database schema is not one this version understands',
  constraint: 'data rejected by a database constraint',
  other: 'database operation failed',
};

/**
 * The coordination store (client-id leases, the login's pacing budget, the shared qualification
 * cache) cannot be used: Redis is unreachable or not answering, or it is recovering after it lost
 * its data. While this lasts no new client id and no pacing budget is taken; requests wait (bounded
 * by their deadline) and fail with this error, never by going ahead uncoordinated.
 * `retryAfterWallMs` (wall-clock ms: the store's own time, whatever `--time-scale`) says when
 * trying again can help.
 */
export class CoordinationUnavailable extends CollectorError {
  constructor(
    /** Where the store is, e.g. `redis://10.0.0.5:6379/0 (prefix ibkr-harness)`. */
    readonly store: string,
    /** What could not be done, e.g. "lease a client id". */
    readonly operation: string,
    readonly reason: 'unreachable' | 'recovering',
    opts: { cause?: unknown; retryAfterWallMs?: number; hint?: string } = {},
  ) {
    const why = opts.cause === undefined ? '' : `: ${describeError(opts.cause).replace(/\.+$/, '')}`;
    const what =
      reason === 'recovering'
        ? `coordination store ${store} is recovering (new, or restarted without its data); cannot ${operation} until holders of client ids have re-asserted them`
        : `coordination store ${store} is unreachable; cannot ${operation}${why}`;
    const hint =
      opts.hint ??
      (reason === 'unreachable' ? 'is redis-server running and reachable there? see --coordination' : 'this passes by itself within one lease TTL');
    super('COORDINATION_UNAVAILABLE', `${what}. Hint: ${hint}`, {
      retryable: true,
      ...(opts.cause !== undefined ? { cause: opts.cause } : {}),
    });
    this.retryAfterWallMs = opts.retryAfterWallMs;
  }

  readonly retryAfterWallMs: number | undefined;
}
