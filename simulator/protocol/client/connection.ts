/**
 * Client messages about the session itself: START_API, time, log level, the linking/verification
 * handshake of third-party apps, display groups, user info. Layouts: official EClient.java
 * (TWS API 10.34.02), cross-checked with ib_async 2.0.1 client.py and @stoqey/ib 1.6.10
 * encoder.js — docs/wire-facts/handshake.md#start_api-71, docs/wire-facts/requests.md#minimal-replies,
 * docs/wire-facts/messages.md#client-message-ids.
 */
import { int, message, str, version } from '../schema.ts';
import { MIN_SERVER_VER_OPTIONAL_CAPABILITIES } from '../server-versions.ts';

export const connectionMessages = {
  START_API: message(71, 'START_API', [version(2), int('clientId'), str('optionalCapabilities', { since: MIN_SERVER_VER_OPTIONAL_CAPABILITIES })]),
  REQ_CURRENT_TIME: message(49, 'REQ_CURRENT_TIME', [version(1)]),
  REQ_MANAGED_ACCTS: message(17, 'REQ_MANAGED_ACCTS', [version(1)]),
  /** logLevel 1 (system) … 5 (detail). */
  SET_SERVER_LOGLEVEL: message(14, 'SET_SERVER_LOGLEVEL', [version(1), int('logLevel')]),
  REQ_USER_INFO: message(104, 'REQ_USER_INFO', [int('reqId')]),

  // Third-party API verification (only with the extra-auth connect option); @stoqey/ib cannot send these.
  VERIFY_REQUEST: message(65, 'VERIFY_REQUEST', [version(1), str('apiName'), str('apiVersion')]),
  VERIFY_MESSAGE: message(66, 'VERIFY_MESSAGE', [version(1), str('apiData')]),
  VERIFY_AND_AUTH_REQUEST: message(72, 'VERIFY_AND_AUTH_REQUEST', [version(1), str('apiName'), str('apiVersion'), str('opaqueIsvKey')]),
  VERIFY_AND_AUTH_MESSAGE: message(73, 'VERIFY_AND_AUTH_MESSAGE', [version(1), str('apiData'), str('xyzResponse')]),

  // TWS display groups (the colour-linked window groups).
  QUERY_DISPLAY_GROUPS: message(67, 'QUERY_DISPLAY_GROUPS', [version(1), int('reqId')]),
  SUBSCRIBE_TO_GROUP_EVENTS: message(68, 'SUBSCRIBE_TO_GROUP_EVENTS', [version(1), int('reqId'), int('groupId')]),
  /** contractInfo: `conId@exchange`, `none` or `combo`. */
  UPDATE_DISPLAY_GROUP: message(69, 'UPDATE_DISPLAY_GROUP', [version(1), int('reqId'), str('contractInfo')]),
  UNSUBSCRIBE_FROM_GROUP_EVENTS: message(70, 'UNSUBSCRIBE_FROM_GROUP_EVENTS', [version(1), int('reqId')]),
} as const;
