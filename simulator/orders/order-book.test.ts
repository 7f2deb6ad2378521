import { describe, expect, it } from 'vitest';
import { AFTER_CLOSE } from '../../common/testing/fixtures.ts';
import { COMMISSION_SCHEDULES, orderCommission } from './commissions.ts';
import { AAPL_ID, book, IN_RTH, run, ticket } from './testing/book.ts';
import { onTick } from './ticks.ts';
import { checkOrder } from './validate.ts';

const MIN = 60_000;

function aapl(v: ReturnType<typeof book>['venue']) {
  return v.instrument(AAPL_ID)!;
}

/** The grid instant of the next 30 minutes where `pick` of the quote is lowest (after the first step). */
function lowest(b: ReturnType<typeof book>['book'], v: ReturnType<typeof book>['venue'], pick: 'ask' | 'last'): { low: number; lowAt: number } {
  let low = Number.POSITIVE_INFINITY;
  let lowAt = 0;
  for (let t = b.nextStep(IN_RTH); t <= IN_RTH + 30 * MIN; t += b.stepMs) {
    const p = v.prices.quoteAt(AAPL_ID, t)![pick];
    if (p < low) [low, lowAt] = [p, t];
  }
  return { low, lowAt };
}

describe('order book: fills from the price path', () => {
  it('a market order fills at the offer of the first grid step after its acknowledgement', () => {
    const { book: b, events, venue: v } = book();
    const placed = b.place(ticket(1), aapl(v), IN_RTH);
    expect(placed.ok).toBe(true);
    if (!placed.ok) return;
    b.acknowledge(placed.order, IN_RTH);
    expect(placed.order.status).toBe('Submitted');
    run(b, IN_RTH, IN_RTH + 5_000);
    const t = b.nextStep(IN_RTH);
    const fills = b.executions();
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ time: t, side: 'BOT', shares: 100, price: v.prices.quoteAt(AAPL_ID, t)!.ask, cumQty: 100 });
    expect(placed.order.status).toBe('Filled');
    expect(events.map((e) => (e.kind === 'status' ? e.status : 'exec'))).toEqual(['Submitted', 'exec', 'Filled']);
  });

  it('a buy limit below the market rests, then fills at the first step whose offer reaches it', () => {
    const { book: b, venue: v } = book();
    const start = b.nextStep(IN_RTH);
    // The lowest offer of the next 30 minutes: the limit is crossed exactly there.
    const { low, lowAt } = lowest(b, v, 'ask');
    expect(lowAt).toBeGreaterThan(start); // otherwise the window says nothing
    const placed = b.place(ticket(1, { orderType: 'LMT', lmtPrice: low }), aapl(v), IN_RTH);
    if (!placed.ok) throw new Error(placed.error.message);
    b.acknowledge(placed.order, IN_RTH);
    run(b, IN_RTH, lowAt - b.stepMs);
    expect(placed.order.status).toBe('Submitted');
    expect(b.executions()).toHaveLength(0);
    run(b, lowAt - b.stepMs, IN_RTH + 30 * MIN);
    const first = b.executions()[0]!;
    expect(first.price).toBeLessThanOrEqual(low);
    expect(first.time).toBeLessThanOrEqual(lowAt);
    for (let t = start; t < first.time; t += b.stepMs) expect(v.prices.quoteAt(AAPL_ID, t)!.ask).toBeGreaterThan(low);
  });

  it('a large order fills in parts whose sizes add up, each execution carrying the running cumQty', () => {
    const { book: b, venue: v } = book();
    const placed = b.place(ticket(1, { totalQuantity: 5000, action: 'SELL' }), aapl(v), IN_RTH);
    if (!placed.ok) throw new Error(placed.error.message);
    b.acknowledge(placed.order, IN_RTH);
    run(b, IN_RTH, IN_RTH + MIN);
    const fills = b.executions();
    expect(fills.length).toBeGreaterThan(1);
    expect(fills.reduce((s, f) => s + f.shares, 0)).toBe(5000);
    let cum = 0;
    for (const f of fills) {
      cum += f.shares;
      expect(f.cumQty).toBe(cum);
      expect(f.side).toBe('SLD');
      expect(f.price).toBe(v.prices.quoteAt(AAPL_ID, f.time)!.bid);
    }
    // Commission per order: the fills' commissions add up to the order's (fixed: 5000 × 0.005 = 25).
    const total = fills.reduce((s, f) => s + f.commission, 0);
    expect(total).toBeCloseTo(orderCommission(COMMISSION_SCHEDULES.fixed, 5000, placed.order.charged.value), 9);
    expect(total).toBeCloseTo(25, 9);
  });

  it('a sell stop triggers when the last trade reaches the stop, not before', () => {
    const { book: b, venue: v } = book();
    const start = b.nextStep(IN_RTH);
    const { low, lowAt } = lowest(b, v, 'last');
    expect(lowAt).toBeGreaterThan(start);
    const placed = b.place(ticket(1, { action: 'SELL', orderType: 'STP', auxPrice: low }), aapl(v), IN_RTH);
    if (!placed.ok) throw new Error(placed.error.message);
    b.acknowledge(placed.order, IN_RTH);
    run(b, IN_RTH, IN_RTH + 30 * MIN);
    const fill = b.executions()[0]!;
    expect(fill.time).toBeLessThanOrEqual(lowAt);
    expect(v.prices.quoteAt(AAPL_ID, fill.time)!.last).toBeLessThanOrEqual(low);
    for (let t = start; t < fill.time; t += b.stepMs) expect(v.prices.quoteAt(AAPL_ID, t)!.last).toBeGreaterThan(low);
  });
});

describe('order book: hours and time in force', () => {
  it('after the close an order waits (PreSubmitted) unless outsideRth', () => {
    const { book: b, venue: v } = book();
    const held = b.place(ticket(1), aapl(v), AFTER_CLOSE);
    const ext = b.place(ticket(2, { outsideRth: true }), aapl(v), AFTER_CLOSE);
    if (!held.ok || !ext.ok) throw new Error('rejected');
    b.acknowledge(held.order, AFTER_CLOSE);
    b.acknowledge(ext.order, AFTER_CLOSE);
    run(b, AFTER_CLOSE, AFTER_CLOSE + 5 * MIN);
    expect(held.order.status).toBe('PreSubmitted');
    expect(held.order.filled).toBe(0);
    expect(ext.order.status).toBe('Filled');
  });

  it('a DAY order ends with its session, a GTC order survives it', () => {
    const { book: b, venue: v } = book();
    const far = onTick(v.prices.quoteAt(AAPL_ID, IN_RTH)!.bid * 0.5, 0.01);
    const day = b.place(ticket(1, { orderType: 'LMT', lmtPrice: far }), aapl(v), IN_RTH);
    const gtc = b.place(ticket(2, { orderType: 'LMT', lmtPrice: far, tif: 'GTC' }), aapl(v), IN_RTH);
    if (!day.ok || !gtc.ok) throw new Error('rejected');
    b.acknowledge(day.order, IN_RTH);
    b.acknowledge(gtc.order, IN_RTH);
    // 16:00 New York is 21:00 UTC.
    const close = Date.UTC(2025, 10, 12, 21, 0, 0);
    expect(day.order.expiresAt).toBe(close);
    run(b, close - 2_000, close + 2_000);
    expect(day.order.status).toBe('Cancelled');
    expect(day.order.completedAt).toBe(close);
    expect(gtc.order.status).toBe('PreSubmitted');
  });

  it('an IOC order takes what the touch offers and cancels the rest', () => {
    const { book: b, venue: v } = book();
    const placed = b.place(ticket(1, { totalQuantity: 100_000, tif: 'IOC' }), aapl(v), IN_RTH);
    if (!placed.ok) throw new Error(placed.error.message);
    b.acknowledge(placed.order, IN_RTH);
    run(b, IN_RTH, IN_RTH + 10_000);
    expect(b.executions()).toHaveLength(1);
    expect(placed.order.filled).toBeGreaterThan(0);
    expect(placed.order.filled).toBeLessThan(100_000);
    expect(placed.order.status).toBe('Cancelled');
  });
});

describe('order book: ids, modifications and cancels', () => {
  it('answers a reused or lower id with 103, a modify of a filled order with 104, a changed side with 105', () => {
    const { book: b, venue: v } = book();
    const i = aapl(v);
    const first = b.place(ticket(5), i, IN_RTH);
    if (!first.ok) throw new Error('rejected');
    b.acknowledge(first.order, IN_RTH);
    expect(b.place(ticket(4), i, IN_RTH)).toMatchObject({ ok: false, error: { code: 103 } });
    expect(b.place(ticket(5, { action: 'SELL' }), i, IN_RTH)).toMatchObject({ ok: false, error: { code: 105 } });
    // Another client may use the same id.
    expect(b.place(ticket(5, { clientId: 2 }), i, IN_RTH).ok).toBe(true);
    run(b, IN_RTH, IN_RTH + 2_000);
    expect(first.order.status).toBe('Filled');
    expect(b.place(ticket(5), i, IN_RTH + 3_000)).toMatchObject({ ok: false, error: { code: 104 } });
  });

  it('modifies a resting order by its id (new limit, new quantity) and cancels it', () => {
    const { book: b, venue: v } = book();
    const i = aapl(v);
    const far = onTick(v.prices.quoteAt(AAPL_ID, IN_RTH)!.bid * 0.5, 0.01);
    const placed = b.place(ticket(1, { orderType: 'LMT', lmtPrice: far }), i, IN_RTH);
    if (!placed.ok) throw new Error('rejected');
    b.acknowledge(placed.order, IN_RTH);
    const modified = b.place(ticket(1, { orderType: 'LMT', lmtPrice: far + 0.01, totalQuantity: 200 }), i, IN_RTH + 500);
    expect(modified).toMatchObject({ ok: true, modified: true });
    expect(placed.order.ticket).toMatchObject({ lmtPrice: far + 0.01, totalQuantity: 200 });
    expect(b.cancel(1, 1, IN_RTH + 1000)).toBeUndefined();
    expect(placed.order.status).toBe('Cancelled');
    expect(b.cancel(1, 1, IN_RTH + 1000)).toMatchObject({ code: 10148 });
    expect(b.cancel(1, 99, IN_RTH + 1000)).toMatchObject({ code: 10147 });
    expect(b.place(ticket(1, { orderType: 'LMT', lmtPrice: far }), i, IN_RTH + 2000)).toMatchObject({ ok: false, error: { code: 103 } });
  });

  it('reqGlobalCancel cancels the open orders of every client and leaves filled ones alone', () => {
    const { book: b, venue: v } = book();
    const i = aapl(v);
    const far = onTick(v.prices.quoteAt(AAPL_ID, IN_RTH)!.bid * 0.5, 0.01);
    for (const clientId of [1, 2]) {
      const p = b.place(ticket(1, { clientId, orderType: 'LMT', lmtPrice: far }), i, IN_RTH);
      if (p.ok) b.acknowledge(p.order, IN_RTH);
    }
    const mkt = b.place(ticket(2), i, IN_RTH);
    if (mkt.ok) b.acknowledge(mkt.order, IN_RTH);
    run(b, IN_RTH, IN_RTH + 2_000);
    expect(b.cancelAll(IN_RTH + 3_000)).toHaveLength(2);
    expect(b.openOrders()).toHaveLength(0);
    expect(b.completedOrders().map((o) => o.status)).toEqual(['Cancelled', 'Cancelled', 'Filled']);
  });
});

describe('order checks', () => {
  const { venue: v } = book();
  const i = v.instrument(AAPL_ID)!;
  const fields = {
    orderId: 1,
    action: 'BUY',
    totalQuantity: 100,
    orderType: 'LMT',
    lmtPrice: 100,
    auxPrice: undefined,
    tif: 'DAY',
    outsideRth: false,
    account: '',
    orderRef: '',
    parentId: 0,
    ocaGroup: '',
  };
  it.each([
    [{ lmtPrice: 100.005 }, 110],
    [{ totalQuantity: 0 }, 160],
    [{ action: 'HOLD' }, 303],
    [{ orderType: 'TRAIL' }, 387],
    [{ tif: 'FOK' }, 111],
    [{ lmtPrice: undefined }, 201],
    [{ orderType: 'STP', auxPrice: undefined }, 201],
    [{ orderType: 'MOC', tif: 'GTC' }, 111],
    [{ orderType: 'LOC', lmtPrice: undefined }, 201],
  ])('%o → %i', (over, code) => {
    const r = checkOrder({ ...fields, ...over }, 1, 'DU1', i);
    expect(r).toMatchObject({ ok: false, error: { code } });
  });
  it('accepts a valid order and fills in the account', () => {
    expect(checkOrder(fields, 1, 'DU1', i)).toMatchObject({ ok: true, ticket: { account: 'DU1', orderType: 'LMT', lmtPrice: 100 } });
  });
});

describe('order book: brackets and OCA groups', () => {
  it("a bracket's children wait (PreSubmitted) until the parent fills; a fill of one OCA child cancels its sibling", () => {
    const { book: b, venue: v } = book();
    const i = aapl(v);
    const q = v.prices.quoteAt(AAPL_ID, IN_RTH)!;
    const parent = b.place(ticket(1), i, IN_RTH);
    // Take-profit far above, stop-loss at a price reached at once (a sell stop above the market triggers).
    const profit = b.place(ticket(2, { action: 'SELL', orderType: 'LMT', lmtPrice: onTick(q.ask * 2, 0.01), parentId: 1, ocaGroup: 'B1' }), i, IN_RTH);
    const stop = b.place(ticket(3, { action: 'SELL', orderType: 'STP', auxPrice: onTick(q.ask * 1.5, 0.01), parentId: 1, ocaGroup: 'B1' }), i, IN_RTH);
    if (!parent.ok || !profit.ok || !stop.ok) throw new Error('rejected');
    expect(b.place(ticket(4, { parentId: 99 }), i, IN_RTH)).toMatchObject({ ok: false, error: { code: 201 } });
    for (const p of [profit, stop, parent]) b.acknowledge(p.order, IN_RTH);
    expect(profit.order.status).toBe('Submitted');
    b.step(b.nextStep(IN_RTH));
    // The parent filled at this step; the children were looked at before it was, so they still wait.
    expect(parent.order.status).toBe('Filled');
    run(b, b.nextStep(IN_RTH), IN_RTH + 5_000);
    expect(stop.order.status).toBe('Filled');
    expect(profit.order.status).toBe('Cancelled');
    expect(profit.order.cancelReason).toBe('OCA group');
    expect(b.executions().map((e) => [e.orderId, e.side])).toEqual([
      [1, 'BOT'],
      [3, 'SLD'],
    ]);
  });

  it('a cancelled parent cancels its children', () => {
    const { book: b, venue: v } = book();
    const i = aapl(v);
    const parent = b.place(ticket(1, { orderType: 'LMT', lmtPrice: 1 }), i, IN_RTH);
    const child = b.place(ticket(2, { action: 'SELL', orderType: 'LMT', lmtPrice: 1000, parentId: 1 }), i, IN_RTH);
    if (!parent.ok || !child.ok) throw new Error('rejected');
    b.acknowledge(parent.order, IN_RTH);
    b.acknowledge(child.order, IN_RTH);
    run(b, IN_RTH, IN_RTH + 2_000);
    expect(child.order.status).toBe('PreSubmitted');
    b.cancel(1, 1, IN_RTH + 2_500);
    run(b, IN_RTH + 2_000, IN_RTH + 4_000);
    expect(child.order.status).toBe('Cancelled');
  });
});
