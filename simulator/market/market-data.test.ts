import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { HistoricalRequest } from '../model/ports.ts';
import { createMarketData } from './market-data.ts';

const NOW = Date.UTC(2025, 10, 12, 22, 0);
const histReq = (over: Partial<HistoricalRequest> = {}): HistoricalRequest => ({
  type: 'REQ_HISTORICAL_DATA',
  reqId: 1,
  conId: 265598,
  symbol: '',
  secType: '',
  lastTradeDateOrContractMonth: '',
  strike: 0,
  right: '',
  multiplier: '',
  exchange: 'SMART',
  primaryExchange: '',
  currency: '',
  localSymbol: '',
  tradingClass: '',
  includeExpired: false,
  endDateTime: '',
  barSize: '1 hour',
  duration: '1 D',
  useRTH: 1,
  whatToShow: 'TRADES',
  formatDate: 1,
  comboLegs: [],
  keepUpToDate: false,
  chartOptions: '',
  ...over,
});

describe('createMarketData (the gateway port)', () => {
  const md = createMarketData({ seed: 7 });

  it('resolves a conId + exchange request and serves its bars', () => {
    const r = md.resolveInstrument(histReq(), NOW);
    expect(r).toEqual({ ok: true, instrument: { conId: 265598, symbol: 'AAPL', localSymbol: 'AAPL', secType: 'STK' } });
    if (!r.ok) return;
    const h = md.historical(histReq(), r.instrument, NOW);
    expect(h.ok && h.bars.length).toBe(7);
  });

  it('passes IB errors through', () => {
    expect(md.resolveInstrument(histReq({ conId: 0, symbol: 'TTE', secType: 'STK' }), NOW)).toMatchObject({ ok: false, code: 200 });
    expect(md.resolveInstrument(histReq({ exchange: '' }), NOW)).toMatchObject({ ok: false, code: 321 });
    expect(createMarketData({ seed: 7, requireExchange: false }).resolveInstrument(histReq({ exchange: '' }), NOW)).toMatchObject({ ok: true });
    expect(md.historical(histReq(), { conId: 1, symbol: 'X', localSymbol: 'X', secType: 'STK' }, NOW)).toMatchObject({ ok: false, code: 200 });
    expect(md.historical(histReq({ barSize: '7 mins' }), { conId: 265598, symbol: 'AAPL', localSymbol: 'AAPL', secType: 'STK' }, NOW)).toMatchObject({
      ok: false,
      code: 321,
    });
  });

  it('matches contracts and symbols', () => {
    expect(
      md.matchContracts(
        {
          conId: 0,
          symbol: 'TTE',
          secType: 'STK',
          lastTradeDateOrContractMonth: '',
          strike: 0,
          right: '',
          multiplier: '',
          exchange: 'SMART',
          primaryExchange: '',
          currency: '',
          localSymbol: '',
          tradingClass: '',
          includeExpired: false,
          secIdType: '',
          secId: '',
          issuerId: '',
        },
        NOW,
      ),
    ).toHaveLength(2);
    expect(md.searchSymbols('AAP')[0]!.conId).toBe(265598);
  });

  it('replaces or extends the bundled universe from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'c.json');
    writeFileSync(
      file,
      JSON.stringify({
        instruments: [{ profile: 'us-nasdaq-stock', conId: 900000300, synthetic: true, symbol: 'NVDA', longName: 'NVIDIA CORP', basePrice: 180 }],
      }),
    );
    const replaced = createMarketData({ seed: 1, contractsFile: file });
    const extended = createMarketData({ seed: 1, contractsFile: file, extend: true });
    expect(replaced.universe.instruments.map((i) => i.symbol)).toEqual(['NVDA']);
    expect(extended.universe.instruments.map((i) => i.symbol)).toEqual(expect.arrayContaining(['NVDA', 'AAPL', 'TTE']));
  });
});
