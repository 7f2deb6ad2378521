/**
 * How a gateway refuses requests a paper account is not permissioned for, and the simulator's
 * answer to requests it does not model. Every code here ends the request in @stoqey/ib and
 * ib_async alike (none is on either client's warning list: docs/wire-facts/errors.md#which-codes-end-a-request).
 * Codes, texts and sources: docs/wire-facts/unmodelled.md.
 */
import { IbError, type IbErrorBody } from './errors.ts';

export const RefusalCode = {
  /** Fundamentals (the Reuters/LSEG reports) without the research subscription. */
  FUNDAMENTALS_NOT_ALLOWED: 10358,
  /** News and Wall Street Horizon requests without the feed's permission. */
  NEWS_FEED_NOT_ALLOWED: 10276,
} as const;

export const IbRefusal = {
  /** docs/wire-facts/unmodelled.md#fundamental-data */
  fundamentalsNotAllowed: (): IbErrorBody => ({ code: RefusalCode.FUNDAMENTALS_NOT_ALLOWED, message: 'Fundamentals data is not allowed.' }),
  /** docs/wire-facts/unmodelled.md#news-and-wall-street-horizon */
  newsFeedNotAllowed: (): IbErrorBody => ({ code: RefusalCode.NEWS_FEED_NOT_ALLOWED, message: 'News feed is not allowed.' }),
  /** 321 for FA requests of a non-FA login. docs/wire-facts/unmodelled.md#financial-advisor-requests */
  faNotAllowed: (): IbErrorBody => IbError.validation('b9', 'FA data operations ignored for non FA customers.'),
  /** The 162 a gateway answers a scanner cancel with. docs/wire-facts/unmodelled.md#market-scanner */
  scannerCancelled: (reqId: number): IbErrorBody => IbError.hmds(`API scanner subscription cancelled: ${reqId}`),
  /** A display group that does not exist. docs/wire-facts/unmodelled.md#display-groups */
  noDisplayGroup: (detail: string): IbErrorBody => IbError.processing('dg', detail),
  /**
   * The simulator's answer to a request it does not model: 322, which every client treats as the
   * end of the request, with a text naming the request and where the table of what is simulated
   * lives. docs/wire-facts/unmodelled.md#not-simulated
   */
  notSimulated: (request: string): IbErrorBody => IbError.processing('sim', `${request} is not simulated by ibkr-harness; see docs/simulated.md for what is`),
} as const;
