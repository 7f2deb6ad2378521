import { describe, expect, it } from 'vitest';
import { ContractUniverse } from './contracts.ts';
import { buildHistoricalReply, historyUpdate, type HistoricalBar, type HistoricalRequest } from './history.ts';
import { InstrumentQuotes } from './quotes.ts';

// A forming day/week bar is the aggregate of the day's 1-minute bars so far (docs/wire-facts/market-data.md#forming-period-bars).
const AAPL = ContractUniverse.default().byConId(265598)!;
const quotes = new InstrumentQuotes(AAPL, 1);
const request = (barSize: string, duration: string, useRTH: number): HistoricalRequest => ({
  endDateTime: '',
  barSize,
  duration,
  useRTH,
  whatToShow: 'TRADES',
  formatDate: 1,
  exchange: 'SMART',
});
function bars(barSize: string, duration: string, useRTH: number, nowMs: number): HistoricalBar[] {
  const r = buildHistoricalReply(request(barSize, duration, useRTH), AAPL, { seed: 1, nowMs, quotes });
  if (!r.ok) throw new Error(`${barSize}: ${r.code} ${r.message}`);
  return r.bars;
}
const aggregate = (bs: HistoricalBar[]) => ({
  volume: bs.reduce((s, b) => s + Number(b.volume), 0),
  high: Math.max(...bs.map((b) => b.high)),
  low: Math.min(...bs.map((b) => b.low)),
});
const pick = (b: HistoricalBar) => ({ volume: Number(b.volume), high: b.high, low: b.low });

describe('forming period bars', () => {
  // Mon 2026-11-30 10:08:17 and 15:59:59 New York (the day), Wed 2026-12-02 12:30:45.
  const instants = [Date.UTC(2026, 10, 30, 15, 8, 17), Date.UTC(2026, 10, 30, 20, 59, 59), Date.UTC(2026, 11, 2, 17, 30, 45)];
  for (const now of instants) {
    for (const useRTH of [0, 1]) {
      it(`today's daily bar is the aggregate of today's 1-minute bars (${new Date(now).toISOString()}, useRTH ${useRTH})`, () => {
        const day = bars('1 day', '5 D', useRTH, now).at(-1)!;
        const minutes = bars('1 min', '1 D', useRTH, now);
        const today = minutes.filter((b) => b.date.startsWith(day.date));
        expect(today.length).toBeGreaterThan(30);
        expect(pick(day)).toEqual(aggregate(today));
        expect(day.close).toBe(today.at(-1)!.close);
        if (useRTH === 0) expect(Number(day.volume)).toBe(quotes.quoteAt(now).dayVolume);
        // A keepUpToDate update of the daily bar follows the same rule.
        expect(historyUpdate({ ...request('1 day', '5 D', useRTH), keepUpToDate: true }, AAPL, quotes, now)).toEqual(day);
      });
    }
  }

  it('kept minutes change nothing: updates in any order equal a fresh computation', () => {
    const update = (q: InstrumentQuotes, at: number) => historyUpdate({ ...request('1 day', '5 D', 0), keepUpToDate: true }, AAPL, q, at);
    const shared = new InstrumentQuotes(AAPL, 1);
    const at = [Date.UTC(2026, 10, 30, 18, 0, 3), Date.UTC(2026, 10, 30, 16, 30, 7), Date.UTC(2026, 10, 30, 18, 0, 8), Date.UTC(2026, 10, 30, 18, 7, 1)];
    for (const t of at) expect(update(shared, t)).toEqual(update(new InstrumentQuotes(AAPL, 1), t));
  });

  it("a forming week bar is the week's completed daily bars plus today's part", () => {
    const now = instants[2]!;
    const days = bars('1 day', '5 D', 1, now).filter((b) => b.date >= '20261130');
    expect(days.map((b) => b.date)).toEqual(['20261130', '20261201', '20261202']);
    const week = bars('1 week', '1 M', 1, now).at(-1)!;
    expect(week.date).toBe('20261130');
    expect(pick(week)).toEqual(aggregate(days));
    expect([week.open, week.close]).toEqual([days[0]!.open, days[2]!.close]);
  });
});
