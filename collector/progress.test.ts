/**
 * The progress line of `collect`: drawn in place on a terminal, nothing when piped.
 */
import { describe, expect, it } from 'vitest';
import { humanLine } from '../common/logger.ts';
import type { SymbolResult } from './collector.ts';
import { ProgressLine } from './progress.ts';

const result = (symbol: string, status: SymbolResult['status'], barsAdded?: number): SymbolResult => ({
  symbol,
  status,
  ms: 1,
  ...(barsAdded !== undefined ? { barsAdded } : {}),
});

describe('ProgressLine', () => {
  it('on a TTY: one line rewritten in place with symbols done, collected, new bars; cleared at the end', () => {
    const written: string[] = [];
    const p = new ProgressLine({ isTTY: true, columns: 120, write: (t) => written.push(t) }, 3);
    p.add(result('AAPL:USD', 'ok', 7));
    p.add(result('TTE', 'ambiguous'));
    p.add(result('MSFT:USD', 'ok', 5));
    p.end();
    expect(written).toEqual([
      '\r\x1b[2Kcollect: 1/3 symbols, 1 collected, 7 new bars (last AAPL:USD ok)',
      '\r\x1b[2Kcollect: 2/3 symbols, 1 collected, 1 not, 7 new bars (last TTE ambiguous)',
      '\r\x1b[2Kcollect: 3/3 symbols, 2 collected, 1 not, 12 new bars (last MSFT:USD ok)',
      '\r\x1b[2K',
    ]);
  });

  it('piped (not a TTY): writes nothing at all', () => {
    const written: string[] = [];
    const p = new ProgressLine({ write: (t) => written.push(t) }, 2);
    p.add(result('AAPL:USD', 'ok', 7));
    p.end();
    expect(written).toEqual([]);
  });
});

describe('human log lines', () => {
  it('level and message first, then the fields (strings with spaces quoted); not JSON', () => {
    const line = humanLine(
      JSON.stringify({ level: 40, time: 1, pid: 2, hostname: 'h', name: 'ibkr-collect', msg: 'gateway connection lost', clientId: 7, err: 'socket closed' }),
    );
    expect(line).toBe('warn: gateway connection lost clientId=7 err="socket closed"\n');
  });
});
