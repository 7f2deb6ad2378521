import { describe, expect, it } from 'vitest';
import { decodeServerFrame, encodeServerMessage } from '../protocol/index.ts';
import { ContractUniverse } from './contracts.ts';
import { buildHistoricalReply, type HistoricalBar, type HistoricalReply, type HistoricalRequest } from './history.ts';
import { BAR_SIZES } from './history-request.ts';

const u = ContractUniverse.default();
const AAPL = u.byConId(265598)!;
const TTE_PARIS = u.byConId(900000001)!;
const AZN = u.byConId(900000006)!;
const NOW = Date.UTC(2025, 10, 12, 22, 0); // Wed 2025-11-12 17:00 New York (after the close)

const req = (over: Partial<HistoricalRequest> = {}): HistoricalRequest => ({
  endDateTime: '',
  barSize: '1 hour',
  duration: '1 D',
  useRTH: 1,
  whatToShow: 'TRADES',
  formatDate: 1,
  keepUpToDate: false,
  exchange: 'SMART',
  ...over,
});
const run = (over: Partial<HistoricalRequest> = {}, inst = AAPL, opts: { seed?: number; nowMs?: number } = {}) =>
  buildHistoricalReply(req(over), inst, { seed: opts.seed ?? 42, nowMs: opts.nowMs ?? NOW });
function ok(r: HistoricalReply): { startDate: string; endDate: string; bars: HistoricalBar[]; warning?: { code: number; message: string } } {
  if (!r.ok) throw new Error(`expected bars, got ${r.code} ${r.message}`);
  return r;
}
const dates = (r: HistoricalReply) => ok(r).bars.map((b) => b.date);

describe('historical bars: layout and sessions', () => {
  it('regular-hours hourly bars start at the open and sit on the clock grid', () => {
    const r = ok(run());
    expect(r.bars.map((b) => b.date)).toEqual(
      ['20251112 09:30:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00'].map((t, i) => (i === 0 ? `${t} US/Eastern` : `20251112 ${t}:00 US/Eastern`)),
    );
    expect(r.startDate).toBe('20251112 09:30:00 US/Eastern');
    expect(r.endDate).toBe('20251112 17:00:00 US/Eastern');
  });

  it('useRTH 0 adds the extended hours 04:00-20:00 for US stocks', () => {
    const d = dates(run({ useRTH: 0 }, AAPL, { nowMs: Date.UTC(2025, 10, 13, 3, 0) }));
    expect(d[0]).toBe('20251112 04:00:00 US/Eastern');
    expect(d.at(-1)).toBe('20251112 19:00:00 US/Eastern');
    expect(d).toHaveLength(16);
  });

  it('Euronext has no extended session and labels bars in MET', () => {
    const rth = dates(run({ barSize: '30 mins' }, TTE_PARIS));
    expect(rth[0]).toBe('20251112 09:00:00 MET');
    expect(rth.at(-1)).toBe('20251112 17:00:00 MET');
    expect(rth).toHaveLength(17);
    expect(dates(run({ barSize: '30 mins', useRTH: 0 }, TTE_PARIS))).toEqual(rth);
    expect(dates(run({ barSize: '1 hour' }, AZN))[0]).toBe('20251112 08:00:00 GB-Eire');
  });

  it('formatDate 2 gives epoch seconds for intraday bars', () => {
    const r = ok(run({ formatDate: 2 }));
    expect(r.bars[0]!.date).toBe('1762957800'); // 2025-11-12 09:30 New York
    expect(r.startDate).toBe('20251112 09:30:00 US/Eastern');
  });

  it('daily, weekly and monthly bars are dated yyyyMMdd whatever formatDate says', () => {
    expect(dates(run({ barSize: '1 day', duration: '5 D', formatDate: 2 }))).toEqual(['20251106', '20251107', '20251110', '20251111', '20251112']);
    expect(dates(run({ barSize: '1 week', duration: '1 M' }))).toEqual(['20251013', '20251020', '20251027', '20251103', '20251110']);
    expect(dates(run({ barSize: '1 month', duration: '1 Y' })).slice(0, 3)).toEqual(['20241202', '20250102', '20250203']);
  });

  it('"1 D" on a Sunday returns Friday\'s session; weekends and holidays have no bars', () => {
    const sunday = Date.UTC(2025, 10, 16, 18);
    expect(dates(run({}, AAPL, { nowMs: sunday }))[0]).toBe('20251114 09:30:00 US/Eastern');
    const days = dates(run({ barSize: '1 day', duration: '1 M' }, AAPL, { nowMs: Date.UTC(2025, 11, 5, 22) }));
    expect(days).not.toContain('20251127'); // Thanksgiving
    expect(days).not.toContain('20251129');
    expect(days).toContain('20251128');
  });

  it('consecutive bars inside a session are continuous (close = next open)', () => {
    const bars = ok(run({ barSize: '5 mins' })).bars;
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.open).toBe(bars[i - 1]!.close);
  });

  it('cuts the bar in progress at now and never returns future bars', () => {
    const now = Date.UTC(2025, 10, 12, 15, 10, 30); // 10:10:30 New York
    const r = ok(run({ barSize: '1 min', endDateTime: '20251113 12:00:00 US/Eastern' }, AAPL, { nowMs: now }));
    expect(r.bars.at(-1)!.date).toBe('20251112 10:10:00 US/Eastern');
    expect(r.bars).toHaveLength(41);
    expect(r.endDate).toBe('20251112 10:10:30 US/Eastern');
    // The forming bar covers 30 s only, so it differs from the complete bar seen later.
    const later = ok(run({ barSize: '1 min' }, AAPL, { nowMs: now + 3600_000 })).bars.find((b) => b.date === '20251112 10:10:00 US/Eastern')!;
    expect(later.volume).toBeGreaterThan(r.bars.at(-1)!.volume);
    expect(ok(run({ barSize: '1 min' }, AAPL, { nowMs: now + 3600_000 })).bars[5]).toEqual(r.bars[5]);
  });
});

describe('historical bars: determinism and values', () => {
  it('the same request twice gives identical replies; another seed gives other prices', () => {
    expect(run({ barSize: '1 min' })).toEqual(run({ barSize: '1 min' }));
    expect(ok(run({ barSize: '1 min' }, AAPL, { seed: 43 })).bars[0]!.close).not.toBe(ok(run({ barSize: '1 min' })).bars[0]!.close);
  });

  it('prices stay near the base price and respect OHLC invariants', () => {
    for (const b of ok(run({ barSize: '1 day', duration: '1 Y' })).bars) {
      expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
      expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
      expect(b.low).toBeGreaterThan(0);
      expect(b.close / AAPL.basePrice).toBeGreaterThan(0.5);
      expect(b.close / AAPL.basePrice).toBeLessThan(2);
      expect(Number.isInteger(b.volume) && b.volume > 0).toBe(true);
      expect(b.wap).toBeGreaterThanOrEqual(b.low);
      expect(b.wap).toBeLessThanOrEqual(b.high);
      expect(b.barCount).toBeGreaterThan(0);
      expect(Math.abs(b.close * 100 - Math.round(b.close * 100))).toBeLessThan(1e-6);
    }
  });

  it('quote series report volume, WAP and count as -1; bid is below ask', () => {
    for (const what of ['MIDPOINT', 'BID', 'ASK', 'BID_ASK']) {
      for (const b of ok(run({ whatToShow: what })).bars) expect([b.volume, b.wap, b.barCount]).toEqual([-1, -1, -1]);
    }
    const bid = ok(run({ whatToShow: 'BID' })).bars;
    const ask = ok(run({ whatToShow: 'ASK' })).bars;
    for (const [i, b] of bid.entries()) expect(b.close).toBeLessThan(ask[i]!.close);
    expect(ok(run({ whatToShow: 'ADJUSTED_LAST' })).bars[0]!.volume).toBeGreaterThan(0);
    expect(ok(run({ whatToShow: 'trades' })).bars).toEqual(ok(run()).bars);
  });

  it('encodes into a HISTORICAL_DATA frame both clients decode (strict, v178)', () => {
    const r = ok(run({ barSize: '15 mins' }));
    const frame = encodeServerMessage({ type: 'HISTORICAL_DATA', reqId: 9, startDate: r.startDate, endDate: r.endDate, bars: r.bars }, 178);
    const back = decodeServerFrame(frame.subarray(4), 178) as { bars: HistoricalBar[] };
    expect(back.bars.map((b) => [b.date, b.open, b.close, b.volume])).toEqual(r.bars.map((b) => [b.date, b.open, b.close, b.volume]));
  });
});

describe('historical request parameters', () => {
  it("accepts every legal bar size with a duration inside IB's step guidance", () => {
    const durationFor: Record<string, string> = {
      '1 secs': '1800 S',
      '5 secs': '3600 S',
      '10 secs': '14400 S',
      '15 secs': '14400 S',
      '30 secs': '28800 S',
      '1 day': '1 M',
      '1 week': '1 Y',
      '1 month': '1 Y',
    };
    for (const b of BAR_SIZES) {
      const r = run({ barSize: b.text, duration: durationFor[b.text] ?? '1 D', endDateTime: '20251112 15:00:00 US/Eastern' });
      expect(r.ok, `${b.text}: ${r.ok ? '' : r.message}`).toBe(true);
    }
    expect(run({ barSize: '1W', duration: '1 Y' }).ok).toBe(true);
    expect(run({ barSize: '1M', duration: '1 Y' }).ok).toBe(true);
  });

  it("rejects unknown bar sizes with TWS's 321 text listing the legal ones", () => {
    for (const bad of ['1 sec', '2 secs', '1 hours', '1 d', '', '1 Day']) {
      expect(run({ barSize: bad })).toMatchObject({
        ok: false,
        code: 321,
        message: expect.stringMatching(
          /^Error validating request\.-'bK' : cause - Historical data bar size setting is invalid\. Legal ones are: 1 secs, 5 secs/,
        ),
      });
    }
  });

  it('accepts every duration unit and rejects malformed durations', () => {
    for (const d of ['60 S', '2 D', '1 W', '1 M', '1 Y']) expect(run({ barSize: '1 day', duration: d }).ok || d === '60 S', d).toBe(true);
    expect(run({ barSize: '1 min', duration: '60 S', endDateTime: '20251112 12:00:00 US/Eastern' }).ok).toBe(true);
    for (const bad of ['1', '1 d', '0 D', '1 X', '1D', '-1 D', '1.5 D', '']) {
      expect(run({ duration: bad })).toMatchObject({ ok: false, code: 321, message: expect.stringContaining('duration') });
    }
  });

  it("serves what IB's step-size guide advises against but gateways serve: 5 D of 1 min, 1 M of 5 mins, 1 Y of 1 hour", () => {
    // ib_insync#268: 1,950 one-minute bars for 5 D (5 × 390 regular-hours minutes).
    expect(ok(run({ barSize: '1 min', duration: '5 D' })).bars).toHaveLength(5 * 390);
    expect(ok(run({ barSize: '5 mins', duration: '1 M' })).bars.length).toBeGreaterThan(19 * 78);
    const hourly = ok(run({ barSize: '1 hour', duration: '1 Y' })).bars;
    expect(hourly.length).toBeGreaterThan(240 * 7);
    expect(hourly[0]!.date.slice(0, 4)).toBe('2024');
    expect(ok(run({ barSize: '30 mins', duration: '2 M' })).bars.length).toBeGreaterThan(0);
    expect(ok(run({ barSize: '1 day', duration: '30 Y' })).bars.length).toBeGreaterThan(7_000);
  });

  it('refuses a duration too long for its unit with the 321 IB sends, which asks for years', () => {
    expect(run({ barSize: '1 day', duration: '366 D' })).toEqual({
      ok: false,
      code: 321,
      message: "Error validating request.-'bS' : cause - Historical data requests for durations longer than 365 days must be made in years.",
    });
    expect(run({ barSize: '1 day', duration: '365 D' }).ok).toBe(true);
    expect(run({ barSize: '1 day', duration: '53 W' })).toMatchObject({
      code: 321,
      message: expect.stringContaining('longer than 52 weeks must be made in years'),
    });
    expect(run({ barSize: '1 day', duration: '13 M' })).toMatchObject({
      code: 321,
      message: expect.stringContaining('longer than 12 months must be made in years'),
    });
    expect(run({ barSize: '1 min', duration: '86401 S' })).toMatchObject({
      code: 321,
      message: expect.stringContaining('greater than 86400 seconds rejected'),
    });
    expect(run({ barSize: '1 min', duration: '86400 S' }).ok).toBe(true);
  });

  it('refuses more than 2,000 bars under a minute with 162 "invalid step", as gateways do for 1 D of 1 secs', () => {
    expect(run({ barSize: '1 secs', duration: '1 D' })).toEqual({
      ok: false,
      code: 162,
      message: 'Historical Market Data Service error message:invalid step: 1',
    });
    expect(run({ barSize: '1 secs', duration: '2001 S' })).toMatchObject({ code: 162, message: expect.stringContaining('invalid step') });
    const at = { endDateTime: '20251112 15:00:00 US/Eastern' };
    expect(ok(run({ barSize: '1 secs', duration: '2000 S', ...at })).bars).toHaveLength(2000);
    expect(run({ barSize: '30 secs', duration: '1 D' })).toMatchObject({ code: 162, message: expect.stringContaining('invalid step: 30') });
    expect(run({ barSize: '30 secs', duration: '60000 S', ...at }).ok).toBe(true);
    // From a minute up, no combination is refused for its step.
    expect(run({ barSize: '1 min', duration: '1 M' }).ok).toBe(true);
  });

  it("refuses replies beyond the simulator's own bound with a 162 that says so and how to ask instead", () => {
    expect(run({ barSize: '1 min', duration: '2 M' })).toEqual({
      ok: false,
      code: 162,
      message:
        'Historical Market Data Service error message:Historical data request for duration 2 M and bar size 1 min is not supported by the simulator (about 86400 bars; it serves at most 50000 per request: ask for a shorter duration or a larger bar size)',
    });
    expect(run({ barSize: '1 month', duration: '31 Y' })).toMatchObject({ code: 162, message: expect.stringContaining('at most 30 Y per request') });
  });

  it('handles whatToShow values TWS knows but the simulator does not, and unknown ones', () => {
    expect(run({ whatToShow: 'HISTORICAL_VOLATILITY' })).toMatchObject({
      code: 322,
      message: expect.stringContaining('whatToShow HISTORICAL_VOLATILITY (simulated: TRADES'),
    });
    expect(run({ whatToShow: 'FOO' })).toMatchObject({ code: 321, message: expect.stringContaining('Invalid whatToShow "FOO"') });
  });

  it('rejects formatDate other than 1 or 2 as TWS does', () => {
    expect(run({ formatDate: 0 })).toEqual({
      ok: false,
      code: 321,
      message: "Error validating request.-'bT' : cause - Date formatting selection of 0 rejected",
    });
  });

  it('refuses keepUpToDate with an end date as TWS does, and serves it without one', () => {
    expect(run({ keepUpToDate: true, endDateTime: '20251112 12:00:00 US/Eastern' })).toEqual({
      ok: false,
      code: 321,
      message: "Error validating request.-'bX' : cause - End date not supported with live updates",
    });
    expect(run({ keepUpToDate: true })).toEqual(run({}));
  });

  it('reads every endDateTime form as the same instant', () => {
    const a = run({ endDateTime: '20251111 16:00:00 US/Eastern' });
    expect(run({ endDateTime: '20251111-21:00:00' })).toEqual(a);
    expect(run({ endDateTime: '20251111 22:00:00 MET' })).toEqual(a);
    expect(run({ endDateTime: '20251111 21:00:00 UTC' })).toEqual(a);
    expect(ok(a).endDate).toBe('20251111 16:00:00 US/Eastern');
  });

  it("warns with 2174 when the end date has no zone and uses the instrument's zone", () => {
    const r = ok(run({ endDateTime: '20251111 16:00:00' }));
    expect(r.warning).toMatchObject({ code: 2174, message: expect.stringContaining('without explicit time zone') });
    const { warning: _w, ...rest } = r;
    expect(rest).toEqual(run({ endDateTime: '20251111 16:00:00 US/Eastern' }));
    expect(ok(run({ endDateTime: '20251111 17:30:00' }, TTE_PARIS)).endDate).toBe('20251111 17:30:00 MET');
  });

  it('rejects malformed end dates with 10314', () => {
    for (const bad of ['2025-11-11', '20251311 10:00:00', '20251111 25:00:00', '20251111 10:00:00 Mars/Base', '20251111T10:00:00', '20251111-10:00:00 UTC']) {
      expect(run({ endDateTime: bad }), bad).toMatchObject({
        ok: false,
        code: 10314,
        message: expect.stringMatching(/^End Date\/Time: The date, time, or time-zone entered is invalid/),
      });
    }
  });

  it('answers an empty window with 162 "HMDS query returned no data"', () => {
    expect(run({ endDateTime: '20251115 12:00:00 US/Eastern', duration: '3600 S', barSize: '1 min' })).toEqual({
      ok: false,
      code: 162,
      message: 'Historical Market Data Service error message:HMDS query returned no data: AAPL@SMART Trades',
    });
    expect(run({ endDateTime: '20251115 12:00:00 US/Eastern', duration: '3600 S', barSize: '1 min', whatToShow: 'BID_ASK', exchange: 'ISLAND' })).toMatchObject(
      { message: expect.stringContaining('AAPL@ISLAND Bid_Ask') },
    );
    expect(run({ endDateTime: '20251115 12:00:00', duration: '3600 S', barSize: '1 min' })).toMatchObject({ code: 162, warning: { code: 2174 } });
  });
});
