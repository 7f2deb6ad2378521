/**
 * The journal's bounds: entries and bytes, oldest out first; reading it in pages that stay small
 * however large it is.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateJsonBytes, Journal } from './journal.ts';

/** A HISTORICAL_DATA-like message: `bars` bars of about 100 bytes of JSON each. */
const barsMessage = (reqId: number, bars: number) => ({
  type: 'HISTORICAL_DATA',
  reqId,
  bars: Array.from({ length: bars }, (_, i) => ({
    time: `20251110 ${String(i).padStart(8, '0')}`,
    open: 1.5,
    high: 2.5,
    low: 0.5,
    close: 1.25,
    volume: 100,
    count: 3,
  })),
});

describe('estimateJsonBytes', () => {
  it('is near the JSON length, lists included, erring on the large side (a number counts 8)', () => {
    for (const v of [barsMessage(1, 3), barsMessage(2, 500), { type: 'X', text: 'é'.repeat(100), n: null, ok: true }, ['a', 'bb', { c: [1, 2, 3] }]]) {
      const json = JSON.stringify(v).length;
      const est = estimateJsonBytes(v);
      expect(est / json, JSON.stringify(v).slice(0, 60)).toBeGreaterThan(0.8);
      expect(est / json).toBeLessThan(2.5);
    }
  });
});

describe('journal bounds', () => {
  it('holds at most maxBytes (estimated JSON): the oldest entries go first, the newest always stays', () => {
    const j = new Journal(10_000, true, { maxBytes: 200_000 });
    for (let i = 1; i <= 100; i++) j.record(i, 1, 1, 'out', barsMessage(i, 100)); // ≈ 9 kB each
    expect(j.bytes).toBeLessThanOrEqual(200_000);
    expect(j.bytes).toBeGreaterThan(150_000);
    const kept = j.query();
    expect(kept.length).toBe(j.size);
    expect(kept.length).toBeLessThan(30);
    expect(kept.at(-1)!.seq).toBe(100);
    expect(kept.map((e) => e.seq)).toEqual(Array.from({ length: kept.length }, (_, i) => 101 - kept.length + i));
    // Everything kept together is about what was counted.
    const json = JSON.stringify(kept).length;
    expect(json).toBeLessThan(1.3 * 200_000);
  });

  it('holds at most `capacity` entries, and both bounds apply after a resize or a new maxBytes', () => {
    const j = new Journal(5, true);
    for (let i = 1; i <= 12; i++) j.record(i, 1, null, 'in', { type: 'REQ_CURRENT_TIME' });
    expect(j.query().map((e) => e.seq)).toEqual([8, 9, 10, 11, 12]);
    j.resize(3);
    expect(j.query().map((e) => e.seq)).toEqual([10, 11, 12]);
    j.resize(50);
    for (let i = 13; i <= 20; i++) j.record(i, 1, null, 'in', { type: 'REQ_CURRENT_TIME' });
    expect(j.size).toBe(11);
    const one = j.bytes / j.size;
    j.setMaxBytes(Math.floor(one * 4.5));
    expect(j.query().map((e) => e.seq)).toEqual([17, 18, 19, 20]);
    j.clear();
    expect([j.size, j.bytes, j.query()]).toEqual([0, 0, []]);
  });

  it('cuts huge fields before counting them (a 16 MiB text is kept as 1 KiB)', () => {
    const j = new Journal(10, true, { maxBytes: 256 * 1024 });
    j.record(1, 1, 1, 'in', { type: 'REQ_MATCHING_SYMBOLS', reqId: 1, pattern: 'Q'.repeat(16 * 1024 * 1024) });
    expect(j.bytes).toBeLessThan(1200);
    j.record(2, 1, 1, 'out', barsMessage(2, 10_000));
    expect(j.size).toBe(2);
    expect(j.bytes).toBeLessThan(256 * 1024);
    expect(j.query()[1]!.message).toMatchObject({ barsOmitted: 9_500 });
  });
});

describe('journal pages', () => {
  function filled(n: number): Journal {
    const j = new Journal(10_000, true);
    for (let i = 1; i <= n; i++) j.record(i, (i % 3) + 1, 7, i % 2 ? 'in' : 'out', i % 10 === 0 ? barsMessage(i, 50) : { type: 'REQ_CURRENT_TIME' });
    return j;
  }

  it('a page holds at most maxEntries and about maxBytes; following nextSinceSeq yields every entry once, in order', () => {
    const j = filled(1200);
    const bounds = { maxEntries: 150, maxBytes: 20_000 };
    const seen: number[] = [];
    let sinceSeq: number | undefined;
    let pages = 0;
    for (;;) {
      const page = j.page(sinceSeq === undefined ? {} : { sinceSeq }, bounds);
      pages++;
      expect(page.entries.length).toBeLessThanOrEqual(150);
      expect(JSON.stringify(page.entries).length).toBeLessThan(1.3 * 20_000);
      seen.push(...page.entries.map((e) => e.seq));
      if (page.nextSinceSeq === null) break;
      expect(page.nextSinceSeq).toBe(page.entries.at(-1)!.seq);
      sinceSeq = page.nextSinceSeq;
    }
    expect(seen).toEqual(j.query().map((e) => e.seq));
    expect(pages).toBeGreaterThan(1200 / 150);
  });

  it('filters apply before paging; `limit` gives the newest matching entries within the bounds', () => {
    const j = filled(100);
    const page = j.page({ sessionId: 2, dir: 'in' }, { maxEntries: 5, maxBytes: 1e9 });
    expect(page.entries.every((e) => e.sessionId === 2 && e.dir === 'in')).toBe(true);
    expect(page.entries).toHaveLength(5);
    expect(page.nextSinceSeq).toBe(page.entries[4]!.seq);
    const tail = j.page({ limit: 3 }, { maxEntries: 1000, maxBytes: 1e9 });
    expect(tail).toEqual({ entries: j.query({ limit: 3 }), nextSinceSeq: null });
    expect(j.page({ limit: 50 }, { maxEntries: 4, maxBytes: 1e9 }).entries.map((e) => e.seq)).toEqual([97, 98, 99, 100]);
  });

  it('an entry larger than a page still comes, alone', () => {
    const j = new Journal(10, true);
    j.record(1, 1, 1, 'out', barsMessage(1, 400));
    j.record(2, 1, 1, 'out', barsMessage(2, 400));
    const first = j.page({}, { maxEntries: 10, maxBytes: 1000 });
    expect(first.entries.map((e) => e.seq)).toEqual([1]);
    expect(j.page({ sinceSeq: first.nextSinceSeq! }, { maxEntries: 10, maxBytes: 1000 }).entries.map((e) => e.seq)).toEqual([2]);
  });
});

describe('journal storage (ticks kept as numbers, everything else by reference)', () => {
  type Message = { type: string; [field: string]: unknown };
  const num = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: false }));
  const tick: fc.Arbitrary<Message> = fc.oneof(
    fc.record({
      type: fc.constant('TICK_PRICE'),
      reqId: fc.nat(),
      tickType: fc.nat(99),
      price: num,
      size: fc.option(num, { nil: undefined }),
      attrMask: fc.nat(7),
    }),
    fc.record({ type: fc.constant('TICK_SIZE'), reqId: fc.nat(), tickType: fc.nat(99), size: num }),
    fc.record({ type: fc.constant('TICK_GENERIC'), reqId: fc.nat(), tickType: fc.nat(99), value: num }),
    fc.record({ type: fc.constant('TICK_STRING'), reqId: fc.nat(), tickType: fc.nat(99), value: fc.string() }),
    // Ticks of another shape (a field missing, one more, a string where a number goes) stay objects.
    fc.record({ type: fc.constant('TICK_PRICE'), reqId: fc.nat(), tickType: fc.nat(99), price: num }),
    fc.record({ type: fc.constant('TICK_SIZE'), reqId: fc.nat(), tickType: fc.nat(99), size: num, extra: fc.string() }),
    fc.record({ type: fc.constant('TICK_GENERIC'), reqId: fc.string(), tickType: fc.nat(99), value: num }),
  );
  const other: fc.Arbitrary<Message> = fc.oneof(
    fc.record({ type: fc.constant('REQ_CURRENT_TIME') }),
    fc.record({ type: fc.constant('ERR_MSG'), id: fc.integer(), code: fc.nat(), message: fc.string() }),
  );
  const frame = fc.record({
    at: fc.nat(),
    sessionId: fc.nat(40),
    clientId: fc.option(fc.nat(40), { nil: null }),
    dir: fc.constantFrom('in' as const, 'out' as const),
    // fast-check's records have no prototype; the gateway's messages are plain objects.
    message: fc.oneof(tick, other).map((m) => ({ ...m })),
    withheld: fc.option(fc.constantFrom('stall (fault 1)', 'slow-consumer (fault 2)'), { nil: undefined }),
  });

  it('reads back every kept frame as recorded — seq, times, ids, message and withheld mark — through ring wrap, resize and filters', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 60 }), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 25 }), (frames, capacity, resized) => {
        const j = new Journal(capacity);
        const expected: Array<Record<string, unknown>> = [];
        for (const f of frames) {
          const seq = j.record(f.at, f.sessionId, f.clientId, f.dir, f.message);
          if (f.withheld) j.markWithheld(seq, f.withheld);
          expected.push({
            seq,
            at: f.at,
            sessionId: f.sessionId,
            clientId: f.clientId,
            dir: f.dir,
            message: f.message,
            ...(f.withheld ? { withheld: f.withheld } : {}),
          });
        }
        expect(j.query()).toStrictEqual(expected.slice(-capacity));
        // Bytes are counted as for any message (80 for seq, at, ids and dir, then each field), ticks kept as numbers too.
        const bytesOf = (m: Message) => Object.entries(m).reduce((n, [k, v]) => n + k.length + 4 + estimateJsonBytes(v, 1), 80);
        expect(j.bytes).toBe(expected.slice(-capacity).reduce((n, e) => n + bytesOf(e.message as Message), 0));
        for (const type of ['TICK_PRICE', 'TICK_STRING', 'ERR_MSG'])
          expect(j.query({ type, dir: 'out' })).toStrictEqual(expected.slice(-capacity).filter((e) => (e.message as Message).type === type && e.dir === 'out'));
        j.resize(resized);
        expect(j.query()).toStrictEqual(expected.slice(-Math.min(capacity, resized)));
      }),
      { numRuns: 300 },
    );
  });

  it('a withheld mark finds its frame across seqs the ring never held; one for a frame that has left the ring, or for seq 0 (not recorded), changes nothing', () => {
    const j = new Journal(2);
    const first = j.record(1, 1, 1, 'out', { type: 'TICK_SIZE', reqId: 1, tickType: 0, size: 5 });
    j.record(2, 1, 1, 'out', { type: 'TICK_SIZE', reqId: 1, tickType: 0, size: 6 });
    j.record(3, 1, 1, 'out', { type: 'TICK_SIZE', reqId: 1, tickType: 0, size: 7 });
    j.markWithheld(first, 'stall (fault 1)');
    j.markWithheld(0, 'stall (fault 1)');
    expect(j.query().map((e) => [e.seq, e.withheld])).toEqual([
      [2, undefined],
      [3, undefined],
    ]);
    // Frames recorded while the ring was off (for a subscriber) take seqs the ring never holds:
    // a mark must still find its own frame, not the one that many places further on.
    const gaps = new Journal(10);
    gaps.record(1, 1, 1, 'out', { type: 'REQ_CURRENT_TIME' });
    gaps.enabled = false;
    const unsubscribe = gaps.subscribe(() => {});
    gaps.record(2, 1, 1, 'out', { type: 'REQ_CURRENT_TIME' });
    gaps.record(3, 1, 1, 'out', { type: 'REQ_CURRENT_TIME' });
    unsubscribe();
    gaps.enabled = true;
    const kept = [gaps.record(4, 1, 1, 'out', { type: 'REQ_CURRENT_TIME' }), gaps.record(5, 1, 1, 'out', { type: 'REQ_CURRENT_TIME' })];
    gaps.markWithheld(kept[0]!, 'stall (fault 1)');
    gaps.markWithheld(2, 'stall (fault 9)'); // never in the ring
    expect(gaps.query().map((e) => [e.seq, e.withheld])).toEqual([
      [1, undefined],
      [4, 'stall (fault 1)'],
      [5, undefined],
    ]);
    const off = new Journal(2, false);
    expect(off.record(1, 1, 1, 'out', { type: 'TICK_SIZE', reqId: 1, tickType: 0, size: 5 })).toBe(0);
  });
});
