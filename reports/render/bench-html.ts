/**
 * report.html of a bench run: self-contained (styles inline, figures as inline SVG rendered in
 * Node, no scripts), so it opens from a CI artifact or a mail attachment as it is.
 */
import type { Comparison } from '../bench/compare.ts';
import type { BenchResults, StrategySummary } from '../bench/schema.ts';
import { benchFigures, renderFigures } from './bench-figures.ts';
import { environmentLine, httpLoadTable, verdictLine, workloadTitle } from './bench-markdown.ts';
import { countCI, NOISE_FIGURES, noiseText, rateCI, secondsCI, shareCI, signedPct } from './format.ts';
import { escapeHtml, figureHtml, page, tableHtml } from './html-page.ts';

const HEAD = [
  '#',
  'Strategy',
  'Answered',
  'p50',
  'p90',
  'p99',
  'Max',
  'Makespan',
  'Ops/s',
  'Conns',
  'Reconn.',
  'First ready',
  '326',
  '100',
  '162',
  '200',
  'Timeouts',
  'Wall/run',
];

function row(s: StrategySummary): string[] {
  const f = s.figures;
  return [
    String(s.rank),
    `<code>${escapeHtml(s.strategy)}</code>`,
    shareCI(f.answeredShare),
    secondsCI(f.p50),
    secondsCI(f.p90),
    secondsCI(f.p99),
    secondsCI(f.max),
    secondsCI(f.makespanMs, 1),
    rateCI(f.throughputPerSec),
    countCI(f.connections),
    countCI(f.reconnects),
    secondsCI(f.firstReadyMs),
    countCI(f.e326),
    countCI(f.e100),
    countCI(f.e162),
    countCI(f.e200),
    countCI(f.timeouts),
    secondsCI(f.wallMs),
  ];
}

/** Markdown's bold and line breaks, for the verdict text shared with report.md. */
const inlineMd = (s: string) =>
  escapeHtml(s)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/^- (.*)$/gm, '<li>$1</li>')
    .replace(/\n\n/g, '<br>');

export async function renderBenchHtml(r: BenchResults, cmp?: Comparison): Promise<string> {
  const figures = await renderFigures(benchFigures(r));
  const tables = r.workloads
    .map(
      (w) =>
        `<h3>${inlineCode(workloadTitle(w))}</h3>\n${tableHtml(HEAD, r.summary.filter((s) => s.workload === w.name).map(row), 2)}${noiseHtml(r, w.name)}${cmp ? deltaHtml(cmp, w.name) : ''}`,
    )
    .join('\n');
  const http = r.http?.length
    ? `<h2>HTTP load on <code>serve</code></h2><p>autocannon, wall clock; its percentiles are whole milliseconds, so the mean is shown too. Collector figures are model time from enqueue.</p>${httpTableHtml(r)}`
    : '';
  return page(
    'Connection strategies, side by side',
    `<p>${escapeHtml(environmentLine(r))}</p>
<p>Durations are model time — what a caller would wait on a real gateway. Latency is a <code>qualify</code> call from enqueue in the collector to its answer; ± is the half-width of the 95% t-interval over ${r.environment.seeds.length} seed(s). Strategies are ranked by the share of operations answered, then makespan, then p99.</p>
${cmp ? `<p>${inlineMd(verdictLine(cmp))}</p>` : ''}
<h2>Figures</h2>
${figures.map((f) => figureHtml(f.title, f.svg, f.caption)).join('\n')}
<h2>Results by workload</h2>
${tables}
${http}
${cmp?.notes.length ? `<ul>${cmp.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}`,
  );
}

const inlineCode = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

/** Over TCP: each figure's run-to-run noise between the repeats of a seed (as in report.md). */
function noiseHtml(r: BenchResults, workload: string): string {
  const rows = r.summary.filter((s) => s.workload === workload && s.noise);
  if (!rows.length) return '';
  return `<p>Run-to-run noise: standard deviation between the ${r.environment.repeats} runs of each seed (same seed, same code; host load read as model time), pooled over the seeds.</p>${tableHtml(
    ['Strategy', ...NOISE_FIGURES.map(([, label]) => label)],
    rows.map((s) => [`<code>${escapeHtml(s.strategy)}</code>`, ...NOISE_FIGURES.map(([f]) => noiseText(s, f))]),
    1,
  )}`;
}

function deltaHtml(cmp: Comparison, workload: string): string {
  const mine = cmp.deltas.filter((d) => d.workload === workload);
  if (!mine.length) return '';
  const rows = mine
    .filter((d) => d.regression || (d.rel !== null && Math.abs(d.rel) >= 0.001) || d.base !== d.current)
    .map((d) => [
      d.strategy,
      d.figure,
      d.base.toFixed(2),
      d.current.toFixed(2),
      signedPct(d.rel),
      d.regression ? `<strong>regression</strong>: ${escapeHtml(d.why ?? '')}` : d.gated ? 'ok' : 'not gated (varies between runs)',
    ]);
  return rows.length
    ? `<details><summary>Changes against the baseline (${rows.length})</summary>${tableHtml(['Strategy', 'Figure', 'Baseline', 'Current', 'Change', 'Verdict'], rows, 2)}</details>`
    : '<p>No change against the baseline.</p>';
}

function httpTableHtml(r: BenchResults): string {
  const { head, rows } = httpLoadTable(r);
  return tableHtml(head, rows, 1);
}
