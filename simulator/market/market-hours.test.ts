import { describe, expect, it } from 'vitest';
import { contractDetailsFor } from './contract-details.ts';
import { ContractDataError, ContractUniverse } from './contracts.ts';
import { buildHistoricalReply, type HistoricalRequest } from './history.ts';
import { isOpen, nextOpen, sessionAt, sessionOn } from './market-hours.ts';
import { formatZoned, zonedToEpoch } from './time.ts';

const u = ContractUniverse.default();
const AAPL = u.byConId(265598)!;
const TTE_PARIS = u.byConId(900000001)!;
/** An E-mini S&P-like future on the bundled cme-equity schedule (synthetic conId). */
const ES = ContractUniverse.fromData(
  {
    instruments: [
      {
        conId: 900000990,
        synthetic: true,
        symbol: 'ES',
        secType: 'FUT',
        currency: 'USD',
        primaryExchange: 'CME',
        validExchanges: ['CME'],
        orderTypes: ['LMT'],
        minTick: 0.25,
        longName: 'E-mini S&P 500',
        timeZoneId: 'US/Central',
        schedule: 'cme-equity',
        basePrice: 6000,
      },
    ],
  },
  { source: 'es.json', base: u },
).byConId(900000990)!;

const ny = (y: number, mo: number, d: number, h: number, mi = 0) => zonedToEpoch(y, mo, d, h, mi, 0, 'US/Eastern');
const chicago = (y: number, mo: number, d: number, h: number, mi = 0) => zonedToEpoch(y, mo, d, h, mi, 0, 'US/Central');
const AFTER_THANKSGIVING_WEEK = ny(2026, 11, 30, 20);

const history = (inst = AAPL, over: Partial<HistoricalRequest> = {}) => {
  const r = buildHistoricalReply({ endDateTime: '', barSize: '1 hour', duration: '1 W', useRTH: 1, whatToShow: 'TRADES', formatDate: 1, ...over }, inst, {
    seed: 3,
    nowMs: AFTER_THANKSGIVING_WEEK,
  });
  if (!r.ok) throw new Error(`${r.code} ${r.message}`);
  return r.bars.map((b) => b.date);
};
const on = (dates: string[], ymd: string) => dates.filter((d) => d.startsWith(ymd)).map((d) => d.slice(9, 14));

describe('2026-11-27, the day after Thanksgiving: NYSE closes at 13:00 ET', () => {
  it('regular-hours bars stop at 13:00 for every intraday bar size', () => {
    expect(on(history(), '20261127')).toEqual(['09:30', '10:00', '11:00', '12:00']);
    expect(on(history(AAPL, { barSize: '5 mins', endDateTime: '20261128 00:00:00 US/Eastern', duration: '1 D' }), '20261127').at(-1)).toBe('12:55');
    expect(on(history(AAPL, { barSize: '1 min', endDateTime: '20261128 00:00:00 US/Eastern', duration: '1 D' }), '20261127')).toHaveLength(210);
    expect(on(history(), '20261126')).toEqual([]); // Thanksgiving
  });
  it('with useRTH=0 the post-market ends at 17:00', () => {
    const bars = on(history(AAPL, { useRTH: 0 }), '20261127');
    expect(bars[0]).toBe('04:00');
    expect(bars.at(-1)).toBe('16:00');
  });
  it('the daily bar exists and covers the short session', () => {
    expect(history(AAPL, { barSize: '1 day', duration: '1 M' })).toContain('20261127');
    const day = sessionOn(AAPL, '20261127');
    expect(day).toMatchObject({ status: 'early-close', reason: 'day after Thanksgiving' });
    expect(day.sessions.map((s) => [formatZoned(s.open, 'US/Eastern'), formatZoned(s.close, 'US/Eastern')])).toEqual([
      ['20261127 09:30:00', '20261127 13:00:00'],
    ]);
  });
  it('contract details show Thanksgiving CLOSED and the early close with its real end', () => {
    const d = contractDetailsFor(AAPL, 'SMART', ny(2026, 11, 23, 10));
    expect(d.liquidHours).toBe(
      '20261123:0930-20261123:1600;20261124:0930-20261124:1600;20261125:0930-20261125:1600;20261126:CLOSED;' +
        '20261127:0930-20261127:1300;20261128:CLOSED;20261129:CLOSED',
    );
    expect(d.tradingHours).toContain('20261126:CLOSED;20261127:0400-20261127:1700;20261128:CLOSED');
  });
});

describe('Euronext Paris half days', () => {
  it('Christmas Eve closes at 14:00 Paris time, Christmas and Boxing Day are closed', () => {
    const d = contractDetailsFor(TTE_PARIS, 'SBF', zonedToEpoch(2025, 12, 22, 10, 0, 0, 'MET'));
    expect(d.liquidHours).toBe(
      '20251222:0900-20251222:1730;20251223:0900-20251223:1730;20251224:0900-20251224:1400;20251225:CLOSED;20251226:CLOSED;20251227:CLOSED;20251228:CLOSED',
    );
  });
});

describe('CME Globex equity futures (sessions open the evening before)', () => {
  it('lists each session under the date it opens, holidays halting early, Sunday evening open', () => {
    const d = contractDetailsFor(ES, 'CME', chicago(2026, 11, 23, 9));
    expect(d.tradingHours).toBe(
      '20261122:1700-20261123:1600;20261123:1700-20261124:1600;20261124:1700-20261125:1600;20261125:1700-20261126:1200;' +
        '20261126:1700-20261127:1215;20261128:CLOSED;20261129:1700-20261130:1600',
    );
    expect(d.liquidHours).toBe(
      '20261123:0830-20261123:1600;20261124:0830-20261124:1600;20261125:0830-20261125:1600;20261126:0830-20261126:1200;' +
        '20261127:0830-20261127:1215;20261128:CLOSED;20261129:CLOSED',
    );
  });
  it('no session for Christmas Day 2026: Christmas Eve halts at 12:15, trading resumes Sunday evening', () => {
    const d = contractDetailsFor(ES, 'CME', chicago(2026, 12, 23, 9));
    expect(d.tradingHours).toBe(
      '20261222:1700-20261223:1600;20261223:1700-20261224:1215;20261225:CLOSED;20261226:CLOSED;20261227:1700-20261228:1600;' +
        '20261228:1700-20261229:1600;20261229:1700-20261230:1600',
    );
  });
  it('bars of a trading date start the evening before; the daily bar carries the trading date', () => {
    const hourly = buildHistoricalReply(
      { endDateTime: '20261123 16:00:00 US/Central', barSize: '1 hour', duration: '1 D', useRTH: 0, whatToShow: 'TRADES', formatDate: 1 },
      ES,
      { seed: 1, nowMs: AFTER_THANKSGIVING_WEEK },
    );
    expect(hourly.ok && hourly.bars[0]!.date).toBe('20261122 17:00:00 US/Central');
    const daily = history(ES, { barSize: '1 day', duration: '1 W', useRTH: 0, endDateTime: '20261128 00:00:00 US/Central' });
    expect(daily).toEqual(['20261123', '20261124', '20261125', '20261126', '20261127']);
  });
});

describe('query API', () => {
  it('isOpen / sessionAt by kind, in model time', () => {
    expect(isOpen(AAPL, ny(2026, 11, 27, 12, 59), 'liquid')).toBe(true);
    expect(isOpen(AAPL, ny(2026, 11, 27, 13), 'liquid')).toBe(false);
    expect(isOpen(AAPL, ny(2026, 11, 27, 16, 59))).toBe(true);
    expect(isOpen(AAPL, ny(2026, 11, 27, 17))).toBe(false);
    expect(isOpen(AAPL, ny(2026, 11, 26, 10))).toBe(false);
    expect(isOpen(ES, chicago(2026, 11, 29, 17, 30))).toBe(true); // Sunday evening: Monday's session
    expect(sessionAt(ES, chicago(2026, 11, 29, 17, 30))?.day).toBe(sessionOn(ES, '20261130').day);
    expect(isOpen(ES, chicago(2026, 11, 28, 10))).toBe(false);
    expect(isOpen(ES, chicago(2025, 4, 18, 8))).toBe(false); // Good Friday 2025
  });
  it('sessionOn names closures; nextOpen skips them', () => {
    expect(sessionOn(AAPL, '20261126')).toEqual({
      date: '20261126',
      day: sessionOn(AAPL, '20261126').day,
      status: 'closed',
      reason: 'Thanksgiving Day',
      sessions: [],
    });
    expect(sessionOn(AAPL, '20261128').reason).toBe('no trading on this weekday');
    expect(sessionOn(AAPL, '20261125').status).toBe('regular');
    expect(formatZoned(nextOpen(AAPL, ny(2026, 11, 26, 12), 'liquid')!, 'US/Eastern')).toBe('20261127 09:30:00');
    expect(formatZoned(nextOpen(AAPL, ny(2001, 9, 11, 12), 'liquid')!, 'US/Eastern')).toBe('20010917 09:30:00');
  });
  it('rejects a date that is not yyyyMMdd, naming it', () => {
    expect(() => sessionOn(AAPL, '2026-11-27')).toThrow(/"2026-11-27" is not a yyyyMMdd date/);
    expect(() => sessionOn(AAPL, '20260230')).toThrow(/yyyyMMdd/);
  });
});

describe('schedules naming a calendar', () => {
  const instrument = { conId: 900000991, synthetic: true, symbol: 'ZZ', secType: 'STK', currency: 'USD', primaryExchange: 'NYSE' };
  const rest = { validExchanges: ['NYSE'], orderTypes: ['LMT'], minTick: 0.01, longName: 'ZZ', basePrice: 1 };
  const load =
    (schedule: Record<string, unknown>, timeZoneId = 'US/Eastern') =>
    () =>
      ContractUniverse.fromData(
        {
          schedules: { s: { tradingDays: ['MON'], liquidHours: ['09:30-16:00'], ...schedule } },
          instruments: [{ ...instrument, ...rest, timeZoneId, schedule: 's' }],
        },
        { source: 'x.json' },
      );
  it('rejects an unknown calendar and lists the known ones', () => {
    expect(load({ calendar: 'nasdaq' })).toThrow(ContractDataError);
    expect(load({ calendar: 'nasdaq' })).toThrow(
      /x\.json: schedules\.s\.calendar: no exchange calendar named "nasdaq" \(known: nyse, euronext-paris, cme-equity, xetra, lse\)/,
    );
  });
  it('rejects an instrument whose zone is not the calendar zone', () => {
    expect(load({ calendar: 'nyse' }, 'MET')).toThrow(/field 'timeZoneId': "MET" is not the zone of schedule "s"'s calendar nyse \(US\/Eastern\)/);
    expect(load({ calendar: 'nyse' }, 'America/New_York')).not.toThrow();
  });
  it('rejects a non-boolean opensPreviousDay', () => {
    expect(load({ opensPreviousDay: 'yes' })).toThrow(/schedules\.s: opensPreviousDay: must be true or false, got "yes"/);
  });
});

describe('early closes of markets without extended hours', () => {
  it("an index (SPX: regular hours only) closes at 13:00 New York on 2026-11-27, as the stock's regular hours do; the stock's post-market still runs to 17:00", () => {
    const spx = u.byConId(416904)!;
    const thirteen = ny(2026, 11, 27, 13);
    expect(sessionOn(spx, '20261127', 'trading')).toMatchObject({ status: 'early-close' });
    expect(sessionOn(spx, '20261127', 'trading').sessions.at(-1)!.close).toBe(thirteen);
    expect(isOpen(spx, thirteen - 1)).toBe(true);
    expect(isOpen(spx, thirteen)).toBe(false);
    expect(sessionOn(AAPL, '20261127', 'trading').sessions.at(-1)!.close).toBe(ny(2026, 11, 27, 17));
    expect(sessionOn(AAPL, '20261127', 'liquid').sessions.at(-1)!.close).toBe(thirteen);
  });
});
