/**
 * The timeline (Gantt) of one or more runs, built from the op history: one row per client
 * connection, every operation a bar on the row of the connection it used, and markers where a
 * connect was refused (326), a caller gave up (timeout) or a connection died. Operations that
 * ran at once on one connection get lanes within its row, so a queue shows as a staircase.
 */
import type { RequestEvent } from '../bench/metrics.ts';
import { CONFIG, type ChartSpec } from './render.ts';

export interface TimelinePanel {
  title: string;
  subtitle?: string;
  events: readonly RequestEvent[];
  /** Model ms the run lasted; open operations are drawn up to here. */
  endMs: number;
}

/** One Gantt bar: a row, a span in model ms, a kind (its colour) and an optional marker at its end. */
export interface GanttBar {
  row: string;
  start: number;
  end: number;
  kind: string;
  mark?: string;
  /** Shown as the bar's tooltip. */
  label?: string;
}

export interface GanttPanel {
  title: string;
  subtitle?: string;
  bars: readonly GanttBar[];
  /** Model ms the panel spans. */
  endMs: number;
}

/** The bar kinds and markers a Gantt chart knows, in legend order, with their colours and shapes. */
export interface GanttLegend {
  barKinds: readonly string[];
  barColors: readonly string[];
  markKinds: readonly string[];
  markShapes: readonly string[];
  markColors: readonly string[];
  /** Legend title of the bar colours (default "operation"). */
  barTitle?: string;
  /** Rows ordered by first activity instead of by name. */
  rowsInOrder?: boolean;
}

export const BAR_KINDS = ['qualify', 'qualify (abandoned attempt)', 'history', 'connect', 'backoff', 'failed', 'unfinished'] as const;
const BAR_COLORS = ['#0969da', '#fb8f44', '#8250df', '#8c959f', '#d4a72c', '#cf222e', '#d0d7de'];
export const MARK_KINDS = ['326 refused', 'timeout', 'connection lost', 'IB error 100/162'] as const;
const MARK_SHAPES = ['triangle-down', 'cross', 'diamond', 'square'];
const MARK_COLORS = ['#cf222e', '#1f2328', '#953800', '#cf222e'];

/** The legend of the op-history timeline (bench and repro reports). */
const OPERATIONS: GanttLegend = { barKinds: BAR_KINDS, barColors: BAR_COLORS, markKinds: MARK_KINDS, markShapes: MARK_SHAPES, markColors: MARK_COLORS };

interface Bar extends GanttBar {
  kind: (typeof BAR_KINDS)[number];
  mark?: (typeof MARK_KINDS)[number];
}

const DRAWN = new Set(['qualify', 'qualify-attempt', 'history', 'connect', 'reconnect', 'backoff']);

/** Bars and markers for one run. */
export function timelineBars(events: readonly RequestEvent[], endMs: number): Bar[] {
  const rows = rowLabeller(events);
  const attempts = events.filter((e) => e.op === 'qualify-attempt');
  const bars: Bar[] = [];
  for (const e of events) {
    if (!DRAWN.has(e.op)) {
      if (e.op === 'connection-lost') bars.push({ row: rows(e), start: e.start, end: e.start, kind: 'failed', mark: 'connection lost' });
      continue;
    }
    // A wrapped qualification is drawn as its attempts, so each abandoned one shows.
    if (e.op === 'qualify' && attempts.some((a) => a.actor === e.actor && a.symbol === e.symbol && a.start >= e.start && a.start <= (e.end ?? endMs))) continue;
    const end = e.end ?? endMs;
    const timedOut = e.outcome === 'info' && e.code === 'REQUEST_TIMEOUT';
    const kind: Bar['kind'] =
      e.outcome === 'open'
        ? 'unfinished'
        : timedOut
          ? e.op === 'qualify-attempt'
            ? 'qualify (abandoned attempt)'
            : 'failed'
          : e.outcome === 'fail'
            ? 'failed'
            : e.op === 'reconnect'
              ? 'connect'
              : e.op === 'qualify-attempt'
                ? 'qualify'
                : (e.op as Bar['kind']);
    const mark: Bar['mark'] = e.ibCode === 326 ? '326 refused' : timedOut ? 'timeout' : e.ibCode === 100 || e.ibCode === 162 ? 'IB error 100/162' : undefined;
    bars.push({ row: rows(e), start: e.start, end, kind, ...(mark ? { mark } : {}) });
  }
  return bars;
}

/**
 * The connection an operation used: its client id when recorded; otherwise the latest connection
 * of the same caller, else of the same process (a shared session records no id per call).
 */
function rowLabeller(events: readonly RequestEvent[]): (e: RequestEvent) => string {
  const conns = events.filter((e) => (e.op === 'connect' || e.op === 'reconnect') && e.clientId !== undefined);
  const label = (c: RequestEvent) => `${c.actor} #${c.clientId}`;
  const byId = new Map<string, string>();
  for (const c of conns) if (c.outcome === 'ok' || !byId.has(`${c.process}|${c.clientId}`)) byId.set(`${c.process}|${c.clientId}`, label(c));
  return (e) => {
    if (e.op === 'connect' || e.op === 'reconnect') return e.clientId !== undefined ? label(e) : `${e.actor} (no id)`;
    if (e.clientId !== undefined) return byId.get(`${e.process}|${e.clientId}`) ?? `${e.process} #${e.clientId}`;
    const before = (c: RequestEvent) => c.outcome === 'ok' && c.end !== null && c.end <= (e.end ?? Infinity);
    const mine = conns.filter((c) => before(c) && c.actor === e.actor).at(-1) ?? conns.filter((c) => before(c) && c.process === e.process).at(-1);
    return mine ? label(mine) : `${e.process} (no connection)`;
  };
}

/**
 * Lanes within each row; rows ordered by name (numbers in names compared as numbers), or by first
 * activity with `inOrder`. Returns rows with y positions in row units.
 */
export function layout<B extends GanttBar>(bars: readonly B[], inOrder = false): { rows: string[]; placed: Array<B & { y: number; y2: number }> } {
  const byRow = new Map<string, B[]>();
  for (const b of [...bars].sort((a, b) => a.start - b.start || a.end - b.end)) {
    if (!byRow.has(b.row)) byRow.set(b.row, []);
    byRow.get(b.row)!.push(b);
  }
  const rows = inOrder ? [...byRow.keys()] : [...byRow.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const placed: Array<B & { y: number; y2: number }> = [];
  rows.forEach((row, r) => {
    const laneEnds: number[] = [];
    const lanes = byRow.get(row)!.map((b) => {
      let lane = laneEnds.findIndex((end) => end <= b.start);
      if (lane < 0) lane = laneEnds.push(b.end) - 1;
      else laneEnds[lane] = b.end;
      return lane;
    });
    const n = laneEnds.length;
    byRow.get(row)!.forEach((b, i) => {
      const h = 0.8 / n;
      const y = r + 0.1 + lanes[i]! * h;
      placed.push({ ...b, y, y2: y + h * 0.85 });
    });
  });
  return { rows, placed };
}

const ROW_PX = 24;

/**
 * One panel per run, stacked. By default each panel's time axis spans its own run, so a 3 s run
 * shows its detail beside a 130 s one (subtitles should give the length); `sharedX` puts every
 * run on one scale instead, where the lengths compare at a glance.
 */
export function timelineSpec(panels: readonly TimelinePanel[], o: { title?: string; width?: number; sharedX?: boolean } = {}): ChartSpec {
  return ganttSpec(
    panels.map((p) => ({ title: p.title, ...(p.subtitle ? { subtitle: p.subtitle } : {}), bars: timelineBars(p.events, p.endMs), endMs: p.endMs })),
    OPERATIONS,
    o,
  );
}

/** A Gantt chart of bars given directly (one panel per entry), coloured and marked by `legend`. */
export function ganttSpec(panels: readonly GanttPanel[], legend: GanttLegend, o: { title?: string; width?: number; sharedX?: boolean } = {}): ChartSpec {
  const allMax = Math.max(1, ...panels.map((p) => p.endMs)) / 1000;
  const views = panels.map((p) => {
    const xMax = o.sharedX ? allMax : Math.max(0.001, p.endMs / 1000);
    const { rows, placed } = layout(p.bars, legend.rowsInOrder);
    const values = placed.map((b) => ({
      ...b,
      start: b.start / 1000,
      end: Math.max(b.end, b.start) / 1000,
      ym: (b.y + b.y2) / 2,
      markColor: b.mark ? legend.markColors[legend.markKinds.indexOf(b.mark)] : null,
    }));
    const labels = JSON.stringify(rows);
    const y = {
      field: 'y',
      type: 'quantitative' as const,
      scale: { domain: [0, Math.max(1, rows.length)], reverse: true, nice: false, zero: false },
      axis: {
        title: null,
        values: rows.map((_, i) => i + 0.5),
        labelExpr: `${labels}[floor(datum.value)]`,
        grid: false,
        ticks: false,
        domain: false,
        labelLimit: 220,
      },
    };
    return {
      title: { text: p.title, ...(p.subtitle ? { subtitle: p.subtitle } : {}) },
      width: o.width ?? 720,
      height: Math.max(1, rows.length) * ROW_PX,
      data: { values },
      layer: [
        {
          mark: { type: 'rect' as const },
          encoding: {
            x: { field: 'start', type: 'quantitative' as const, scale: { domain: [0, xMax], nice: false }, title: 'model time (s)' },
            x2: { field: 'end' },
            y,
            y2: { field: 'y2' },
            color: {
              field: 'kind',
              type: 'nominal' as const,
              title: legend.barTitle ?? 'operation',
              scale: { domain: [...legend.barKinds], range: [...legend.barColors] },
              legend: { labelLimit: 260 },
            },
            ...(p.bars.some((b) => b.label !== undefined) ? { tooltip: { field: 'label', type: 'nominal' as const } } : {}),
          },
        },
        {
          transform: [{ filter: 'datum.mark != null' }],
          mark: { type: 'point' as const, filled: true, size: 45, opacity: 1, strokeWidth: 0.8 },
          encoding: {
            x: { field: 'end', type: 'quantitative' as const },
            y: { ...y, field: 'ym' },
            shape: {
              field: 'mark',
              type: 'nominal' as const,
              title: 'marker',
              scale: { domain: [...legend.markKinds], range: [...legend.markShapes] },
              legend: { symbolFillColor: '#57606a', symbolStrokeColor: '#57606a' },
            },
            // Colours straight from the data (no scale), so the shape legend stays the only one.
            fill: { field: 'markColor', type: 'nominal' as const, scale: null },
            stroke: { value: '#ffffff' },
          },
        },
      ],
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(o.title ? { title: o.title } : {}),
    config: CONFIG,
    vconcat: views,
    spacing: 28,
    resolve: {
      scale: { x: o.sharedX ? 'shared' : 'independent', y: 'independent', color: 'shared', shape: 'shared' },
      axis: { x: 'independent', y: 'independent' },
    },
  } as ChartSpec;
}
