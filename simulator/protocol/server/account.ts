/**
 * Gateway messages about the account: account values and portfolio (REQ_ACCOUNT_DATA), positions,
 * account summary, model-level updates, P&L, soft-dollar tiers, FA configuration. Layouts:
 * official EDecoder.java (TWS API 10.34.02), cross-checked with @stoqey/ib 1.6.10 and ib_async
 * 2.0.1 — docs/wire-facts/requests.md#account-messages, docs/wire-facts/orders.md#account-replies.
 */
import { double, int, list, message, optDouble, str, version } from '../schema.ts';
import { contractFieldsNoPrimary, contractHead } from '../contract-fields.ts';
import { MIN_SERVER_VER_REALIZED_PNL, MIN_SERVER_VER_UNREALIZED_PNL } from '../server-versions.ts';

export const accountMessages = {
  ACCT_VALUE: message(6, 'ACCT_VALUE', [version(2), str('key'), str('value'), str('currency'), str('accountName')]),
  /** One portfolio line; ib_async requires exactly these 20 fields (version 8). position is a Decimal. */
  PORTFOLIO_VALUE: message(7, 'PORTFOLIO_VALUE', [
    version(8),
    ...contractHead,
    str('primaryExchange'),
    str('currency'),
    str('localSymbol'),
    str('tradingClass'),
    double('position'),
    double('marketPrice'),
    double('marketValue'),
    double('averageCost'),
    double('unrealizedPNL'),
    double('realizedPNL'),
    str('accountName'),
  ]),
  ACCT_UPDATE_TIME: message(8, 'ACCT_UPDATE_TIME', [version(1), str('time')]),
  ACCT_DOWNLOAD_END: message(54, 'ACCT_DOWNLOAD_END', [version(1), str('account')]),

  POSITION: message(61, 'POSITION', [version(3), str('account'), ...contractFieldsNoPrimary, double('position'), double('avgCost')]),
  POSITION_END: message(62, 'POSITION_END', [version(1)]),
  POSITION_MULTI: message(71, 'POSITION_MULTI', [
    version(1),
    int('reqId'),
    str('account'),
    ...contractFieldsNoPrimary,
    double('position'),
    double('avgCost'),
    str('modelCode'),
  ]),
  POSITION_MULTI_END: message(72, 'POSITION_MULTI_END', [version(1), int('reqId')]),

  ACCOUNT_SUMMARY: message(63, 'ACCOUNT_SUMMARY', [version(1), int('reqId'), str('account'), str('tag'), str('value'), str('currency')]),
  ACCOUNT_SUMMARY_END: message(64, 'ACCOUNT_SUMMARY_END', [version(1), int('reqId')]),
  ACCOUNT_UPDATE_MULTI: message(73, 'ACCOUNT_UPDATE_MULTI', [
    version(1),
    int('reqId'),
    str('account'),
    str('modelCode'),
    str('key'),
    str('value'),
    str('currency'),
  ]),
  ACCOUNT_UPDATE_MULTI_END: message(74, 'ACCOUNT_UPDATE_MULTI_END', [version(1), int('reqId')]),

  /** Account P&L; a value not yet known is 1.7976931348623157E308 (read as undefined). */
  PNL: message(94, 'PNL', [
    int('reqId'),
    optDouble('dailyPnL'),
    optDouble('unrealizedPnL', { since: MIN_SERVER_VER_UNREALIZED_PNL }),
    optDouble('realizedPnL', { since: MIN_SERVER_VER_REALIZED_PNL }),
  ]),
  /** One position's P&L; position is a Decimal, value its market value. */
  PNL_SINGLE: message(95, 'PNL_SINGLE', [
    int('reqId'),
    double('position'),
    optDouble('dailyPnL'),
    optDouble('unrealizedPnL', { since: MIN_SERVER_VER_UNREALIZED_PNL }),
    optDouble('realizedPnL', { since: MIN_SERVER_VER_REALIZED_PNL }),
    optDouble('value'),
  ]),

  SOFT_DOLLAR_TIERS: message(77, 'SOFT_DOLLAR_TIERS', [int('reqId'), list('tiers', [str('name'), str('value'), str('displayName')])]),
  /** faDataType 1 groups, 3 aliases; an XML document. */
  RECEIVE_FA: message(16, 'RECEIVE_FA', [version(1), int('faDataType'), str('xml')]),
  REPLACE_FA_END: message(103, 'REPLACE_FA_END', [int('reqId'), str('text')]),
} as const;
