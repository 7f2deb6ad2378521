/**
 * Charts as data: every figure is a vega-lite spec (plain JSON, kept beside the SVG so it can be
 * re-rendered or opened in the vega editor) rendered to SVG in Node, without a browser or canvas.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type ChartSpec = TopLevelSpec;

let counter = 0;

/**
 * Render a spec to an SVG string. Element ids (clip paths, gradients) are made unique per chart,
 * because several SVGs inlined in one page share one id namespace and vega numbers them from 1.
 */
export async function renderSvg(spec: ChartSpec, idPrefix = `c${++counter}`): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return uniqueIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}

export function uniqueIds(svg: string, prefix: string): string {
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  if (ids.size === 0) return svg;
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (all, lead: string, id: string) => (ids.has(id) ? `${lead}${prefix}-${id}` : all));
}

/** Fixed colours per strategy, so every chart of a report agrees. */
export const STRATEGY_COLORS: Record<string, string> = {
  pooled: '#1a7f37',
  singleton: '#0969da',
  'task-random-id': '#8250df',
  'per-page': '#bf8700',
  'timeout-wrapper': '#cf222e',
};

export function strategyColorScale(strategies: readonly string[]): { domain: string[]; range: string[] } {
  const palette = ['#57606a', '#0550ae', '#953800', '#116329'];
  return { domain: [...strategies], range: strategies.map((s, i) => STRATEGY_COLORS[s] ?? palette[i % palette.length]!) };
}

export const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

/** Shared look: readable fonts, no chart border. */
export const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eaeef2' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12, labelFontWeight: 'bold' as const },
  title: { fontSize: 14, anchor: 'start' as const },
};
