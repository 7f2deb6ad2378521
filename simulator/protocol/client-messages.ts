/**
 * Messages a TWS client sends to the gateway, declared once for decoder and encoder.
 * Layouts and version gates: docs/wire-facts/handshake.md#start_api-71,
 * docs/wire-facts/contracts.md#req_contract_data-9, docs/wire-facts/history.md#req_historical_data-20,
 * docs/wire-facts/requests.md#minimal-replies; gate names: simulator/protocol/server-versions.ts.
 * Only gates inside the served range (100..178) matter; the fields every client since v100 sends
 * unconditionally are listed without a gate.
 */
import { bool, double, int, list, message, optInt, str, version, type MessageUnion } from './schema.ts';
import {
  MIN_SERVER_VER_BOND_ISSUERID,
  MIN_SERVER_VER_LINKING,
  MIN_SERVER_VER_OPTIONAL_CAPABILITIES,
  MIN_SERVER_VER_SYNT_REALTIME_BARS,
} from './server-versions.ts';

const contractFields = [
  int('conId'),
  str('symbol'),
  str('secType'),
  str('lastTradeDateOrContractMonth'),
  double('strike'),
  str('right'),
  str('multiplier'),
  str('exchange'),
  str('primaryExchange'),
  str('currency'),
  str('localSymbol'),
  str('tradingClass'),
] as const;

export const ClientMessages = {
  START_API: message(71, 'START_API', [version(2), int('clientId'), str('optionalCapabilities', { since: MIN_SERVER_VER_OPTIONAL_CAPABILITIES })]),

  REQ_CONTRACT_DATA: message(9, 'REQ_CONTRACT_DATA', [
    version(8),
    int('reqId'),
    ...contractFields,
    bool('includeExpired'),
    str('secIdType'),
    str('secId'),
    str('issuerId', { since: MIN_SERVER_VER_BOND_ISSUERID }),
  ]),

  REQ_HISTORICAL_DATA: message(20, 'REQ_HISTORICAL_DATA', [
    version(6, { before: MIN_SERVER_VER_SYNT_REALTIME_BARS }),
    int('reqId'),
    ...contractFields,
    bool('includeExpired'),
    str('endDateTime'),
    str('barSize'),
    str('duration'),
    int('useRTH'),
    str('whatToShow'),
    int('formatDate'),
    list('comboLegs', [int('conId'), int('ratio'), str('action'), str('exchange')], { when: (m) => m.secType === 'BAG' }),
    bool('keepUpToDate', { since: MIN_SERVER_VER_SYNT_REALTIME_BARS }),
    str('chartOptions', { since: MIN_SERVER_VER_LINKING }),
  ]),

  CANCEL_HISTORICAL_DATA: message(25, 'CANCEL_HISTORICAL_DATA', [version(1), int('reqId')]),

  REQ_HEAD_TIMESTAMP: message(87, 'REQ_HEAD_TIMESTAMP', [
    int('reqId'),
    ...contractFields,
    bool('includeExpired'),
    int('useRTH'),
    str('whatToShow'),
    int('formatDate'),
  ]),
  CANCEL_HEAD_TIMESTAMP: message(90, 'CANCEL_HEAD_TIMESTAMP', [int('reqId')]),

  REQ_CURRENT_TIME: message(49, 'REQ_CURRENT_TIME', [version(1)]),
  REQ_IDS: message(8, 'REQ_IDS', [version(1), int('numIds')]),
  REQ_MANAGED_ACCTS: message(17, 'REQ_MANAGED_ACCTS', [version(1)]),
  REQ_MARKET_DATA_TYPE: message(59, 'REQ_MARKET_DATA_TYPE', [version(1), int('marketDataType')]),
  REQ_MATCHING_SYMBOLS: message(81, 'REQ_MATCHING_SYMBOLS', [int('reqId'), str('pattern')]),

  REQ_POSITIONS: message(61, 'REQ_POSITIONS', [version(1)]),
  CANCEL_POSITIONS: message(64, 'CANCEL_POSITIONS', [version(1)]),
  REQ_OPEN_ORDERS: message(5, 'REQ_OPEN_ORDERS', [version(1)]),
  REQ_ALL_OPEN_ORDERS: message(16, 'REQ_ALL_OPEN_ORDERS', [version(1)]),
  REQ_AUTO_OPEN_ORDERS: message(15, 'REQ_AUTO_OPEN_ORDERS', [version(1), bool('autoBind')]),
  REQ_COMPLETED_ORDERS: message(99, 'REQ_COMPLETED_ORDERS', [bool('apiOnly')]),
  REQ_ACCOUNT_DATA: message(6, 'REQ_ACCOUNT_DATA', [version(2), bool('subscribe'), str('acctCode')]),
  REQ_ACCOUNT_SUMMARY: message(62, 'REQ_ACCOUNT_SUMMARY', [version(1), int('reqId'), str('group'), str('tags')]),
  CANCEL_ACCOUNT_SUMMARY: message(63, 'CANCEL_ACCOUNT_SUMMARY', [version(1), int('reqId')]),
  REQ_ACCOUNT_UPDATES_MULTI: message(76, 'REQ_ACCOUNT_UPDATES_MULTI', [version(1), int('reqId'), str('account'), str('modelCode'), bool('ledgerAndNLV')]),
  // stoqey sends version 2 here, ib_async 1; the version field is read and not checked.
  CANCEL_ACCOUNT_UPDATES_MULTI: message(77, 'CANCEL_ACCOUNT_UPDATES_MULTI', [version(1), int('reqId')]),
  REQ_POSITIONS_MULTI: message(74, 'REQ_POSITIONS_MULTI', [version(1), int('reqId'), str('account'), str('modelCode')]),
  CANCEL_POSITIONS_MULTI: message(75, 'CANCEL_POSITIONS_MULTI', [version(1), int('reqId')]),
  REQ_EXECUTIONS: message(7, 'REQ_EXECUTIONS', [
    version(3),
    int('reqId'),
    optInt('filterClientId'),
    str('acctCode'),
    str('time'),
    str('symbol'),
    str('secType'),
    str('exchange'),
    str('side'),
  ]),
} as const;

export type ClientMessageDefs = typeof ClientMessages;
export type ClientMessageType = keyof ClientMessageDefs;
export type ClientMessage = MessageUnion<ClientMessageDefs>;
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>;

/** Client message definitions by wire id. */
export const clientMessageById: ReadonlyMap<number, ClientMessageDefs[ClientMessageType]> = new Map(
  Object.values(ClientMessages).map((d) => [d.id as number, d]),
);
