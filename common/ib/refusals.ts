/**
 * How a gateway refuses requests a paper account is not permissioned for, and the simulator's
 * answer to requests it does not model. Every code here ends the request in @stoqey/ib and
 * ib_async alike (none is on either client's warning list: docs/wire-facts/errors.md#which-codes-end-a-request).
 * Codes, texts and sources: docs/wire-facts/unmodelled.md.
 */
import { IbError, type IbErrorBody } from './errors.ts';

/** The words by which the simulator's 322 for a request it does not model is told apart from IB's own 322s. */
export const NOT_SIMULATED_MARK = 'is not simulated by ibkr-harness';

export const RefusalCode = {
  /** Fundamentals (the Reuters/LSEG reports) without the research subscription. */
  FUNDAMENTALS_NOT_ALLOWED: 10358,
  /** News and Wall Street Horizon requests without the feed's permission. */
  NEWS_FEED_NOT_ALLOWED: 10276,
  /** cancelMktData of a ticker id with no subscription. */
  NO_SUCH_TICKER: 300,
  /** cancelMktDepth of a ticker id with no depth subscription. */
  NO_SUCH_DEPTH: 310,
  /** cancelOrder of an order id the gateway does not know. */
  NO_SUCH_ORDER: 10147,
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
  /** docs/wire-facts/unmodelled.md#cancels */
  noSuchTicker: (tickerId: number): IbErrorBody => ({ code: RefusalCode.NO_SUCH_TICKER, message: `Can't find EId with ticker Id:${tickerId}` }),
  /** docs/wire-facts/unmodelled.md#cancels */
  noSuchDepth: (tickerId: number): IbErrorBody => ({
    code: RefusalCode.NO_SUCH_DEPTH,
    message: `Can't find the subscribed market depth with tickerId:${tickerId}`,
  }),
  /** docs/wire-facts/unmodelled.md#cancels */
  noSuchOrder: (orderId: number): IbErrorBody => ({ code: RefusalCode.NO_SUCH_ORDER, message: `OrderId ${orderId} that needs to be cancelled is not found.` }),
  /**
   * The simulator's answer to a request it does not model: 322, which every client treats as the
   * end of the request, with a text naming the request and where the table of what is simulated
   * lives. docs/wire-facts/unmodelled.md#not-simulated
   */
  notSimulated: (request: string): IbErrorBody => IbError.processing('sim', `${request} ${NOT_SIMULATED_MARK}; see docs/simulated.md for what is`),
} as const;
