/**
 * The gateway port straight onto the in-process gateway model: no sockets, no bytes, no real
 * waiting — the collector core and the gateway run on one virtual clock, which is what lets the
 * property tests run thousands of workloads. It follows the same rules as the @stoqey/ib adapter
 * (326 → ClientIdInUse, every pending request ends when the connection does).
 */
import type { Clock } from '../../common/clock.ts';
import { IbCode, NO_ID } from '../../common/ib/errors.ts';
import { parseManagedAccounts } from '../../common/ib/accounts.ts';
import type { GatewayPort } from '../../simulator/model/gateway-port.ts';
import type { ClientMessage, ServerMessage } from '../../simulator/protocol/index.ts';
import { contractRequest, historyRequest } from '../../simulator/protocol/requests.ts';
import { InProcessConnection } from '../../simulator/server/in-process.ts';
import { Aborted, ClientIdInUse, ConnectionLost, HandshakeTimeout } from '../errors.ts';
import { closedDuringHandshake, handshakeTimeoutHint } from '../gateway-errors.ts';
import type { ConnectOptions, ContractSpec, GatewayConnection, GatewayConnector, HistoryQuery } from '../gateway-client.ts';
import { BaseConnection } from './base-connection.ts';

export interface ModelConnectorOptions {
  name?: string;
  /** Client-side send limit, as @stoqey/ib's (default 40/s); Infinity for a client without one. */
  maxReqPerSec?: number;
  /**
   * The client process these connections come from. The gateway then sees them from
   * `<process>:<n>` (n counting this connector's connections), as it sees `host:port` over TCP,
   * so whatever groups connections by remote host (the verdict's remote processes) groups them by
   * process. Without it they come from `collector/<clientId>`.
   */
  process?: string;
}

export class ModelConnector implements GatewayConnector {
  readonly address: string;
  private readonly maxReqPerSec: number;
  private readonly process: string | undefined;
  private connections = 0;

  constructor(
    private readonly gateway: GatewayPort,
    private readonly clock: Clock,
    opts: ModelConnectorOptions = {},
  ) {
    this.address = opts.name ?? 'in-process';
    this.maxReqPerSec = opts.maxReqPerSec ?? 40;
    this.process = opts.process;
  }

  connect(opts: ConnectOptions): Promise<GatewayConnection> {
    const remote = this.process !== undefined ? `${this.process}:${++this.connections}` : `collector/${opts.clientId}`;
    const conn = InProcessConnection.open(this.gateway, { remote });
    return new Promise((resolve, reject) => {
      let sawVersion = false;
      let settled = false;
      const notices: Array<{ code: number; message: string }> = [];
      let accounts: string[] | undefined;
      let sawNextId = false;
      const timer = this.clock.setTimer(opts.timeoutMs, () =>
        fail(new HandshakeTimeout(this.address, opts.clientId, opts.timeoutMs, handshakeTimeoutHint(sawVersion, undefined))),
      );
      const onAbort = () => fail(new Aborted(`connect to ${this.address}`, opts.signal?.reason));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        settled = true;
        timer.cancel();
        opts.signal?.removeEventListener('abort', onAbort);
        offMessage();
        offClose();
      };
      const fail = (err: Error) => {
        if (settled) return;
        done();
        conn.close(true);
        reject(err);
      };
      const offMessage = conn.onMessage((m) => {
        if (m.type === 'SERVER_VERSION') sawVersion = true;
        if (m.type === 'SERVER_VERSION') conn.send({ type: 'START_API', clientId: opts.clientId, optionalCapabilities: '' });
        else if (m.type === 'ERR_MSG' && m.id === NO_ID) notices.push({ code: m.code, message: m.message });
        else if (m.type === 'MANAGED_ACCTS') accounts = parseManagedAccounts(String(m.accounts));
        else if (m.type === 'NEXT_VALID_ID') sawNextId = true;
        // Both arrive right after START_API, in either order; the connection is ready with both
        // (docs/wire-facts/accounts.md#managed-accounts-list).
        if (sawNextId && accounts !== undefined && !settled) {
          done();
          resolve(new ModelConnection(conn, opts.clientId, this.address, accounts, new SendPacer(this.clock, this.maxReqPerSec), this.clock));
        }
      });
      const offClose = conn.onClose(() => {
        // Only a 326 says our client id is in use; every other refusal is typed by what was seen.
        if (notices.some((n) => n.code === IbCode.CLIENT_ID_IN_USE)) fail(new ClientIdInUse(opts.clientId, this.address));
        else
          fail(
            closedDuringHandshake({ host: this.address, port: 0, clientId: opts.clientId, sawVersion, notices }) ??
              new ConnectionLost(this.address, opts.clientId, new Error('the gateway closed the connection during the login')),
          );
      });
      if (opts.signal?.aborted) onAbort();
    });
  }
}

class ModelConnection extends BaseConnection {
  constructor(
    private readonly conn: InProcessConnection,
    clientId: number,
    address: string,
    managedAccounts: readonly string[],
    private readonly pacer: SendPacer,
    clock: Clock,
  ) {
    super(clientId, address, managedAccounts, () => clock.now());
    conn.onMessage((m) => this.onMessage(m));
    conn.onClose(() => this.closed());
  }

  protected sendContractDetails(reqId: number, spec: ContractSpec): void {
    this.paced(
      contractRequest(reqId, {
        conId: spec.conId ?? 0,
        symbol: spec.symbol,
        secType: spec.secType ?? 'STK',
        exchange: spec.exchange ?? 'SMART',
        primaryExchange: spec.primaryExchange ?? '',
        currency: spec.currency ?? '',
        localSymbol: spec.localSymbol ?? '',
      }),
    );
  }

  protected sendHistoricalData(reqId: number, q: HistoryQuery): void {
    this.paced(
      historyRequest(reqId, {
        conId: q.contract.conId,
        symbol: q.contract.symbol,
        secType: q.contract.secType,
        exchange: q.contract.exchange || 'SMART',
        currency: q.contract.currency,
        endDateTime: q.endDateTime,
        barSize: q.barSize,
        duration: q.duration,
        useRTH: q.useRTH ? 1 : 0,
        whatToShow: q.whatToShow,
        formatDate: 2,
      }),
    );
  }

  protected sendCancelHistoricalData(reqId: number): void {
    this.paced({ type: 'CANCEL_HISTORICAL_DATA', reqId });
  }

  protected sendCurrentTime(): void {
    this.paced({ type: 'REQ_CURRENT_TIME' });
  }

  protected closeTransport(clean: boolean): void {
    this.conn.close(clean);
  }

  /** Send through the client-side rate limit; a message still waiting when the link closes is dropped. */
  private paced(msg: ClientMessage): void {
    this.pacer.schedule(() => {
      if (this.isOpen) this.conn.send(msg);
    });
  }

  private onMessage(m: ServerMessage): void {
    switch (m.type) {
      case 'CONTRACT_DATA':
        this.receivedContract(m.reqId, {
          conId: m.conId,
          symbol: m.symbol,
          secType: m.secType,
          exchange: m.exchange,
          primaryExchange: m.primaryExchange,
          currency: m.currency,
          localSymbol: m.localSymbol,
          longName: m.longName,
          timeZoneId: m.timeZoneId,
        });
        return;
      case 'CONTRACT_DATA_END':
        this.receivedContractEnd(m.reqId);
        return;
      case 'HISTORICAL_DATA':
        this.receivedBars(
          m.reqId,
          m.bars.map((b) => ({ time: b.date, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, wap: b.wap, count: b.barCount })),
          m.startDate !== undefined && m.endDate !== undefined ? { start: m.startDate, end: m.endDate } : undefined,
        );
        return;
      case 'CURRENT_TIME':
        this.receivedTime(m.time);
        return;
      case 'ERR_MSG':
        this.receivedError(m.id, m.code, m.message);
        return;
      default:
        return;
    }
  }
}

/**
 * The same send limit @stoqey/ib applies (rate/10 messages per 100 ms window), on the model clock,
 * so a client behaves alike in virtual time and over TCP.
 */
class SendPacer {
  private readonly perWindow: number;
  private readonly sent: number[] = [];
  private nextFree = 0;

  constructor(
    private readonly clock: Clock,
    maxReqPerSec: number,
  ) {
    this.perWindow = Number.isFinite(maxReqPerSec) ? Math.max(1, Math.floor(maxReqPerSec / 10)) : Number.POSITIVE_INFINITY;
  }

  schedule(send: () => void): void {
    if (!Number.isFinite(this.perWindow)) {
      send();
      return;
    }
    const now = this.clock.now();
    let at = Math.max(now, this.nextFree);
    while (this.sent.length > 0 && this.sent[0]! <= at - 100) this.sent.shift();
    if (this.sent.length >= this.perWindow) at = Math.max(at, this.sent[this.sent.length - this.perWindow]! + 100);
    this.sent.push(at);
    this.nextFree = at;
    if (at <= now) send();
    else this.clock.setTimer(at - now, send);
  }
}
