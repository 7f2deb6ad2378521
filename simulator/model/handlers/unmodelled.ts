/**
 * Requests the simulator does not model, answered the way a paper account without the
 * subscription or permission is answered, or with an empty answer that ends the client's request:
 * news, Wall Street Horizon, fundamentals, the scanner, FA configuration, display groups,
 * third-party verification, histograms, option analytics, exercise. Cancels are silent where IB
 * is silent. Every choice and its source: docs/wire-facts/unmodelled.md.
 */
import { IbRefusal } from '../../../common/ib/refusals.ts';
import { NO_ID } from '../../../common/ib/errors.ts';
import type { Session } from '../session.ts';
import type { Handlers } from './context.ts';

/** Open scanner subscriptions by session (their cancel is echoed with 162). */
const scanners = new WeakMap<Session, Set<number>>();
const scannersOf = (s: Session): Set<number> => {
  let set = scanners.get(s);
  if (!set) scanners.set(s, (set = new Set()));
  return set;
};

/** A scanner-parameters document with no instruments, locations or scan types: valid XML, nothing to scan. */
export const EMPTY_SCANNER_PARAMETERS =
  '<?xml version="1.0" encoding="UTF-8"?>\n<ScanParameterResponse><InstrumentList/><LocationTree/><ScanTypeList/><FilterList/></ScanParameterResponse>';

const VERIFY_REFUSED = 'API verification is not enabled for this login (ibkr-harness)';

export const unmodelledHandlers = {
  // News and Wall Street Horizon: no provider is permissioned (docs/wire-facts/unmodelled.md#news-and-wall-street-horizon).
  REQ_NEWS_BULLETINS() {
    // A subscription: bulletins arrive only when IB publishes one, so nothing is sent now.
  },
  CANCEL_NEWS_BULLETINS() {},
  REQ_NEWS_PROVIDERS(ctx) {
    ctx.send({ type: 'NEWS_PROVIDERS', providers: [] });
  },
  REQ_NEWS_ARTICLE(ctx, msg) {
    ctx.error(msg.reqId, IbRefusal.newsFeedNotAllowed());
  },
  REQ_HISTORICAL_NEWS(ctx, msg) {
    ctx.error(msg.reqId, IbRefusal.newsFeedNotAllowed());
  },
  REQ_WSH_META_DATA(ctx, msg) {
    ctx.error(msg.reqId, IbRefusal.newsFeedNotAllowed());
  },
  REQ_WSH_EVENT_DATA(ctx, msg) {
    ctx.error(msg.reqId, IbRefusal.newsFeedNotAllowed());
  },
  CANCEL_WSH_META_DATA() {},
  CANCEL_WSH_EVENT_DATA() {},

  // Fundamentals (docs/wire-facts/unmodelled.md#fundamental-data).
  REQ_FUNDAMENTAL_DATA(ctx, msg) {
    ctx.error(msg.reqId, IbRefusal.fundamentalsNotAllowed());
  },
  CANCEL_FUNDAMENTAL_DATA() {},

  // The market scanner: an empty document and empty scans (docs/wire-facts/unmodelled.md#market-scanner).
  REQ_SCANNER_PARAMETERS(ctx) {
    ctx.send({ type: 'SCANNER_PARAMETERS', xml: EMPTY_SCANNER_PARAMETERS });
  },
  REQ_SCANNER_SUBSCRIPTION(ctx, msg) {
    scannersOf(ctx.session).add(msg.reqId);
    ctx.send({ type: 'SCANNER_DATA', reqId: msg.reqId, items: [] });
  },
  CANCEL_SCANNER_SUBSCRIPTION(ctx, msg) {
    if (scannersOf(ctx.session).delete(msg.reqId)) ctx.error(msg.reqId, IbRefusal.scannerCancelled(msg.reqId));
  },

  // Financial-advisor configuration: the login is not an FA (docs/wire-facts/unmodelled.md#financial-advisor-requests).
  REQ_FA(ctx) {
    ctx.error(NO_ID, IbRefusal.faNotAllowed());
  },
  REPLACE_FA(ctx, msg) {
    ctx.error(msg.reqId ?? NO_ID, IbRefusal.faNotAllowed());
  },
  REQ_SOFT_DOLLAR_TIERS(ctx, msg) {
    ctx.send({ type: 'SOFT_DOLLAR_TIERS', reqId: msg.reqId, tiers: [] });
  },

  // Display groups belong to TWS windows; a gateway has none (docs/wire-facts/unmodelled.md#display-groups).
  QUERY_DISPLAY_GROUPS(ctx, msg) {
    ctx.send({ type: 'DISPLAY_GROUP_LIST', reqId: msg.reqId, groups: '' });
  },
  SUBSCRIBE_TO_GROUP_EVENTS(ctx, msg) {
    ctx.error(msg.reqId, IbRefusal.noDisplayGroup(`Display group ${msg.groupId} does not exist: the gateway has no display groups`));
  },
  UPDATE_DISPLAY_GROUP(ctx, msg) {
    ctx.error(msg.reqId, IbRefusal.noDisplayGroup('No display group subscription for this request id: the gateway has no display groups'));
  },
  UNSUBSCRIBE_FROM_GROUP_EVENTS() {},

  // Third-party verification is off (docs/wire-facts/unmodelled.md#api-verification).
  VERIFY_REQUEST(ctx) {
    ctx.send({ type: 'VERIFY_COMPLETED', isSuccessful: 'false', errorText: VERIFY_REFUSED });
  },
  VERIFY_MESSAGE(ctx) {
    ctx.send({ type: 'VERIFY_COMPLETED', isSuccessful: 'false', errorText: VERIFY_REFUSED });
  },
  VERIFY_AND_AUTH_REQUEST(ctx) {
    ctx.send({ type: 'VERIFY_AND_AUTH_COMPLETED', isSuccessful: 'false', errorText: VERIFY_REFUSED });
  },
  VERIFY_AND_AUTH_MESSAGE(ctx) {
    ctx.send({ type: 'VERIFY_AND_AUTH_COMPLETED', isSuccessful: 'false', errorText: VERIFY_REFUSED });
  },

  // The session (docs/wire-facts/unmodelled.md#session-requests).
  REQ_USER_INFO(ctx, msg) {
    ctx.send({ type: 'USER_INFO', reqId: msg.reqId, whiteBrandingId: '' });
  },
  SET_SERVER_LOGLEVEL() {
    // Changes TWS's own log; nothing is answered.
  },

  // Not simulated: 322 with the request's id (docs/wire-facts/unmodelled.md#not-simulated).
  REQ_HISTOGRAM_DATA(ctx, msg) {
    ctx.error(msg.reqId, IbRefusal.notSimulated('REQ_HISTOGRAM_DATA (reqHistogramData)'));
  },
  CANCEL_HISTOGRAM_DATA() {},
  EXERCISE_OPTIONS(ctx, msg) {
    ctx.error(msg.reqId, IbRefusal.notSimulated('EXERCISE_OPTIONS (exerciseOptions)'));
  },

  /** Depth is not modelled yet: no exchange offers it, and the empty list ends the request. */
  REQ_MKT_DEPTH_EXCHANGES(ctx) {
    ctx.send({ type: 'MKT_DEPTH_EXCHANGES', descriptions: [] });
  },
} satisfies Handlers;
