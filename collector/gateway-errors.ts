/**
 * The gateway said no: typed errors for a request IB ended with an error, and for each way a
 * connection can be refused before it is usable. Each carries IB's code and text where there is
 * one, names what happened in the user's terms, and a hint saying what to do. Which codes end
 * which requests: docs/wire-facts/request-ends.md#which-codes-end-which-request; how a gateway refuses
 * connections: docs/wire-facts/request-ends.md#how-a-gateway-refuses-a-connection.
 */
import { IbCode } from '../common/ib/errors.ts';
import { requestEndOf, type RequestEnd } from '../common/ib/request-errors.ts';
import { CollectorError } from './errors.ts';

const API_SETTINGS = 'TWS: Global Configuration → API → Settings; IB Gateway: Configure → Settings → API → Settings';

/** What the user can do about each way IB ends a request (our words; the facts are in errors.md). */
const REQUEST_END_HINTS: Partial<Record<RequestEnd, string>> = {
  'invalid-request': 'the gateway refused the request as sent (its text says which field): fix the input, asking again gives the same answer',
  'read-only': `the API is in Read-Only mode: clear "Read-Only API" (${API_SETTINGS})`,
  'hmds-refused':
    'IB\'s historical data service refused the request: e.g. a bar size too small for the duration ("invalid step") or no market data permissions for this contract',
  'not-subscribed': 'the account has no market data subscription for this contract; delayed data needs reqMarketDataType 3',
  'competing-session': 'the same user is logged in elsewhere (another TWS, the mobile app) with a live session: log out there',
  'invalid-end-date': 'use "yyyymmdd hh:mm:ss <zone>" or "yyyymmdd-hh:mm:ss" (UTC)',
  'processing-error': 'the gateway could not process the request (e.g. a duplicate request id, or too many requests of one kind at once)',
  'not-simulated': 'the ibkr-harness simulator does not model this request (docs/simulated.md lists what it does); a real gateway may serve it',
  'invalid-real-time-query': 'a real-time request was refused: pacing, permissions, or a session connected from another IP address',
};

/**
 * IB ended a request with an error (any code that ends a request and has no type of its own:
 * 321, 322, a 162 other than pacing / no data, 354, 10168, …). Never retried: the gateway would
 * answer the same. `reason` is the reading of common/ib/request-errors.ts.
 */
export class GatewayRejected extends CollectorError {
  readonly reason: RequestEnd;

  constructor(
    readonly request: string,
    ibCode: number,
    readonly ibMessage: string,
  ) {
    const reason = requestEndOf(ibCode, ibMessage);
    const hint = REQUEST_END_HINTS[reason];
    super('GATEWAY_REJECTED', `gateway rejected ${request}: error ${ibCode} "${ibMessage}"`, { retryable: false, ibCode, ...(hint ? { hint } : {}) });
    this.reason = reason;
  }
}

/**
 * The gateway refused the login because it already serves its maximum number of API clients (32:
 * docs/wire-facts/gateway.md#max-32-api-clients). Retryable — room is made when another client
 * leaves — and it says nothing about our client id, so the id is never marked in use.
 */
export class TooManyClients extends CollectorError {
  constructor(
    readonly address: string,
    readonly clientId: number,
    ibCode: number,
    readonly ibMessage: string,
  ) {
    super('TOO_MANY_CLIENTS', `gateway ${address} refused client id ${clientId}: it serves its maximum of API clients (error ${ibCode} "${ibMessage}")`, {
      retryable: true,
      ibCode,
      hint: 'close idle API connections (every UI page or task holding its own connection counts), or share one connection through `ibkr-harness serve`',
    });
  }
}

/** The gateway sent an error during the login and closed the connection, for a reason with no type of its own. */
export class LoginRefused extends CollectorError {
  constructor(
    readonly address: string,
    readonly clientId: number,
    ibCode: number,
    readonly ibMessage: string,
  ) {
    const readOnly = requestEndOf(ibCode, ibMessage) === 'read-only';
    super('LOGIN_REFUSED', `gateway ${address} refused the login of client id ${clientId}: error ${ibCode} "${ibMessage}"`, {
      retryable: true,
      ibCode,
      hint: readOnly ? REQUEST_END_HINTS['read-only']! : `check the gateway's API settings (${API_SETTINGS}) and its log`,
    });
  }
}

/**
 * The gateway accepted the TCP connection and closed it before answering the handshake: it never
 * saw our client id. A gateway that is restarting does this; so does one whose API refuses this
 * address (docs/wire-facts/request-ends.md#how-a-gateway-refuses-a-connection). Retryable.
 */
export class GatewayClosedConnection extends CollectorError {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    // Port 0: a gateway in this process, which has no addresses to refuse.
    const hint =
      isLoopback(host) || port === 0
        ? 'it is restarting or shutting down (IB Gateway and TWS restart once a day); the collector keeps trying'
        : `it may be restarting, or its API refuses connections from this address: add this host to "Trusted IPs" or clear "Allow connections from localhost only" (${API_SETTINGS})`;
    super('GATEWAY_CLOSED_CONNECTION', `gateway ${port ? `${host}:${port}` : host} accepted the connection and closed it before the handshake reply`, {
      retryable: true,
      hint,
    });
  }
}

/** Something answers on the port, but not with IB's handshake (an HTTP server, say). Not retried. */
export class NotAGateway extends CollectorError {
  constructor(
    readonly host: string,
    readonly port: number,
    /** The first bytes it sent, printable characters only. */
    readonly preview: string,
  ) {
    super('NOT_A_GATEWAY', `${host}:${port} is not an IB gateway: it answered ${JSON.stringify(preview)} instead of the API handshake`, {
      retryable: false,
      hint: 'check the port: IB Gateway listens on 4002 (paper) / 4001 (live), TWS on 7497 (paper) / 7496 (live), the simulator where `ibkr-harness sim --port` says',
    });
  }
}

/**
 * The gateway's clock runs at another pace than ours: a simulator started with another
 * `--time-scale`. Every deadline, lease and pacing window would be wrong, so the connection is
 * refused. `gatewayScale` is our estimate of its scale (real ms per model ms).
 */
export class TimeScaleMismatch extends CollectorError {
  constructor(
    readonly address: string,
    readonly ourScale: number,
    readonly gatewayScale: number,
  ) {
    super(
      'TIME_SCALE_MISMATCH',
      `gateway ${address} runs its clock at time scale ≈${round(gatewayScale)}, this collector at ${ourScale}: model times would disagree`,
      {
        retryable: false,
        hint: `pass the simulator's --time-scale (≈${round(gatewayScale)}) to this command, or start the simulator with --time-scale ${ourScale}`,
      },
    );
  }
}

/** What was seen of a connection attempt that ended before the gateway was ready. */
export interface HandshakeObservation {
  host: string;
  port: number;
  clientId: number;
  /** The gateway's version reply (SERVER_VERSION) arrived: it read our handshake. */
  sawVersion: boolean;
  /** Error frames with id -1 received during the attempt, in order. */
  notices: ReadonlyArray<{ code: number; message: string }>;
  /** Printable preview of bytes received that were not an IB handshake reply (TCP adapters only). */
  foreignBytes?: string;
}

/**
 * The typed error for a connection the gateway closed before it was ready (what a 326 is is
 * decided by the caller: it is the one refusal that marks the id in use). 502 is the text the
 * simulator uses for the client cap (docs/wire-facts/gateway.md#max-32-api-clients).
 */
export function closedDuringHandshake(o: HandshakeObservation): CollectorError | undefined {
  const address = `${o.host}:${o.port}`;
  const refusal = o.notices.find((n) => n.code !== IbCode.CLIENT_ID_IN_USE && !(n.code >= 2100 && n.code < 3000) && n.code !== IbCode.CONNECTIVITY_LOST);
  if (refusal) {
    return refusal.code === IbCode.CONNECT_FAIL || /maximum api connection/i.test(refusal.message)
      ? new TooManyClients(address, o.clientId, refusal.code, refusal.message)
      : new LoginRefused(address, o.clientId, refusal.code, refusal.message);
  }
  if (!o.sawVersion) return o.foreignBytes ? new NotAGateway(o.host, o.port, o.foreignBytes) : new GatewayClosedConnection(o.host, o.port);
  return undefined;
}

/** The hint for a handshake that timed out, by how far it got. */
export function handshakeTimeoutHint(sawVersion: boolean, foreignBytes: string | undefined): string {
  if (foreignBytes) return `it answered ${JSON.stringify(foreignBytes)}, which is not IB's handshake: check the port`;
  return sawVersion
    ? 'the gateway answered the handshake but did not finish the login: is it logged in to IB? is it overloaded?'
    : `the gateway accepted the connection but never answered the handshake: TWS may be asking you to accept it ("Accept incoming connection"; add this host to Trusted IPs, ${API_SETTINGS}), or something other than a gateway listens there`;
}

/** The hint for a TCP connection that failed, by the system error code. */
export function unreachableHint(host: string, port: number, errno: string | undefined): string {
  if (errno === 'ECONNREFUSED')
    return `nothing listens on ${host}:${port}: is the gateway running there? is its API enabled ("Enable ActiveX and Socket Clients", ${API_SETTINGS})? paper ports are 4002 (IB Gateway) and 7497 (TWS)`;
  if (errno === 'ENOTFOUND' || errno === 'EAI_AGAIN') return `the host name ${host} does not resolve`;
  return `is ${host} reachable from here, and the port ${port} open in its firewall?`;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function round(x: number): string {
  return x >= 0.1 ? String(Math.round(x * 100) / 100) : x.toPrecision(2);
}
