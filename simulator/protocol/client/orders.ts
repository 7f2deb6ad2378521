/**
 * Client messages about orders and executions, except PLACE_ORDER (place-order.ts). Layouts:
 * official EClient.java (TWS API 10.34.02), cross-checked with ib_async 2.0.1 and @stoqey/ib
 * 1.6.10 — docs/wire-facts/orders.md#cancel_order-4, docs/wire-facts/orders.md#order-queries.
 */
import { bool, filler, int, message, optInt, str, version } from '../schema.ts';
import {
  MIN_SERVER_VER_CME_TAGGING_FIELDS,
  MIN_SERVER_VER_CUSTOMER_ACCOUNT,
  MIN_SERVER_VER_MANUAL_ORDER_TIME,
  MIN_SERVER_VER_MANUAL_ORDER_TIME_EXERCISE_OPTIONS,
  MIN_SERVER_VER_PROFESSIONAL_CUSTOMER,
  MIN_SERVER_VER_RFQ_FIELDS,
  MIN_SERVER_VER_UNDO_RFQ_FIELDS,
} from '../server-versions.ts';
import { contractFieldsNoPrimary } from '../contract-fields.ts';
import { placeOrder } from './place-order.ts';

/** The three RFQ slots of 187..189, always empty, empty, 2147483647 (official client and @stoqey/ib). */
const rfq = { since: MIN_SERVER_VER_RFQ_FIELDS, before: MIN_SERVER_VER_UNDO_RFQ_FIELDS };
const cme = { since: MIN_SERVER_VER_CME_TAGGING_FIELDS };

export const orderMessages = {
  PLACE_ORDER: placeOrder,

  /**
   * The version field goes at v192; manualOrderCancelTime from v169; the CME tagging fields
   * (extOperator, manualOrderIndicator) from v192. manualOrderIndicator is sent as 2147483647 when
   * unset (official client, @stoqey/ib) and read as undefined.
   */
  CANCEL_ORDER: message(4, 'CANCEL_ORDER', [
    version(1, { before: MIN_SERVER_VER_CME_TAGGING_FIELDS }),
    int('orderId'),
    str('manualOrderCancelTime', { since: MIN_SERVER_VER_MANUAL_ORDER_TIME }),
    filler('rfqReserved1', '', rfq),
    filler('rfqReserved2', '', rfq),
    filler('rfqReserved3', '2147483647', rfq),
    str('extOperator', cme),
    optInt('manualOrderIndicator', cme),
  ]),
  /** Cancels every open order of every client; the same version/CME switch as CANCEL_ORDER. */
  REQ_GLOBAL_CANCEL: message(58, 'REQ_GLOBAL_CANCEL', [
    version(1, { before: MIN_SERVER_VER_CME_TAGGING_FIELDS }),
    str('extOperator', cme),
    optInt('manualOrderIndicator', cme),
  ]),
  REQ_IDS: message(8, 'REQ_IDS', [version(1), int('numIds')]),

  REQ_OPEN_ORDERS: message(5, 'REQ_OPEN_ORDERS', [version(1)]),
  REQ_ALL_OPEN_ORDERS: message(16, 'REQ_ALL_OPEN_ORDERS', [version(1)]),
  REQ_AUTO_OPEN_ORDERS: message(15, 'REQ_AUTO_OPEN_ORDERS', [version(1), bool('autoBind')]),
  REQ_COMPLETED_ORDERS: message(99, 'REQ_COMPLETED_ORDERS', [bool('apiOnly')]),
  /** The filter: clientId (empty = any), account, time `yyyyMMdd-HH:mm:ss`, symbol, secType, exchange, side. */
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

  /**
   * exerciseAction 1 exercise, 2 lapse; override 1 overrides TWS's handling. The contract has no
   * primaryExchange. manualOrderTime from v180, customerAccount v183, professionalCustomer v184.
   */
  EXERCISE_OPTIONS: message(21, 'EXERCISE_OPTIONS', [
    version(2),
    int('reqId'),
    ...contractFieldsNoPrimary,
    int('exerciseAction'),
    int('exerciseQuantity'),
    str('account'),
    int('override'),
    str('manualOrderTime', { since: MIN_SERVER_VER_MANUAL_ORDER_TIME_EXERCISE_OPTIONS }),
    str('customerAccount', { since: MIN_SERVER_VER_CUSTOMER_ACCOUNT }),
    bool('professionalCustomer', { since: MIN_SERVER_VER_PROFESSIONAL_CUSTOMER }),
  ]),
} as const;
