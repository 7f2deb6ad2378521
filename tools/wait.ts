/**
 * `ibkr-harness wait` and `waitForGateway()`: is the TWS API of a gateway ready — not just its
 * port open? A gateway's port accepts connections long before its API answers
 * (docs/wire-facts/readiness.md#port-open-is-not-api-ready), so the probe does what a client does:
 * the v100+ handshake, START_API with a probe client id, and waits for NEXT_VALID_ID and
 * MANAGED_ACCTS (docs/wire-facts/readiness.md#what-ready-means); then it disconnects cleanly.
 * Only standard messages are used, so it works against a real gateway and the simulator alike.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  decodeFields,
  encodeClientMessage,
  encodeHandshake,
  FrameDecoder,
  MIN_CLIENT_VER,
  ServerMessages,
  SIM_MAX_VERSION,
  splitFields,
} from '../simulator/protocol/index.ts';

/**
 * The client id the probe logs in with: high enough that no application is likely to use it, and
 * below IB's unset-int sentinel 2147483647 (docs/wire-facts/readiness.md#the-probe-client-id).
 */
export const PROBE_CLIENT_ID = 2_000_000_917;

/** Why a gateway was not ready. */
export type NotReadyCode =
  | 'REFUSED'
  | 'UNREACHABLE'
  | 'CONNECT_TIMEOUT'
  | 'CLOSED_BEFORE_REPLY'
  | 'NO_HANDSHAKE_REPLY'
  | 'NOT_API'
  | 'CLIENT_ID_IN_USE'
  | 'TOO_MANY_CLIENTS'
  | 'GATEWAY_ERROR'
  | 'CLOSED_DURING_LOGIN'
  | 'NOT_LOGGED_IN'
  | 'NO_ACCOUNTS';

export interface WaitOptions {
  /** Default 127.0.0.1. */
  host?: string;
  port: number;
  /** Give up after this many wall ms. */
  timeoutMs: number;
  /** Default PROBE_CLIENT_ID. */
  clientId?: number;
  /** Wall ms between attempts (default 500). */
  retryIntervalMs?: number;
  /** Wall ms each phase of one attempt (connect, handshake reply, login) may take (default 10 000). */
  attemptTimeoutMs?: number;
  /** Called after each failed attempt (for progress output). */
  onAttempt?: (attempt: number, code: NotReadyCode, reason: string) => void;
}

export interface WaitResult {
  ready: boolean;
  /** Why not ready (the last attempt's reason); undefined when ready. */
  reason?: string;
  code?: NotReadyCode;
  /** The negotiated server version, once a handshake succeeded. */
  serverVersion?: number;
  /** Managed accounts reported at login (ready only). */
  accounts?: string[];
  /** Wall ms from the call to the answer. */
  elapsedMs: number;
  attempts: number;
}

type Outcome =
  | { ready: true; serverVersion: number; accounts: string[] }
  /** `cutShort`: a phase ended at the overall deadline rather than after its own timeout. */
  | { ready: false; code: NotReadyCode; reason: string; serverVersion?: number; cutShort?: boolean };

/**
 * Errors that end the waiting at once: the gateway answered, and waiting longer would not change
 * the answer. A 326 means the probe id is taken (docs/wire-facts/gateway.md#duplicate-client-id-326);
 * a port that answers something other than TWS frames will not become an API port.
 */
const FINAL: ReadonlySet<NotReadyCode> = new Set(['CLIENT_ID_IN_USE', 'NOT_API']);

/**
 * Wait until the gateway's API is ready or `timeoutMs` has passed, retrying failed attempts every
 * `retryIntervalMs`. Never throws for a gateway's behaviour: the answer says what went wrong.
 * Throws RangeError for invalid options.
 */
export async function waitForGateway(opts: WaitOptions): Promise<WaitResult> {
  const host = opts.host ?? '127.0.0.1';
  const clientId = opts.clientId ?? PROBE_CLIENT_ID;
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) throw new RangeError(`port must be 1..65535, got ${opts.port}`);
  if (!(opts.timeoutMs >= 0)) throw new RangeError(`timeoutMs must be a non-negative number, got ${opts.timeoutMs}`);
  if (!Number.isSafeInteger(clientId)) throw new RangeError(`clientId must be an integer, got ${clientId}`);
  const interval = opts.retryIntervalMs ?? 500;
  const phaseMs = opts.attemptTimeoutMs ?? 10_000;
  const start = performance.now();
  const deadline = start + opts.timeoutMs;
  let attempts = 0;
  let serverVersion: number | undefined;
  let previous: Extract<Outcome, { ready: false }> | undefined;
  for (;;) {
    attempts++;
    const outcome = await probeOnce(host, opts.port, clientId, deadline, phaseMs);
    if (outcome.serverVersion !== undefined) serverVersion = outcome.serverVersion;
    if (outcome.ready) return { ready: true, serverVersion: outcome.serverVersion, accounts: outcome.accounts, elapsedMs: performance.now() - start, attempts };
    opts.onAttempt?.(attempts, outcome.code, outcome.reason);
    const remaining = deadline - performance.now();
    if (FINAL.has(outcome.code) || remaining <= 0) {
      // An attempt the deadline cut short says less than the last complete one.
      const last = outcome.cutShort && previous ? previous : outcome;
      return {
        ready: false,
        code: last.code,
        reason: last.reason,
        ...(serverVersion ? { serverVersion } : {}),
        elapsedMs: performance.now() - start,
        attempts,
      };
    }
    previous = outcome;
    await sleep(Math.min(interval, remaining));
  }
}

/** Codes that are warnings or notices and say nothing about the login (docs/wire-facts/errors.md#which-codes-end-a-request). */
const isNotice = (code: number) => code >= 2100 && code < 3000;
/** The simulator's refusal of a 33rd client (docs/wire-facts/gateway.md#max-32-api-clients); a real gateway's text is not documented. */
const isTooManyClients = (code: number, text: string) => code === 502 || /maximum.*(connection|client)/i.test(text);

function probeOnce(host: string, port: number, clientId: number, deadline: number, phaseMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, noDelay: true });
    const decoder = new FrameDecoder();
    let version = 0;
    let bytes = 0;
    /** The first bytes received, to show what a non-API server said. */
    let head = Buffer.alloc(0);
    let connected = false;
    let accounts: string[] | undefined;
    let nextValidId = false;
    let gatewayError: string | undefined;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const where = `${host}:${port}`;

    const finish = (outcome: Outcome, clean = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!clean) {
        socket.destroy();
        resolve(outcome);
        return;
      }
      // A clean close (FIN) releases the probe's client id at once (docs/wire-facts/gateway.md#id-held-after-an-unclean-exit).
      const force = setTimeout(() => socket.destroy(), 1000);
      socket.once('close', () => {
        clearTimeout(force);
        resolve(outcome);
      });
      socket.end();
    };
    let cutShort = false;
    const fail = (code: NotReadyCode, reason: string) => finish({ ready: false, code, reason, ...(version ? { serverVersion: version } : {}), cutShort });
    /** Start a phase; its timer fires after phaseMs, or at the deadline if that comes first. */
    const phase = (onExpiry: (ms: number) => void) => {
      clearTimeout(timer);
      const ms = Math.max(0, Math.min(phaseMs, Math.round(deadline - performance.now())));
      timer = setTimeout(() => {
        cutShort = ms < phaseMs;
        onExpiry(ms);
      }, ms);
    };

    phase((ms) => fail('CONNECT_TIMEOUT', `no TCP connection to ${where} within ${ms} ms`));
    socket.once('connect', () => {
      connected = true;
      socket.write(encodeHandshake(MIN_CLIENT_VER, SIM_MAX_VERSION));
      phase((ms) =>
        fail(
          bytes ? 'NOT_API' : 'NO_HANDSHAKE_REPLY',
          bytes
            ? `${where} sent ${bytes} byte(s) that are not a TWS handshake reply`
            : `${where} accepted the connection but sent no handshake reply within ${ms} ms`,
        ),
      );
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') fail('REFUSED', `connection refused: nothing listens on ${where}`);
      else if (connected && version === 0 && bytes === 0)
        fail('CLOSED_BEFORE_REPLY', `${where} reset the connection before the handshake reply (${err.code ?? err.message})`);
      else fail('UNREACHABLE', `${where}: ${err.code ?? ''} ${err.message}`.trim());
    });
    socket.on('close', () => {
      if (version === 0)
        fail('CLOSED_BEFORE_REPLY', `${where} accepted the connection and closed it without a handshake reply (the API is not accepting clients yet?)`);
      else if (gatewayError) fail('GATEWAY_ERROR', `the gateway closed the connection after ${gatewayError}`);
      else fail('CLOSED_DURING_LOGIN', `the gateway closed the connection after the handshake (server version ${version}) before the login completed`);
    });
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (head.length < 64) head = Buffer.concat([head, chunk]).subarray(0, 64);
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch {
        fail('NOT_API', `${where} is not a TWS API port: it answered ${quoteStart(head)}`);
        return;
      }
      for (const body of frames) {
        if (done) return;
        if (version === 0) onVersionReply(body);
        else onFrame(body);
      }
    });

    const onVersionReply = (body: Buffer) => {
      let fields: string[];
      try {
        fields = splitFields(body);
      } catch {
        fields = [];
      }
      const v = fields.length === 2 && /^\d+$/.test(fields[0]!) ? Number(fields[0]) : 0;
      if (v < MIN_CLIENT_VER) {
        fail('NOT_API', `${where} is not a TWS API port: its first frame is not a version reply (${quoteStart(body)})`);
        return;
      }
      version = v;
      socket.write(encodeClientMessage({ type: 'START_API', clientId, optionalCapabilities: '' }, version));
      phase((ms) => {
        const missing = [accounts ? undefined : 'MANAGED_ACCTS', nextValidId ? undefined : 'NEXT_VALID_ID'].filter(Boolean).join(' and ');
        fail(
          'NOT_LOGGED_IN',
          `handshake done (server version ${version}) but no ${missing} within ${ms} ms${gatewayError ? `; the gateway sent ${gatewayError}` : ''}`,
        );
      });
    };

    const onFrame = (body: Buffer) => {
      let fields: string[];
      try {
        fields = splitFields(body);
      } catch {
        return;
      }
      const id = Number(fields[0]);
      try {
        if (id === ServerMessages.MANAGED_ACCTS.id) {
          const m = decodeFields<{ accounts: string }>(ServerMessages.MANAGED_ACCTS, fields, version);
          accounts = m.accounts.split(',').filter((a) => a.trim() !== '');
        } else if (id === ServerMessages.NEXT_VALID_ID.id) {
          nextValidId = true;
        } else if (id === ServerMessages.ERR_MSG.id) {
          const e = decodeFields<{ id: number; code: number; message: string }>(ServerMessages.ERR_MSG, fields, version);
          if (e.code === 326) {
            fail('CLIENT_ID_IN_USE', `client id ${clientId} is already in use (error 326: ${e.message}); choose another with --client-id`);
            return;
          }
          if (isTooManyClients(e.code, e.message)) {
            fail('TOO_MANY_CLIENTS', `the gateway refused another client (error ${e.code}: ${e.message})`);
            return;
          }
          if (!isNotice(e.code)) gatewayError = `error ${e.code}: ${e.message}`;
        }
      } catch {
        return; // a frame this version's layout does not fit: not one the probe needs
      }
      if (accounts !== undefined && nextValidId) {
        if (accounts.length === 0) fail('NO_ACCOUNTS', 'the gateway logged the probe in but reported no managed accounts (not logged in to IB yet?)');
        else finish({ ready: true, serverVersion: version, accounts }, true);
      }
    };
  });
}

/** The first bytes a non-API server sent, readable: `"HTTP/1.1 400 Bad Request"`. */
function quoteStart(bytes: Buffer): string {
  const text = bytes.subarray(0, 48).toString('latin1').split(/\r?\n/)[0]!;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control bytes are shown as dots
  return JSON.stringify(text.replace(/[\x00-\x1f\x7f-\xff]/g, '.'));
}
