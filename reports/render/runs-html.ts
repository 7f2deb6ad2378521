/**
 * A self-contained HTML page for a set of scenario runs: the comparison table and every
 * expectation with its verdict. No scripts, no external assets: it opens anywhere.
 */
import { escapeHtml, page } from './html-page.ts';
import { RUN_FIGURE_HEAD, runFigureCells, summarize } from '../../scenarios/summary.ts';
import { replayCommand } from '../../scenarios/runner.ts';
import type { RunRecord } from '../../scenarios/view.ts';

export function renderRunsHtml(title: string, runs: readonly RunRecord[], symbols?: readonly string[], extra = ''): string {
  const rows = runs
    .map((r) => {
      const s = summarize(r, symbols);
      const cells = [`<code>${escapeHtml(s.scenario)}</code>`, escapeHtml(s.strategies), ...runFigureCells(s).map(escapeHtml)];
      return `<tr>${cells.map((c, i) => `<td${i > 1 ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`;
    })
    .join('\n');
  const verdicts = runs
    .map((r) => {
      const items = r.expectations
        .map((e) => `<li class="${e.ok ? 'ok' : 'bad'}">${e.ok ? '✔' : '✘'} ${escapeHtml(e.claim)}${e.ok ? '' : ` — saw: ${escapeHtml(e.detail ?? '')}`}</li>`)
        .join('');
      const replay = r.expectations.some((e) => !e.ok) ? `<p>Replay: <code>${escapeHtml(replayCommand(r))}</code></p>` : '';
      return `<section><h3><code>${escapeHtml(r.scenario)}</code> — ${escapeHtml(r.title)}</h3><ul>${items}</ul>${replay}</section>`;
    })
    .join('\n');
  const head = ['Scenario', 'Strategies', ...RUN_FIGURE_HEAD];
  return page(
    title,
    `<p>Durations are model time — what a client would wait against a real gateway — unless marked wall.</p>
<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>
${extra}
<h2>Expectations</h2>
${verdicts}`,
  );
}
