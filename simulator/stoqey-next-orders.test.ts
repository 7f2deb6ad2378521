/**
 * Orders as the unmodified @stoqey/ib IBApiNext sees them over real TCP: placeNewOrder takes its
 * id from getNextValidOrderId, a buy limit below the offer rests Submitted (getAllOpenOrders), fills
 * at the first grid instant whose offer reaches it, and getExecutionDetails / getCommissionReport /
 * getPositions agree with the fill. The model clock starts in regular hours; it runs at real pace
 * while the resting order is checked (so host load cannot let the fill overtake the check) and
 * 100× faster while waiting for the fill.
 */
import { IBApiNext, OrderAction, OrderType, SecType, type Contract } from '@stoqey/ib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../common/clock.ts';
import { CONID } from '../common/testing/fixtures.ts';
import { wireTime } from './model/trading/order-messages.ts';
import { IN_RTH } from './orders/testing/book.ts';
import { startSimulator, type Simulator } from './simulator.ts';

let sim: Simulator;
let clock: ScaledClock;
let next: IBApiNext | undefined;

beforeEach(async () => {
  clock = new ScaledClock(0.02, IN_RTH);
  sim = await startSimulator({ port: 0, profile: 'instant', seed: 7, clock });
});
afterEach(async () => {
  next?.disconnect();
  next = undefined;
  await sim.close();
});

const AAPL: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };

/**
 * The first grid instant at least `leadMs` after `from` whose offer is below every offer since
 * `from`: a buy limit at that offer rests until then and fills there.
 */
function nextLowOffer(from: number, leadMs: number): { at: number; ask: number } {
  const book = sim.gateway.trading.book;
  const prices = sim.gateway.trading.venue.prices;
  let low = Number.POSITIVE_INFINITY;
  for (let t = book.nextStep(from); t < from + 30 * 60_000; t += book.stepMs) {
    const ask = prices.quoteAt(CONID.AAPL, t)!.ask;
    if (ask < low && t >= from + leadMs) return { at: t, ask };
    low = Math.min(low, ask);
  }
  throw new Error('no new low offer within 30 minutes of the seed-7 path');
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('@stoqey/ib IBApiNext trades against the simulator', () => {
  it('a buy limit below the offer rests Submitted, fills when the offer reaches it, and executions, commission and position agree', async () => {
    const api = new IBApiNext({ host: '127.0.0.1', port: sim.port });
    next = api;
    api.connect(21);
    await api.getCurrentTime(); // logged in
    clock.rescale(1);
    const target = nextLowOffer(clock.now(), 5_000);
    const orderId = await api.placeNewOrder(AAPL, {
      action: OrderAction.BUY,
      orderType: OrderType.LMT,
      lmtPrice: target.ask,
      totalQuantity: 10,
      transmit: true,
    });

    const resting = await until(
      'the acknowledgement',
      () => api.getAllOpenOrders(),
      (orders) => orders.some((o) => o.orderId === orderId && o.orderState.status === 'Submitted'),
    );
    expect(clock.now()).toBeLessThan(target.at); // the check ran before the offer reached the limit
    const mine = resting.find((o) => o.orderId === orderId)!;
    expect(mine.order).toMatchObject({ action: 'BUY', orderType: 'LMT', lmtPrice: target.ask, totalQuantity: 10 });
    expect(await api.getExecutionDetails({ clientId: '21' })).toEqual([]);

    clock.rescale(0.01);
    await until(
      'the fill',
      () => api.getExecutionDetails({ clientId: '21' }),
      (e) => e.length > 0,
    );
    // Asked again once filled: a request in flight at the fill also collects the fill's own push
    // (IBApiNext adds every execDetails, whatever its reqId, to each open getExecutionDetails).
    const execs = await api.getExecutionDetails({ clientId: '21' });
    expect(execs).toHaveLength(1);
    const { execution, contract } = execs[0]!;
    expect(contract.conId).toBe(CONID.AAPL);
    expect(execution).toMatchObject({ orderId, side: 'BOT', shares: 10, price: target.ask, cumQty: 10, avgPrice: target.ask });
    // Filled at the grid instant the offer reached the limit, not before and not later.
    expect(execution.time).toBe(wireTime(target.at, sim.gateway.profile.timeZone));

    const commissions = await api.getCommissionReport({ clientId: '21' });
    expect(commissions).toEqual([expect.objectContaining({ execId: execution.execId, commission: 1, currency: 'USD' })]);
    expect(await api.getAllOpenOrders()).toEqual([]);

    const lines = await new Promise<Array<{ pos: number; avgCost?: number; contract: Contract }>>((resolve, reject) => {
      const sub = api.getPositions().subscribe({
        next: (u) => {
          if (u.all.size === 0) return;
          sub.unsubscribe();
          resolve([...u.all.values()].flat());
        },
        error: reject,
      });
    });
    expect(lines).toEqual([expect.objectContaining({ pos: 10, avgCost: expect.closeTo((10 * target.ask + 1) / 10, 6) })]);
    expect(lines[0]!.contract.conId).toBe(CONID.AAPL);
  });
});
