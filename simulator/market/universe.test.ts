/**
 * The wider universe (issue #9 item 3), through the MarketData port as the handlers use it:
 * conId-only queries, FX, futures whose front month follows the model date, indices, option
 * chains consistent between secDefOptParams and contract details, market rules for every id a
 * contract names, and the opt-in any-symbol mode. Facts: docs/wire-facts/contracts.md.
 */
import { describe, expect, it } from 'vitest';
import { createMarketData } from './market-data.ts';
import { MARKET_RULES } from './market-rules.ts';

/** Tuesday 2026-11-24 15:00 UTC (10:00 New York). */
const NOW = Date.UTC(2026, 10, 24, 15);
const market = createMarketData({ seed: 1 });
const anyMarket = createMarketData({ seed: 1, anySymbol: true });
const match = (q: Record<string, unknown>, now = NOW, m = market) => m.matchContracts(q as never, now);

describe('contract semantics', () => {
  it('a conId alone (no exchange) gives one contract, on SMART (docs/wire-facts/contracts.md#a-conid-alone)', () => {
    const rows = match({ conId: 265598 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ conId: 265598, symbol: 'AAPL', exchange: 'SMART' });
  });

  it('a conId with a contradicting symbol matches nothing', () => {
    expect(match({ conId: 265598, symbol: 'MSFT' })).toEqual([]);
  });

  it('EUR.USD on IDEALPRO is conId 12087792; a conId alone answers it on IDEALPRO', () => {
    const rows = match({ symbol: 'EUR', secType: 'CASH', currency: 'USD', exchange: 'IDEALPRO' });
    expect(rows.map((r) => [r.conId, r.localSymbol, r.exchange])).toEqual([[12087792, 'EUR.USD', 'IDEALPRO']]);
    expect(match({ conId: 12087792 }).map((r) => r.exchange)).toEqual(['IDEALPRO']);
    expect(match({ symbol: 'EUR', secType: 'CASH', currency: 'USD', exchange: 'SMART' })).toEqual([]);
  });

  it('SPX is an index on CBOE (conId 416904)', () => {
    expect(match({ symbol: 'SPX', secType: 'IND', exchange: 'CBOE', currency: 'USD' }).map((r) => r.conId)).toEqual([416904]);
  });
});

describe('futures (docs/wire-facts/contracts.md#futures)', () => {
  it('ES lists quarterly contracts, the front month first, multiplier 50, third-Friday expiries', () => {
    const rows = match({ symbol: 'ES', secType: 'FUT', exchange: 'CME', currency: 'USD' });
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const months = rows.map((r) => r.contractMonth);
    expect(months[0]).toBe('202612');
    expect(months).toEqual([...months].sort());
    for (const r of rows) {
      expect(r.multiplier).toBe('50');
      const d = new Date(`${r.lastTradeDate.slice(0, 4)}-${r.lastTradeDate.slice(4, 6)}-${r.lastTradeDate.slice(6)}T12:00:00Z`);
      expect(d.getUTCDay()).toBe(5);
      expect(d.getUTCDate()).toBeGreaterThanOrEqual(15);
      expect(d.getUTCDate()).toBeLessThanOrEqual(21);
    }
    expect(rows[0]!.localSymbol).toBe('ESZ6');
  });

  it('the front month rolls with the model date, and an old conId still qualifies with includeExpired', () => {
    const before = match({ symbol: 'ES', secType: 'FUT', exchange: 'CME' })[0]!;
    const afterExpiry = Date.UTC(2026, 11, 21, 15);
    const next = match({ symbol: 'ES', secType: 'FUT', exchange: 'CME' }, afterExpiry)[0]!;
    expect(next.contractMonth).toBe('202703');
    expect(match({ conId: before.conId }, afterExpiry)).toEqual([]);
    expect(match({ conId: before.conId, includeExpired: true }, afterExpiry).map((r) => r.conId)).toEqual([before.conId]);
    expect(match({ conId: before.conId }).map((r) => r.conId)).toEqual([before.conId]);
  });

  it('CONTFUT gives the front month', () => {
    expect(match({ symbol: 'ES', secType: 'CONTFUT', exchange: 'CME' }).map((r) => r.contractMonth)).toEqual(['202612']);
  });
});

describe('options (docs/wire-facts/contracts.md#options)', () => {
  it('every expiry and strike secDefOptParams names for AAPL qualifies as an option of that chain', () => {
    const chains = market.optionChains({ underlyingSymbol: 'AAPL', underlyingSecType: 'STK', underlyingConId: 265598, futFopExchange: '' }, NOW)!;
    expect(chains.length).toBeGreaterThan(1);
    const smart = chains.find((c) => c.exchange === 'SMART')!;
    expect(smart).toMatchObject({ tradingClass: 'AAPL', multiplier: '100', underlyingConId: 265598 });
    const expirations = smart.expirations.map((e) => e.expiration);
    expect(expirations.length).toBeGreaterThanOrEqual(6);
    const all = match({ symbol: 'AAPL', secType: 'OPT', exchange: 'SMART', lastTradeDateOrContractMonth: expirations[0], right: 'C' });
    expect(all.length).toBeGreaterThan(0);
    const strikes = new Set(smart.strikes.map((s) => s.strike));
    for (const r of all) expect(strikes.has(r.strike)).toBe(true);
    const one = all[0]!;
    const again = match({ symbol: 'AAPL', secType: 'OPT', exchange: 'SMART', lastTradeDateOrContractMonth: expirations[0], strike: one.strike, right: 'C' });
    expect(again.map((r) => r.conId)).toEqual([one.conId]);
    expect(match({ conId: one.conId }).map((r) => [r.symbol, r.secType, r.strike, r.right])).toEqual([['AAPL', 'OPT', one.strike, 'C']]);
  });

  it('a negative strike names no option: nothing matches, and a data request gets 200 "no security definition", not "ambiguous" (docs/wire-facts/contracts.md#a-strike-that-cannot-be)', () => {
    const expiry = market.optionChains({ underlyingSymbol: 'AAPL', underlyingSecType: 'STK', underlyingConId: 265598, futFopExchange: '' }, NOW)![0]!
      .expirations[0]!.expiration;
    const query = { symbol: 'AAPL', secType: 'OPT', exchange: 'SMART', currency: 'USD', lastTradeDateOrContractMonth: expiry, right: 'C' };
    for (const strike of [-5, -0.5, -1e299]) {
      expect(match({ ...query, strike })).toEqual([]);
      expect(market.resolveInstrument({ ...query, strike } as never, NOW)).toEqual({
        ok: false,
        code: 200,
        message: 'No security definition has been found for the request',
      });
    }
    expect(match({ ...query, strike: 0 }).length).toBeGreaterThan(1);
  });

  it('an unknown underlying is undefined (error 200); options on futures are an empty list', () => {
    expect(market.optionChains({ underlyingSymbol: 'NOPE', underlyingSecType: 'STK', underlyingConId: 0, futFopExchange: '' }, NOW)).toBeUndefined();
    expect(market.optionChains({ underlyingSymbol: 'ES', underlyingSecType: 'IND', underlyingConId: 11004968, futFopExchange: 'CME' }, NOW)).toEqual([]);
  });
});

describe('market rules (docs/wire-facts/contracts.md#market-rules)', () => {
  it('every rule id a contract names has increments', () => {
    const queries = [
      { conId: 265598 },
      { conId: 12087792 },
      { symbol: 'USD', secType: 'CASH', currency: 'JPY', exchange: 'IDEALPRO' },
      { symbol: 'ES', secType: 'FUT', exchange: 'CME' },
      { symbol: 'SPY', secType: 'OPT', exchange: 'SMART', right: 'P' },
    ];
    const ids = new Set<number>();
    for (const q of queries) for (const r of match(q)) for (const id of r.marketRuleIds.split(',').filter(Boolean)) ids.add(Number(id));
    expect(ids.size).toBeGreaterThanOrEqual(4);
    for (const id of ids) expect(market.marketRule(id), `rule ${id}`).toBeDefined();
    expect(market.marketRule(26)).toEqual([{ lowEdge: 0, increment: 0.01 }]);
    expect(market.marketRule(123456)).toBeUndefined();
    expect([...MARKET_RULES.values()].filter((r) => r.real).map((r) => r.id)).toEqual([26, 32, 239]);
  });
});

describe('any-symbol mode (docs/wire-facts/contracts.md#any-symbol-mode)', () => {
  it('a share class written the exchanges\' way ("BRK.B") is error 200 as at IB, with IB\'s spelling in the text; no conId finds a dotted symbol (docs/wire-facts/contracts.md#share-classes)', () => {
    const stock = (symbol: string) => ({ symbol, secType: 'STK', exchange: 'SMART', currency: 'USD' });
    for (const [dotted, ib] of [
      ['BRK.B', 'BRK B'],
      ['BF.B', 'BF B'],
      ['BRK/A', 'BRK A'],
    ] as const) {
      expect(match(stock(dotted), NOW, anyMarket)).toEqual([]);
      expect(anyMarket.noContract?.(stock(dotted) as never)).toEqual({
        code: 200,
        message: `No security definition has been found for the request. IB writes a share class with a space: ask for "${ib}", not "${dotted}"`,
      });
      expect(match(stock(ib), NOW, anyMarket).map((r) => r.symbol)).toEqual([ib]);
    }
    // Plain symbols are numbered in base 27 with '.' as the 27th digit (conIds stay as earlier versions gave them):
    // BRKB + 24 is BRKZ, BRKB + 25 would be "BRK.", which no conId finds any more.
    const brkb = match(stock('BRKB'), NOW, anyMarket)[0]!.conId;
    expect([24, 25].map((d) => match({ conId: brkb + d }, NOW, anyMarket).map((r) => r.symbol))).toEqual([['BRKZ'], []]);
  });

  it('is off by default: an unknown symbol matches nothing (error 200)', () => {
    expect(match({ symbol: 'ZZQX', secType: 'STK', exchange: 'SMART', currency: 'USD' })).toEqual([]);
  });

  it('when on, an unknown US stock gets one synthetic, clearly marked contract that its conId finds again', () => {
    const rows = match({ symbol: 'ZZQX', secType: 'STK', exchange: 'SMART', currency: 'USD' }, NOW, anyMarket);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.conId).toBeGreaterThanOrEqual(1_000_000_000);
    expect(row.longName).toMatch(/synthetic/i);
    expect(match({ conId: row.conId }, NOW, anyMarket).map((r) => r.symbol)).toEqual(['ZZQX']);
    expect(match({ symbol: 'ZZQX', secType: 'STK', exchange: 'SBF', currency: 'EUR' }, NOW, anyMarket)).toEqual([]);
    expect(match({ symbol: 'AAPL', secType: 'STK', exchange: 'SMART', currency: 'USD' }, NOW, anyMarket).map((r) => r.conId)).toEqual([265598]);
  });

  it('takes IB\'s share-class symbols with a space ("BRK B"), each its own contract; refuses nonsense with a 200 that says why', () => {
    const stock = (symbol: string) => ({ symbol, secType: 'STK', exchange: 'SMART', currency: 'USD' });
    const conIds = ['BRK B', 'BF B', 'ZZZZ A', 'A B', 'BRKB', 'ZZQXYZ'].map((symbol) => {
      const rows = match(stock(symbol), NOW, anyMarket);
      expect(rows.map((r) => [r.symbol, r.localSymbol])).toEqual([[symbol, symbol]]);
      expect(match({ conId: rows[0]!.conId }, NOW, anyMarket).map((r) => r.symbol)).toEqual([symbol]);
      return rows[0]!.conId;
    });
    expect(new Set(conIds).size).toBe(conIds.length);
    for (const nonsense of ['BRK$', 'BRK  B', 'BRKAB C', 'BRK BB', 'TOOLONGX', 'A.B.C', '.']) {
      expect(match(stock(nonsense), NOW, anyMarket)).toEqual([]);
      expect(anyMarket.noContract?.(stock(nonsense) as never)).toEqual({
        code: 200,
        message: expect.stringMatching(
          new RegExp(
            `^No security definition has been found for the request\\. any-symbol mode .*"${nonsense.replace('$', '\\$').replaceAll('.', '\\.')}" is none of these$`,
          ),
        ),
      });
    }
    // Mode off, or not a US stock query: IB's text alone.
    expect(market.noContract?.(stock('BRK$') as never)?.message).toBe('No security definition has been found for the request');
    expect(anyMarket.noContract?.({ ...stock('BRK$'), secType: 'FUT' } as never)?.message).toBe('No security definition has been found for the request');
  });
});
