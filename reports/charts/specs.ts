/**
 * The other figures as vega-lite specs: latency ECDFs on a log axis, and throughput and error
 * rate against concurrency with 95% intervals.
 */
import { CONFIG, strategyColorScale, type ChartSpec } from './render.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export interface LatencySample {
  series: string;
  /** Model ms. */
  ms: number;
  /** Small-multiple panel (e.g. the workload); omit for one panel. */
  panel?: string;
}

/**
 * ECDF per series. A log axis cannot show 0: answers from the cache take 0 model ms and are drawn
 * at 1 ms (the caption says so).
 */
export function ecdfSpec(
  samples: readonly LatencySample[],
  o: { series: readonly string[]; colors?: readonly string[]; panels?: readonly string[]; title?: string; width?: number; height?: number; xTitle?: string },
): ChartSpec {
  const points = ecdfPoints(samples);
  const faceted = new Set(points.map((p) => p.panel)).size > 1;
  // Ticks and grid lines at whole decades only: a log axis otherwise draws a line per unit.
  const top = Math.max(10, ...points.map((p) => p.x));
  const decades = Array.from({ length: Math.ceil(Math.log10(top)) + 1 }, (_, i) => 10 ** i);
  return {
    $schema: SCHEMA,
    ...(o.title ? { title: o.title } : {}),
    config: CONFIG,
    data: { values: points },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    width: o.width ?? (faceted ? 330 : 560),
    height: o.height ?? 260,
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        scale: { type: 'log', domain: [1, decades.at(-1)!], nice: false },
        axis: { values: decades, format: '~s', grid: true },
        title: o.xTitle ?? 'qualify latency from enqueue (model ms, log scale)',
      },
      y: { field: 'p', type: 'quantitative', title: 'share of calls completed within x', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
      order: { field: 'i', type: 'quantitative' },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: o.colors ? { domain: [...o.series], range: [...o.colors] } : strategyColorScale(o.series),
        legend: { orient: 'bottom', labelLimit: 300 },
      },
      ...(faceted ? { facet: { field: 'panel', type: 'nominal', title: null, columns: 3, ...(o.panels ? { sort: [...o.panels] } : {}) } } : {}),
    },
  } as ChartSpec;
}

/**
 * The ECDF's corners per (series, panel): a rise from 0 at the smallest value, then one point
 * per distinct value at the share of samples at or below it. Computed here rather than with a
 * vega window so the curve starts at 0 and the data holds distinct values only.
 */
export function ecdfPoints(samples: readonly LatencySample[]): Array<{ series: string; panel: string; x: number; p: number; i: number }> {
  const groups = new Map<string, { series: string; panel: string; xs: number[] }>();
  for (const s of samples) {
    const key = `${s.series}\u0000${s.panel ?? ''}`;
    if (!groups.has(key)) groups.set(key, { series: s.series, panel: s.panel ?? '', xs: [] });
    groups.get(key)!.xs.push(Math.max(1, s.ms));
  }
  const out: Array<{ series: string; panel: string; x: number; p: number; i: number }> = [];
  for (const g of groups.values()) {
    const xs = g.xs.sort((a, b) => a - b);
    let i = 0;
    out.push({ series: g.series, panel: g.panel, x: xs[0]!, p: 0, i: i++ });
    xs.forEach((x, k) => {
      if (k + 1 === xs.length || xs[k + 1] !== x) out.push({ series: g.series, panel: g.panel, x, p: (k + 1) / xs.length, i: i++ });
    });
  }
  return out;
}

export interface ConcurrencyPoint {
  strategy: string;
  concurrency: number;
  throughput: number;
  throughputLo: number;
  throughputHi: number;
  errorRate: number;
  errorRateLo: number;
  errorRateHi: number;
}

export function concurrencySpec(points: readonly ConcurrencyPoint[], o: { series: readonly string[]; title?: string }): ChartSpec {
  const color = { field: 'strategy', type: 'nominal', title: null, scale: strategyColorScale(o.series), legend: { orient: 'bottom' } };
  const x = {
    field: 'concurrency',
    type: 'quantitative',
    title: 'concurrent callers (pages + tasks)',
    scale: { type: 'log', base: 2, nice: false },
    axis: { values: [...new Set(points.map((p) => p.concurrency))], format: 'd' },
  };
  // A symlog axis picks its own ticks badly (every unit near zero): give it round ones.
  const top = Math.max(1, ...points.map((p) => p.throughputHi));
  const ticks = [0, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((t) => t <= top * 1.1);
  const panel = (field: 'throughput' | 'errorRate', title: string, format: string, yScale: Record<string, unknown>, values?: number[]) => ({
    width: 330,
    height: 240,
    layer: [
      {
        mark: { type: 'line', point: { filled: true, size: 50 }, strokeWidth: 2 },
        encoding: { x, y: { field, type: 'quantitative', title, axis: { format, ...(values ? { values } : {}) }, scale: yScale }, color },
      },
      {
        mark: { type: 'rule', strokeWidth: 1.5 },
        encoding: { x, y: { field: `${field}Lo`, type: 'quantitative' }, y2: { field: `${field}Hi` }, color },
      },
    ],
  });
  return {
    $schema: SCHEMA,
    ...(o.title ? { title: o.title } : {}),
    config: CONFIG,
    data: {
      values: points.map((p) => ({
        ...p,
        throughputLo: Math.max(0, p.throughputLo),
        errorRateLo: Math.max(0, p.errorRateLo),
        errorRateHi: Math.min(1, p.errorRateHi),
      })),
    },
    hconcat: [
      panel('throughput', 'answered operations per model second', '~g', { type: 'symlog', zero: true }, ticks),
      panel('errorRate', 'share of operations not answered', '.0%', { domain: [0, 1] }),
    ],
    resolve: { scale: { y: 'independent' } },
  } as ChartSpec;
}
