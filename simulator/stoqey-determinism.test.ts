/**
 * One seed reproduces a trading run over TCP with the unmodified @stoqey/ib (IBApi): two simulators
 * of the same seed on a virtual clock, sent the same orders between the same clock steps, journal
 * the same order frames byte for byte (encoded at the session's server version). The clock moves
 * only when the test advances it, after the gateway has read every request of the step, so when a
 * request arrives in wall time does not matter. Another seed fills the same orders in other pieces.
 * The model-level twin: simulator/model/trading/determinism.test.ts.
 */
import { type Contract, type IBApi, OrderAction, OrderType, SecType, TimeInForce } from '@stoqey/ib';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../common/clock.ts';
import { IN_RTH } from './orders/testing/book.ts';
import { startSimulator } from './simulator.ts';
import { connectWatching, until } from './testing/stoqey-order-watch.ts';
import { expectSeedReproducesFills, orderFrames } from './testing/trading-determinism.ts';

const AAPL: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };

async function tradingRun(seed: number) {
  const clock = new VirtualClock(IN_RTH);
  const sim = await startSimulator({ port: 0, profile: 'ibkr-paper', seed, clock });
  const opened: IBApi[] = [];
  try {
    // The login (ibkr-paper: ≈300 model ms) completes as the clock is stepped.
    const connecting = connectWatching(sim.port, 1, opened);
    await until('START_API', () => sim.gateway.journal.query({ type: 'START_API' }).length === 1);
    await clock.advance(1_000);
    const { api, firstId, seen } = await connecting;
    const received = () => sim.gateway.journal.query({ dir: 'in' }).length;
    /** Send, wait until the gateway has read all of it, then let `ms` of model time pass. */
    const step = async (frames: number, send: () => void, ms: number) => {
      const before = received();
      send();
      await until(`${frames} request(s) read`, () => received() >= before + frames);
      await clock.advance(ms);
    };
    const [mkt, sell, day] = [firstId, firstId + 1, firstId + 2];
    const limit = (action: OrderAction, qty: number, price: number, tif: TimeInForce) =>
      ({ action, orderType: OrderType.LMT, lmtPrice: price, totalQuantity: qty, tif, transmit: true }) as const;
    await step(
      2,
      () => {
        api.placeOrder(mkt, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 5_000, transmit: true });
        api.placeOrder(sell, AAPL, limit(OrderAction.SELL, 3_000, 10_000, TimeInForce.GTC));
      },
      30_000,
    );
    await step(
      2,
      () => {
        api.placeOrder(sell, AAPL, limit(OrderAction.SELL, 2_500, 1, TimeInForce.GTC)); // modified to a marketable price
        api.placeOrder(day, AAPL, limit(OrderAction.BUY, 100, 1, TimeInForce.DAY));
      },
      60_000,
    );
    await step(1, () => api.cancelOrder(day), 1_000);
    const session = [...sim.gateway.readySessions()].find((s) => s.clientId === 1)!;
    const frames = orderFrames(sim.gateway.journal, session);
    const fills = seen.execs.map((e) => [e.orderId, e.time, e.shares, e.price]);
    const statuses = seen.statuses.map((s) => [s.orderId, s.status]);
    return { frames, fills, statuses };
  } finally {
    for (const a of opened) a.disconnect();
    await sim.close();
  }
}

describe('a seed reproduces the fills over TCP', () => {
  it('same seed and requests: the same order frames byte for byte; another seed: other fills of the same orders', async () => {
    const a = await expectSeedReproducesFills(tradingRun);
    expect(a.statuses.map(([, s]) => s)).toContain('Cancelled');
  });
});
