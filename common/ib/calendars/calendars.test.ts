import { describe, expect, it } from 'vitest';
import { formatYmd } from '../time-zones.ts';
import type { ExchangeCalendar } from './calendar.ts';
import { dayNumber, easterSunday, nthWeekday, THURSDAY } from './date-rules.ts';
import { CME_EQUITY, EURONEXT_PARIS, EXCHANGE_CALENDARS, exchangeCalendar, LSE, NYSE, XETRA } from './index.ts';

const ymd = (text: string) => dayNumber(Number(text.slice(0, 4)), Number(text.slice(4, 6)), Number(text.slice(6, 8)));
/** A year's exceptions as `yyyyMMdd` → `closed` or the liquid close `HH:MM`. */
function table(cal: ExchangeCalendar, year: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [day, e] of cal.exceptionsIn(year)) {
    const m = e.kind === 'early-close' ? e.liquidClose : 0;
    out[formatYmd(day)] = e.kind === 'closed' ? 'closed' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  }
  return out;
}
const status = (cal: ExchangeCalendar, date: string) => {
  const e = cal.exceptionOn(ymd(date));
  return e === undefined ? 'regular' : e.kind === 'closed' ? 'closed' : e.liquidClose;
};

describe('date rules', () => {
  it('computes Easter Sunday (checked against published dates)', () => {
    const easters = ['20000423', '20080323', '20110424', '20190421', '20240331', '20250420', '20260405', '20380425'];
    for (const e of easters) expect(formatYmd(easterSunday(Number(e.slice(0, 4))))).toBe(e);
  });
  it('finds the n-th and the last weekday of a month', () => {
    expect(formatYmd(nthWeekday(2026, 11, THURSDAY, 4))).toBe('20261126');
    expect(formatYmd(nthWeekday(2026, 5, 1, -1))).toBe('20260525');
    expect(formatYmd(nthWeekday(2025, 9, 1, 1))).toBe('20250901');
  });
});

describe('NYSE / NASDAQ', () => {
  it("matches NYSE's published 2025 and 2026 holidays and early closes", () => {
    expect(table(NYSE, 2025)).toEqual({
      ...Object.fromEntries(
        ['20250101', '20250109', '20250120', '20250217', '20250418', '20250526', '20250619', '20250704', '20250901', '20251127', '20251225'].map((d) => [
          d,
          'closed',
        ]),
      ),
      '20250703': '13:00',
      '20251128': '13:00',
      '20251224': '13:00',
    });
    expect(table(NYSE, 2026)).toEqual({
      ...Object.fromEntries(
        ['20260101', '20260119', '20260216', '20260403', '20260525', '20260619', '20260703', '20260907', '20261126', '20261225'].map((d) => [d, 'closed']),
      ),
      '20261127': '13:00',
      '20261224': '13:00',
    });
  });
  it('observes Saturday holidays on Friday, except New Year on a Saturday', () => {
    expect(status(NYSE, '20270618')).toBe('closed'); // Juneteenth 2027 falls on a Saturday
    expect(status(NYSE, '20271224')).toBe('closed'); // Christmas 2027 on a Saturday
    expect(status(NYSE, '20211231')).toBe('regular'); // New Year 2022 on a Saturday: no make-up day
    expect(status(NYSE, '20230102')).toBe('closed'); // New Year 2023 on a Sunday
  });
  it('closed for the one-offs: 9/11, days of mourning, Hurricane Sandy', () => {
    for (const d of ['20010911', '20010912', '20010913', '20010914', '20040611', '20070102', '20121029', '20121030', '20181205', '20250109']) {
      expect(status(NYSE, d), d).toBe('closed');
    }
    expect(status(NYSE, '20010917')).toBe('regular');
    expect(NYSE.exceptionOn(ymd('20121029'))?.reason).toBe('Hurricane Sandy');
  });
  it('moves the Independence Day early close to Wednesday July 3 from 2013 on', () => {
    expect(status(NYSE, '20020703')).toBe('regular');
    expect(status(NYSE, '20020705')).toBe(13 * 60);
    expect(status(NYSE, '20190703')).toBe(13 * 60);
    expect(status(NYSE, '20190705')).toBe('regular');
  });
  it('keeps post-market trading until 17:00 on early-close days', () => {
    expect(NYSE.exceptionOn(ymd('20261127'))).toEqual({ kind: 'early-close', liquidClose: 780, tradingClose: 1020, reason: 'day after Thanksgiving' });
  });
});

describe('Euronext Paris', () => {
  it("matches Euronext's announced 2012 and 2019 calendars", () => {
    const half = '14:00';
    expect(table(EURONEXT_PARIS, 2012)).toEqual({
      ...Object.fromEntries(['20120406', '20120409', '20120501', '20121225', '20121226'].map((d) => [d, 'closed'])),
      '20121224': half,
      '20121231': half,
    });
    expect(table(EURONEXT_PARIS, 2019)).toEqual({
      ...Object.fromEntries(['20190101', '20190419', '20190422', '20190501', '20191225', '20191226'].map((d) => [d, 'closed'])),
      '20191224': half,
      '20191231': half,
    });
  });
  it('stays open on French public holidays that are not Euronext holidays', () => {
    for (const d of ['20260508', '20260514', '20260525', '20260714', '20261111']) expect(status(EURONEXT_PARIS, d), d).toBe('regular');
    expect(status(EURONEXT_PARIS, '20010604')).toBe('closed'); // Whit Monday, before the 2002 harmonisation
  });
});

describe('CME Globex equity index futures', () => {
  it('closes on New Year, Good Friday and Christmas; halts early on the other US holidays', () => {
    expect(status(CME_EQUITY, '20260101')).toBe('closed');
    expect(status(CME_EQUITY, '20250418')).toBe('closed'); // Good Friday without a jobs report
    expect(status(CME_EQUITY, '20261225')).toBe('closed');
    expect(status(CME_EQUITY, '20241128')).toBe(12 * 60); // Thanksgiving
    expect(status(CME_EQUITY, '20260119')).toBe(12 * 60); // Martin Luther King Jr. Day
    expect(status(CME_EQUITY, '20070903')).toBe(10 * 60 + 30); // Labor Day 2007: halt at 10:30 then
    expect(status(CME_EQUITY, '20130704')).toBe(10 * 60 + 30);
  });
  it('halts at 12:15 CT when NYSE closes at 13:00 ET', () => {
    for (const d of ['20130703', '20261127', '20261224']) expect(status(CME_EQUITY, d), d).toBe(12 * 60 + 15);
  });
  it('trades the overnight session only on Good Fridays with a jobs report and on the one-offs', () => {
    expect(status(CME_EQUITY, '20230407')).toBe(8 * 60 + 15);
    expect(status(CME_EQUITY, '20121029')).toBe(8 * 60 + 15);
    expect(status(CME_EQUITY, '20121030')).toBe(8 * 60 + 15);
    expect(status(CME_EQUITY, '20181205')).toBe(8 * 60 + 30);
    expect(status(CME_EQUITY, '20250109')).toBe(8 * 60 + 30);
    expect(status(CME_EQUITY, '20010911')).toBe('closed');
  });
});

describe('London Stock Exchange and Xetra', () => {
  it('LSE: bank holidays with weekend substitutes, moved and one-off closures, 12:30 half days', () => {
    expect(table(LSE, 2022)).toEqual({
      ...Object.fromEntries(
        ['20220103', '20220415', '20220418', '20220502', '20220602', '20220603', '20220829', '20220919', '20221226', '20221227'].map((d) => [d, 'closed']),
      ),
      '20221223': '12:30',
      '20221230': '12:30',
    });
    expect(status(LSE, '20110429')).toBe('closed'); // royal wedding
    expect(status(LSE, '20200504')).toBe('regular'); // early May bank holiday moved to Friday May 8
    expect(status(LSE, '20200508')).toBe('closed');
  });
  it('Xetra: Dec 24 and 31 closed, 14:00 on the last trading day; Whit Monday traded again since 2022', () => {
    expect(status(XETRA, '20261224')).toBe('closed');
    expect(status(XETRA, '20261230')).toBe(14 * 60);
    expect(status(XETRA, '20261231')).toBe('closed');
    expect(status(XETRA, '20210524')).toBe('closed');
    expect(status(XETRA, '20260525')).toBe('regular');
    expect(status(XETRA, '20171031')).toBe('closed');
  });
});

describe('registry', () => {
  it('names every calendar and finds it by name', () => {
    expect([...EXCHANGE_CALENDARS.keys()]).toEqual(['nyse', 'euronext-paris', 'cme-equity', 'xetra', 'lse']);
    expect(exchangeCalendar('nyse')).toBe(NYSE);
    expect(exchangeCalendar('NYSE')).toBeUndefined();
  });
  it('answers for every year 2000-2035 with only weekday exceptions (2005: Euronext had just 3)', () => {
    for (const cal of EXCHANGE_CALENDARS.values()) {
      for (let y = 2000; y <= 2035; y++) {
        const days = [...cal.exceptionsIn(y).keys()];
        expect(days.length, `${cal.name} ${y}`).toBeGreaterThanOrEqual(3);
        for (const d of days) expect(new Date(d * 86_400_000).getUTCDay() % 6, `${cal.name} ${formatYmd(d)}`).not.toBe(0);
      }
    }
  });
});
