/**
 * IB's rules for re-sending an order id (docs/wire-facts/orders.md#order-errors): a working order
 * may change quantity, prices, TIF and outsideRth; 104 for a filled order, 103 for a cancelled
 * one, 105 for a change of side, order type or contract, 201 for a quantity below what already
 * filled. Pure: the refusal, or undefined when the modification is allowed.
 */
import type { IbErrorBody } from '../../common/ib/errors.ts';
import { OrderError } from '../../common/ib/order-errors.ts';
import type { Order, OrderTicket } from './order-types.ts';
import type { TradableInstrument } from './venue.ts';

export function modificationRefused(existing: Order, ticket: OrderTicket, instrument: TradableInstrument): IbErrorBody | undefined {
  if (existing.status === 'Filled') return OrderError.cannotModifyFilled();
  if (existing.status === 'Cancelled') return OrderError.duplicateOrderId();
  const t = existing.ticket;
  const changed =
    t.action !== ticket.action ? 'action' : t.orderType !== ticket.orderType ? 'orderType' : existing.instrument.conId !== instrument.conId ? 'contract' : '';
  if (changed) return OrderError.modifyMismatch(changed);
  if (ticket.totalQuantity < existing.filled) return OrderError.rejected(`totalQuantity ${ticket.totalQuantity} is below the filled ${existing.filled}`);
  return undefined;
}
