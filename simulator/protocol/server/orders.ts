/**
 * Gateway messages about orders and executions, except OPEN_ORDER and COMPLETED_ORDER
 * (open-order.ts). Layouts: official EDecoder.java (TWS API 10.34.02), cross-checked with
 * @stoqey/ib 1.6.10 and ib_async 2.0.1 — docs/wire-facts/orders.md#order_status-3,
 * docs/wire-facts/orders.md#execution_data-11.
 */
import { bool, double, int, message, optDouble, optInt, str, version } from '../schema.ts';
import {
  MIN_SERVER_VER_LAST_LIQUIDITY,
  MIN_SERVER_VER_MARKET_CAP_PRICE,
  MIN_SERVER_VER_MODELS_SUPPORT,
  MIN_SERVER_VER_PENDING_PRICE_REVISION,
} from '../server-versions.ts';
import { contractFieldsNoPrimary } from '../contract-fields.ts';
import { openOrderMessages } from './open-order.ts';

export const orderMessages = {
  ...openOrderMessages,
  OPEN_ORDER_END: message(53, 'OPEN_ORDER_END', [version(1)]),
  COMPLETED_ORDERS_END: message(102, 'COMPLETED_ORDERS_END', []),

  /**
   * The version field (6) goes at v131, where mktCapPrice arrives. filled and remaining are
   * Decimals; status is PendingSubmit, PreSubmitted, Submitted, Filled, Cancelled, Inactive, ….
   */
  ORDER_STATUS: message(3, 'ORDER_STATUS', [
    version(6, { before: MIN_SERVER_VER_MARKET_CAP_PRICE }),
    int('orderId'),
    str('status'),
    double('filled'),
    double('remaining'),
    double('avgFillPrice'),
    int('permId'),
    int('parentId'),
    double('lastFillPrice'),
    int('clientId'),
    str('whyHeld'),
    double('mktCapPrice', { since: MIN_SERVER_VER_MARKET_CAP_PRICE }),
  ]),

  /**
   * One fill. The version field (10) goes at v136 (LAST_LIQUIDITY). reqId is -1 for fills not
   * asked for by REQ_EXECUTIONS. `execExchange` is the execution's exchange (the contract's comes
   * first); time `yyyyMMdd HH:mm:ss zone`; side BOT or SLD; shares and cumQty are Decimals.
   */
  EXECUTION_DATA: message(11, 'EXECUTION_DATA', [
    version(10, { before: MIN_SERVER_VER_LAST_LIQUIDITY }),
    int('reqId'),
    int('orderId'),
    ...contractFieldsNoPrimary,
    str('execId'),
    str('time'),
    str('acctNumber'),
    str('execExchange'),
    str('side'),
    double('shares'),
    double('price'),
    int('permId'),
    int('clientId'),
    int('liquidation'),
    double('cumQty'),
    double('avgPrice'),
    str('orderRef'),
    str('evRule'),
    optDouble('evMultiplier'),
    str('modelCode', { since: MIN_SERVER_VER_MODELS_SUPPORT }),
    int('lastLiquidity', { since: MIN_SERVER_VER_LAST_LIQUIDITY }),
    bool('pendingPriceRevision', { since: MIN_SERVER_VER_PENDING_PRICE_REVISION }),
  ]),
  EXECUTION_DATA_END: message(55, 'EXECUTION_DATA_END', [version(1), int('reqId')]),
  /**
   * Follows each EXECUTION_DATA. realizedPNL, yield and yieldRedemptionDate are unset
   * (1.7976931348623157E308 / 2147483647, read as undefined) when they do not apply.
   */
  COMMISSION_REPORT: message(59, 'COMMISSION_REPORT', [
    version(1),
    str('execId'),
    double('commission'),
    str('currency'),
    optDouble('realizedPNL'),
    optDouble('yield'),
    optInt('yieldRedemptionDate'),
  ]),
  /** An order placed in TWS (not by the API) was bound to an API order id (REQ_AUTO_OPEN_ORDERS). */
  ORDER_BOUND: message(100, 'ORDER_BOUND', [int('permId'), int('clientId'), int('orderId')]),
  /** The gateway accepted a delta-neutral RFQ and says which underlying it used. */
  DELTA_NEUTRAL_VALIDATION: message(56, 'DELTA_NEUTRAL_VALIDATION', [version(1), int('reqId'), int('conId'), double('delta'), double('price')]),
} as const;
