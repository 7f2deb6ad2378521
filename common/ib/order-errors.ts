/**
 * IB's error codes and texts about orders, as the gateway sends them in ERR_MSG with the order id
 * as the id. Codes and texts from IB's TWS API "Error Handling" message-code table; the cancel
 * codes 10147/10148 and the read-only 321 as real gateways send them —
 * docs/wire-facts/orders.md#order-errors (sources and dates there).
 */
import type { IbErrorBody } from './errors.ts';

export const OrderCode = {
  DUPLICATE_ORDER_ID: 103,
  CANNOT_MODIFY_FILLED: 104,
  MODIFY_MISMATCH: 105,
  OFF_MIN_TICK: 110,
  TIF_INCOMPATIBLE: 111,
  SIZE_ZERO: 160,
  NO_SECURITY_DEFINITION: 200,
  ORDER_REJECTED: 201,
  ORDER_CANCELLED: 202,
  INVALID_ACTION: 303,
  VALIDATION_ERROR: 321,
  UNSUPPORTED_ORDER_TYPE: 387,
  ORDER_MESSAGE: 399,
  CANCEL_NOT_FOUND: 10147,
  CANCEL_NOT_CANCELLABLE: 10148,
} as const;

export const OrderError = {
  duplicateOrderId: (): IbErrorBody => ({ code: OrderCode.DUPLICATE_ORDER_ID, message: 'Duplicate order id' }),
  cannotModifyFilled: (): IbErrorBody => ({ code: OrderCode.CANNOT_MODIFY_FILLED, message: "Can't modify a filled order" }),
  modifyMismatch: (field: string): IbErrorBody => ({
    code: OrderCode.MODIFY_MISMATCH,
    message: `Order being modified does not match original order (${field} differs; only quantity and prices may change)`,
  }),
  offMinTick: (): IbErrorBody => ({ code: OrderCode.OFF_MIN_TICK, message: 'The price does not conform to the minimum price variation for this contract.' }),
  tifIncompatible: (tif: string, orderType: string): IbErrorBody => ({
    code: OrderCode.TIF_INCOMPATIBLE,
    message: `The TIF (${tif}) and the order type (${orderType}) are incompatible.`,
  }),
  sizeZero: (): IbErrorBody => ({ code: OrderCode.SIZE_ZERO, message: 'The size value cannot be zero.' }),
  noSecurityDefinition: (): IbErrorBody => ({ code: OrderCode.NO_SECURITY_DEFINITION, message: 'No security definition has been found for the request' }),
  rejected: (reason: string): IbErrorBody => ({ code: OrderCode.ORDER_REJECTED, message: `Order rejected - reason:${reason}` }),
  /** Sent when an order is cancelled (by the client, a global cancel, expiry or OCA). */
  cancelled: (reason = ''): IbErrorBody => ({ code: OrderCode.ORDER_CANCELLED, message: `Order Canceled - reason:${reason}` }),
  invalidAction: (action: string): IbErrorBody => ({ code: OrderCode.INVALID_ACTION, message: `Invalid action: ${action} (use BUY or SELL)` }),
  unsupportedOrderType: (): IbErrorBody => ({ code: OrderCode.UNSUPPORTED_ORDER_TYPE, message: 'Unsupported order type for this exchange and security type.' }),
  /** The API is in read-only mode (TWS/Gateway setting "Read-Only API"). */
  readOnly: (): IbErrorBody => ({
    code: OrderCode.VALIDATION_ERROR,
    message: "Error validating request.-'bN' : cause - The API interface is currently in Read-Only mode.",
  }),
  /** The order waits for regular hours (a warning: the order stays working). */
  heldUntilOpen: (when: string): IbErrorBody => ({
    code: OrderCode.ORDER_MESSAGE,
    message: `Order Message:\nWarning: your order will not be placed at the exchange until ${when}`,
  }),
  cancelNotFound: (orderId: number): IbErrorBody => ({
    code: OrderCode.CANCEL_NOT_FOUND,
    message: `OrderId ${orderId} that needs to be cancelled is not found.`,
  }),
  cancelNotCancellable: (orderId: number, state: string): IbErrorBody => ({
    code: OrderCode.CANCEL_NOT_CANCELLABLE,
    message: `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: ${state}.`,
  }),
};
