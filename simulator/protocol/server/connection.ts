/**
 * Gateway messages about the session: the handshake reply, errors and notices, accounts, ids,
 * time, verification, display groups, user info. Layouts: official EDecoder.java (TWS API
 * 10.34.02), cross-checked with @stoqey/ib 1.6.10 and ib_async 2.0.1 —
 * docs/wire-facts/handshake.md#server-reply-version-and-connection-time,
 * docs/wire-facts/handshake.md#managed_accts-and-next_valid_id, docs/wire-facts/errors.md#err_msg-layout.
 */
import { int, message, str, version } from '../schema.ts';
import { MIN_SERVER_VER_ADVANCED_ORDER_REJECT, MIN_SERVER_VER_ERROR_TIME } from '../server-versions.ts';

export const connectionMessages = {
  /** The handshake reply: the only frame without a message id. */
  SERVER_VERSION: message(null, 'SERVER_VERSION', [int('serverVersion'), str('connectionTime')]),

  ERR_MSG: message(4, 'ERR_MSG', [
    version(2, { before: MIN_SERVER_VER_ERROR_TIME }),
    int('id'),
    int('code'),
    str('message'),
    str('advancedOrderRejectJson', { since: MIN_SERVER_VER_ADVANCED_ORDER_REJECT }),
    int('errorTime', { since: MIN_SERVER_VER_ERROR_TIME }),
  ]),

  MANAGED_ACCTS: message(15, 'MANAGED_ACCTS', [version(1), str('accounts')]),
  NEXT_VALID_ID: message(9, 'NEXT_VALID_ID', [version(1), int('orderId')]),
  CURRENT_TIME: message(49, 'CURRENT_TIME', [version(1), int('time')]),
  USER_INFO: message(107, 'USER_INFO', [int('reqId'), str('whiteBrandingId')]),

  // Third-party API verification. isSuccessful is the text `true` or `false` (official decoder:
  // "true".equals(...)); @stoqey/ib 1.6.10 has no parser for these four.
  VERIFY_MESSAGE_API: message(65, 'VERIFY_MESSAGE_API', [version(1), str('apiData')]),
  VERIFY_COMPLETED: message(66, 'VERIFY_COMPLETED', [version(1), str('isSuccessful'), str('errorText')]),
  VERIFY_AND_AUTH_MESSAGE_API: message(69, 'VERIFY_AND_AUTH_MESSAGE_API', [version(1), str('apiData'), str('xyzChallenge')]),
  VERIFY_AND_AUTH_COMPLETED: message(70, 'VERIFY_AND_AUTH_COMPLETED', [version(1), str('isSuccessful'), str('errorText')]),

  /** groups: `|`-separated group ids. */
  DISPLAY_GROUP_LIST: message(67, 'DISPLAY_GROUP_LIST', [version(1), int('reqId'), str('groups')]),
  DISPLAY_GROUP_UPDATED: message(68, 'DISPLAY_GROUP_UPDATED', [version(1), int('reqId'), str('contractInfo')]),
} as const;
