import { errorRequestId, IbCode, isNoData, isPacingViolation, isWarningCode } from '../../common/ib/errors.ts';
import { CollectorError, NoHistoricalData, NoSecurityDefinition, PacingViolation } from '../errors.ts';
/**
 * Pending requests of one connection by reqId. Every request ends exactly once — answered,
 * failed by the gateway, or failed because the connection went away — so no caller waits forever.
 */
interface Entry {
  kind: string;
  label: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class RequestBook {
  private readonly entries = new Map<number, Entry>();

  add<T>(reqId: number, meta: { kind: string; label: string }): Promise<T> {
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
}

/**
 * An error frame that names no pending request: id -1, or error 100, whose id field carries a
 * violation counter (docs/wire-facts/history.md#what-answers-a-request).
 */
export const isConnectionNotice = (id: number, code: number): boolean => errorRequestId(id, code) === undefined;

export type ErrorOutcome = { kind: 'ignore' } | { kind: 'reject'; error: Error };

/** What an error frame carrying a pending request's id means for that request. */
export function classifyRequestError(code: number, message: string, label: string): ErrorOutcome {
  // Warnings name a request the gateway is still serving; every other error ends it.
  if (isWarningCode(code)) return { kind: 'ignore' };
  if (code === IbCode.NO_SECURITY_DEFINITION) return { kind: 'reject', error: new NoSecurityDefinition(label) };
  if (isPacingViolation(code, message)) return { kind: 'reject', error: new PacingViolation(label) };
  if (isNoData(code, message)) return { kind: 'reject', error: new NoHistoricalData(label, message) };
  return {
    kind: 'reject',
    error: new CollectorError('GATEWAY_ERROR', `gateway error ${code} for ${label}: ${message}`, { retryable: false, ibCode: code }),
  };
}

/** Apply an error frame to the book; returns false when no request of that id is pending. */
export function settleWithError(book: RequestBook, reqId: number, code: number, message: string): boolean {
  const pending = book.get(reqId);
  if (!pending) return false;
  const outcome = classifyRequestError(code, message, pending.label);
  if (outcome.kind === 'reject') book.reject(reqId, outcome.error);
  return true;
}
