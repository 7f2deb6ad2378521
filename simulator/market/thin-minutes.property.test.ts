import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractUniverse } from './contracts.ts';
import { buildHistoricalReply, type HistoricalBar, type HistoricalRequest } from './history.ts';
import type { Instrument } from './instrument.ts';
import { InstrumentQuotes } from './quotes.ts';

// A thin instrument's minutes (an option's) agree with their ticks and with the bars built from them
// (docs/wire-facts/market-data.md#thin-minutes, #forming-period-bars).
const OPEN = Date.UTC(2026, 10, 30, 14, 30); // Mon 2026-11-30 09:30 New York
const universe = ContractUniverse.default().withGenerated({ seed: 1 });
const call = universe.match({ symbol: 'AAPL', secType: 'OPT', exchange: 'SMART', lastTradeDateOrContractMonth: '20261204', right: 'C' } as never, OPEN)[0]!;
// The bundled options trade about 15 a minute; a tenth of that leaves most minutes under four trades.
const thin: Instrument = { ...universe.byConId(call.conId, OPEN)!, avgDailyVolume: 200 };
const quotes = new InstrumentQuotes(thin, 1);

function bars(barSize: string, duration: string, nowMs: number): HistoricalBar[] {
  const req: HistoricalRequest = { endDateTime: '', barSize, duration, useRTH: 1, whatToShow: 'TRADES', formatDate: 2 };
  const r = buildHistoricalReply(req, thin, { seed: 1, nowMs, quotes });
  if (!r.ok) throw new Error(`${barSize}: ${r.code} ${r.message}`);
  return r.bars;
}
const sum = (bs: HistoricalBar[], f: (b: HistoricalBar) => number) => bs.reduce((s, b) => s + f(b), 0);
/** An instant of the regular session: minute 1..389 after the open, plus 0 to 59.75 s (a minute's first instant included). */
const instant = fc
  .record({ minute: fc.integer({ min: 1, max: 389 }), quarter: fc.integer({ min: 0, max: 239 }) })
  .map(({ minute, quarter }) => OPEN + minute * 60_000 + quarter * 250);

describe('thin minutes', () => {
  it("today's forming daily bar has exactly the volume and trade count of today's 1-minute bars", () => {
    fc.assert(
      fc.property(instant, (now) => {
        const day = bars('1 day', '2 D', now).at(-1)!;
        const minutes = bars('1 min', '1 D', now).filter((b) => Number(b.date) * 1000 >= OPEN);
        expect(minutes.length).toBe(Math.floor((now - OPEN) / 60_000) + 1);
        expect(Number(day.volume)).toBe(sum(minutes, (b) => Number(b.volume)));
        expect(day.barCount).toBe(sum(minutes, (b) => b.barCount));
      }),
      { numRuns: 20, seed: 51, examples: [[OPEN + 60_000], [OPEN + 75 * 60_000]] }, // and two minutes' first instants
    );
  });

  it("a completed minute's trades sum to its 1-minute bar's volume, and its bar is at least the four knots", () => {
    const minutes = bars('1 min', '1 D', OPEN + 390 * 60_000 - 1);
    expect(minutes.some((b) => Number(b.volume) === 4)).toBe(true); // thin minutes exist
    for (const b of minutes) {
      const start = Number(b.date) * 1000;
      const trades = quotes.tradesBetween(start, start + 60_000);
      expect(trades.reduce((s, t) => s + t.size, 0)).toBe(Number(b.volume));
      expect(Number(b.volume)).toBeGreaterThanOrEqual(4);
    }
  });

  it('historical 5-second TRADES bars: one per 5 s of the session, those without trades flat at the last trade with volume 0 (docs/wire-facts/market-data.md#bars-without-trades)', () => {
    const end = OPEN + 30 * 60_000 - 1; // the last instant of 09:59 New York
    const five = bars('5 secs', '1800 S', end);
    expect(five.length).toBe(360);
    const idle = five.filter((b) => Number(b.volume) === 0);
    expect(idle.length).toBeGreaterThan(100); // about 1.4 trades a minute
    for (const b of idle) {
      const i = five.indexOf(b);
      expect([b.high, b.low, b.close, Number(b.wap), b.barCount]).toEqual([b.open, b.open, b.open, b.open, 0]);
      if (i > 0) expect(b.open).toBe(five[i - 1]!.close);
    }
    // The volume of each minute is that of its twelve 5-second bars.
    const minutes = bars('1 min', '1800 S', end);
    expect(minutes).toHaveLength(30);
    expect(minutes.map((_, i) => sum(five.slice(i * 12, i * 12 + 12), (b) => Number(b.volume)))).toEqual(minutes.map((m) => Number(m.volume)));
  });
});
