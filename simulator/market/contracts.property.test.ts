import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractUniverse } from './contracts.ts';

const u = ContractUniverse.default();
const NOW = Date.UTC(2025, 10, 10, 15, 0);
const randomCase = (s: string) =>
  fc
    .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
    .map((flags) => [...s].map((c, i) => (flags[i] ? c.toLowerCase() : c.toUpperCase())).join(''));

describe('contract matching (properties)', () => {
  it('every instrument is found by symbol in any letter case, and every result fits the query', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...u.instruments)
          .chain((inst) =>
            fc.tuple(
              fc.constant(inst),
              randomCase(inst.symbol),
              fc.constantFrom('', inst.currency),
              fc.constantFrom('', 'STK'),
              fc.constantFrom('SMART', '', inst.primaryExchange),
            ),
          ),
        ([inst, symbol, currency, secType, exchange]) => {
          const rs = u.match({ symbol, currency, secType, exchange }, NOW);
          expect(rs.some((r) => r.conId === inst.conId)).toBe(true);
          for (const r of rs) {
            expect(r.symbol.toUpperCase()).toBe(symbol.toUpperCase());
            if (currency) expect(r.currency).toBe(currency);
            if (exchange) expect(r.exchange).toBe(exchange);
          }
          if (exchange === '') expect(rs.filter((r) => r.conId === inst.conId)).toHaveLength(inst.listingExchanges.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a conId query returns only that contract, whatever the exchange form', () => {
    fc.assert(
      fc.property(fc.constantFrom(...u.instruments), fc.constantFrom('SMART', '', 'SMART:X'), (inst, exchange) => {
        const rs = u.match({ conId: inst.conId, exchange }, NOW);
        expect(rs.length).toBeGreaterThan(0);
        expect(new Set(rs.map((r) => r.conId))).toEqual(new Set([inst.conId]));
      }),
    );
  });
});
