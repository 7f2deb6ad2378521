/**
 * The one rule for what an error frame means to the request it names: whether it ends the request
 * (and why), or is a notice the gateway sends while it goes on serving it. The simulator's recorded
 * answers (common/spans.ts), the collector's request book and its typed errors all read frames
 * with these functions. Facts, per code and per kind of request, with their sources:
 * docs/wire-facts/request-ends.md#which-codes-end-which-request.
 */
import { IB_TEXT, IbCode, NO_ID } from './errors.ts';
import { NOT_SIMULATED_MARK } from './refusals.ts';

/**
 * The request id an error frame names, or undefined when its id field is not one: -1 marks a
 * connection-level notice, and error 100 carries a violation counter there, not a request id.
 * docs/wire-facts/errors.md#100-message-rate-exceeded
 */
export function errorRequestId(id: number, code: number): number | undefined {
  return id === NO_ID || code === IbCode.RATE_EXCEEDED ? undefined : id;
}

/**
 * Notices that name a request without ending it: the 2100–2999 warnings (e.g. 2174 before the
 * data, 2188 before bars that still come), 165, 399, 404, 434, 492, and the market-data
 * advisories 10089, 10090 and 10167 (the request goes on with the data the account may see).
 * Every other error bearing a request id ends that request — 321 included: it is a rejection.
 * docs/wire-facts/request-ends.md#which-codes-end-which-request
 */
export function isWarningCode(code: number): boolean {
  return (code >= 2100 && code < 3000) || NOTICE_CODES.has(code);
}

const NOTICE_CODES: ReadonlySet<number> = new Set([
  IbCode.HMDS_QUERY_MESSAGE,
  399,
  404,
  434,
  492,
  IbCode.API_NEEDS_SUBSCRIPTION,
  IbCode.PART_NOT_SUBSCRIBED,
  IbCode.DELAYED_DATA_DISPLAYED,
]);

/** Whether an error frame ends the request it names (see isWarningCode, errorRequestId). */
export function endsRequest(id: number, code: number): boolean {
  return errorRequestId(id, code) !== undefined && !isWarningCode(code);
}

/**
 * Why the gateway ended a request, read from its code and text. One row each in
 * docs/wire-facts/request-ends.md#which-codes-end-which-request; `other` is any code not listed there.
 */
export type RequestEnd =
  | 'unknown-contract'
  | 'ambiguous-contract'
  | 'pacing-violation'
  | 'no-data'
  | 'query-cancelled'
  | 'hmds-refused'
  | 'invalid-request'
  | 'read-only'
  | 'processing-error'
  | 'not-simulated'
  | 'not-subscribed'
  | 'no-such-query'
  | 'invalid-real-time-query'
  | 'competing-session'
  | 'invalid-end-date'
  | 'other';

const has = (text: string, part: string) => text.includes(part.toLowerCase());

/** The reason an error that ends a request gives (see RequestEnd); texts matched case-insensitively. */
export function requestEndOf(code: number, message: string): RequestEnd {
  const text = message.toLowerCase();
  switch (code) {
    case IbCode.NO_SECURITY_DEFINITION:
      return has(text, IB_TEXT.ambiguous) ? 'ambiguous-contract' : 'unknown-contract';
    case IbCode.HMDS_ERROR:
      if (has(text, IB_TEXT.pacingViolation)) return 'pacing-violation';
      if (has(text, IB_TEXT.noData)) return 'no-data';
      if (has(text, IB_TEXT.queryCancelled)) return 'query-cancelled';
      return 'hmds-refused';
    case IbCode.READ_ERROR:
      return 'invalid-request';
    case IbCode.VALIDATION_ERROR:
      return has(text, IB_TEXT.readOnly) ? 'read-only' : 'invalid-request';
    case IbCode.PROCESSING_ERROR:
      return has(text, NOT_SIMULATED_MARK) ? 'not-simulated' : 'processing-error';
    case IbCode.MARKET_DATA_NOT_SUBSCRIBED:
    case IbCode.DELAYED_DATA_NOT_ENABLED:
    case IbCode.DELAYED_DATA_NOT_ENABLED_ALT:
      return 'not-subscribed';
    case IbCode.NO_HISTORICAL_QUERY:
      return 'no-such-query';
    case IbCode.INVALID_REAL_TIME_QUERY:
      return 'invalid-real-time-query';
    case IbCode.COMPETING_SESSION:
      return 'competing-session';
    case IbCode.INVALID_END_DATE:
      return 'invalid-end-date';
    default:
      return 'other';
  }
}

/** A 162 that reports a pacing violation (rather than no data or a cancellation). */
export function isPacingViolation(code: number, message: string): boolean {
  return code === IbCode.HMDS_ERROR && requestEndOf(code, message) === 'pacing-violation';
}

/** A 162 that says the query found nothing: an empty answer, not a failure. */
export function isNoData(code: number, message: string): boolean {
  return code === IbCode.HMDS_ERROR && requestEndOf(code, message) === 'no-data';
}
