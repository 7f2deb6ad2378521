import { errorRequestId, isWarningCode, requestEndOf } from '../../common/ib/request-errors.ts';
import { NoHistoricalData, NoSecurityDefinition, PacingViolation } from '../errors.ts';
import { GatewayRejected } from '../gateway-errors.ts';
/**
 * Pending requests of one connection by reqId. Every request ends exactly once — answered,
 * failed by the gateway, or failed because the connection went away — so no caller waits forever.
 */
interface Entry {
  kind: string;
  label: string;
  /** When it was sent (model ms, the adapter's clock). */
  since: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class RequestBook {
  private readonly entries = new Map<number, Entry>();

  add<T>(reqId: number, meta: { kind: string; label: string; since: number }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.entries.set(reqId, { ...meta, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  get(reqId: number): { kind: string; label: string } | undefined {
    return this.entries.get(reqId);
  }

  resolve(reqId: number, value: unknown): void {
    const e = this.entries.get(reqId);
    if (!e) return;
    this.entries.delete(reqId);
    e.resolve(value);
  }

  reject(reqId: number, error: Error): void {
    const e = this.entries.get(reqId);
    if (!e) return;
    this.entries.delete(reqId);
    e.reject(error);
  }

  rejectAll(error: Error): void {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const e of all) e.reject(error);
  }

  get size(): number {
    return this.entries.size;
  }

  /** When the longest-pending request was sent (model ms), or undefined when none is pending. */
  get oldestSince(): number | undefined {
    let oldest: number | undefined;
    for (const e of this.entries.values()) if (oldest === undefined || e.since < oldest) oldest = e.since;
    return oldest;
  }
}

/**
 * An error frame that names no pending request: id -1, or error 100, whose id field carries a
 * violation counter (docs/wire-facts/history.md#what-answers-a-request).
 */
export const isConnectionNotice = (id: number, code: number): boolean => errorRequestId(id, code) === undefined;

export type ErrorOutcome = { kind: 'ignore' } | { kind: 'reject'; error: Error };

/**
 * What an error frame carrying a pending request's id means for that request, by the one rule of
 * common/ib/request-errors.ts: a notice leaves it running; "no data" ends it as NoHistoricalData
 * (the history collector records the window as empty, docs/wire-facts/history.md#no-data-162); every
 * other error ends it at once with a typed error carrying IB's code and text.
 */
export function classifyRequestError(code: number, message: string, label: string): ErrorOutcome {
  if (isWarningCode(code)) return { kind: 'ignore' };
  switch (requestEndOf(code, message)) {
    case 'unknown-contract':
      return { kind: 'reject', error: new NoSecurityDefinition(label) };
    case 'pacing-violation':
      return { kind: 'reject', error: new PacingViolation(label) };
    case 'no-data':
      return { kind: 'reject', error: new NoHistoricalData(label, message) };
    default:
      return { kind: 'reject', error: new GatewayRejected(label, code, message) };
  }
}

/** Apply an error frame to the book; returns false when no request of that id is pending. */
export function settleWithError(book: RequestBook, reqId: number, code: number, message: string): boolean {
  const pending = book.get(reqId);
  if (!pending) return false;
  const outcome = classifyRequestError(code, message, pending.label);
  if (outcome.kind === 'reject') book.reject(reqId, outcome.error);
  return true;
}
