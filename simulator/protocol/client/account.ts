/**
 * Client messages about the account: account updates and summary, positions, P&L, financial
 * advisor configuration, soft-dollar tiers. Layouts: official EClient.java (TWS API 10.34.02),
 * cross-checked with ib_async 2.0.1 and @stoqey/ib 1.6.10 — docs/wire-facts/requests.md#minimal-replies,
 * docs/wire-facts/orders.md#account-requests.
 */
import { bool, int, message, str, version } from '../schema.ts';
import { MIN_SERVER_VER_REPLACE_FA_END } from '../server-versions.ts';

export const accountMessages = {
  REQ_ACCOUNT_DATA: message(6, 'REQ_ACCOUNT_DATA', [version(2), bool('subscribe'), str('acctCode')]),
  /** group `All`; tags comma-separated (`NetLiquidation,BuyingPower`, `$LEDGER:ALL`). */
  REQ_ACCOUNT_SUMMARY: message(62, 'REQ_ACCOUNT_SUMMARY', [version(1), int('reqId'), str('group'), str('tags')]),
  CANCEL_ACCOUNT_SUMMARY: message(63, 'CANCEL_ACCOUNT_SUMMARY', [version(1), int('reqId')]),
  // stoqey sends version 2 here, ib_async 1; the version field is read and not checked.
  REQ_ACCOUNT_UPDATES_MULTI: message(76, 'REQ_ACCOUNT_UPDATES_MULTI', [version(1), int('reqId'), str('account'), str('modelCode'), bool('ledgerAndNLV')]),
  CANCEL_ACCOUNT_UPDATES_MULTI: message(77, 'CANCEL_ACCOUNT_UPDATES_MULTI', [version(1), int('reqId')]),

  REQ_POSITIONS: message(61, 'REQ_POSITIONS', [version(1)]),
  CANCEL_POSITIONS: message(64, 'CANCEL_POSITIONS', [version(1)]),
  REQ_POSITIONS_MULTI: message(74, 'REQ_POSITIONS_MULTI', [version(1), int('reqId'), str('account'), str('modelCode')]),
  CANCEL_POSITIONS_MULTI: message(75, 'CANCEL_POSITIONS_MULTI', [version(1), int('reqId')]),

  REQ_PNL: message(92, 'REQ_PNL', [int('reqId'), str('account'), str('modelCode')]),
  CANCEL_PNL: message(93, 'CANCEL_PNL', [int('reqId')]),
  REQ_PNL_SINGLE: message(94, 'REQ_PNL_SINGLE', [int('reqId'), str('account'), str('modelCode'), int('conId')]),
  CANCEL_PNL_SINGLE: message(95, 'CANCEL_PNL_SINGLE', [int('reqId')]),

  /** faDataType 1 groups, 2 profiles (refused from v177), 3 aliases. */
  REQ_FA: message(18, 'REQ_FA', [version(1), int('faDataType')]),
  REPLACE_FA: message(19, 'REPLACE_FA', [version(1), int('faDataType'), str('xml'), int('reqId', { since: MIN_SERVER_VER_REPLACE_FA_END })]),
  REQ_SOFT_DOLLAR_TIERS: message(79, 'REQ_SOFT_DOLLAR_TIERS', [int('reqId')]),
} as const;
