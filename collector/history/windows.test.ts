import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coversWindow, intersectWindows, mergeWindows, subtractWindows, type Window } from './windows.ts';

const w = (start: number, end: number): Window => ({ start, end });

describe('window sets', () => {
  it('merges overlapping and touching windows and drops empty ones', () => {
    expect(mergeWindows([w(5, 7), w(0, 2), w(2, 3), w(6, 9), w(4, 4)])).toEqual([w(0, 3), w(5, 9)]);
  });

  it('subtracts: what a request still needs', () => {
    expect(subtractWindows([w(0, 10)], [w(2, 3), w(5, 12)])).toEqual([w(0, 2), w(3, 5)]);
    expect(subtractWindows([w(0, 10)], [])).toEqual([w(0, 10)]);
    expect(subtractWindows([w(0, 10)], [w(-5, 20)])).toEqual([]);
    expect(intersectWindows([w(0, 10)], [w(2, 3), w(8, 12)])).toEqual([w(2, 3), w(8, 10)]);
    expect(coversWindow([w(0, 4), w(4, 10)], w(1, 9))).toBe(true);
    expect(coversWindow([w(0, 4), w(5, 10)], w(1, 9))).toBe(false);
  });

  it('agree with a point-by-point model', () => {
    const windows = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 10 })).map(([s, len]) => w(s, s + len)),
      { maxLength: 6 },
    );
    const points = (ws: readonly Window[]) => new Set(Array.from({ length: 60 }, (_, t) => t).filter((t) => ws.some((x) => t >= x.start && t < x.end)));
    fc.assert(
      fc.property(windows, windows, (a, b) => {
        const pa = points(a);
        const pb = points(b);
        expect(points(subtractWindows(a, b))).toEqual(new Set([...pa].filter((t) => !pb.has(t))));
        expect(points(intersectWindows(a, b))).toEqual(new Set([...pa].filter((t) => pb.has(t))));
        const merged = mergeWindows(a);
        expect(points(merged)).toEqual(pa);
        for (let i = 1; i < merged.length; i++) expect(merged[i]!.start).toBeGreaterThan(merged[i - 1]!.end);
      }),
      { numRuns: 300 },
    );
  });
});
