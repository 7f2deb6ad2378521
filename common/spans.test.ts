/**
 * What counts as answered: the end marker, or an error bearing the request's id that ends it; a
 * warning does not, error 100 names no request, a timeout is not an answer.
 * docs/wire-facts/history.md#what-answers-a-request
 */
import { describe, expect, it } from 'vitest';
import { type WireEntry, spans } from './spans.ts';

let seq = 0;
const at = (t: number, sessionId: number, dir: 'in' | 'out', message: WireEntry['message']): WireEntry => ({ seq: ++seq, at: t, sessionId, dir, message });
const ask = (t: number, reqId: number, type = 'REQ_CONTRACT_DATA', session = 1) => at(t, session, 'in', { type, reqId, symbol: 'AAPL' });
const err = (t: number, id: number, code: number, session = 1) => at(t, session, 'out', { type: 'ERR_MSG', id, code, message: `error ${code}` });
const out = (t: number, type: string, reqId: number, extra: Record<string, unknown> = {}, session = 1) => at(t, session, 'out', { type, reqId, ...extra });

const summary = (entries: WireEntry[], types?: string | string[]) =>
  spans(entries, types).map((s) => [s.reqId, s.outcome, s.end?.at, s.data.map((d) => d.message.type).join(',')]);

describe('spans', () => {
  it('contract details: answered by CONTRACT_DATA_END after the data, or by 200', () => {
    const journal = [ask(0, 1), ask(5, 2), out(10, 'CONTRACT_DATA', 1), out(11, 'CONTRACT_DATA', 1), out(12, 'CONTRACT_DATA_END', 1), err(20, 2, 200)];
    expect(summary(journal)).toEqual([
      [1, 'data', 12, 'CONTRACT_DATA,CONTRACT_DATA'],
      [2, 'error', 20, ''],
    ]);
  });

  it('a warning with the request id does not answer it, nor does error 100 whose id is a counter', () => {
    const journal = [
      ask(0, 3, 'REQ_HISTORICAL_DATA'),
      err(1, 3, 2174),
      err(2, 3, 100),
      err(3, -1, 2104),
      out(9, 'HISTORICAL_DATA', 3, { endDate: 'x', bars: [] }),
    ];
    expect(summary(journal)).toEqual([[3, 'data', 9, 'HISTORICAL_DATA']]);
  });

  it('321 and 162 end a historical request; below v196 HISTORICAL_DATA is its own end, from v196 HISTORICAL_DATA_END ends it', () => {
    const journal = [
      ask(0, 1, 'REQ_HISTORICAL_DATA'),
      ask(0, 2, 'REQ_HISTORICAL_DATA'),
      ask(0, 3, 'REQ_HISTORICAL_DATA'),
      err(1, 1, 321),
      err(2, 2, 162),
      out(3, 'HISTORICAL_DATA', 3, { bars: [] }), // v196+: no dates, the end follows
      out(4, 'HISTORICAL_DATA_END', 3, { startDate: 'a', endDate: 'b' }),
    ];
    expect(summary(journal)).toEqual([
      [1, 'error', 1, ''],
      [2, 'error', 2, ''],
      [3, 'data', 4, 'HISTORICAL_DATA'],
    ]);
  });

  it('a request nobody answered stays unanswered, whatever the client did (a timeout is not an answer)', () => {
    const journal = [ask(0, 1), at(30_000, 1, 'in', { type: 'REQ_CONTRACT_DATA', reqId: 2, symbol: 'AAPL' }), out(31_000, 'CONTRACT_DATA_END', 2)];
    expect(summary(journal)).toEqual([
      [1, undefined, undefined, ''],
      [2, 'data', 31_000, ''],
    ]);
  });

  it('pairs by session and request id; a reused id pairs with the oldest open request; other types are left out', () => {
    const journal = [
      ask(0, 1, 'REQ_CONTRACT_DATA', 1),
      ask(0, 1, 'REQ_CONTRACT_DATA', 2),
      ask(1, 1, 'REQ_CONTRACT_DATA', 1),
      out(2, 'CONTRACT_DATA_END', 1, {}, 2),
      out(3, 'CONTRACT_DATA_END', 1, {}, 1),
      out(4, 'CONTRACT_DATA_END', 1, {}, 1),
      at(5, 1, 'in', { type: 'REQ_MATCHING_SYMBOLS', reqId: 9, pattern: 'A' }),
      out(6, 'SYMBOL_SAMPLES', 9),
    ];
    const s = spans(journal, 'REQ_CONTRACT_DATA');
    expect(s.map((x) => [x.sessionId, x.request.at, x.end?.at])).toEqual([
      [1, 0, 3],
      [2, 0, 2],
      [1, 1, 4],
    ]);
    expect(summary(journal, 'REQ_MATCHING_SYMBOLS')).toEqual([[9, 'data', 6, '']]);
  });

  it('an answer of the wrong type does not end a request', () => {
    const journal = [ask(0, 1), out(1, 'HISTORICAL_DATA', 1, { endDate: 'x', bars: [] })];
    expect(summary(journal)).toEqual([[1, undefined, undefined, '']]);
  });
});
