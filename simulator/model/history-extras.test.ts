/**
 * Head timestamp, whatToShow SCHEDULE and historical ticks through the gateway, in virtual time.
 * docs/wire-facts/market-data.md#head-timestamp, docs/wire-facts/market-data.md#historical-schedule,
 * docs/wire-facts/market-data.md#historical-ticks
 */
import { describe, expect, it } from 'vitest';
import { formingBar } from '../market/tick-bars.ts';
import { historyRequest } from '../protocol/requests.ts';
import { CONID, harness, histReq, market } from '../testing/model-harness.ts';

/** AAPL by conId on SMART: the contract fields of a request (includeExpired too), nothing else. */
const { type, reqId, endDateTime, barSize, duration, useRTH, whatToShow, formatDate, keepUpToDate, chartOptions, comboLegs, ...aapl } = histReq(0);

describe('history-side requests', () => {
  it('REQ_HEAD_TIMESTAMP answers the first session since 2000 in both date formats; its cancel is silent', async () => {
    const h = harness();
    const c = await h.login(1);
    c.send({ type: 'REQ_HEAD_TIMESTAMP', reqId: 1, ...aapl, useRTH: 1, whatToShow: 'TRADES', formatDate: 1 });
    c.send({ type: 'REQ_HEAD_TIMESTAMP', reqId: 2, ...aapl, useRTH: 1, whatToShow: 'TRADES', formatDate: 2 });
    c.send({ type: 'CANCEL_HEAD_TIMESTAMP', reqId: 3 });
    await h.advance(5_000);
    // 2000-01-03 (the first trading day of 2000) 09:30 New York = 14:30 UTC.
    expect(
      c
        .of('HEAD_TIMESTAMP')
        .map((m) => [m.msg.reqId, m.msg.headTimestamp])
        .sort(),
    ).toEqual([
      [1, '20000103-14:30:00'],
      [2, String(Date.UTC(2000, 0, 3, 14, 30) / 1000)],
    ]);
    expect(c.errors()).toEqual([]);
  });

  it("a future's or an option's head timestamp is its listing, not 2000: ESZ6 the day after ESU5 expired, an AAPL January monthly the day after the July monthly expired (docs/wire-facts/market-data.md#head-timestamp)", async () => {
    const now = Date.UTC(2026, 10, 24, 15);
    const h = harness({ start: now });
    const c = await h.login(1);
    const conIdOf = (q: Record<string, unknown>) => market().matchContracts(q as never, now)[0]!.conId;
    const esz6 = conIdOf({ symbol: 'ES', secType: 'FUT', exchange: 'CME', lastTradeDateOrContractMonth: '202612' });
    const option = conIdOf({ symbol: 'AAPL', secType: 'OPT', exchange: 'SMART', lastTradeDateOrContractMonth: '20270115', right: 'C' });
    const ask = (reqId: number, conId: number, useRTH: number, exchange: string) =>
      c.send({ type: 'REQ_HEAD_TIMESTAMP', reqId, ...aapl, conId, exchange, useRTH, whatToShow: 'TRADES', formatDate: 1 });
    ask(1, esz6, 1, 'CME');
    ask(2, esz6, 0, 'CME');
    ask(3, option, 1, 'SMART');
    ask(4, CONID.AAPL, 1, 'SMART');
    await h.advance(5_000);
    expect(c.errors()).toEqual([]);
    expect(
      c
        .of('HEAD_TIMESTAMP')
        .map((m) => [m.msg.reqId, m.msg.headTimestamp])
        .sort(),
    ).toEqual([
      // ESU5's last trade date is Friday 2025-09-19: ESZ6 is listed on the 20th; its first trading date is Monday
      // the 22nd, whose Globex session opens Sunday 17:00 Chicago (22:00 UTC) and its regular hours at 08:30 (13:30 UTC).
      [1, '20250922-13:30:00'],
      [2, '20250921-22:00:00'],
      // AAPL lists six monthlies: January 2027 joins when July 2026's expires (Friday 2026-07-17); Monday the 20th, 09:30 New York.
      [3, '20260720-13:30:00'],
      // A stock's data still begin with 2000.
      [4, '20000103-14:30:00'],
    ]);
    // Contract details agree: neither contract is listed the trading day before its head timestamp, both are that day.
    const listed = (q: Record<string, unknown>, at: number) => market().matchContracts(q as never, at).length > 0;
    const es = { symbol: 'ES', secType: 'FUT', exchange: 'CME', lastTradeDateOrContractMonth: '202612' };
    const jan = { symbol: 'AAPL', secType: 'OPT', exchange: 'SMART', lastTradeDateOrContractMonth: '20270115', right: 'C' };
    expect([listed(es, Date.UTC(2025, 8, 19, 15)), listed(es, Date.UTC(2025, 8, 22, 15))]).toEqual([false, true]);
    expect([listed(jan, Date.UTC(2026, 6, 17, 15)), listed(jan, Date.UTC(2026, 6, 20, 15))]).toEqual([false, true]);
  });

  it("history agrees with the head timestamp: a future's daily bars begin on its first trading date, and a window wholly before its listing gets 162 (docs/wire-facts/market-data.md#head-timestamp)", async () => {
    const now = Date.UTC(2025, 9, 8, 15);
    const h = harness({ start: now });
    const c = await h.login(1);
    const esz6 = market().matchContracts({ symbol: 'ES', secType: 'FUT', exchange: 'CME', lastTradeDateOrContractMonth: '202612' } as never, now)[0]!.conId;
    const es = { ...aapl, conId: esz6, exchange: 'CME' };
    // Listed on Saturday 2025-09-20 (first trading date Monday the 22nd): a month of daily bars from 2025-10-08 back.
    c.send(historyRequest(1, { ...es, duration: '1 M', barSize: '1 day', endDateTime: '', useRTH: 1 }));
    c.send(historyRequest(2, { ...es, duration: '5 D', barSize: '1 hour', endDateTime: '20250915 16:00:00 US/Central', useRTH: 1 }));
    c.send({ type: 'REQ_HEAD_TIMESTAMP', reqId: 3, ...es, useRTH: 1, whatToShow: 'TRADES', formatDate: 1 });
    await h.advance(10_000);
    const dates = c.of('HISTORICAL_DATA').flatMap((m) => (m.msg.reqId === 1 ? m.msg.bars.map((b) => b.date) : []));
    expect(dates[0]).toBe('20250922');
    expect(dates.length).toBeGreaterThan(10);
    expect(c.errors().map((e) => [e.msg.id, e.msg.code])).toEqual([[2, 162]]);
    expect(c.of('HEAD_TIMESTAMP')[0]!.msg.headTimestamp).toBe('20250922-13:30:00');
  });

  it('whatToShow SCHEDULE answers HISTORICAL_SCHEDULE with the sessions of the window, 2026-11-27 closing at 13:00', async () => {
    const h = harness({ start: Date.UTC(2026, 10, 28, 12) });
    const c = await h.login(1);
    c.send(historyRequest(1, { ...aapl, whatToShow: 'SCHEDULE', duration: '3 D', barSize: '1 day', endDateTime: '' }));
    await h.advance(5_000);
    const [reply] = c.of('HISTORICAL_SCHEDULE');
    expect(reply!.msg.timeZone).toBe('US/Eastern');
    expect(reply!.msg.sessions.map((s) => [s.refDate, s.startDateTime, s.endDateTime])).toEqual([
      ['20261124', '20261124-09:30:00', '20261124-16:00:00'],
      ['20261125', '20261125-09:30:00', '20261125-16:00:00'],
      ['20261127', '20261127-09:30:00', '20261127-13:00:00'],
    ]);
    expect(c.of('HISTORICAL_DATA')).toEqual([]);
  });

  it('REQ_HISTORICAL_TICKS returns the quote model trades, at most the number asked plus those completing the second', async () => {
    const h = harness();
    const c = await h.login(1);
    const common = { ...aapl, endDateTime: '', numberOfTicks: 50, useRTH: 1, ignoreSize: false, miscOptions: '' };
    c.send({ type: 'REQ_HISTORICAL_TICKS', reqId: 1, ...common, startDateTime: '20251112 10:00:00 US/Eastern', whatToShow: 'TRADES' });
    c.send({ type: 'REQ_HISTORICAL_TICKS', reqId: 2, ...common, startDateTime: '20251112 10:00:00 US/Eastern', whatToShow: 'BID_ASK' });
    c.send({
      type: 'REQ_HISTORICAL_TICKS',
      reqId: 3,
      ...common,
      startDateTime: '20251112 10:00:00 US/Eastern',
      endDateTime: '20251112 10:01:00 US/Eastern',
      whatToShow: 'TRADES',
    });
    await h.advance(5_000);
    const [last] = c.of('HISTORICAL_TICKS_LAST');
    const start = Date.UTC(2025, 10, 12, 15);
    const trades = market()
      .quotes({ conId: CONID.AAPL, symbol: 'AAPL', localSymbol: 'AAPL', secType: 'STK' })
      .tradesBetween(start, start + 60_000, 60);
    expect(last!.msg.done).toBe(true);
    expect(last!.msg.ticks.length).toBeGreaterThanOrEqual(50);
    expect(last!.msg.ticks.slice(0, 50).map((t) => [t.time, t.price, t.size])).toEqual(
      trades.slice(0, 50).map((t) => [Math.floor(t.time / 1000), t.price, t.size]),
    );
    const second = last!.msg.ticks[49]!.time;
    expect(last!.msg.ticks.slice(50).every((t) => t.time === second)).toBe(true);
    expect(c.of('HISTORICAL_TICKS_BID_ASK')[0]!.msg.ticks.length).toBeGreaterThan(0);
    expect(c.errors().map((e) => [e.msg.id, e.msg.code])).toEqual([[3, 321]]);
  });

  it('keepUpToDate: the bars, then every 5 s the bar in progress as the quote model has it, until the cancel', async () => {
    const h = harness({ start: Date.UTC(2025, 10, 12, 15, 0, 2) }); // 10:00:02 New York
    const c = await h.login(1);
    c.send(histReq(1, { keepUpToDate: true, endDateTime: '', barSize: '1 min', duration: '600 S' }));
    await h.advance(12_000);
    expect(c.of('HISTORICAL_DATA')).toHaveLength(1);
    const updates = c.of('HISTORICAL_DATA_UPDATE');
    expect(updates.length).toBe(2);
    const q = market().quotes({ conId: CONID.AAPL, symbol: 'AAPL', localSymbol: 'AAPL', secType: 'STK' });
    for (const { at, msg } of updates) {
      const minute = Math.floor(at / 60_000) * 60_000;
      const bar = formingBar(q, minute, at, 'TRADES')!;
      expect(msg.date).toBe('20251112 10:00:00 US/Eastern');
      expect([msg.open, msg.high, msg.low, msg.close, msg.volume]).toEqual([bar.open, bar.high, bar.low, bar.close, bar.volume]);
    }
    c.send({ type: 'CANCEL_HISTORICAL_DATA', reqId: 1 });
    await h.advance(20_000);
    expect(c.of('HISTORICAL_DATA_UPDATE').length).toBe(2);
  });
});
