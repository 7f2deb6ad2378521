import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { decodeServerFrame, encodeServerMessage } from '../protocol/index.ts';
import { ContractDataError, ContractUniverse } from './contracts.ts';

const NOW = Date.UTC(2025, 10, 10, 15, 0); // Monday 10:00 New York, 16:00 Paris
const u = ContractUniverse.default();
const ids = (rs: { conId: number }[]) => rs.map((r) => r.conId);

describe('ContractUniverse.match (REQ_CONTRACT_DATA)', () => {
  it('AAPL on SMART in USD is one result with the real conId and facts', () => {
    const [r, ...rest] = u.match({ symbol: 'AAPL', secType: 'STK', exchange: 'SMART', currency: 'USD' }, NOW);
    expect(rest).toEqual([]);
    expect(r).toMatchObject({
      conId: 265598,
      exchange: 'SMART',
      primaryExchange: 'NASDAQ',
      longName: 'APPLE INC',
      marketName: 'NMS',
      tradingClass: 'NMS',
      minTick: 0.01,
      timeZoneId: 'US/Eastern',
      stockType: 'COMMON',
      secIdList: [{ tag: 'ISIN', value: 'US0378331005' }],
      minSize: '0.0001',
      suggestedSizeIncrement: '100',
    });
    expect(r!.validExchanges.split(',')[0]).toBe('SMART');
    expect(r!.marketRuleIds.split(',')).toHaveLength(r!.validExchanges.split(',').length);
    expect(r!.tradingHours.startsWith('20251110:0400-20251110:2000;')).toBe(true);
    expect(r!.liquidHours.endsWith('20251115:CLOSED;20251116:CLOSED')).toBe(true);
  });

  it('TTE on SMART without currency returns the Paris and the NYSE line', () => {
    const rs = u.match({ symbol: 'TTE', secType: 'STK', exchange: 'SMART' }, NOW);
    expect(rs.map((r) => [r.currency, r.primaryExchange, r.exchange])).toEqual([
      ['EUR', 'SBF', 'SMART'],
      ['USD', 'NYSE', 'SMART'],
    ]);
    expect(new Set(ids(rs)).size).toBe(2);
    expect(rs[0]!.timeZoneId).toBe('MET');
    expect(rs[0]!.liquidHours.startsWith('20251110:0900-20251110:1730')).toBe(true);
  });

  it('TTE on SMART in EUR is the SBF line only', () => {
    const rs = u.match({ symbol: 'TTE', secType: 'STK', exchange: 'SMART', currency: 'EUR' }, NOW);
    expect(rs.map((r) => r.primaryExchange)).toEqual(['SBF']);
  });

  it('exchange "" gives a SMART row, then one per listing exchange (docs/wire-facts/contracts.md#one-row-per-exchange)', () => {
    const rs = u.match({ symbol: 'AAPL', secType: 'STK', exchange: '' }, NOW);
    const aapl = u.byConId(265598)!;
    expect(rs.map((r) => r.exchange)).toEqual(['SMART', ...aapl.listingExchanges]);
    expect(rs.length).toBeGreaterThan(10);
    expect(new Set(ids(rs))).toEqual(new Set([265598]));
    expect(u.match({ symbol: 'TTE', exchange: '' }, NOW).map((r) => r.exchange)).toContain('SBF');
  });

  it('a named exchange returns the instruments offered there', () => {
    expect(ids(u.match({ symbol: 'TTE', exchange: 'SBF' }, NOW))).toEqual([900000001]);
    expect(ids(u.match({ symbol: 'TTE', exchange: 'NYSE' }, NOW))).toEqual([900000002]);
    expect(u.match({ symbol: 'AAPL', exchange: 'ISLAND' }, NOW)[0]!.exchange).toBe('ISLAND');
    expect(u.match({ symbol: 'AAPL', exchange: 'SBF' }, NOW)).toEqual([]);
  });

  it('splits SMART:NASDAQ into exchange and primary exchange (old clients)', () => {
    const rs = u.match({ symbol: 'TTE', exchange: 'SMART:NYSE' }, NOW);
    expect(rs.map((r) => [r.conId, r.exchange])).toEqual([[900000002, 'SMART']]);
    expect(ids(u.match({ symbol: 'AAPL', exchange: 'SMART:ISLAND' }, NOW))).toEqual([265598]);
  });

  it('looks up by ISIN instead of the symbol', () => {
    expect(ids(u.match({ secIdType: 'ISIN', secId: 'US0378331005', exchange: 'SMART' }, NOW))).toEqual([265598]);
    expect(ids(u.match({ secIdType: 'ISIN', secId: 'FR0000120271', exchange: 'SMART' }, NOW))).toEqual([900000001, 900000002]);
    expect(ids(u.match({ secIdType: 'ISIN', secId: 'FR0000120271', exchange: 'SMART', currency: 'USD' }, NOW))).toEqual([900000002]);
    expect(u.match({ secIdType: 'ISIN', secId: 'XX0000000000', exchange: 'SMART' }, NOW)).toEqual([]);
  });

  it('identifies by conId and checks the other fields only loosely', () => {
    expect(ids(u.match({ conId: 272093, exchange: 'SMART' }, NOW))).toEqual([272093]);
    expect(ids(u.match({ conId: 272093, symbol: 'msft', exchange: 'SMART', primaryExchange: 'ARCA', localSymbol: 'whatever' }, NOW))).toEqual([272093]);
    expect(u.match({ conId: 272093, symbol: 'AAPL', exchange: 'SMART' }, NOW)).toEqual([]);
    expect(u.match({ conId: 123, exchange: 'SMART' }, NOW)).toEqual([]);
  });

  it('matches symbols case-insensitively, any secType when empty, and filters on the optional fields', () => {
    expect(ids(u.match({ symbol: 'tsla', exchange: 'smart' }, NOW))).toEqual([76792991]);
    expect(u.match({ symbol: 'TSLA', secType: 'OPT', exchange: 'SMART' }, NOW)).toEqual([]);
    expect(ids(u.match({ symbol: 'AAPL', primaryExchange: 'ISLAND', exchange: 'SMART' }, NOW))).toEqual([265598]);
    expect(ids(u.match({ symbol: 'TTE', tradingClass: 'TTE', exchange: 'SMART', currency: 'USD' }, NOW))).toEqual([900000002]);
    expect(ids(u.match({ symbol: 'AMD', localSymbol: 'AMD', exchange: 'SMART' }, NOW))).toEqual([4391]);
  });

  it('returns [] for unknown contracts and for a query without symbol, conId or secId', () => {
    expect(u.match({ symbol: 'XXXX', secType: 'STK', exchange: 'SMART', currency: 'USD' }, NOW)).toEqual([]);
    expect(u.match({ exchange: 'SMART' }, NOW)).toEqual([]);
  });

  it('accepts a decoded REQ_CONTRACT_DATA message as the query', () => {
    const msg = {
      type: 'REQ_CONTRACT_DATA' as const,
      reqId: 3,
      conId: 0,
      symbol: 'AAPL',
      secType: 'STK',
      lastTradeDateOrContractMonth: '',
      strike: 0,
      right: '',
      multiplier: '',
      exchange: 'SMART',
      primaryExchange: '',
      currency: 'USD',
      localSymbol: '',
      tradingClass: '',
      includeExpired: false,
      secIdType: '',
      secId: '',
      issuerId: '',
    };
    expect(ids(u.match(msg, NOW))).toEqual([265598]);
  });

  it('starts the hours on the exchange-local date', () => {
    const lateNy = Date.UTC(2025, 10, 11, 4, 30); // Mon 23:30 New York = Tue 05:30 Paris
    expect(u.match({ symbol: 'AAPL', exchange: 'SMART' }, lateNy)[0]!.liquidHours.slice(0, 8)).toBe('20251110');
    expect(u.match({ symbol: 'WLN', exchange: 'SMART' }, lateNy)[0]!.liquidHours.slice(0, 8)).toBe('20251111');
  });

  it('produces CONTRACT_DATA bodies that encode and decode strictly at v178, non-ASCII escaped', () => {
    for (const inst of u.instruments) {
      for (const body of u.match({ conId: inst.conId, exchange: 'SMART' }, NOW)) {
        const frame = encodeServerMessage({ type: 'CONTRACT_DATA', reqId: 7, ...body }, 178);
        const back = decodeServerFrame(frame.subarray(4), 178) as Record<string, unknown>;
        expect(back.conId).toBe(inst.conId);
        expect(back.tradingHours).toBe(body.tradingHours);
        expect(frame.subarray(4).every((b) => b < 0x80)).toBe(true);
      }
    }
    const lvmh = u.match({ symbol: 'MC', exchange: 'SMART' }, NOW)[0]!;
    expect(encodeServerMessage({ type: 'CONTRACT_DATA', reqId: 1, ...lvmh }, 178).toString('latin1')).toContain('MO\\u00cbT');
  });
});

describe('ContractUniverse.resolve (data requests)', () => {
  it('finds the one instrument of a conId + exchange request', () => {
    expect(u.resolve({ conId: 265598, exchange: 'SMART' }, NOW)).toMatchObject({ ok: true, exchange: 'SMART', instrument: { symbol: 'AAPL' } });
  });
  it('reports ambiguity, absence and a missing exchange with IB codes', () => {
    expect(u.resolve({ symbol: 'TTE', secType: 'STK', exchange: 'SMART' }, NOW)).toEqual({
      ok: false,
      code: 200,
      message: 'The contract description specified for TTE is ambiguous.',
    });
    expect(u.resolve({ symbol: 'NOPE', exchange: 'SMART' }, NOW)).toMatchObject({ ok: false, code: 200 });
    expect(u.resolve({ conId: 265598, exchange: '' }, NOW)).toMatchObject({ ok: false, code: 321 });
    expect(u.resolve({ conId: 265598, exchange: '' }, NOW, { requireExchange: false })).toMatchObject({ ok: true, exchange: 'NASDAQ' });
  });
});

describe('ContractUniverse.searchSymbols (REQ_MATCHING_SYMBOLS)', () => {
  it('puts symbol matches first and fills SYMBOL_SAMPLES items', () => {
    const rs = u.searchSymbols('tt');
    expect(rs.slice(0, 2).map((r) => [r.symbol, r.currency])).toEqual([
      ['TTE', 'EUR'],
      ['TTE', 'USD'],
    ]);
    expect(rs[0]).toEqual({
      conId: 900000001,
      symbol: 'TTE',
      secType: 'STK',
      primaryExchange: 'SBF',
      currency: 'EUR',
      derivativeSecTypes: [{ secType: 'CFD' }, { secType: 'OPT' }, { secType: 'WAR' }],
      description: 'TOTALENERGIES SE',
      issuerId: '',
    });
  });
  it('matches long names by word prefix and substring', () => {
    expect(u.searchSymbols('apple').map((r) => r.symbol)).toEqual(['AAPL']);
    expect(u.searchSymbols('micro').map((r) => r.symbol)).toEqual(['MSFT', 'AMD']);
    expect(u.searchSymbols('ENERGIES').map((r) => r.conId)).toEqual([900000001, 900000002]);
  });
  it('returns at most 16 results and nothing for an empty pattern', () => {
    const many = ContractUniverse.fromData({
      schedules: { s: { tradingDays: ['MON'], liquidHours: ['09:00-10:00'] } },
      instruments: Array.from({ length: 20 }, (_, i) => ({ ...minimal, conId: 900000100 + i, symbol: `ZZ${i}` })),
    });
    expect(many.searchSymbols('zz')).toHaveLength(16);
    expect(u.searchSymbols('  ')).toEqual([]);
  });
});

const minimal = {
  synthetic: true,
  symbol: 'ZZZ',
  secType: 'STK',
  currency: 'USD',
  primaryExchange: 'NYSE',
  validExchanges: ['SMART', 'NYSE'],
  orderTypes: ['LMT'],
  minTick: 0.01,
  longName: 'ZED CORP',
  timeZoneId: 'US/Eastern',
  schedule: 's',
  basePrice: 10,
};

describe('loading and validating contract data', () => {
  it('every real conId of the bundled file is listed with its symbol in the wire facts; synthetic ones are in the reserved range', () => {
    const facts = readFileSync(fileURLToPath(new URL('../../docs/wire-facts/contracts.md', import.meta.url)), 'utf8');
    const real = u.instruments.filter((i) => !i.synthetic);
    expect(real.length).toBeGreaterThan(40);
    const unlisted = real.filter((i) => !new RegExp(`\\b${i.conId}\\b`).test(facts)).map((i) => `${i.symbol} ${i.conId}`);
    expect(unlisted).toEqual([]);
    for (const i of u.instruments.filter((x) => x.synthetic)) expect(i.conId).toBeGreaterThan(900_000_000);
    expect(u.byConId(900000005)).toMatchObject({ primaryExchange: 'IBIS', currency: 'EUR', timeZoneId: 'MET' });
    expect(u.byConId(900000006)).toMatchObject({ primaryExchange: 'LSE', currency: 'GBP', timeZoneId: 'GB-Eire' });
    expect(u.byConId(756733)).toMatchObject({ symbol: 'SPY', primaryExchange: 'ARCA', stockType: 'ETF' });
  });

  it('names the source, instrument and field in errors', () => {
    const bad = (patch: object, msg: RegExp) =>
      expect(() =>
        ContractUniverse.fromData(
          {
            schedules: { s: { tradingDays: ['MON'], liquidHours: ['09:00-10:00'] } },
            instruments: [
              { ...minimal, conId: 900000100 },
              { ...minimal, conId: 900000101, ...patch },
            ],
          },
          { source: 'mine.json' },
        ),
      ).toThrow(msg);
    bad({ minTick: 'x' }, /^mine\.json: instruments\[1\] \(ZZZ\): field 'minTick': must be a positive number, got "x"$/);
    bad({ timeZoneId: 'Mars/Base' }, /instruments\[1\] \(ZZZ\): field 'timeZoneId'.*Mars\/Base/);
    bad({ schedule: 'nope' }, /field 'schedule': no schedule named "nope"/);
    bad({ conId: 900000100 }, /conId 900000100 is already used by instruments\[0\]/);
    bad({ conId: 1234 }, /synthetic conIds must lie in 900000001\.\.999999999/);
    bad({ minTik: 0.01 }, /unknown field 'minTik'/);
    bad({ marketRuleIds: [1, 2, 3] }, /marketRuleIds.*one per valid exchange \(2\)/);
    bad({ profile: 'ghost' }, /field 'profile': no profile named "ghost"/);
    expect(() =>
      ContractUniverse.fromData({ schedules: { s: { tradingDays: ['MON'], liquidHours: ['9-10'] } }, instruments: [] }, { source: 'x.json' }),
    ).toThrow(/x\.json: schedules\.s\.liquidHours/);
    expect(() => ContractUniverse.fromData([], { source: 'y.json' })).toThrow(ContractDataError);
  });

  it('reports unreadable and malformed files by path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'contracts-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "instruments": [ }');
    expect(() => ContractUniverse.fromFile(broken)).toThrow(new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
    expect(() => ContractUniverse.fromFile(join(dir, 'missing.json'))).toThrow(/cannot read the contract file/);
  });

  it('lets a user file reuse the bundled profiles and extend the default universe', () => {
    const dir = mkdtempSync(join(tmpdir(), 'contracts-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'extra.json');
    writeFileSync(
      file,
      JSON.stringify({
        instruments: [
          { profile: 'us-nasdaq-stock', conId: 900000200, synthetic: true, symbol: 'ZZTEST', longName: 'A USER STOCK', basePrice: 180 },
          { profile: 'us-nasdaq-stock', conId: 265598, symbol: 'AAPL', longName: 'APPLE INC (test)', basePrice: 1 },
        ],
      }),
    );
    const extra = ContractUniverse.fromFile(file, { base: u });
    const merged = u.merge(extra);
    expect(ids(merged.match({ symbol: 'ZZTEST', exchange: 'SMART' }, NOW))).toEqual([900000200]);
    expect(merged.byConId(265598)!.longName).toBe('APPLE INC (test)');
    expect(merged.instruments).toHaveLength(u.instruments.length + 1);
    expect(u.byConId(265598)!.longName).toBe('APPLE INC');
    expect(() => ContractUniverse.fromFile(file)).toThrow(/no profile named "us-nasdaq-stock"/);
  });
});
