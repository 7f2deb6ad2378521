/**
 * What every gateway connection does the same way, whatever carries its messages: request ids,
 * the book of pending requests, notices (kept until someone listens), and the rule that every
 * pending request ends when the connection does. Adapters supply only the sending and feed in
 * what arrives.
 */
import { IbCode } from '../../common/ib/errors.ts';
import { Aborted, ConnectionLost, NotConnected, RequestsLost } from '../errors.ts';
import {
  describeSpec,
  type ContractInfo,
  type ContractSpec,
  type GatewayConnection,
  type HistoricalReply,
  type HistoryQuery,
  type PendingRequest,
  type RawBar,
} from '../gateway-client.ts';
import { isConnectionNotice, RequestBook, settleWithError } from './request-book.ts';

export abstract class BaseConnection implements GatewayConnection {
  protected readonly book = new RequestBook();
  private nextReqId = 1;
  private open = true;
  private closingOnPurpose = false;
  private readonly noticeListeners = new Set<(code: number, message: string) => void>();
  private readonly unheardNotices: Array<[number, string]> = [];
  private readonly closeListeners = new Set<(error?: Error) => void>();
  private readonly timeRequests: Array<{ resolve(t: number): void; reject(e: Error): void }> = [];
  private readonly details = new Map<number, ContractInfo[]>();

  constructor(
    readonly clientId: number,
    readonly address: string,
    readonly managedAccounts: readonly string[],
    /** Model time, for how long requests have been pending. */
    private readonly now: () => number,
  ) {}

  protected abstract sendContractDetails(reqId: number, spec: ContractSpec): void;
  protected abstract sendHistoricalData(reqId: number, q: HistoryQuery): void;
  protected abstract sendCancelHistoricalData(reqId: number): void;
  protected abstract sendCurrentTime(): void;
  /** Close the transport; `clean` false means abortively, as a crashed process would. */
  protected abstract closeTransport(clean: boolean): void;

  get isOpen(): boolean {
    return this.open;
  }

  oldestPendingSince(): number | undefined {
    return this.book.oldestSince;
  }

  contractDetails(spec: ContractSpec): PendingRequest<ContractInfo[]> {
    const reqId = this.nextReqId++;
    const result = this.book.add<ContractInfo[]>(reqId, { kind: 'contract', label: describeSpec(spec), since: this.now() });
    this.details.set(reqId, []);
    result.finally(() => this.details.delete(reqId)).catch(() => {});
    this.whenOpen(reqId, 'request contract details', () => this.sendContractDetails(reqId, spec));
    return { reqId, result };
  }

  historicalData(q: HistoryQuery): PendingRequest<HistoricalReply> {
    const reqId = this.nextReqId++;
    const result = this.book.add<HistoricalReply>(reqId, {
      kind: 'history',
      label: `${q.contract.symbol} ${q.duration} of ${q.barSize} ${q.whatToShow}`,
      since: this.now(),
    });
    this.whenOpen(reqId, 'request historical data', () => this.sendHistoricalData(reqId, q));
    return { reqId, result };
  }

  cancelHistoricalData(reqId: number): void {
    if (this.open) this.sendCancelHistoricalData(reqId);
    this.book.reject(reqId, new Aborted(`historical data request ${reqId}`));
  }

  currentTime(): PendingRequest<number> {
    const result = new Promise<number>((resolve, reject) => this.timeRequests.push({ resolve, reject }));
    if (this.open) this.sendCurrentTime();
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

  onClose(listener: (error?: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.closeOnPurpose(true);
  }

  destroy(): void {
    this.closeOnPurpose(false);
  }

  // ---- fed by the adapter -------------------------------------------------------------------------

  protected receivedContract(reqId: number, info: ContractInfo): void {
    this.details.get(reqId)?.push(info);
  }

  protected receivedContractEnd(reqId: number): void {
    this.book.resolve(reqId, this.details.get(reqId) ?? []);
  }

  /** The bars of a request and the window the gateway says it served, when it said. */
  protected receivedBars(reqId: number, bars: RawBar[], window?: { start: string; end: string }): void {
    const reply: HistoricalReply = window ? { bars, start: window.start, end: window.end } : { bars };
    this.book.resolve(reqId, reply);
  }

  protected receivedTime(time: number): void {
    this.timeRequests.shift()?.resolve(time);
  }

  /** An error frame: a connection notice, or the failure of the request it names. */
  protected receivedError(id: number, code: number, message: string): void {
    if (isConnectionNotice(id, code)) this.notice(code, message);
    else settleWithError(this.book, id, code, message);
  }

  /** The transport is gone, for whatever reason. */
  protected closed(): void {
    if (!this.open) return;
    this.open = false;
    const error = this.closingOnPurpose ? undefined : new ConnectionLost(this.address, this.clientId);
    const failure = error ?? new NotConnected('finish the request');
    this.book.rejectAll(failure);
    for (const r of this.timeRequests.splice(0)) r.reject(failure);
    for (const l of this.closeListeners) l(error);
  }

  private notice(code: number, message: string): void {
    // "Restored - data lost": whatever the gateway had in hand is gone, so end those requests
    // now (retryably) instead of leaving them to wait for answers that will never come.
    if (code === IbCode.CONNECTIVITY_RESTORED_DATA_LOST) this.book.rejectAll(new RequestsLost(this.address));
    if (this.noticeListeners.size === 0) this.unheardNotices.push([code, message]);
    for (const l of this.noticeListeners) l(code, message);
  }

  private closeOnPurpose(clean: boolean): void {
    if (!this.open) return;
    this.closingOnPurpose = true;
    this.closeTransport(clean);
  }

  private whenOpen(reqId: number, what: string, send: () => void): void {
    if (this.open) send();
    else this.book.reject(reqId, new NotConnected(what));
  }
}
