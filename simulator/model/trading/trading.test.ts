/**
 * The paper account through the gateway model, in virtual time: orders over the request path,
 * what each client sees, and the account agreeing with the executions.
 * Facts: docs/wire-facts/orders.md, docs/wire-facts/accounts.md.
 */
import { describe, expect, it } from 'vitest';
import { accountSummaryRequest, cancelOrderRequest, contractRequest, executionsRequest, placeOrderRequest, pnlRequest } from '../../protocol/requests.ts';
import { harness } from '../../testing/model-harness.ts';
import { IN_RTH } from '../../orders/testing/book.ts';
import { ACCOUNT_SUMMARY_TAGS } from '../../orders/account-values.ts';

const paperHarness = (overrides = {}) => harness({ profile: 'instant', start: IN_RTH, overrides });

describe('orders through the gateway model', () => {
  it('a market order is acknowledged, fills, and is reported with execution, commission, position and account values that agree', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    c.send({ type: 'REQ_ACCOUNT_DATA', subscribe: true, acctCode: '' });
    c.send(placeOrderRequest(1));
    await h.advance(2_000);
    expect(c.of('ORDER_STATUS').map((m) => m.msg.status)).toEqual(['Submitted', 'Filled']);
    const [exec] = c.of('EXECUTION_DATA').map((m) => m.msg);
    expect(exec).toMatchObject({ reqId: -1, orderId: 1, symbol: 'AAPL', side: 'BOT', shares: 100, cumQty: 100, acctNumber: 'DU0118471' });
    const [report] = c.of('COMMISSION_REPORT').map((m) => m.msg);
    expect(report).toMatchObject({ execId: exec!.execId, commission: 1, currency: 'USD' });
    const openOrders = c.of('OPEN_ORDER').map((m) => m.msg);
    expect(openOrders.at(-1)).toMatchObject({ orderId: 1, clientId: 1, conId: 265598, status: 'Filled', totalQuantity: 100 });

    c.clear();
    c.send({ type: 'REQ_POSITIONS' });
    c.send(accountSummaryRequest(7, 'TotalCashValue,NetLiquidation'));
    await h.advance(0);
    expect(c.of('POSITION').map((m) => m.msg)).toEqual([expect.objectContaining({ conId: 265598, position: 100, avgCost: exec!.price + 0.01 })]);
    const summary = Object.fromEntries(c.of('ACCOUNT_SUMMARY').map((m) => [m.msg.tag, Number(m.msg.value)]));
    expect(summary.TotalCashValue).toBeCloseTo(100_000 - 100 * exec!.price - 1, 2);
    // Net liquidation = cash + the position at the mid.
    expect(summary.NetLiquidation).toBeGreaterThan(summary.TotalCashValue! + 100 * exec!.price - 100);
    expect(summary.NetLiquidation).toBeLessThan(summary.TotalCashValue! + 100 * exec!.price + 100);
  });

  it('a buy limit far below the market rests Submitted; cancel ends it with 202 and Cancelled', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    c.send(placeOrderRequest(1, { orderType: 'LMT', lmtPrice: 1 }));
    await h.advance(5_000);
    expect(c.of('ORDER_STATUS').map((m) => m.msg.status)).toEqual(['Submitted']);
    expect(c.of('EXECUTION_DATA')).toHaveLength(0);
    c.send(cancelOrderRequest(1));
    await h.advance(0);
    expect(c.of('ORDER_STATUS').map((m) => m.msg.status)).toEqual(['Submitted', 'Cancelled']);
    expect(c.errors(202).map((e) => e.msg.id)).toEqual([1]);
    c.send(cancelOrderRequest(1));
    c.send(cancelOrderRequest(42));
    await h.advance(0);
    expect(c.errors().map((e) => e.msg.code)).toEqual([202, 10148, 10147]);
  });

  it('a modification (same id, new quantity and limit) is acknowledged with an OPEN_ORDER showing the new fields; a refused one (105) changes nothing', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    c.send(placeOrderRequest(1, { orderType: 'LMT', lmtPrice: 1, totalQuantity: 100 }));
    await h.advance(2_000);
    c.clear();
    c.send(placeOrderRequest(1, { orderType: 'LMT', lmtPrice: 1.5, totalQuantity: 250 }));
    await h.advance(0);
    expect(c.of('OPEN_ORDER').map((m) => [m.msg.status, m.msg.totalQuantity, m.msg.lmtPrice])).toEqual([['Submitted', 250, 1.5]]);
    expect(c.of('ORDER_STATUS').map((m) => [m.msg.status, m.msg.remaining])).toEqual([['Submitted', 250]]);

    c.clear();
    c.send(placeOrderRequest(1, { action: 'SELL', orderType: 'LMT', lmtPrice: 2, totalQuantity: 300 }));
    c.send({ type: 'REQ_OPEN_ORDERS' });
    await h.advance(0);
    expect(c.errors().map((e) => [e.msg.id, e.msg.code])).toEqual([[1, 105]]);
    expect(c.of('OPEN_ORDER').map((m) => [m.msg.action, m.msg.totalQuantity, m.msg.lmtPrice])).toEqual([['BUY', 250, 1.5]]);
  });

  it('spot forex pays IB forex schedule: 20,000 EUR.USD is charged the USD 2.00 minimum, not a per-unit stock rate', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    c.send(placeOrderRequest(1, { conId: 12087792, symbol: 'EUR', secType: 'CASH', exchange: 'IDEALPRO', currency: 'USD', totalQuantity: 20_000 }));
    await h.advance(120_000);
    expect(c.of('ORDER_STATUS').at(-1)?.msg.status).toBe('Filled');
    const reports = c.of('COMMISSION_REPORT').map((m) => m.msg);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.reduce((sum, r) => sum + r.commission, 0)).toBeCloseTo(2, 9);
    expect(new Set(reports.map((r) => r.currency))).toEqual(new Set(['USD']));
  });

  it('an order on an index is refused with 201 saying it cannot be traded; on a future, with 201 saying it is not simulated', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    c.send(placeOrderRequest(1, { conId: 416904, symbol: 'SPX', secType: 'IND', exchange: 'CBOE', currency: 'USD' }));
    c.send(contractRequest(9, { symbol: 'ES', secType: 'FUT', exchange: 'CME' }));
    await h.advance(5_000);
    const es = (c.forReq(9).find((m) => m.msg.type === 'CONTRACT_DATA')!.msg as { conId: number }).conId;
    c.send(placeOrderRequest(2, { conId: es, symbol: '', secType: '', exchange: 'CME', currency: 'USD' }));
    await h.advance(1_000);
    expect(c.errors().map((e) => [e.msg.id, e.msg.code, e.msg.message])).toEqual([
      [1, 201, 'Order rejected - reason:an index (secType IND) cannot be traded; trade a future or an option on it'],
      [2, 201, 'Order rejected - reason:orders on FUT contracts are not simulated by ibkr-harness (stocks, ETFs and spot forex trade)'],
    ]);
    expect(c.of('ORDER_STATUS')).toHaveLength(0);
  });

  it('answers a duplicate id with 103, a price off the tick with 110 and an unknown contract with 200, each with the order id', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    c.send(placeOrderRequest(5, { orderType: 'LMT', lmtPrice: 1 }));
    c.send(placeOrderRequest(3, { orderType: 'LMT', lmtPrice: 1 }));
    c.send(placeOrderRequest(6, { orderType: 'LMT', lmtPrice: 1.005 }));
    c.send(placeOrderRequest(7, { symbol: 'NOSUCH' }));
    await h.advance(100);
    expect(c.errors().map((e) => [e.msg.id, e.msg.code])).toEqual([
      [3, 103],
      [6, 110],
      [7, 200],
    ]);
  });

  it('what-if returns margin and commission in an OPEN_ORDER and creates no order', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    c.send(placeOrderRequest(1, { whatIf: true }));
    await h.advance(2_000);
    const [answer] = c.of('OPEN_ORDER').map((m) => m.msg);
    expect(answer).toMatchObject({ orderId: 1, whatIf: true, commission: 1, commissionCurrency: 'USD' });
    expect(Number(answer!.initMarginChange)).toBeGreaterThan(0);
    expect(c.of('ORDER_STATUS')).toHaveLength(0);
    expect(c.of('EXECUTION_DATA')).toHaveLength(0);
    c.send({ type: 'REQ_ALL_OPEN_ORDERS' });
    c.send({ type: 'REQ_COMPLETED_ORDERS', apiOnly: false });
    await h.advance(0);
    expect(c.types().slice(-2)).toEqual(['OPEN_ORDER_END', 'COMPLETED_ORDERS_END']);
    expect(c.of('OPEN_ORDER')).toHaveLength(1);
  });

  it('read-only mode refuses placeOrder, cancelOrder and reqGlobalCancel with 321', async () => {
    const h = paperHarness({ paper: { readOnly: true } });
    const c = await h.login(1);
    c.send(placeOrderRequest(1));
    c.send(cancelOrderRequest(1));
    c.send({ type: 'REQ_GLOBAL_CANCEL', extOperator: '', manualOrderIndicator: undefined });
    await h.advance(2_000);
    expect(c.errors().map((e) => [e.msg.id, e.msg.code])).toEqual([
      [1, 321],
      [1, 321],
      [-1, 321],
    ]);
    expect(c.errors()[0]!.msg.message).toContain('Read-Only');
    expect(c.of('EXECUTION_DATA')).toHaveLength(0);
  });
});

describe('brackets', () => {
  it('legs sent with transmit false wait for the last leg; the children work once the parent fills, and one fill cancels its OCA sibling', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    c.send(placeOrderRequest(1, { transmit: false }));
    c.send(placeOrderRequest(2, { action: 'SELL', orderType: 'LMT', lmtPrice: 100_000, parentId: 1, ocaGroup: 'B', transmit: false }));
    await h.advance(3_000);
    expect(c.of('ORDER_STATUS')).toHaveLength(0);
    c.send(placeOrderRequest(3, { action: 'SELL', orderType: 'STP', auxPrice: 99_999, parentId: 1, ocaGroup: 'B' }));
    await h.advance(5_000);
    const last = (id: number) =>
      c
        .of('ORDER_STATUS')
        .filter((m) => m.msg.orderId === id)
        .at(-1)?.msg.status;
    expect([last(1), last(2), last(3)]).toEqual(['Filled', 'Cancelled', 'Filled']);
    expect(c.of('ORDER_STATUS').find((m) => m.msg.orderId === 3)?.msg.parentId).toBe(1);
    expect(c.of('EXECUTION_DATA').map((m) => [m.msg.orderId, m.msg.side])).toEqual([
      [1, 'BOT'],
      [3, 'SLD'],
    ]);
  });
});

describe('who sees which order', () => {
  it('another client sees the order in reqAllOpenOrders but not in its reqOpenOrders; pushes go to the owner only', async () => {
    const h = paperHarness();
    const a = await h.login(1);
    const b = await h.login(2);
    a.send(placeOrderRequest(1, { orderType: 'LMT', lmtPrice: 1 }));
    await h.advance(1_000);
    expect(b.of('ORDER_STATUS')).toHaveLength(0);
    b.send({ type: 'REQ_OPEN_ORDERS' });
    await h.advance(0);
    expect(b.types()).toEqual(['OPEN_ORDER_END']);
    b.clear();
    b.send({ type: 'REQ_ALL_OPEN_ORDERS' });
    await h.advance(0);
    expect(b.types()).toEqual(['OPEN_ORDER', 'ORDER_STATUS', 'OPEN_ORDER_END']);
    expect(b.of('OPEN_ORDER')[0]!.msg).toMatchObject({ orderId: 1, clientId: 1, status: 'Submitted' });
  });

  it('an order placed right before a disconnect still fills; the reconnecting client finds it in executions and completed orders', async () => {
    const h = paperHarness();
    const a = await h.login(1);
    a.send(placeOrderRequest(1));
    await h.advance(0);
    h.drop(a);
    await h.advance(3_000);
    const again = await h.login(1);
    again.send(executionsRequest(9));
    again.send({ type: 'REQ_COMPLETED_ORDERS', apiOnly: false });
    await h.advance(0);
    expect(again.of('EXECUTION_DATA').map((m) => m.msg)).toEqual([expect.objectContaining({ reqId: 9, orderId: 1, shares: 100 })]);
    expect(again.of('COMMISSION_REPORT')).toHaveLength(1);
    expect(again.of('COMPLETED_ORDER').map((m) => m.msg)).toEqual([
      expect.objectContaining({ status: 'Filled', filledQuantity: 100, completedStatus: 'Filled Size: 100' }),
    ]);
    // The execution filter: another client's executions are not this client's.
    const other = await h.login(2);
    other.send(executionsRequest(10));
    other.send(executionsRequest(11, { filterClientId: 1, side: 'BUY', symbol: 'AAPL' }));
    await h.advance(0);
    expect(other.of('EXECUTION_DATA').map((m) => m.msg.reqId)).toEqual([11]);
  });
});

describe('order faults (existing fault kinds on order messages)', () => {
  it('an error fault rejects the next order with the given code and text, under its order id', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    h.faults.apply({ kind: 'error', code: 201, text: 'Order rejected - reason:simulated', match: { message: 'PLACE_ORDER' }, times: 1 });
    c.send(placeOrderRequest(1));
    c.send(placeOrderRequest(2));
    await h.advance(2_000);
    expect(c.errors().map((e) => [e.msg.id, e.msg.code, e.msg.message])).toEqual([[1, 201, 'Order rejected - reason:simulated']]);
    expect(c.of('EXECUTION_DATA').map((m) => m.msg.orderId)).toEqual([2]);
  });

  it('a disconnect right after placeOrder (deliverFirst) leaves an order that fills; the reconnecting client finds it', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    h.faults.apply({ kind: 'disconnect', deliverFirst: true, match: { message: 'PLACE_ORDER' }, times: 1 });
    c.send(placeOrderRequest(1));
    await h.advance(0);
    expect(c.closed).toBe(true);
    await h.advance(3_000);
    const again = await h.login(1);
    again.send(executionsRequest(3));
    again.send({ type: 'REQ_COMPLETED_ORDERS', apiOnly: false });
    await h.advance(0);
    expect(again.of('EXECUTION_DATA').map((m) => [m.msg.reqId, m.msg.orderId])).toEqual([[3, 1]]);
    expect(again.of('COMPLETED_ORDER').map((m) => m.msg.status)).toEqual(['Filled']);
  });
});

describe('partial-fill fault', () => {
  it('caps the next order at N shares; the remainder rests Submitted without further fills until cancelled', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    h.faults.apply({ kind: 'partial-fill', shares: 30, match: { message: 'PLACE_ORDER' }, times: 1 });
    c.send(placeOrderRequest(1));
    await h.advance(60_000);
    expect(c.of('EXECUTION_DATA').map((m) => [m.msg.orderId, m.msg.shares, m.msg.cumQty])).toEqual([[1, 30, 30]]);
    expect(c.of('ORDER_STATUS').at(-1)!.msg).toMatchObject({ orderId: 1, status: 'Submitted', filled: 30, remaining: 70 });
    c.send(cancelOrderRequest(1));
    c.send(placeOrderRequest(2)); // times: 1 — the next order fills in full
    await h.advance(5_000);
    const status = (id: number) =>
      c
        .of('ORDER_STATUS')
        .filter((m) => m.msg.orderId === id)
        .at(-1)!.msg;
    expect(status(1)).toMatchObject({ status: 'Cancelled', filled: 30, remaining: 0 }); // a cancelled order reports no remainder (order-messages.ts);
    expect(status(2)).toMatchObject({ status: 'Filled', filled: 100, remaining: 0 });
    c.send({ type: 'REQ_POSITIONS' });
    await h.advance(0);
    expect(c.of('POSITION').map((m) => m.msg.position)).toEqual([130]);
  });

  it('with a fraction and then "cancel", the order fills that part and is cancelled with 202', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    h.faults.apply({ kind: 'partial-fill', fraction: 0.25, remainder: 'cancel', match: { message: 'PLACE_ORDER' } });
    c.send(placeOrderRequest(1, { totalQuantity: 10 }));
    await h.advance(5_000);
    expect(c.of('EXECUTION_DATA').map((m) => m.msg.shares)).toEqual([2]);
    expect(c.of('ORDER_STATUS').map((m) => [m.msg.status, m.msg.filled, m.msg.remaining])).toContainEqual(['Submitted', 2, 8]);
    expect(c.of('ORDER_STATUS').at(-1)!.msg).toMatchObject({ orderId: 1, status: 'Cancelled', filled: 2 });
    expect(c.errors(202).map((e) => e.msg.id)).toEqual([1]);
  });
});

describe('account', () => {
  it('reqAccountSummary answers every documented tag, and a third active request gets 322', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    c.send(accountSummaryRequest(1, ACCOUNT_SUMMARY_TAGS.join(',')));
    c.send(accountSummaryRequest(2, '$LEDGER'));
    c.send(accountSummaryRequest(3, 'NetLiquidation'));
    await h.advance(0);
    expect(
      c
        .of('ACCOUNT_SUMMARY')
        .filter((m) => m.msg.reqId === 1)
        .map((m) => m.msg.tag),
    ).toEqual([...ACCOUNT_SUMMARY_TAGS]);
    expect(c.of('ACCOUNT_SUMMARY').find((m) => m.msg.reqId === 2 && m.msg.tag === 'CashBalance')?.msg.value).toBe('100000.00');
    expect(c.errors(322).map((e) => e.msg.id)).toEqual([3]);
  });

  it('P&L follows a round trip: realized = sell − buy − commissions', async () => {
    const h = paperHarness();
    const c = await h.login(1);
    c.send(pnlRequest(4, 'DU0118471'));
    c.send(placeOrderRequest(1));
    await h.advance(2_000);
    c.send(placeOrderRequest(2, { action: 'SELL' }));
    await h.advance(2_000);
    const fills = c.of('EXECUTION_DATA').map((m) => m.msg);
    expect(fills.map((f) => f.side)).toEqual(['BOT', 'SLD']);
    const reports = c.of('COMMISSION_REPORT').map((m) => m.msg);
    const expected = (fills[1]!.price - fills[0]!.price) * 100 - 2;
    expect(reports[1]!.realizedPNL).toBeCloseTo(expected, 6);
    expect(c.of('PNL').at(-1)!.msg.realizedPnL).toBeCloseTo(expected, 6);
  });
});
