/**
 * More orders as an unmodified @stoqey/ib IBApi sees them over real TCP: a what-if order answers
 * with estimates and leaves no order; read-only mode refuses every order request with 321; a buy
 * stop rests PreSubmitted until the last trade reaches it and then fills at the offer; a bracket's
 * children work once the parent fills and one fill cancels its OCA sibling; a disconnect right
 * after placeOrder leaves an order and an execution the reconnecting client finds; reqPnL and
 * reqPnLSingle follow a round trip. The model clock starts in regular hours (Wed 2025-11-12 10:00
 * New York) and runs 50× faster than real time, except where a test checks a state that a later
 * grid instant would end: it then runs at real pace during the check (so host load cannot let the
 * model overtake it) and faster afterwards. Prices are checked against the quote model.
 */
import { EventName, OrderAction, OrderType, SecType, type Contract, type IBApi } from '@stoqey/ib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../common/clock.ts';
import { CONID } from '../common/testing/fixtures.ts';
import { wireTime } from './model/trading/order-messages.ts';
import { IN_RTH } from './orders/testing/book.ts';
import { startSimulator, type Simulator, type SimulatorOptions } from './simulator.ts';
import { connectWatching, lastStatus, until } from './testing/stoqey-order-watch.ts';

let sim: Simulator | undefined;
let clock: ScaledClock;
let opened: IBApi[] = [];

async function start(over: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  clock = new ScaledClock(0.02, IN_RTH);
  sim = await startSimulator({ port: 0, profile: 'instant', seed: 7, clock, ...over });
  return sim;
}
beforeEach(() => {
  opened = [];
});
afterEach(async () => {
  for (const a of opened) a.disconnect();
  await sim?.close();
  sim = undefined;
});

const AAPL: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };

/** The quote at the grid instant whose wire time is `time` (an execution's time), searched from IN_RTH to now. */
function quoteAtWire(s: Simulator, time: string | undefined): { at: number; bid: number; ask: number; last: number } {
  const book = s.gateway.trading.book;
  for (let t = book.nextStep(IN_RTH - 1); t <= clock.now() + book.stepMs; t += book.stepMs) {
    if (wireTime(t, s.gateway.profile.timeZone) === time) return { at: t, ...s.gateway.trading.venue.prices.quoteAt(CONID.AAPL, t)! };
  }
  throw new Error(`no grid instant has wire time ${time}`);
}

/** Resolve when `api` emits `end` (an *End event) after `send` ran. */
function answered(api: IBApi, end: EventName, send: () => void): Promise<void> {
  const done = new Promise<void>((r) => api.once(end, () => r()));
  send();
  return done;
}

describe('@stoqey/ib: what-if and read-only mode', () => {
  it('a what-if order answers with margin and commission estimates in openOrder and leaves no order, status or execution', async () => {
    const s = await start();
    const { api: a, firstId, seen } = await connectWatching(s.port, 31, opened);
    a.placeOrder(firstId, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 100, whatIf: true, transmit: true });
    await until('the what-if answer', () => seen.opens.length > 0);
    const { orderId, state } = seen.opens[0]!;
    expect(orderId).toBe(firstId);
    expect(state).toMatchObject({ commission: 1, commissionCurrency: 'USD' });
    expect(Number(state.initMarginChange)).toBeGreaterThan(0);
    expect(Number(state.maintMarginChange)).toBeGreaterThan(0);

    // Two model seconds later (two fill-grid instants) still nothing was created.
    const asked = clock.now();
    await until('two model seconds', () => clock.now() >= asked + 2_000);
    const completed: number[] = [];
    a.on(EventName.completedOrder, (_c, order) => completed.push(order.orderId ?? -1));
    await answered(a, EventName.openOrderEnd, () => a.reqAllOpenOrders());
    await answered(a, EventName.completedOrdersEnd, () => a.reqCompletedOrders(false));
    const execEnd = answered(a, EventName.execDetailsEnd, () => a.reqExecutions(7, {}));
    await execEnd;
    expect(seen.opens).toHaveLength(1); // only the what-if answer itself
    expect(completed).toEqual([]);
    expect(seen.statuses).toEqual([]);
    expect(seen.execs).toEqual([]);
  });

  it('read-only mode (paper.readOnly) refuses placeOrder, cancelOrder and reqGlobalCancel with 321 and nothing trades', async () => {
    const s = await start({ overrides: { paper: { readOnly: true } } });
    const { api: a, firstId, seen } = await connectWatching(s.port, 32, opened);
    a.placeOrder(firstId, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 100, transmit: true });
    a.placeOrder(firstId + 1, AAPL, { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 1, totalQuantity: 10, transmit: true });
    a.cancelOrder(firstId + 1);
    // The refusal of reqGlobalCancel carries id -1, which @stoqey/ib emits as `info`, not `error`
    // (docs/wire-facts/clients.md#notices-arrive-on-info-not-error).
    const notices: Array<{ code: number; message: string }> = [];
    a.on(EventName.info, (message, code) => notices.push({ code, message }));
    a.reqGlobalCancel();
    await until('four refusals', () => seen.errors.filter((e) => e.code === 321).length >= 3 && notices.some((n) => n.code === 321));
    expect(seen.errors.filter((e) => e.code < 1000 || e.code > 2200)).toEqual([
      { id: firstId, code: 321 },
      { id: firstId + 1, code: 321 },
      { id: firstId + 1, code: 321 },
    ]);
    expect(notices.filter((n) => n.code === 321)).toEqual([{ code: 321, message: expect.stringContaining('Read-Only') }]);
    const refused = clock.now();
    await until('two model seconds', () => clock.now() >= refused + 2_000);
    expect(seen.statuses).toEqual([]);
    expect(seen.execs).toEqual([]);
    await answered(a, EventName.openOrderEnd, () => a.reqAllOpenOrders());
    expect(seen.opens).toEqual([]);
  });
});

describe('@stoqey/ib: stops and brackets', () => {
  it('a buy stop above the last trade rests PreSubmitted, triggers at the first grid instant whose last reaches it, and fills at that offer', async () => {
    const s = await start();
    const { api: a, firstId, seen } = await connectWatching(s.port, 33, opened);
    clock.rescale(1); // real pace while the order is checked before its trigger
    const book = s.gateway.trading.book;
    const prices = s.gateway.trading.venue.prices;
    const from = clock.now();
    // The first grid instant at least 5 model s ahead whose last is above every last since now.
    let high = Number.NEGATIVE_INFINITY;
    let target: { at: number; last: number; ask: number } | undefined;
    for (let t = book.nextStep(from); t < from + 30 * 60_000 && !target; t += book.stepMs) {
      const q = prices.quoteAt(CONID.AAPL, t)!;
      if (q.last > high && t >= from + 5_000) target = { at: t, last: q.last, ask: q.ask };
      high = Math.max(high, q.last);
    }
    expect(target, 'a new high of the seed-7 path within 30 minutes').toBeDefined();
    a.placeOrder(firstId, AAPL, { action: OrderAction.BUY, orderType: OrderType.STP, auxPrice: target!.last, totalQuantity: 10, transmit: true });
    await until('the acknowledgement', () => lastStatus(seen, firstId) === 'PreSubmitted');
    expect(clock.now()).toBeLessThan(target!.at); // checked before the path reached the stop
    expect(seen.execs).toEqual([]);

    clock.rescale(0.01);
    await until('the fill', () => lastStatus(seen, firstId) === 'Filled' && seen.commissions.length === 1, 10_000);
    expect(seen.execs.map((e) => [e.orderId, e.side, e.shares, e.price, e.time])).toEqual([
      [firstId, 'BOT', 10, target!.ask, wireTime(target!.at, s.gateway.profile.timeZone)],
    ]);
    expect(seen.statuses.filter((x) => x.orderId === firstId).at(-1)).toMatchObject({ filled: 10, remaining: 0, avgFillPrice: target!.ask });
  });

  it('a bracket sent with transmit false on the first legs: nothing works until the last leg; the parent fills, then its stop child fills and cancels its OCA sibling', async () => {
    const s = await start();
    const { api: a, firstId, seen } = await connectWatching(s.port, 34, opened);
    const [parent, takeProfit, stopLoss] = [firstId, firstId + 1, firstId + 2];
    a.placeOrder(parent, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 100, transmit: false });
    a.placeOrder(takeProfit, AAPL, {
      action: OrderAction.SELL,
      orderType: OrderType.LMT,
      lmtPrice: 100_000,
      totalQuantity: 100,
      parentId: parent,
      ocaGroup: 'B34',
      transmit: false,
    });
    const held = clock.now();
    await until('three model seconds', () => clock.now() >= held + 3_000);
    expect(seen.statuses).toEqual([]); // legs with transmit false wait for the last leg
    expect(seen.execs).toEqual([]);
    // A sell stop above the market: it triggers as soon as it works, i.e. once the parent filled.
    a.placeOrder(stopLoss, AAPL, {
      action: OrderAction.SELL,
      orderType: OrderType.STP,
      auxPrice: 99_999,
      totalQuantity: 100,
      parentId: parent,
      ocaGroup: 'B34',
      transmit: true,
    });
    await until('all three ended', () => [parent, takeProfit, stopLoss].every((id) => ['Filled', 'Cancelled'].includes(lastStatus(seen, id) ?? '')), 10_000);
    expect([lastStatus(seen, parent), lastStatus(seen, takeProfit), lastStatus(seen, stopLoss)]).toEqual(['Filled', 'Cancelled', 'Filled']);
    expect(seen.execs.map((e) => [e.orderId, e.side, e.shares])).toEqual([
      [parent, 'BOT', 100],
      [stopLoss, 'SLD', 100],
    ]);
    const [bought, sold] = seen.execs;
    const atBuy = quoteAtWire(s, bought!.time);
    const atSell = quoteAtWire(s, sold!.time);
    expect(bought!.price).toBe(atBuy.ask); // MKT buy takes the offer
    expect(sold!.price).toBe(atSell.bid); // the triggered stop sells at the bid
    expect(atSell.at).toBeGreaterThanOrEqual(atBuy.at); // the child worked only once the parent filled
    expect(seen.errors).toContainEqual({ id: takeProfit, code: 202 });
  });
});

describe('@stoqey/ib: disconnect after placeOrder, and P&L', () => {
  it('a disconnect right after placeOrder: the order still fills at the gateway; the reconnecting client finds it completed and its execution', async () => {
    const s = await start();
    const first = await connectWatching(s.port, 35, opened);
    const orderId = first.firstId;
    s.faults.apply({ kind: 'disconnect', deliverFirst: true, match: { message: 'PLACE_ORDER' }, times: 1 });
    const closed = new Promise((r) => first.api.once(EventName.disconnected, r));
    first.api.placeOrder(orderId, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 100, transmit: true });
    await closed;
    const placed = clock.now();
    await until('three model seconds', () => clock.now() >= placed + 3_000);

    const again = await connectWatching(s.port, 35, opened);
    // COMPLETED_ORDER carries no order id: it is matched to the execution by permId.
    const completed: Array<{ permId?: number; status?: string; filled?: number }> = [];
    again.api.on(EventName.completedOrder, (_c, order, state) => completed.push({ permId: order.permId, status: state.status, filled: order.filledQuantity }));
    await answered(again.api, EventName.openOrderEnd, () => again.api.reqOpenOrders());
    expect(again.seen.opens).toEqual([]); // filled, so no longer open
    await answered(again.api, EventName.completedOrdersEnd, () => again.api.reqCompletedOrders(false));
    await answered(again.api, EventName.execDetailsEnd, () => again.api.reqExecutions(9, { clientId: '35' }));
    expect(again.seen.execs.map((e) => [e.orderId, e.side, e.shares])).toEqual([[orderId, 'BOT', 100]]);
    expect(again.seen.execs[0]!.permId).toBeGreaterThan(0);
    expect(completed).toEqual([{ permId: again.seen.execs[0]!.permId, status: 'Filled', filled: 100 }]);
    expect(again.seen.execs[0]!.price).toBe(quoteAtWire(s, again.seen.execs[0]!.time).ask);
    expect(again.firstId).toBeGreaterThan(orderId); // the used id is not handed out again
  });

  it('reqPnL and reqPnLSingle follow a round trip: position 100 then 0, realized = (sell − buy) × 100 − commissions', async () => {
    const s = await start();
    const { api: a, firstId, seen } = await connectWatching(s.port, 36, opened);
    const account = s.gateway.profile.accounts[0]!;
    const pnl: Array<{ realized?: number; unrealized?: number }> = [];
    const single: Array<{ pos?: number; realized?: number; unrealized?: number; value?: number }> = [];
    a.on(EventName.pnl, (_r, _daily, unrealized, realized) => pnl.push({ realized, unrealized }));
    a.on(EventName.pnlSingle, (_r, pos, _daily, unrealized, realized, value) => single.push({ pos, realized, unrealized, value }));
    a.reqPnL(40, account, '');
    a.reqPnLSingle(41, account, '', CONID.AAPL);
    await until('the first P&L answers', () => pnl.length > 0 && single.length > 0);
    expect(single[0]!.pos).toBe(0);

    a.placeOrder(firstId, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 100, transmit: true });
    await until('the buy', () => lastStatus(seen, firstId) === 'Filled' && seen.commissions.length === 1);
    await until('P&L single with the position', () => single.some((x) => x.pos === 100));
    const long = single.find((x) => x.pos === 100)!;
    const buy = seen.execs[0]!;
    // Unrealized is the position's value less what it cost (price and commission).
    expect(long.unrealized).toBeCloseTo(long.value! - (100 * buy.price! + 1), 6);

    a.placeOrder(firstId + 1, AAPL, { action: OrderAction.SELL, orderType: OrderType.MKT, totalQuantity: 100, transmit: true });
    await until('the sell', () => lastStatus(seen, firstId + 1) === 'Filled' && seen.commissions.length === 2);
    const sell = seen.execs[1]!;
    expect([buy.side, sell.side]).toEqual(['BOT', 'SLD']);
    expect(sell.price).toBe(quoteAtWire(s, sell.time).bid);
    const expected = (sell.price! - buy.price!) * 100 - 2;
    expect(seen.commissions[1]!.realizedPNL).toBeCloseTo(expected, 6);
    await until('P&L with the round trip', () => pnl.some((x) => Math.abs((x.realized ?? Number.NaN) - expected) < 1e-6));
    await until('P&L single flat', () => single.at(-1)?.pos === 0);
    expect(pnl.at(-1)!.realized).toBeCloseTo(expected, 6);
    expect(single.at(-1)!.realized).toBeCloseTo(expected, 6);
  });
});
