/**
 * The gateway port on the real @stoqey/ib client (IBApi) over TCP. IBApi's own reconnect and
 * client-id logic is not used: the collector owns reconnects and ids. What this adapter adds is
 * what IBApi leaves to its users: telling a 326 (which arrives on `info`, not `error`) from other
 * early closes, turning per-request errors into typed failures, and failing pending requests when
 * the connection drops instead of leaving them hanging.
 */
import { EventName, IBApi, type Contract, type ContractDetails } from '@stoqey/ib';
import type { Clock } from '../../common/clock.ts';
import { IbCode } from '../../common/ib/errors.ts';
import { parseManagedAccounts } from '../../common/ib/accounts.ts';
import { decodeAscii7 } from '../../common/ib/text.ts';
import { Aborted, ClientIdInUse, ConnectionLost, GatewayUnreachable, HandshakeTimeout } from '../errors.ts';
import { closedDuringHandshake, handshakeTimeoutHint, unreachableHint } from '../gateway-errors.ts';
import type { ConnectOptions, ContractInfo, ContractSpec, GatewayConnection, GatewayConnector, HistoryQuery, RawBar } from '../gateway-client.ts';
import { BaseConnection } from './base-connection.ts';

export interface StoqeyConnectorOptions {
  host: string;
  port: number;
  clock: Clock;
  /** IBApi's own send rate limit in messages per *model* second (it runs on real time). Default 40. */
  maxReqPerSec?: number;
}

export class StoqeyConnector implements GatewayConnector {
  readonly address: string;

  constructor(private readonly opts: StoqeyConnectorOptions) {
    this.address = `${opts.host}:${opts.port}`;
  }

  connect(opts: ConnectOptions): Promise<GatewayConnection> {
    const { host, port, clock } = this.opts;
    const rate = this.opts.maxReqPerSec ?? 40;
    // On a scaled clock IBApi's real-time limiter must run 1/scale faster to keep the model rate.
    const api = new IBApi({ host, port, maxReqPerSec: clock.scale > 0 ? Math.max(1, Math.floor(rate / clock.scale)) : rate });
    const address = this.address;
    return new Promise<GatewayConnection>((resolve, reject) => {
      let sawVersion = false;
      let socketError: (Error & { code?: string }) | undefined;
      let settled = false;
      // Error frames with id -1 (IBApi's `info`) during the login: a 326, the client cap, a refusal.
      const notices: Array<{ code: number; message: string }> = [];
      // The first bytes received, kept until the version reply shows they were IB's.
      let received = Buffer.alloc(0);
      // Both arrive right after START_API, in either order; the connection is ready with both
      // (docs/wire-facts/accounts.md#managed-accounts-list).
      let accounts: string[] | undefined;
      let sawNextId = false;
      const foreign = () => (sawVersion ? undefined : foreignPreview(received));
      const timer = clock.setTimer(opts.timeoutMs, () =>
        fail(new HandshakeTimeout(address, opts.clientId, opts.timeoutMs, handshakeTimeoutHint(sawVersion, foreign()))),
      );
      const onAbort = () => fail(new Aborted(`connect to ${address}`, opts.signal?.reason));
      opts.signal?.addEventListener('abort', onAbort, { once: true });

      const cleanup = () => {
        settled = true;
        timer.cancel();
        opts.signal?.removeEventListener('abort', onAbort);
        socketOf(api)?.off('data', onData).off('error', onSocketError);
        api
          .off(EventName.info, onInfo)
          .off(EventName.error, onError)
          .off(EventName.disconnected, onDisconnected)
          .off(EventName.nextValidId, onNextId)
          .off(EventName.managedAccounts, onAccounts);
      };
      const fail = (err: Error) => {
        if (settled) return;
        cleanup();
        api.disconnect();
        reject(err);
      };
      const onInfo = (message: string, code: number) => {
        notices.push({ code, message });
      };
      const onData = (chunk: Buffer) => {
        if (!sawVersion && received.length < 64) received = Buffer.concat([received, chunk]).subarray(0, 64);
      };
      // IBApi reports a socket error as its own 502 on `error`, with the message only; the socket's
      // own error event (after IBApi's) carries the system code (ECONNREFUSED …) that says what happened.
      const onError = (err: Error, code: number) => {
        if (code === IbCode.CONNECT_FAIL) socketError ??= err;
      };
      const onSocketError = (err: Error & { code?: string }) => {
        socketError = err;
      };
      const onDisconnected = () => {
        // Only a 326 says our client id is in use; every other refusal is typed by what was seen.
        if (notices.some((n) => n.code === IbCode.CLIENT_ID_IN_USE)) fail(new ClientIdInUse(opts.clientId, address));
        else if (socketError) fail(new GatewayUnreachable(host, port, socketError, unreachableHint(host, port, socketError.code)));
        else
          fail(
            closedDuringHandshake({ host, port, clientId: opts.clientId, sawVersion, notices, ...optional('foreignBytes', foreign()) }) ??
              new ConnectionLost(address, opts.clientId, new Error('the gateway closed the connection during the login')),
          );
      };
      api.once(EventName.server, () => {
        sawVersion = true;
      });
      const ready = () => {
        if (settled || !sawNextId || accounts === undefined) return;
        cleanup();
        resolve(new StoqeyConnection(api, opts.clientId, address, accounts, clock));
      };
      const onNextId = () => {
        sawNextId = true;
        ready();
      };
      const onAccounts = (list: string) => {
        accounts = parseManagedAccounts(list);
        ready();
      };
      api
        .on(EventName.info, onInfo)
        .on(EventName.error, onError)
        .on(EventName.disconnected, onDisconnected)
        .on(EventName.nextValidId, onNextId)
        .on(EventName.managedAccounts, onAccounts);
      if (opts.signal?.aborted) {
        onAbort();
        return;
      }
      api.connect(opts.clientId);
      socketOf(api)?.on('data', onData).on('error', onSocketError);
      disableNagle(api);
    });
  }
}

/** Printable characters of bytes that do not start an IB handshake reply, or undefined if they may. */
export function foreignPreview(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return undefined;
  // IB frames start with a 4-byte big-endian length below 16 MiB: a first byte of 0 (and, for a
  // version reply, a few bytes more). Anything else — "HTTP/1.1 …", "SSH-2.0…" — is not IB.
  if (bytes[0] === 0) return undefined;
  return bytes
    .toString('latin1')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()
    .slice(0, 40);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** IBApi's TCP socket, which the package does not expose. Pinned to @stoqey/ib 1.6.x internals. */
function socketOf(api: IBApi): import('node:net').Socket | undefined {
  return (api as unknown as { controller?: { socket?: { client?: import('node:net').Socket } } }).controller?.socket?.client;
}

/**
 * IBApi leaves Nagle's algorithm on, so a request written while the previous one is unacknowledged
 * waits for the gateway's delayed ACK (~40 ms on Linux): back-to-back requests arrive in 40 ms
 * steps. Requests are tiny and latency is the point, so send them at once.
 */
export function disableNagle(api: IBApi): void {
  socketOf(api)?.setNoDelay(true);
}

class StoqeyConnection extends BaseConnection {
  /** Bars arrive one event each, then a `finished…` marker. */
  private readonly bars = new Map<number, RawBar[]>();

  constructor(
    private readonly api: IBApi,
    clientId: number,
    address: string,
    managedAccounts: readonly string[],
    clock: Clock,
  ) {
    super(clientId, address, managedAccounts, () => clock.now());
    api.on(EventName.contractDetails, (reqId: number, d: ContractDetails) => this.receivedContract(reqId, toContractInfo(d)));
    api.on(EventName.contractDetailsEnd, (reqId: number) => this.receivedContractEnd(reqId));
    api.on(
      EventName.historicalData,
      (reqId: number, time: string, open: number, high: number, low: number, close: number, volume: number, count: number | undefined, wap: number) => {
        if (!time.startsWith('finished')) {
          if (!this.bars.has(reqId)) this.bars.set(reqId, []);
          this.bars.get(reqId)!.push({ time, open, high, low, close, volume, wap, count: count ?? -1 });
          return;
        }
        const bars = this.bars.get(reqId) ?? [];
        this.bars.delete(reqId);
        this.receivedBars(reqId, bars, servedWindow(time));
      },
    );
    api.on(EventName.currentTime, (time: number) => this.receivedTime(time));
    // IBApi delivers id -1 frames on `info` and the rest on `error`; both are error frames.
    api.on(EventName.error, (err: Error, code: number, reqId: number) => this.receivedError(reqId, code, err.message));
    api.on(EventName.info, (message: string, code: number) => this.receivedError(-1, code, message));
    api.on(EventName.disconnected, () => {
      this.closed();
      api.removeAllListeners();
    });
  }

  protected sendContractDetails(reqId: number, spec: ContractSpec): void {
    this.api.reqContractDetails(reqId, toContract(spec));
  }

  protected sendHistoricalData(reqId: number, q: HistoryQuery): void {
    this.bars.set(reqId, []);
    this.api.reqHistoricalData(
      reqId,
      {
        conId: q.contract.conId,
        exchange: q.contract.exchange || 'SMART',
        symbol: q.contract.symbol,
        secType: q.contract.secType as never,
        currency: q.contract.currency,
      },
      q.endDateTime,
      q.duration,
      q.barSize as never,
      q.whatToShow as never,
      q.useRTH ? 1 : 0,
      2,
      false,
    );
  }

  protected sendCancelHistoricalData(reqId: number): void {
    this.bars.delete(reqId);
    this.api.cancelHistoricalData(reqId);
  }

  protected sendCurrentTime(): void {
    this.api.reqCurrentTime();
  }

  protected closeTransport(clean: boolean): void {
    // IBApi has no abortive close; reach its socket to send a reset, as a crashed process would.
    const socket = clean ? undefined : socketOf(this.api);
    if (socket) socket.resetAndDestroy();
    else this.api.disconnect();
  }
}

/**
 * IBApi ends a request's bars with a `finished-<start>-<end>` marker carrying the window the
 * gateway served (docs/wire-facts/history.md#historical_data-17). The dates contain no `-` before
 * the end's 8-digit date, except the UTC form `yyyyMMdd-HH:mm:ss`, whose time part is not 8 digits.
 */
export function servedWindow(marker: string): { start: string; end: string } | undefined {
  const m = /^finished-(.+?)-(\d{8}(?:[ -].*)?)$/.exec(marker);
  return m ? { start: m[1]!, end: m[2]! } : undefined;
}

function toContract(spec: ContractSpec): Contract {
  return {
    symbol: spec.symbol,
    secType: (spec.secType ?? 'STK') as never,
    exchange: spec.exchange ?? 'SMART',
    ...(spec.currency ? { currency: spec.currency } : {}),
    ...(spec.primaryExchange ? { primaryExch: spec.primaryExchange } : {}),
    ...(spec.conId ? { conId: spec.conId } : {}),
    ...(spec.localSymbol ? { localSymbol: spec.localSymbol } : {}),
  };
}

/**
 * The collector's view of a contract. Text is decoded from IB's `\uXXXX` escapes here, whatever
 * the client library did: @stoqey/ib 1.6.10 decodes longName itself from v153, other fields and
 * other libraries may not, and decoding text without escapes changes nothing
 * (docs/wire-facts/framing.md#text-encoding-and-ascii7-escapes).
 */
function toContractInfo(d: ContractDetails): ContractInfo {
  const c = d.contract;
  return {
    conId: c.conId ?? 0,
    symbol: decodeAscii7(c.symbol ?? ''),
    secType: String(c.secType ?? ''),
    exchange: c.exchange ?? '',
    primaryExchange: c.primaryExch ?? '',
    currency: c.currency ?? '',
    localSymbol: decodeAscii7(c.localSymbol ?? ''),
    longName: decodeAscii7(d.longName ?? ''),
    timeZoneId: d.timeZoneId ?? '',
  };
}
