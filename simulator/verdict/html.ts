/**
 * `verdict.html`: the verdict with a timeline of the connections, drawn with the reports' own
 * renderers (vega-lite to inline SVG, reports/charts; the shared page shell, reports/render). One
 * self-contained file: no scripts, styles or images from elsewhere.
 */
import { renderSvg } from '../../reports/charts/render.ts';
import { ganttSpec, type GanttBar } from '../../reports/charts/timeline.ts';
import { escapeHtml, figureHtml, page, tableHtml } from '../../reports/render/html-page.ts';
import { CHECK_IDS, type Verdict } from './schema.ts';
import { culpritTable, evidenceTable, outcomeLine, summaryRows, type Table } from './tables.ts';
import { VERDICT_BAR_COLORS, VERDICT_BAR_KINDS, VERDICT_MARK_COLORS, VERDICT_MARK_KINDS, VERDICT_MARK_SHAPES, type TimelineData } from './timeline.ts';

const LEGEND = {
  barKinds: VERDICT_BAR_KINDS,
  barColors: VERDICT_BAR_COLORS,
  markKinds: VERDICT_MARK_KINDS,
  markShapes: VERDICT_MARK_SHAPES,
  markColors: VERDICT_MARK_COLORS,
  barTitle: 'what',
  rowsInOrder: true,
};

const plainTable = (tb: Table) =>
  tableHtml(
    tb.head,
    tb.rows.map((r) => r.map(escapeHtml)),
    tb.head.length,
  );

/** The timeline's Gantt bars: rows in connection order, times in model ms from the first entry. */
export function timelineBars(t: TimelineData & { t0: number; end: number }): GanttBar[] {
  const label = new Map(t.rows.map((c) => [c, `session ${c.sessionId} · client ${c.clientId ?? '—'} · ${c.remote}`]));
  return t.bars.map((b) => ({
    row: label.get(b.conn) ?? `session ${b.conn.sessionId}`,
    start: b.start - t.t0,
    end: (b.end ?? t.end) - t.t0,
    kind: b.kind,
    ...(b.mark ? { mark: b.mark } : {}),
    label: b.label,
  }));
}

export async function verdictHtml(v: Verdict, timeline: TimelineData & { t0: number; end: number }): Promise<string> {
  const body: string[] = [];
  const outcome = v.failOn.length === 0 ? (v.found.length === 0 ? 'ok' : 'bad') : v.pass ? 'ok' : 'bad';
  body.push(`<ul><li class="${outcome}"><strong>${escapeHtml(outcomeLine(v))}</strong></li></ul>`);
  body.push(
    `<p>Model time ${escapeHtml(v.window.from ?? '—')} → ${escapeHtml(v.window.to)}${v.final ? '' : ' (so far)'}. ${v.summary.apiSessions} API session(s), ${v.summary.clientIds} client id(s), ${v.summary.framesIn} frame(s) in, ${v.summary.framesOut} out. Remote process: ${escapeHtml(v.remoteProcess.note)}.</p>`,
  );
  body.push(
    tableHtml(
      ['', 'check', 'result', 'on failure', 'finding'],
      summaryRows(v).map((r) => [
        r.mark,
        `<code>${escapeHtml(r.id)}</code> ${escapeHtml(r.title)}`,
        escapeHtml(r.result),
        escapeHtml(r.gating),
        escapeHtml(r.headline),
      ]),
      5,
    ),
  );
  const bars = timelineBars(timeline);
  if (bars.length > 0) {
    const endMs = Math.max(1, timeline.end - timeline.t0);
    const spec = ganttSpec([{ title: 'Connections and requests', subtitle: `${(endMs / 1000).toFixed(1)} s of model time`, bars, endMs }], LEGEND, {
      width: 900,
    });
    const left: string[] = [];
    if (timeline.omittedConnections > 0) left.push(`${timeline.omittedConnections} later connection(s) are not drawn`);
    if (timeline.omittedBars > 0) left.push(`${timeline.omittedBars} later bar(s) are not drawn`);
    body.push(
      figureHtml(
        'Timeline',
        await renderSvg(spec, 'verdict'),
        `Each row is a connection (session id, client id, remote address); the grey bar is its lifetime, each other bar a request from its arrival to its answer: blue answered, orange served after its client had given up on it (re-sent, cancelled or disconnected), red an error, grey-blue unanswered. Markers: 326 refusals, pacing 162, rate 100, connections the gateway closed.${left.length > 0 ? ` To stay small, ${left.join(' and ')}.` : ''}`,
      ),
    );
  }
  for (const id of CHECK_IDS) {
    const c = v.checks[id];
    if (c.status !== 'found' && c.evidence.length === 0) continue;
    body.push(`<h2>${c.status === 'found' ? (c.gating ? '❌' : '⚠️') : '✅'} <code>${escapeHtml(id)}</code> ${escapeHtml(c.title)}</h2>`);
    body.push(`<p>${escapeHtml(c.headline)}</p>`);
    if (c.evidence.length > 0) body.push(plainTable(evidenceTable(v, id)));
    if (c.omitted > 0) body.push(`<p>… and ${c.omitted} more not listed.</p>`);
    if (id === 'secdef-wait' && v.checks['secdef-wait'].culprits.length > 0) {
      body.push('<h3>Whose requests the others waited behind</h3>', plainTable(culpritTable(v.checks['secdef-wait'])));
    }
  }
  body.push(`<details><summary>Thresholds</summary><pre>${escapeHtml(JSON.stringify(v.config, null, 2))}</pre></details>`);
  return page(`ibkr-harness verdict — ${v.pass ? 'passed' : 'failed'}`, body.join('\n'));
}
