/**
 * Option analytics in virtual time: a line on an option carries TICK_OPTION_COMPUTATION at its
 * bid (10), ask (11), last (12) and model (13), delayed lines 80–83, and REQ_CALC_IMPLIED_VOLAT /
 * REQ_CALC_OPTION_PRICE answer once with tick type 53 — every value checked against the quotes
 * and the pricing model it must come from. docs/wire-facts/market-data.md#option-computations,
 * docs/wire-facts/market-data.md#option-calculations
 */
import { describe, expect, it } from 'vitest';
import { TickType } from '../../common/ib/tick-types.ts';
import { blackScholes, yearsTo } from '../market/derived-price.ts';
import type { Instrument } from '../market/instrument.ts';
import { AAPL_CONID, contractRequest, mktDataRequest } from '../protocol/requests.ts';
import type { ClientMessageOf } from '../protocol/index.ts';
import { harness, type TestClient } from '../testing/model-harness.ts';

/** Wed 2025-11-12 10:00 New York: regular hours. */
const OPEN = Date.UTC(2025, 10, 12, 15, 0);
const live = { marketData: { permissions: { live: ['*'], delayed: ['*'] } } };
const byConId = (conId: number) => ({ conId, symbol: '', secType: '', exchange: 'SMART' });

/**
 * An AAPL call near the money at OPEN with 20 days or more to run (so that every price of its
 * quote carries a volatility), by conId.
 */
async function aaplCall(h: ReturnType<typeof harness>, c: TestClient): Promise<{ conId: number; strike: number; lastTradeDateOrContractMonth: string }> {
  c.send(contractRequest(900, { symbol: 'AAPL', secType: 'OPT', exchange: 'SMART', right: 'C' }));
  await h.advance(5_000);
  type Row = { conId: number; strike: number; lastTradeDateOrContractMonth: string };
  const rows = c.forReq(900).flatMap((m) => (m.msg.type === 'CONTRACT_DATA' ? [m.msg as Row] : []));
  const spot = h.gw.market.quotes({ conId: AAPL_CONID, symbol: 'AAPL', localSymbol: 'AAPL', secType: 'STK' }).quoteAt(OPEN).mid;
  const later = rows.filter((r) => r.lastTradeDateOrContractMonth >= '20251202');
  const near = later.reduce((a, b) => (Math.abs(b.strike - spot) < Math.abs(a.strike - spot) ? b : a));
  c.clear();
  return near;
}

/** The option instrument the gateway priced (its terms and underlying); known once a request named it. */
function instrumentOf(h: ReturnType<typeof harness>, conId: number): Instrument {
  return h.gw.market.quotes({ conId, symbol: '', localSymbol: '', secType: 'OPT' }).instrument;
}

const computations = (c: TestClient, reqId: number) => c.of('TICK_OPTION_COMPUTATION').filter((m) => m.msg.reqId === reqId);

describe('option lines', () => {
  it('carry analytics at the bid, ask, last and model: each at its own price, the model at the underlying it was priced from', async () => {
    const h = harness({ start: OPEN, overrides: live });
    const c = await h.login(1);
    const call = await aaplCall(h, c);
    c.send(mktDataRequest(1, byConId(call.conId)));
    await h.advance(3_000);
    const option = instrumentOf(h, call.conId);
    const terms = option.pricedFrom!.terms as Extract<NonNullable<Instrument['pricedFrom']>['terms'], { kind: 'option' }>;
    const underlying = h.gw.market.quotes(option.pricedFrom!.underlying);

    const got = computations(c, 1);
    expect(new Set(got.map((m) => m.msg.tickType))).toEqual(new Set([TickType.BID_OPTION, TickType.ASK_OPTION, TickType.LAST_OPTION, TickType.MODEL_OPTION]));
    // Every computation follows the TICK_PRICE of its own price in the same step.
    const prices = c.of('TICK_PRICE').filter((m) => m.msg.reqId === 1);
    const latest = (tickType: number, at: number) => prices.filter((m) => m.msg.tickType === tickType && m.at <= at).at(-1)!.msg.price;
    for (const { at, msg } of got) {
      expect(msg.tickAttrib).toBe(0);
      expect(msg.pvDividend).toBe(0);
      expect(msg.undPrice).toBe(underlying.quoteAt(at).mid);
      if (msg.tickType === TickType.BID_OPTION) expect(msg.optPrice).toBe(latest(TickType.BID, at));
      if (msg.tickType === TickType.ASK_OPTION) expect(msg.optPrice).toBe(latest(TickType.ASK, at));
      if (msg.tickType === TickType.LAST_OPTION) expect(msg.optPrice).toBe(latest(TickType.LAST, at));
      // A near-the-money call: a volatility was found at each price and its delta lies in (0, 1).
      expect(msg.impliedVol).toBeGreaterThan(0);
      expect(msg.delta).toBeGreaterThan(0);
      expect(msg.delta).toBeLessThan(1);
      if (msg.tickType === TickType.MODEL_OPTION) {
        // TWS's model: the option's own volatility, and the price Black–Scholes gives at it,
        // which lies inside the option's quote (it is what the quote was built around).
        expect(msg.impliedVol).toBe(terms.volatility);
        const years = yearsTo(terms.expiryMs, at);
        expect(msg.optPrice).toBeCloseTo(blackScholes('C', msg.undPrice, terms.strike, years, terms.volatility, terms.rate), 9);
        expect(msg.optPrice).toBeGreaterThanOrEqual(latest(TickType.BID, at));
        expect(msg.optPrice).toBeLessThanOrEqual(latest(TickType.ASK, at));
      }
    }
    // The bid's volatility is below the ask's when both came in the same step.
    const bids = got.filter((m) => m.msg.tickType === TickType.BID_OPTION);
    for (const b of bids) {
      const ask = got.find((m) => m.at === b.at && m.msg.tickType === TickType.ASK_OPTION);
      if (ask) expect(b.msg.impliedVol).toBeLessThan(ask.msg.impliedVol);
    }
    // The line keeps them coming as the underlying moves (3 s is 12 steps).
    expect(got.filter((m) => m.msg.tickType === TickType.MODEL_OPTION).length).toBeGreaterThan(3);
  });

  it('a delayed line sends 80–83 and none of 10–13; a stock line sends none; a snapshot sends them once before its end', async () => {
    const h = harness({ start: OPEN, overrides: { marketData: { permissions: { live: ['STK'], delayed: ['*'] } } } });
    const c = await h.login(1);
    const call = await aaplCall(h, c);
    c.send({ type: 'REQ_MARKET_DATA_TYPE', marketDataType: 3 });
    c.send(mktDataRequest(1, byConId(call.conId)));
    c.send(mktDataRequest(2));
    c.send(mktDataRequest(3, { ...byConId(call.conId), snapshot: true }));
    await h.advance(16_000);
    const types = (reqId: number) => new Set(computations(c, reqId).map((m) => m.msg.tickType));
    expect(types(1)).toEqual(new Set([TickType.DELAYED_BID_OPTION, TickType.DELAYED_ASK_OPTION, TickType.DELAYED_LAST_OPTION, TickType.DELAYED_MODEL_OPTION]));
    expect(types(2).size).toBe(0);
    const snapshot = c.forReq(3).map((m) => m.msg);
    expect(snapshot.at(-1)!.type).toBe('TICK_SNAPSHOT_END');
    expect(snapshot.filter((m) => m.type === 'TICK_OPTION_COMPUTATION').map((m) => (m as { tickType: number }).tickType)).toEqual([80, 81, 82, 83]);
  });
});

describe('option lines while the option market is shut', () => {
  it("a frozen line after the close: analytics of the option's last step (the underlying then, not its extended-hours moves), sent once, the model price inside the frozen quote", async () => {
    // 2025-11-12 16:30 New York: AAPL trades until 20:00, its options closed at 16:00.
    const h = harness({ start: Date.UTC(2025, 10, 12, 21, 30), overrides: live });
    const c = await h.login(1);
    const call = await aaplCall(h, c);
    c.send({ type: 'REQ_MARKET_DATA_TYPE', marketDataType: 2 });
    c.send(mktDataRequest(1, byConId(call.conId)));
    await h.advance(5_000);
    const option = h.gw.market.quotes({ conId: call.conId, symbol: '', localSymbol: '', secType: 'OPT' });
    const underlying = h.gw.market.quotes(option.instrument.pricedFrom!.underlying);
    const frozen = option.quoteAt(h.clock.now());
    expect(frozen.open).toBe(false);
    const got = computations(c, 1);
    // One round (bid, ask, last, model) although AAPL moved all the while.
    expect(got.map((m) => m.msg.tickType)).toEqual([TickType.BID_OPTION, TickType.ASK_OPTION, TickType.LAST_OPTION, TickType.MODEL_OPTION]);
    expect(underlying.quoteAt(h.clock.now()).mid).not.toBe(underlying.quoteAt(frozen.time).mid);
    for (const { msg } of got) expect(msg.undPrice).toBe(underlying.quoteAt(frozen.time).mid);
    const model = got.at(-1)!.msg;
    expect(model.optPrice).toBeGreaterThanOrEqual(frozen.bid);
    expect(model.optPrice).toBeLessThanOrEqual(frozen.ask);
  });
});

describe('option calculations', () => {
  const calcIv = (reqId: number, over: Partial<ClientMessageOf<'REQ_CALC_IMPLIED_VOLAT'>>): ClientMessageOf<'REQ_CALC_IMPLIED_VOLAT'> => ({
    type: 'REQ_CALC_IMPLIED_VOLAT',
    reqId,
    ...mktDataRequestContract(),
    optionPrice: 10,
    underPrice: 270,
    impliedVolatilityOptions: '',
    ...over,
  });
  const calcPrice = (reqId: number, over: Partial<ClientMessageOf<'REQ_CALC_OPTION_PRICE'>>): ClientMessageOf<'REQ_CALC_OPTION_PRICE'> => ({
    type: 'REQ_CALC_OPTION_PRICE',
    reqId,
    ...mktDataRequestContract(),
    volatility: 0.3,
    underPrice: 270,
    optionPriceOptions: '',
    ...over,
  });

  it('answer once with tick type 53: the volatility at the client price, and the price at the client volatility, which agree', async () => {
    const h = harness({ start: OPEN, overrides: live });
    const c = await h.login(1);
    const call = await aaplCall(h, c);
    c.send(calcPrice(1, byConId(call.conId)));
    await h.advance(100);
    const [priced] = computations(c, 1);
    expect(priced!.msg).toMatchObject({ tickType: TickType.CUST_OPTION_COMPUTATION, impliedVol: 0.3, undPrice: 270 });
    const years = yearsTo((instrumentOf(h, call.conId).pricedFrom!.terms as { expiryMs: number }).expiryMs, priced!.at);
    expect(priced!.msg.optPrice).toBeCloseTo(blackScholes('C', 270, call.strike, years, 0.3, 0.04), 9);

    c.send(calcIv(2, { ...byConId(call.conId), optionPrice: priced!.msg.optPrice }));
    c.send({ type: 'CANCEL_CALC_IMPLIED_VOLAT', reqId: 2 });
    await h.advance(1_000);
    const implied = computations(c, 2);
    expect(implied).toHaveLength(1);
    expect(implied[0]!.msg.tickType).toBe(TickType.CUST_OPTION_COMPUTATION);
    expect(implied[0]!.msg.impliedVol).toBeCloseTo(0.3, 5);
    expect(implied[0]!.msg.delta).toBeCloseTo(priced!.msg.delta, 4);
    expect(c.errors()).toEqual([]);
  });

  it('an American put at its exercise floor: the intrinsic value, delta −1 and no gamma, vega or theta', async () => {
    const h = harness({ start: OPEN, overrides: live });
    const c = await h.login(1);
    const call = await aaplCall(h, c);
    // The put of the same strike and expiry, far in the money against an underlying price of half the strike.
    const put = {
      ...byConId(0),
      symbol: 'AAPL',
      secType: 'OPT',
      right: 'P',
      strike: call.strike,
      lastTradeDateOrContractMonth: call.lastTradeDateOrContractMonth,
    };
    c.send(calcPrice(1, { ...put, volatility: 0.27, underPrice: call.strike / 2 }));
    await h.advance(1_000);
    expect(c.errors()).toEqual([]);
    expect(computations(c, 1)[0]!.msg).toMatchObject({ optPrice: call.strike / 2, delta: -1, gamma: 0, vega: 0, theta: 0, impliedVol: 0.27 });
  });

  it('refuse what cannot be computed with the request id: 321 naming the bad input or the contract that is no option, 200 for no contract', async () => {
    const h = harness({ start: OPEN, overrides: live });
    const c = await h.login(1);
    const call = await aaplCall(h, c);
    c.send(calcIv(1, { ...byConId(call.conId), optionPrice: -1 }));
    c.send(calcPrice(2, { ...byConId(call.conId), volatility: Number.MAX_VALUE }));
    c.send(calcIv(3, {}));
    c.send(calcPrice(4, { symbol: 'NOSUCHSYM', secType: 'OPT', lastTradeDateOrContractMonth: '20251219', strike: 100, right: 'C' }));
    await h.advance(5_000);
    const errors = c.errors().map((e) => [e.msg.id, e.msg.code, e.msg.message]);
    expect(errors.map(([id, code]) => [id, code])).toEqual([
      [1, 321],
      [2, 321],
      [3, 321],
      [4, 200],
    ]);
    expect(errors[0]![2]).toContain('optionPrice must be a positive number');
    expect(errors[1]![2]).toContain('volatility must be a positive number');
    expect(errors[2]![2]).toContain('needs an option contract; STK AAPL is not one');
    expect(c.of('TICK_OPTION_COMPUTATION')).toEqual([]);
  });
});

/** The contract fields of a request, AAPL stock on SMART by default (from the shared request builder). */
function mktDataRequestContract() {
  const { conId, symbol, secType, lastTradeDateOrContractMonth, strike, right, multiplier, exchange, primaryExchange, currency, localSymbol, tradingClass } =
    mktDataRequest(0);
  return { conId, symbol, secType, lastTradeDateOrContractMonth, strike, right, multiplier, exchange, primaryExchange, currency, localSymbol, tradingClass };
}
