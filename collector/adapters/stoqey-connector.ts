/**
 * The gateway port on the real @stoqey/ib client (IBApi) over TCP. IBApi's own reconnect and
 * client-id logic is not used: the collector owns reconnects and ids. What this adapter adds is
 * what IBApi leaves to its users: telling a 326 (which arrives on `info`, not `error`) from other
 * early closes, turning per-request errors into typed failures, and failing pending requests when
 * the connection drops instead of leaving them hanging.
 */
import { EventName, IBApi, type Contract, type ContractDetails } from '@stoqey/ib';
import type { Clock } from '../../common/clock.ts';
import { Aborted, ClientIdInUse, ConnectionLost, RequestsLost, GatewayUnreachable, HandshakeTimeout, NotConnected } from '../errors.ts';
import { describeSpec, type ConnectOptions, type ContractInfo, type ContractSpec, type GatewayConnection, type GatewayConnector, type HistoryQuery, type PendingRequest, type RawBar } from '../gateway-client.ts';
import { isConnectionNotice, RequestBook, settleWithError } from './request-book.ts';

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
      let saw326 = false;
      let sawVersion = false;
      let unreachable: Error | undefined;
      let settled = false;
      const timer = clock.setTimer(opts.timeoutMs, () => fail(new HandshakeTimeout(address, opts.clientId, opts.timeoutMs)));
      const onAbort = () => fail(new Aborted(`connect to ${address}`, opts.signal?.reason));
      opts.signal?.addEventListener('abort', onAbort, { once: true });

      const cleanup = () => {
        settled = true;
        timer.cancel();
        opts.signal?.removeEventListener('abort', onAbort);
        api.off(EventName.info, onInfo).off(EventName.error, onError).off(EventName.disconnected, onDisconnected).off(EventName.nextValidId, onReady);
      };
      const fail = (err: Error) => {
        if (settled) return;
        cleanup();
        api.disconnect();
        reject(err);
      };
      const onInfo = (_message: string, code: number) => {
        if (code === 326) saw326 = true;
      };
      const onError = (err: Error, code: number) => {
        if (code === 502) unreachable = err;
      };
      const onDisconnected = () => {
        if (saw326) fail(new ClientIdInUse(opts.clientId, address));
        else if (unreachable) fail(new GatewayUnreachable(host, port, unreachable));
        // Closed before the version reply: the gateway never saw our client id (e.g. restarting).
        else if (!sawVersion) fail(new GatewayUnreachable(host, port, new Error('the gateway closed the connection before the handshake reply')));
        else fail(new ConnectionLost(address, opts.clientId, new Error('the gateway closed the connection during the handshake')));
      };
      api.once(EventName.server, () => {
        sawVersion = true;
      });
      const onReady = () => {
        if (settled) return;
        cleanup();
        resolve(new StoqeyConnection(api, opts.clientId, address));
      };
      api.on(EventName.info, onInfo).on(EventName.error, onError).on(EventName.disconnected, onDisconnected).on(EventName.nextValidId, onReady);
      if (opts.signal?.aborted) {
        onAbort();
        return;
      }
      api.connect(opts.clientId);
      disableNagle(api);
    });
  }
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

class StoqeyConnection implements GatewayConnection {
  private readonly book = new RequestBook();
  private nextReqId = 1;
  private open = true;
  private readonly noticeListeners = new Set<(code: number, message: string) => void>();
  private readonly unheardNotices: Array<[number, string]> = [];
  private readonly closeListeners = new Set<(error?: Error) => void>();
  private closingOnPurpose = false;
  private readonly timeRequests: Array<{ resolve(t: number): void; reject(e: Error): void }> = [];
  private readonly bars = new Map<number, RawBar[]>();
  private readonly details = new Map<number, ContractInfo[]>();

  constructor(
    private readonly api: IBApi,
    readonly clientId: number,
    readonly address: string,
  ) {
    api.on(EventName.contractDetails, (reqId: number, d: ContractDetails) => this.details.get(reqId)?.push(toContractInfo(d)));
    api.on(EventName.contractDetailsEnd, (reqId: number) => this.book.resolve(reqId, this.details.get(reqId) ?? []));
    api.on(EventName.historicalData, (reqId: number, time: string, open: number, high: number, low: number, close: number, volume: number, count: number | undefined, wap: number) => {
      if (time.startsWith('finished')) this.book.resolve(reqId, this.bars.get(reqId) ?? []);
      else this.bars.get(reqId)?.push({ time, open, high, low, close, volume, wap, count: count ?? -1 });
    });
    api.on(EventName.currentTime, (time: number) => this.timeRequests.shift()?.resolve(time));
    api.on(EventName.error, (err: Error, code: number, reqId: number) => this.onError(err, code, reqId));
    api.on(EventName.info, (message: string, code: number) => {
      this.notice(code, message);
    });
    api.on(EventName.disconnected, () => this.onDisconnected());
  }

  get isOpen(): boolean {
    return this.open;
  }

  contractDetails(spec: ContractSpec): PendingRequest<ContractInfo[]> {
    const reqId = this.nextReqId++;
    const result = this.book.add<ContractInfo[]>(reqId, { kind: 'contract', label: describeSpec(spec) });
    this.details.set(reqId, []);
    result.finally(() => this.details.delete(reqId)).catch(() => {});
    this.whenOpen(reqId, 'request contract details', () => this.api.reqContractDetails(reqId, toContract(spec)));
    return { reqId, result };
  }

  historicalData(q: HistoryQuery): PendingRequest<RawBar[]> {
    const reqId = this.nextReqId++;
    const result = this.book.add<RawBar[]>(reqId, { kind: 'history', label: `${q.contract.symbol} ${q.duration} of ${q.barSize}` });
    this.bars.set(reqId, []);
    result.finally(() => this.bars.delete(reqId)).catch(() => {});
    this.whenOpen(reqId, 'request historical data', () =>
      this.api.reqHistoricalData(
        reqId,
        { conId: q.contract.conId, exchange: q.contract.exchange || 'SMART', symbol: q.contract.symbol, secType: q.contract.secType as never, currency: q.contract.currency },
        q.endDateTime,
        q.duration,
        q.barSize as never,
        q.whatToShow as never,
        q.useRTH ? 1 : 0,
        2,
        false,
      ),
    );
    return { reqId, result };
  }

  cancelHistoricalData(reqId: number): void {
    if (this.open) this.api.cancelHistoricalData(reqId);
    this.book.reject(reqId, new Aborted(`historical data request ${reqId}`));
  }

  currentTime(): PendingRequest<number> {
    const result = new Promise<number>((resolve, reject) => this.timeRequests.push({ resolve, reject }));
    if (this.open) this.api.reqCurrentTime();
    else this.timeRequests.pop()?.reject(new NotConnected('request the current time'));
    return { reqId: -1, result };
  }

  onNotice(listener: (code: number, message: string) => void): () => void {
    this.noticeListeners.add(listener);
    // Notices that arrived right after the handshake, before anyone subscribed (a 1100 sent
    // with the login), are not lost.
    for (const [code, message] of this.unheardNotices.splice(0)) listener(code, message);
    return () => this.noticeListeners.delete(listener);
  }

  private notice(code: number, message: string): void {
    // "Restored - data lost": whatever the gateway had in hand is gone, so end those requests
    // now (retryably) instead of leaving them to wait for answers that will never come.
    if (code === 1101) this.book.rejectAll(new RequestsLost(this.address));
    if (this.noticeListeners.size === 0) this.unheardNotices.push([code, message]);
    for (const l of this.noticeListeners) l(code, message);
  }

  onClose(listener: (error?: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    if (!this.open) return;
    this.closingOnPurpose = true;
    this.api.disconnect();
  }

  destroy(): void {
    if (!this.open) return;
    this.closingOnPurpose = true;
    // IBApi has no abortive close; reach its socket to send a reset, as a crashed process would.
    const socket = socketOf(this.api);
    if (socket) socket.resetAndDestroy();
    else this.api.disconnect();
  }

  private whenOpen(reqId: number, what: string, send: () => void): void {
    if (this.open) send();
    else this.book.reject(reqId, new NotConnected(what));
  }

  private onError(err: Error, code: number, reqId: number): void {
    if (isConnectionNotice(reqId, code)) {
      this.notice(code, err.message);
      return;
    }
    settleWithError(this.book, reqId, code, err.message);
  }

  private onDisconnected(): void {
    if (!this.open) return;
    this.open = false;
    const error = this.closingOnPurpose ? undefined : new ConnectionLost(this.address, this.clientId);
    const failure = error ?? new NotConnected('finish the request');
    this.book.rejectAll(failure);
    for (const r of this.timeRequests.splice(0)) r.reject(failure);
    for (const l of this.closeListeners) l(error);
    this.api.removeAllListeners();
  }
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

function toContractInfo(d: ContractDetails): ContractInfo {
  const c = d.contract;
  return {
    conId: c.conId ?? 0,
    symbol: c.symbol ?? '',
    secType: String(c.secType ?? ''),
    exchange: c.exchange ?? '',
    primaryExchange: c.primaryExch ?? '',
    currency: c.currency ?? '',
    localSymbol: c.localSymbol ?? '',
    longName: d.longName ?? '',
    timeZoneId: d.timeZoneId ?? '',
  };
}
