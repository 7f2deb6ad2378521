import { describe, expect, it } from 'vitest';
import { DEFAULT_WATCHLIST, InvalidInput, parseSymbol, parseSymbolItems, parseSymbolList, symbolFromObject, validateHistorySpec } from './symbols.ts';

function errorOf(f: () => unknown): InvalidInput {
  try {
    f();
  } catch (err) {
    if (err instanceof InvalidInput) return err;
    throw err;
  }
  throw new Error('expected InvalidInput');
}

describe('symbol list syntax', () => {
  it('parses SYMBOL[:CURRENCY][@PRIMARYEXCHANGE] items, normalizing case and spaces', () => {
    const specs = parseSymbolList(' tte:eur, WLN ,AAPL:USD,SAP:EUR@ibis ');
    expect(specs.map((s) => s.label)).toEqual(['TTE:EUR', 'WLN', 'AAPL:USD', 'SAP:EUR@IBIS']);
    expect(specs[0]).toMatchObject({ symbol: 'TTE', currency: 'EUR', secType: 'STK', exchange: 'SMART' });
    expect(specs[1]).not.toHaveProperty('currency');
    expect(specs[3]).toMatchObject({ symbol: 'SAP', currency: 'EUR', primaryExchange: 'IBIS' });
  });

  it('keeps a bare symbol bare: the gateway decides whether it is ambiguous', () => {
    expect(parseSymbol('TTE')).toEqual({ symbol: 'TTE', secType: 'STK', exchange: 'SMART', label: 'TTE' });
    expect(parseSymbol('TTE@SBF')).toMatchObject({ primaryExchange: 'SBF', label: 'TTE@SBF' });
  });

  it('accepts symbols with dots, dashes, slashes and an inner space (BRK B, RDS.A)', () => {
    expect(parseSymbolList('BRK B:USD,RDS.A,BF-B').map((s) => s.symbol)).toEqual(['BRK B', 'RDS.A', 'BF-B']);
  });

  it('the default watchlist is the incident five, each pinned to a currency', () => {
    expect(parseSymbolList(DEFAULT_WATCHLIST).map((s) => `${s.symbol}/${s.currency}`)).toEqual(['TTE/EUR', 'WLN/EUR', 'AAPL/USD', 'TSLA/USD', 'MSFT/USD']);
  });

  it('collapses duplicates', () => {
    expect(parseSymbolList('AAPL:USD,aapl:usd,AAPL').map((s) => s.label)).toEqual(['AAPL:USD', 'AAPL']);
  });

  it.each([
    ['AAPL,,MSFT', '--symbols item 2: empty symbol'],
    ['AAPL:US', '--symbols item 1: "AAPL:US": currency "US" is not a 3-letter ISO code'],
    ['MSFT,AAPL:USD:EUR', '--symbols item 2: "AAPL:USD:EUR" has more than one ":"'],
    ['SAP@IBIS@XETRA', 'more than one "@"'],
    [':EUR', 'has no symbol'],
    ['AA$PL', '"AA$PL" is not a symbol'],
    ['SAP:EUR@1X', 'primary exchange "1X"'],
    [' , ', '--symbols: no symbols given'],
  ])('rejects %j naming the bad item', (text, message) => {
    const err = errorOf(() => parseSymbolList(text));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toContain(message);
  });
});

describe('symbols from HTTP bodies', () => {
  it('takes strings in the list syntax and objects', () => {
    const specs = parseSymbolItems(['AAPL:USD', { symbol: 'tte', currency: 'eur' }, { symbol: 'SAP', primaryExchange: 'IBIS' }]);
    expect(specs.map((s) => s.label)).toEqual(['AAPL:USD', 'TTE:EUR', 'SAP@IBIS']);
    expect(parseSymbolItems('MSFT:USD,TSLA:USD').map((s) => s.label)).toEqual(['MSFT:USD', 'TSLA:USD']);
  });

  it('names the field of a bad item', () => {
    expect(errorOf(() => parseSymbolItems(['AAPL', 42])).message).toMatch(/^symbols\[1\]: /);
    expect(errorOf(() => parseSymbolItems(['AAPL', { currency: 'USD' }])).message).toBe('symbols[1].symbol: is required');
    expect(errorOf(() => parseSymbolItems([])).message).toBe('symbols: must not be empty');
    expect(errorOf(() => parseSymbolItems(undefined)).field).toBe('symbols');
    expect(errorOf(() => symbolFromObject({ symbol: 'AAPL', curency: 'USD' })).field).toBe('curency');
    expect(errorOf(() => symbolFromObject({ symbol: 'AAPL:USD', currency: 'EUR' })).message).toContain('conflicts');
    expect(errorOf(() => symbolFromObject({ symbol: 'AAPL', currency: 5 })).message).toBe('currency: must be a string');
  });

  it('merges explicit fields into the symbol', () => {
    expect(symbolFromObject({ symbol: 'AAPL:USD', currency: 'usd', secType: 'stk' })).toMatchObject({
      symbol: 'AAPL',
      currency: 'USD',
      secType: 'STK',
      label: 'AAPL:USD',
    });
  });
});

describe('history parameters the gateway would refuse', () => {
  it('a duration too long for its unit, or too many bars under a minute, is refused here with the fix', () => {
    expect(validateHistorySpec({ duration: '5 d', barSize: '1 MIN' })).toEqual({ duration: '5 D', barSize: '1 min', whatToShow: 'TRADES' });
    expect(validateHistorySpec({ duration: '1 Y', barSize: '1 hour' }).duration).toBe('1 Y');
    expect(errorOf(() => validateHistorySpec({ duration: '400 D', barSize: '1 day' })).message).toMatch(
      /"400 D": Historical data requests for durations longer than 365 days must be made in years \(IB refuses it with error 321\)/,
    );
    expect(errorOf(() => validateHistorySpec({ duration: '1 D', barSize: '1 secs' }, { duration: '--duration' })).field).toBe('--duration');
    expect(errorOf(() => validateHistorySpec({ duration: '1 D', barSize: '1 secs' })).message).toMatch(
      /more than the 2000 bars under a minute IB serves per request/,
    );
    // A zero-length window is not a duration; the message says what n must be.
    expect(errorOf(() => validateHistorySpec({ duration: '0 D', barSize: '1 hour' })).message).toBe(
      'duration: "0 D" is not a duration; use "<n> <S|D|W|M|Y>" with n a whole number of at least 1, e.g. "1 D"',
    );
    // A window in seconds is split into requests within IB's limits, so it is not refused.
    expect(validateHistorySpec({ duration: '345600 S', barSize: '1 min' }).duration).toBe('345600 S');
    expect(validateHistorySpec({ duration: '7200 S', barSize: '1 secs' }).duration).toBe('7200 S');
  });

  it("a window that would take hours of requests, or reaches past IB's longest duration, is refused with the fix", () => {
    expect(validateHistorySpec({ duration: '68 Y', barSize: '1 day' }).duration).toBe('68 Y');
    expect(validateHistorySpec({ duration: '1 Y', barSize: '1 min' }).duration).toBe('1 Y');
    expect(errorOf(() => validateHistorySpec({ duration: '69 Y', barSize: '1 day' })).message).toMatch(/"69 Y" reaches back further than the 68 Y IB lists/);
    expect(errorOf(() => validateHistorySpec({ duration: '9999 Y', barSize: '1 min' })).message).toMatch(/ask for at most "68 Y"/);
    // Seconds are split too, so they are capped the same way: 800 days of 1-minute bars.
    expect(errorOf(() => validateHistorySpec({ duration: `${800 * 86_400} S`, barSize: '1 min' })).message).toMatch(
      /needs about 800 requests, more than the collector's cap of 720 per series \(at IB's 60 requests per 10 minutes, 720 take 120 minutes\); ask for a larger bar size or a shorter duration/,
    );
  });
});
