import { describe, expect, it } from 'vitest';
import { TickType } from '../../common/ib/tick-types.ts';
import { ContractUniverse } from './contracts.ts';
import { LineSteps } from './line-steps.ts';
import { headTimestamp, historicalTicks } from './history-extras.ts';
import { buildHistoricalReply, type HistoricalRequest } from './history.ts';
import { InstrumentQuotes } from './quotes.ts';
import { tickByTickBetween } from './tick-by-tick.ts';

// Spot forex has quotes and no trades: docs/wire-facts/market-data.md#forex-has-no-trades
const u = ContractUniverse.default();
const EURUSD = u.byConId(12087792)!;
const AAPL = u.byConId(265598)!;
const NOW = Date.UTC(2026, 10, 30, 15, 10); // Mon 10:10 New York: both markets open
const request = (whatToShow: string, barSize = '1 min'): HistoricalRequest => ({
  endDateTime: '',
  barSize,
  duration: '1 D',
  useRTH: 0,
  whatToShow,
  formatDate: 1,
  exchange: 'IDEALPRO',
});
const history = (whatToShow: string, barSize?: string) => buildHistoricalReply(request(whatToShow, barSize), EURUSD, { seed: 1, nowMs: NOW });

describe('forex has no trades', () => {
  it('TRADES (and ADJUSTED_LAST) history of EUR.USD gets 162 "No historical market data"; MIDPOINT is served', () => {
    expect(history('TRADES')).toEqual({
      ok: false,
      code: 162,
      message: 'Historical Market Data Service error message:No historical market data for EUR/CASH@FXSUBPIP Last 60',
    });
    expect(history('ADJUSTED_LAST', '1 day')).toMatchObject({ ok: false, code: 162, message: expect.stringMatching(/EUR\/CASH@FXSUBPIP Last 1d$/) });
    const mid = history('MIDPOINT');
    expect(mid.ok && mid.bars.length).toBeGreaterThan(100);
  });

  it('a top-of-book line shows bid, ask, high, low and close but no last, last size, volume or last timestamp', () => {
    const steps = new LineSteps();
    const types = (q: InstrumentQuotes) => steps.ticksBetween(undefined, steps.fieldsAt(q, NOW, false), false).map((t) => t.tickType);
    const fx = types(new InstrumentQuotes(EURUSD, 1));
    expect(fx).toEqual(expect.arrayContaining([TickType.BID, TickType.ASK, TickType.HIGH, TickType.LOW, TickType.CLOSE]));
    for (const absent of [TickType.LAST, TickType.LAST_SIZE, TickType.VOLUME, TickType.LAST_TIMESTAMP]) expect(fx).not.toContain(absent);
    expect(types(new InstrumentQuotes(AAPL, 1))).toEqual(expect.arrayContaining([TickType.LAST, TickType.VOLUME, TickType.LAST_TIMESTAMP]));
  });

  it('tick-by-tick Last and AllLast send nothing for EUR.USD; BidAsk sends the quote changes', () => {
    const q = new InstrumentQuotes(EURUSD, 1);
    for (const kind of ['Last', 'AllLast'] as const) expect(tickByTickBetween(q, kind, NOW, NOW + 10_000, false, undefined).ticks).toEqual([]);
    expect(tickByTickBetween(q, 'BidAsk', NOW, NOW + 10_000, false, undefined).ticks.length).toBeGreaterThan(0);
    expect(tickByTickBetween(new InstrumentQuotes(AAPL, 1), 'AllLast', NOW, NOW + 10_000, false, undefined).ticks.length).toBeGreaterThan(0);
  });

  it('TRADES head timestamp of EUR.USD gets 162 "No head time stamp"; MIDPOINT and AAPL TRADES have one', () => {
    const head = (q: InstrumentQuotes, whatToShow: string) => headTimestamp(q, { useRTH: 0, whatToShow, formatDate: 2 });
    const fx = new InstrumentQuotes(EURUSD, 1);
    expect(head(fx, 'TRADES')).toEqual({ ok: false, code: 162, message: 'Historical Market Data Service error message:No head time stamp' });
    expect(head(fx, 'adjusted_last ')).toMatchObject({ ok: false, code: 162 });
    expect(head(fx, 'MIDPOINT')).toMatchObject({ ok: true });
    expect(head(new InstrumentQuotes(AAPL, 1), 'TRADES')).toMatchObject({ ok: true });
  });

  it('TRADES historical ticks of EUR.USD are an empty list; BID_ASK ticks and AAPL trades are served', () => {
    const ticks = (q: InstrumentQuotes, whatToShow: string) =>
      historicalTicks(q, { startDateTime: '', endDateTime: '20261130-15:10:00', numberOfTicks: 100, whatToShow, useRTH: 0, ignoreSize: false }, NOW);
    const fx = new InstrumentQuotes(EURUSD, 1);
    expect(ticks(fx, 'TRADES')).toEqual({ ok: true, type: 'HISTORICAL_TICKS_LAST', ticks: [] });
    const quotes = ticks(fx, 'BID_ASK');
    expect(quotes.ok && quotes.ticks.length).toBeGreaterThan(0);
    const trades = ticks(new InstrumentQuotes(AAPL, 1), 'TRADES');
    expect(trades.ok && trades.ticks.length).toBeGreaterThan(0);
  });
});
