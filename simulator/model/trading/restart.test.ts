/**
 * Open orders across a gateway restart, in virtual time through the fault layer's `restart` kind
 * (docs/wire-facts/orders.md#open-orders-across-a-gateway-restart): transmitted GTC and DAY orders
 * live on at IB's servers, a DAY order still ends with its session, and legs kept back with
 * `transmit` false are lost (cancelled).
 */
import { describe, expect, it } from 'vitest';
import { placeOrderRequest } from '../../protocol/requests.ts';
import { harness } from '../../testing/model-harness.ts';
import { IN_RTH } from '../../orders/testing/book.ts';

const HOUR = 3_600_000;

describe('open orders across a gateway restart', () => {
  it('GTC and DAY orders survive and the reconnecting client finds them; the DAY order ends at the close, the GTC order works on; untransmitted legs are cancelled', async () => {
    const h = harness({ profile: 'instant', start: IN_RTH });
    const c = await h.login(1);
    c.send(placeOrderRequest(1, { orderType: 'LMT', lmtPrice: 1, tif: 'GTC' }));
    c.send(placeOrderRequest(2, { orderType: 'LMT', lmtPrice: 1, tif: 'DAY' }));
    c.send(placeOrderRequest(3, { orderType: 'LMT', lmtPrice: 1, transmit: false }));
    await h.advance(2_000);
    expect(c.of('ORDER_STATUS').map((m) => [m.msg.orderId, m.msg.status])).toEqual([
      [1, 'Submitted'],
      [2, 'Submitted'],
    ]);

    h.faults.apply({ kind: 'restart' });
    await h.advance(0);
    expect(c.closed).toBe(true);
    await h.advance(1_000);
    const again = await h.login(1);
    again.send({ type: 'REQ_OPEN_ORDERS' });
    again.send({ type: 'REQ_COMPLETED_ORDERS', apiOnly: false });
    await h.advance(0);
    expect(again.of('ORDER_STATUS').map((m) => [m.msg.orderId, m.msg.status])).toEqual([
      [1, 'Submitted'],
      [2, 'Submitted'],
    ]);
    expect(again.of('COMPLETED_ORDER').map((m) => [m.msg.permId, m.msg.status, m.msg.completedStatus])).toEqual([
      [h.gw.trading.book.find(1, 3)!.permId, 'Cancelled', 'Cancelled by gateway restart (never transmitted)'],
    ]);

    // 10:00 → past the 16:00 close: the DAY order ends, the GTC order is held overnight.
    again.clear();
    await h.advance(6 * HOUR + 2_000);
    expect(again.of('ORDER_STATUS').map((m) => [m.msg.orderId, m.msg.status])).toEqual([
      [1, 'PreSubmitted'],
      [2, 'Cancelled'],
    ]);
    expect(h.gw.trading.book.find(1, 1)?.status).toBe('PreSubmitted');
  });
});
