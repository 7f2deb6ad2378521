import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractUniverse } from './contracts.ts';

const u = ContractUniverse.default();
/** Where an instrument can be asked for by routing: SMART, or its own exchange when it is not SMART-routed (IDEALPRO, CME, CBOE). */
const routed = (inst: (typeof u.instruments)[number]) => (inst.validExchanges.includes('SMART') ? 'SMART' : inst.validExchanges[0]!);
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
              fc.constantFrom('', inst.secType),
              fc.constantFrom(routed(inst), '', inst.primaryExchange),
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
          // docs/wire-facts/contracts.md#one-row-per-exchange: a SMART row for a SMART-routed instrument, then one per listing.
          const smartRows = inst.validExchanges.includes('SMART') ? 1 : 0;
          if (exchange === '') expect(rs.filter((r) => r.conId === inst.conId)).toHaveLength(smartRows + inst.listingExchanges.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a conId query returns only that contract, whatever the exchange form; a conId alone returns one row', () => {
    fc.assert(
      fc.property(fc.constantFrom(...u.instruments), fc.constantFrom('routed', '', 'SMART:X'), (inst, form) => {
        const exchange = form === 'routed' ? routed(inst) : form === 'SMART:X' ? `${routed(inst)}:X` : '';
        const rs = u.match({ conId: inst.conId, exchange }, NOW);
        expect(rs.length).toBeGreaterThan(0);
        expect(new Set(rs.map((r) => r.conId))).toEqual(new Set([inst.conId]));
        // docs/wire-facts/contracts.md#a-conid-alone
        if (exchange === '') expect(rs).toHaveLength(1);
      }),
    );
  });
});
