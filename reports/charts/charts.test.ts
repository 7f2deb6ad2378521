/** The chart helpers and the statistics under the tables. */
import { describe, expect, it } from 'vitest';
import type { RequestEvent } from '../bench/metrics.ts';
import { interval, percentile, t975 } from '../bench/stats.ts';
import { renderSvg, uniqueIds } from './render.ts';
import { ecdfPoints, ecdfSpec } from './specs.ts';
import { layout, timelineBars } from './timeline.ts';

describe('statistics', () => {
  it('nearest-rank percentiles', () => {
    expect(percentile([300, 100, 200], 50)).toBe(200);
    expect(percentile([100, 200, 300, 400], 50)).toBe(200);
    expect(percentile([100, 200, 300, 400], 99)).toBe(400);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('95% t-intervals over seeds', () => {
    const i = interval([10, 12, 14]);
    expect(i.mean).toBe(12);
    expect(i.sd).toBe(2);
    expect(i.hi - i.mean).toBeCloseTo((4.303 * 2) / Math.sqrt(3), 9);
    expect(interval([5])).toEqual({ mean: 5, lo: 5, hi: 5, n: 1, sd: 0 });
    expect(interval([3, Number.NaN, 3]).n).toBe(2);
    expect(t975(4)).toBe(2.776);
    expect(t975(11)).toBe(2.228);
    expect(t975(500)).toBe(1.96);
  });
});

describe('charts', () => {
  it('ECDF corners: a rise from 0, one step per distinct value, 0 ms drawn at 1 ms', () => {
    const pts = ecdfPoints([
      { series: 'a', ms: 0 },
      { series: 'a', ms: 20 },
      { series: 'a', ms: 20 },
      { series: 'a', ms: 40 },
    ]);
    expect(pts.map(({ x, p }) => [x, p])).toEqual([
      [1, 0],
      [1, 0.25],
      [20, 0.75],
      [40, 1],
    ]);
  });

  it('renders a spec to SVG, with ids unique to the chart', async () => {
    const svg = await renderSvg(
      ecdfSpec(
        [
          { series: 'pooled', ms: 5 },
          { series: 'per-page', ms: 500 },
        ],
        { series: ['pooled', 'per-page'] },
      ),
      'ecdf',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('pooled');
    expect(uniqueIds('<svg><clipPath id="clip1"/><g clip-path="url(#clip1)"/><use href="#clip1"/><a id="x"/></svg>', 'p')).toBe(
      '<svg><clipPath id="p-clip1"/><g clip-path="url(#p-clip1)"/><use href="#p-clip1"/><a id="p-x"/></svg>',
    );
  });

  it('timeline: operations on the connection they used, concurrent ones in lanes, markers for 326 and timeouts', () => {
    const ev = (e: Partial<RequestEvent> & Pick<RequestEvent, 'op' | 'actor' | 'start'>): RequestEvent => ({
      process: e.actor.split('/')[0]!,
      end: e.start + 10,
      outcome: 'ok',
      ...e,
    });
    const events = [
      ev({ op: 'connect', actor: 'ui/session', clientId: 1, start: 0 }),
      ev({ op: 'qualify', actor: 'ui/page-1', symbol: 'TTE', start: 10, end: 110 }),
      ev({ op: 'qualify', actor: 'ui/page-1', symbol: 'WLN', start: 10, end: 210 }),
      ev({ op: 'qualify', actor: 'ui/page-2', symbol: 'AAPL', start: 120, end: 220 }),
      ev({ op: 'connect', actor: 'worker/session', clientId: 1, start: 50, end: 60, outcome: 'fail', code: 'CLIENT_ID_IN_USE', ibCode: 326 }),
      ev({ op: 'qualify', actor: 'worker/task-1', symbol: 'TTE', start: 0, end: 3_000, outcome: 'info', code: 'REQUEST_TIMEOUT' }),
      ev({ op: 'qualify-attempt', actor: 'worker/task-1', symbol: 'TTE', start: 0, end: 3_000, outcome: 'info', code: 'REQUEST_TIMEOUT', clientId: 9 }),
    ];
    const bars = timelineBars(events, 3_000);
    // The wrapped qualify is drawn as its attempt; the shared session's calls go to its row.
    expect(bars.map((b) => [b.row, b.kind, b.mark ?? ''])).toEqual([
      ['ui/session #1', 'connect', ''],
      ['ui/session #1', 'qualify', ''],
      ['ui/session #1', 'qualify', ''],
      ['ui/session #1', 'qualify', ''],
      ['worker/session #1', 'failed', '326 refused'],
      ['worker #9', 'qualify (abandoned attempt)', 'timeout'],
    ]);
    const { rows, placed } = layout(bars);
    expect(rows).toEqual(['ui/session #1', 'worker #9', 'worker/session #1']);
    // Two qualifications overlap: two lanes (plus the connect, which ended before them, shares lane 0).
    const ui = placed.filter((b) => b.row === 'ui/session #1');
    expect(new Set(ui.map((b) => b.y)).size).toBe(2);
    expect(ui.every((b) => b.y >= 0 && b.y2 <= 1)).toBe(true);
  });
});
