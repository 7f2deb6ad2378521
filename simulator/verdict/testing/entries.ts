/**
 * Hand-written journal entries for the verdict's tests: the frames and notes a gateway records,
 * in the shapes simulator/model/journal.ts documents, built with model times in ms from T0.
 */
import type { JournalEntry } from '../../model/journal.ts';
import { IbError } from '../../../common/ib/errors.ts';
import { contractRequest, historyRequest } from '../../protocol/requests.ts';

export const T0 = Date.UTC(2025, 10, 10, 15, 0, 0);

type Message = JournalEntry['message'];

/** A script of entries: each call appends one, at `T0 + ms`. */
export class Entries {
  readonly list: JournalEntry[] = [];
  private seq = 0;
  private readonly clientIds = new Map<number, number>();

  private add(ms: number, sessionId: number, dir: 'in' | 'out', message: Message, note = false): this {
    if (!note) this.seq++;
    this.list.push({ seq: this.seq, at: T0 + ms, sessionId, clientId: this.clientIds.get(sessionId) ?? null, dir, message });
    return this;
  }

  connect(ms: number, sessionId: number, remote: string): this {
    return this.add(ms, sessionId, 'in', { type: 'CONNECTED', remote }, true);
  }

  /** START_API, then (unless refused) the login messages 1 ms later. */
  login(ms: number, sessionId: number, clientId: number): this {
    this.add(ms, sessionId, 'in', { type: 'START_API', clientId, optionalCapabilities: '' });
    this.clientIds.set(sessionId, clientId);
    this.add(ms + 1, sessionId, 'out', { type: 'MANAGED_ACCTS', accounts: 'DU0118471' });
    return this.add(ms + 1, sessionId, 'out', { type: 'NEXT_VALID_ID', orderId: 1 });
  }

  /** START_API refused with 326 and the gateway closing the connection. */
  refused(ms: number, sessionId: number, clientId: number): this {
    this.add(ms, sessionId, 'in', { type: 'START_API', clientId, optionalCapabilities: '' });
    this.clientIds.set(sessionId, clientId);
    this.error(ms, sessionId, -1, IbError.clientIdInUse());
    return this.disconnect(ms, sessionId, 'client id in use', 'gateway');
  }

  disconnect(ms: number, sessionId: number, reason = 'client closed', by: 'client' | 'gateway' = 'client', clientIdHeldMs?: number): this {
    return this.add(
      ms,
      sessionId,
      by === 'client' ? 'in' : 'out',
      { type: 'DISCONNECTED', reason, by, ...(clientIdHeldMs !== undefined ? { clientIdHeldMs } : {}) },
      true,
    );
  }

  contract(ms: number, sessionId: number, reqId: number, symbol = 'TTE', currency = 'EUR'): this {
    return this.add(ms, sessionId, 'in', { ...contractRequest(reqId, { symbol, currency }) });
  }

  /** The sec-def queue finished reqId (waited `waitMs`, served in `serviceMs`), then its answer if the session is open. */
  served(ms: number, sessionId: number, reqId: number, waitMs: number, serviceMs: number, answered = true): this {
    this.add(ms, sessionId, 'out', { type: 'SECDEF_SERVED', reqId, waitMs, serviceMs, answered }, true);
    if (!answered) return this;
    this.add(ms, sessionId, 'out', { type: 'CONTRACT_DATA', reqId, symbol: 'TTE' });
    return this.add(ms, sessionId, 'out', { type: 'CONTRACT_DATA_END', reqId });
  }

  history(ms: number, sessionId: number, reqId: number, over: Record<string, unknown> = {}): this {
    return this.add(ms, sessionId, 'in', { ...historyRequest(reqId, { symbol: 'AAPL', ...over }) });
  }

  bars(ms: number, sessionId: number, reqId: number): this {
    return this.add(ms, sessionId, 'out', { type: 'HISTORICAL_DATA', reqId, startDate: '20251110', endDate: '20251110', bars: [] });
  }

  error(ms: number, sessionId: number, id: number, body: { code: number; message: string }): this {
    return this.add(ms, sessionId, 'out', { type: 'ERR_MSG', id, code: body.code, message: body.message, advancedOrderRejectJson: '', errorTime: 0 });
  }

  in(ms: number, sessionId: number, message: Message): this {
    return this.add(ms, sessionId, 'in', message);
  }

  out(ms: number, sessionId: number, message: Message): this {
    return this.add(ms, sessionId, 'out', message);
  }

  gatewayEvent(ms: number, event: string, dataLost?: boolean): this {
    return this.add(ms, 0, 'out', { type: 'GATEWAY_EVENT', event, ...(dataLost !== undefined ? { dataLost } : {}) }, true);
  }
}
