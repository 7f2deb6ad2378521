/**
 * The checks the gateway makes before it accepts an order, each answered with IB's code and text
 * (docs/wire-facts/orders.md#order-errors). Pure: a request and an instrument in, a ticket or the
 * error out.
 */
import type { IbErrorBody } from '../../common/ib/errors.ts';
import { OrderError } from '../../common/ib/order-errors.ts';
import { isOnClose, ORDER_TYPES, TIFS, type OrderTicket, type OrderType, type Tif } from './order-types.ts';
import type { TradableInstrument } from './venue.ts';

/** The fields of a PLACE_ORDER the engine reads. */
export interface OrderFields {
  orderId: number;
  action: string;
  totalQuantity: number;
  orderType: string;
  lmtPrice: number | undefined;
  auxPrice: number | undefined;
  tif: string;
  outsideRth: boolean;
  account: string;
  orderRef: string;
  parentId: number;
  ocaGroup: string;
}

export type Checked = { ok: true; ticket: OrderTicket } | { ok: false; error: IbErrorBody };

const bad = (error: IbErrorBody): Checked => ({ ok: false, error });

/**
 * Check an order's fields against its instrument. `account` fills in an empty account field.
 * Errors: 303 action, 160 size, 387 order type, 111 TIF (MOC/LOC: DAY only), 201 missing price, 110 off the tick grid.
 */
export function checkOrder(f: OrderFields, clientId: number, account: string, instrument: TradableInstrument): Checked {
  const action = f.action.toUpperCase();
  if (action !== 'BUY' && action !== 'SELL') return bad(OrderError.invalidAction(f.action));
  if (!(f.totalQuantity > 0)) return bad(OrderError.sizeZero());
  const orderType = f.orderType.toUpperCase();
  if (!(ORDER_TYPES as readonly string[]).includes(orderType)) return bad(OrderError.unsupportedOrderType());
  const tif = (f.tif || 'DAY').toUpperCase();
  if (!(TIFS as readonly string[]).includes(tif)) return bad(OrderError.tifIncompatible(f.tif, f.orderType));
  // The closing auction is a DAY event: MOC and LOC take no other TIF (docs/wire-facts/orders.md#moc-and-loc).
  if (isOnClose(orderType as OrderType) && tif !== 'DAY') return bad(OrderError.tifIncompatible(f.tif, f.orderType));
  const needsLimit = orderType === 'LMT' || orderType === 'STP LMT' || orderType === 'LOC';
  const needsStop = orderType === 'STP' || orderType === 'STP LMT';
  if (needsLimit && !(f.lmtPrice !== undefined && f.lmtPrice > 0)) return bad(OrderError.rejected(`${orderType} order needs a positive lmtPrice`));
  if (needsStop && !(f.auxPrice !== undefined && f.auxPrice > 0)) return bad(OrderError.rejected(`${orderType} order needs a positive auxPrice (stop price)`));
  for (const p of [needsLimit ? f.lmtPrice : undefined, needsStop ? f.auxPrice : undefined]) {
    if (p !== undefined && !instrument.ladder.isOn(p)) return bad(OrderError.offMinTick());
  }
  return {
    ok: true,
    ticket: {
      orderId: f.orderId,
      clientId,
      account: f.account || account,
      action,
      totalQuantity: f.totalQuantity,
      orderType: orderType as OrderType,
      lmtPrice: needsLimit ? f.lmtPrice : undefined,
      auxPrice: needsStop ? f.auxPrice : undefined,
      tif: tif as Tif,
      outsideRth: f.outsideRth,
      orderRef: f.orderRef,
      parentId: f.parentId,
      ocaGroup: f.ocaGroup,
    },
  };
}
