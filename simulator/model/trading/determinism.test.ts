/**
 * One seed reproduces a trading run: two gateways with the same seed, sent the same requests at the
 * same model times, journal the same order frames byte for byte (encoded at the session's server
 * version); a different seed fills the same orders in different pieces (fill sizes are a hash of
 * the seed: simulator/orders/order-book.ts), with different permIds.
 */
import { describe, it } from 'vitest';
import { cancelOrderRequest, executionsRequest, placeOrderRequest } from '../../protocol/requests.ts';
import { harness } from '../../testing/model-harness.ts';
import { IN_RTH } from '../../orders/testing/book.ts';
import { expectSeedReproducesFills, orderFrames } from '../../testing/trading-determinism.ts';

/** The scripted session: market orders large enough to fill in several pieces, a modify, a cancel, a night. */
async function tradingRun(seed: number) {
  const h = harness({ profile: 'ibkr-paper', start: IN_RTH, seed });
  const c = await h.login(1);
  c.send(placeOrderRequest(1, { totalQuantity: 5_000 }));
  c.send(placeOrderRequest(2, { action: 'SELL', totalQuantity: 3_000, orderType: 'LMT', lmtPrice: 10_000, tif: 'GTC' }));
  await h.advance(30_000);
  c.send(placeOrderRequest(2, { action: 'SELL', totalQuantity: 2_500, orderType: 'LMT', lmtPrice: 1, tif: 'GTC' }));
  c.send(placeOrderRequest(3, { orderType: 'LMT', lmtPrice: 1, tif: 'DAY' }));
  await h.advance(60_000);
  c.send(cancelOrderRequest(3));
  c.send(placeOrderRequest(4, { totalQuantity: 4_000, outsideRth: true, tif: 'GTC', orderType: 'LMT', lmtPrice: 10_000 }));
  await h.advance(10 * 3_600_000);
  c.send(executionsRequest(7));
  c.send({ type: 'REQ_COMPLETED_ORDERS', apiOnly: false });
  c.send({ type: 'REQ_POSITIONS' });
  await h.advance(1_000);
  const frames = orderFrames(h.gw.journal, c.session);
  const fills = c
    .of('EXECUTION_DATA')
    .filter((m) => m.msg.reqId === 7)
    .map((m) => [m.msg.orderId, m.msg.time, m.msg.shares, m.msg.price]);
  return { frames, fills };
}

describe('a seed reproduces the fills', () => {
  it('same seed and requests: the same order frames, byte for byte; another seed: other fills', async () => {
    await expectSeedReproducesFills(tradingRun);
  });
});
