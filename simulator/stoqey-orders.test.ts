/**
 * Orders as an unmodified @stoqey/ib sees them over real TCP: a market order and a marketable
 * limit fill with status, execution and commission; a resting limit is Submitted until cancelled,
 * and a modification of one is acknowledged with its new fields;
 * positions and the account summary agree with the fills; a partial-fill fault, a MOC order at the
 * close, and a resting GTC order found again after a gateway restart. The model clock starts in
 * regular hours (Wed 2025-11-12 10:00 New York; the MOC test a minute before the close) and runs
 * 50× faster than real time.
 */
import { EventName, type IBApi, OrderAction, OrderType, SecType, type Contract } from '@stoqey/ib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../common/clock.ts';
import { wireTime } from './model/trading/order-messages.ts';
import { IN_RTH } from './orders/testing/book.ts';
import { startSimulator, type Simulator } from './simulator.ts';
import { connectWatching, until, type SeenOrders } from './testing/stoqey-order-watch.ts';

let sim: Simulator;
let api: IBApi | undefined;

beforeEach(async () => {
  sim = await startSimulator({ port: 0, profile: 'instant', seed: 7, clock: new ScaledClock(0.02, IN_RTH) });
});
afterEach(async () => {
  api?.disconnect();
  api = undefined;
  await sim.close();
});

const AAPL: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };

async function connect(clientId: number): Promise<{ api: IBApi; firstId: number; seen: SeenOrders }> {
  const opened: IBApi[] = [];
  try {
    return await connectWatching(sim.port, clientId, opened);
  } finally {
    api = opened[0];
  }
}

describe('@stoqey/ib places orders against the simulator', () => {
  it('a MKT and a marketable LMT fill with status, execution and commission; a resting LMT is Submitted until cancelled', async () => {
    const { api: a, firstId, seen } = await connect(11);
    const mkt = firstId;
    const lmt = firstId + 1;
    const resting = firstId + 2;
    a.placeOrder(mkt, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 100, transmit: true });
    a.placeOrder(lmt, AAPL, { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 10_000, totalQuantity: 50, transmit: true });
    a.placeOrder(resting, AAPL, { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 1, totalQuantity: 10, transmit: true });
    const filled = (id: number) => seen.statuses.some((s) => s.orderId === id && s.status === 'Filled');
    await until('both fills', () => filled(mkt) && filled(lmt) && seen.commissions.length === 2);
    await until('the resting order', () => seen.statuses.some((s) => s.orderId === resting && s.status === 'Submitted'));

    expect(seen.execs.map((e) => [e.orderId, e.side, e.shares])).toEqual([
      [mkt, 'BOT', 100],
      [lmt, 'BOT', 50],
    ]);
    const lmtExec = seen.execs[1]!;
    expect(lmtExec.price).toBeLessThan(10_000); // filled at the offer, not at its limit
    expect(seen.commissions.map((c) => [c.execId, c.commission, c.currency])).toEqual([
      [seen.execs[0]!.execId, 1, 'USD'],
      [lmtExec.execId, 1, 'USD'],
    ]);
    const mktFilled = seen.statuses.find((s) => s.orderId === mkt && s.status === 'Filled')!;
    expect(mktFilled).toMatchObject({ filled: 100, remaining: 0, avgFillPrice: seen.execs[0]!.price });
    expect(seen.opens.find((o) => o.orderId === resting)?.state.status).toBe('Submitted');

    a.cancelOrder(resting);
    await until('the cancel', () => seen.statuses.some((s) => s.orderId === resting && s.status === 'Cancelled'));
    expect(seen.errors).toContainEqual({ id: resting, code: 202 });

    // Positions and the account summary agree with the two fills.
    const positions: Array<{ conId?: number; pos: number; avgCost?: number }> = [];
    a.on(EventName.position, (_acct, c, pos, avgCost) => positions.push({ conId: c.conId, pos, avgCost }));
    const posEnd = new Promise((r) => a.once(EventName.positionEnd, r));
    a.reqPositions();
    await posEnd;
    const spent = seen.execs.reduce((s, e) => s + e.shares! * e.price!, 0);
    expect(positions).toEqual([{ conId: 265598, pos: 150, avgCost: expect.closeTo((spent + 2) / 150, 6) }]);
    const summary = new Map<string, string>();
    a.on(EventName.accountSummary, (_r, _acct, tag, value) => summary.set(tag, value));
    const sumEnd = new Promise((r) => a.once(EventName.accountSummaryEnd, r));
    a.reqAccountSummary(5, 'All', 'TotalCashValue,NetLiquidation');
    await sumEnd;
    expect(Number(summary.get('TotalCashValue'))).toBeCloseTo(100_000 - spent - 2, 2);
  });

  it('a modify (placeOrder with the same id) of a resting LMT: openOrder and orderStatus show the new quantity and limit', async () => {
    const { api: a, firstId, seen } = await connect(16);
    a.placeOrder(firstId, AAPL, { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 1, totalQuantity: 10, transmit: true });
    await until('the acknowledgement', () => seen.statuses.some((s) => s.orderId === firstId && s.status === 'Submitted'));
    const acked = seen.opens.length;
    a.placeOrder(firstId, AAPL, { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 1.5, totalQuantity: 20, transmit: true });
    await until('the modification', () => seen.statuses.some((s) => s.orderId === firstId && s.remaining === 20));
    expect(seen.opens.slice(acked).map((o) => [o.orderId, o.order.totalQuantity, o.order.lmtPrice, o.state.status])).toEqual([[firstId, 20, 1.5, 'Submitted']]);
  });

  it('a duplicate order id and a price off the minimum tick get 103 and 110', async () => {
    const { api: a, firstId, seen } = await connect(12);
    a.placeOrder(firstId + 5, AAPL, { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 1, totalQuantity: 1, transmit: true });
    a.placeOrder(firstId, AAPL, { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 1, totalQuantity: 1, transmit: true });
    a.placeOrder(firstId + 6, AAPL, { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 1.001, totalQuantity: 1, transmit: true });
    await until('two errors', () => seen.errors.filter((e) => e.code < 1000).length >= 2);
    expect(seen.errors.filter((e) => e.code < 1000)).toEqual([
      { id: firstId, code: 103 },
      { id: firstId + 6, code: 110 },
    ]);
  });

  it('a partial-fill fault: the order fills 40 of 100 shares and the rest is cancelled (Cancelled with filled 40, then 202)', async () => {
    const { api: a, firstId, seen } = await connect(13);
    sim.faults.apply({ kind: 'partial-fill', shares: 40, remainder: 'cancel', match: { message: 'PLACE_ORDER' }, times: 1 });
    a.placeOrder(firstId, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 100, transmit: true });
    await until('the cancel', () => seen.statuses.some((s) => s.orderId === firstId && s.status === 'Cancelled') && seen.errors.some((e) => e.code === 202));
    expect(seen.execs.map((e) => [e.orderId, e.shares, e.cumQty])).toEqual([[firstId, 40, 40]]);
    expect(seen.statuses).toContainEqual(expect.objectContaining({ orderId: firstId, status: 'Submitted', filled: 40, remaining: 60 }));
    expect(seen.statuses.at(-1)).toMatchObject({ orderId: firstId, status: 'Cancelled', filled: 40 });
    expect(seen.commissions.map((c) => c.execId)).toEqual([seen.execs[0]!.execId]);
  });

  it('a MOC order placed a minute before the close waits Submitted and fills in full at the 16:00 close at the closing price', async () => {
    await sim.close();
    const beforeClose = Date.UTC(2025, 10, 12, 20, 59, 0); // 15:59 New York
    sim = await startSimulator({ port: 0, profile: 'instant', seed: 7, clock: new ScaledClock(0.02, beforeClose) });
    const { api: a, firstId, seen } = await connect(14);
    a.placeOrder(firstId, AAPL, { action: OrderAction.BUY, orderType: OrderType.MOC, totalQuantity: 2_500, transmit: true });
    await until('the acknowledgement', () => seen.statuses.some((s) => s.orderId === firstId && s.status === 'Submitted'));
    expect(seen.execs).toEqual([]);
    await until('the closing fill', () => seen.statuses.some((s) => s.orderId === firstId && s.status === 'Filled'), 10_000);
    const close = Date.UTC(2025, 10, 12, 21, 0, 0);
    const closing = sim.gateway.trading.venue.prices.quoteAt(265598, close - 1)!.last;
    expect(seen.execs.map((e) => [e.shares, e.price, e.time])).toEqual([[2_500, closing, wireTime(close, sim.gateway.profile.timeZone)]]);
  });

  it('a gateway restart: the reconnecting client finds its resting GTC order in reqOpenOrders', async () => {
    const first = await connect(15);
    const gtc = first.firstId;
    first.api.placeOrder(gtc, AAPL, { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 1, totalQuantity: 10, tif: 'GTC', transmit: true });
    await until('the acknowledgement', () => first.seen.statuses.some((s) => s.orderId === gtc && s.status === 'Submitted'));
    const closed = new Promise((r) => first.api.once(EventName.disconnected, r));
    sim.faults.apply({ kind: 'restart' });
    await closed;

    const again = await connect(15);
    const ended = new Promise((r) => again.api.once(EventName.openOrderEnd, r));
    again.api.reqOpenOrders();
    await ended;
    expect(again.seen.opens.map((o) => [o.orderId, o.order.tif, o.state.status])).toEqual([[gtc, 'GTC', 'Submitted']]);
    expect(again.firstId).toBeGreaterThan(gtc); // order ids survive the restart
  });
});
