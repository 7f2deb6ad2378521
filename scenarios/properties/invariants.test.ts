/**
 * The stored-bars invariant judged on hand-built journals: the verdicts it used to get wrong, and
 * real mismatches it must still catch.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type CollectorStore } from '../../collector/store/index.ts';
import type { JournalEntry } from '../../simulator/model/journal.ts';
import type { RunRecord } from '../view.ts';
import { storedBarsMatchServed } from './invariants.ts';

const T0 = 1_762_786_800; // 2025-11-10 15:00:00 UTC, epoch s
const SERIES = { conId: 272093, exchange: 'SMART', barSize: '30 secs', whatToShow: 'TRADES', useRTH: true };
const SERIES_NAME = '272093|SMART|30 secs|TRADES|1';

/** A hand-built run: frames in the order given, one model ms apart. */
class JournalBuilder {
  readonly entries: JournalEntry[] = [];

  private add(sessionId: number, dir: 'in' | 'out', message: JournalEntry['message']): this {
    const seq = this.entries.length + 1;
    this.entries.push({ seq, at: T0 * 1000 + seq, sessionId, clientId: sessionId, dir, message });
    return this;
  }

  request(sessionId: number, reqId: number, endDateTime: string): this {
    return this.add(sessionId, 'in', {
      type: 'REQ_HISTORICAL_DATA',
      reqId,
      conId: SERIES.conId,
      exchange: 'SMART',
      endDateTime,
      duration: '60 S',
      barSize: '30 secs',
      whatToShow: 'TRADES',
      useRTH: 1,
      formatDate: 2,
    });
  }

  /**
   * The answer (below v196 one HISTORICAL_DATA with its start and end) with these closes by bar
   * time; `withheld`: the reason a fault kept it from the client.
   */
  answer(sessionId: number, reqId: number, closes: Record<number, number>, withheld?: string): this {
    const bars = Object.entries(closes).map(([t, close]) => ({ date: t, open: close, high: close, low: close, close, volume: 1, wap: close, barCount: 1 }));
    this.add(sessionId, 'out', { type: 'HISTORICAL_DATA', reqId, startDate: 'start', endDate: 'end', bars });
    if (withheld) this.entries.at(-1)!.withheld = withheld;
    return this;
  }

  record(): RunRecord {
    return {
      schema: 'ibkr-harness/run@1',
      scenario: 'hand-built',
      title: 'hand-built',
      seed: 1,
      target: 'virtual',
      timeScale: 1,
      startedAt: new Date(T0 * 1000).toISOString(),
      modelMs: this.entries.length,
      wallMs: 0,
      strategies: {},
      history: [],
      journal: this.entries,
      connectionsOpened: 0,
      expectations: [],
    };
  }
}

describe('storedBarsMatchServed', () => {
  let store: CollectorStore;
  beforeEach(() => {
    store = openStore(':memory:');
    store.upsertContract({ conId: SERIES.conId, symbol: 'MSFT', secType: 'STK', exchange: 'SMART', currency: 'USD', qualifiedAt: 0 });
  });
  afterEach(() => store.close());

  const storeCloses = (closes: Record<number, number>) =>
    store.upsertBars(
      SERIES,
      Object.entries(closes).map(([t, close]) => ({ time: Number(t), open: close, high: close, low: close, close })),
    );

  /**
   * Two collections of one series on two connections; the later request (end 15:00:10) is answered
   * first, the earlier one after it, with the forming 15:00:00 bar cut later. Counterexample (a)
   * of pooled.property.test.ts, seed 1434710708.
   */
  const answeredOutOfOrder = () =>
    new JournalBuilder()
      .request(10, 1, '20251110-15:00:01')
      .request(11, 1, '20251110-15:00:10')
      .answer(11, 1, { [T0 - 30]: 421.8, [T0]: 421.93 })
      .answer(10, 1, { [T0 - 30]: 421.8, [T0]: 421.9 })
      .record();

  it('expects the value of the answer served last, not of the request sent last', () => {
    storeCloses({ [T0 - 30]: 421.8, [T0]: 421.9 }); // what the collector kept: the answer it got last
    expect(storedBarsMatchServed(answeredOutOfOrder(), store)).toBeUndefined();
  });

  it('still catches a stored forming bar older than the last answer', () => {
    storeCloses({ [T0 - 30]: 421.8, [T0]: 421.93 }); // the first answer's cut, overwritten later
    expect(storedBarsMatchServed(answeredOutOfOrder(), store)).toBe(`${SERIES_NAME}: bar ${T0} stored with close 421.93, served 421.9`);
  });

  /**
   * A stalled session: the gateway answers, the journal marks the frame withheld, the client never
   * receives it; it reconnects and asks again for a window that leaves out the first bar.
   * Counterexample (b), seed -542667462 (before the collector fixed its windows' end dates).
   */
  const stalledAnswer = () =>
    new JournalBuilder()
      .request(2, 2, '')
      .answer(2, 2, { [T0 - 60]: 100, [T0 - 30]: 101 }, 'stall (fault 1)')
      .request(4, 1, '')
      .answer(4, 1, { [T0 - 30]: 101, [T0]: 102 })
      .record();

  it('does not count an answer that a fault kept from the client', () => {
    storeCloses({ [T0 - 30]: 101, [T0]: 102 });
    expect(storedBarsMatchServed(stalledAnswer(), store)).toBeUndefined();
  });

  it('still catches a bar the client did receive and lost, next to a withheld answer', () => {
    storeCloses({ [T0 - 30]: 101 });
    expect(storedBarsMatchServed(stalledAnswer(), store)).toBe(`${SERIES_NAME}: bar ${T0} was served but not stored`);
  });

  it('still catches a lost bar, an invented bar and a wrong complete bar', () => {
    const run = new JournalBuilder()
      .request(1, 1, '')
      .answer(1, 1, { [T0 - 60]: 100, [T0 - 30]: 101 })
      .record();
    storeCloses({ [T0 - 60]: 100 });
    expect(storedBarsMatchServed(run, store)).toBe(`${SERIES_NAME}: bar ${T0 - 30} was served but not stored`);
    storeCloses({ [T0 - 30]: 101, [T0]: 102 });
    expect(storedBarsMatchServed(run, store)).toBe(`${SERIES_NAME}: 3 bars stored, 2 served`);
    store.upsertBars(SERIES, [{ time: T0 - 60, open: 100, high: 100, low: 100, close: 99 }]);
    expect(storedBarsMatchServed(run, store)).toBe(`${SERIES_NAME}: bar ${T0 - 60} stored with close 99, served 100`);
  });
});
