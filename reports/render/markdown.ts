/**
 * Markdown for a set of runs: tables that fit a PR comment. Charts live in the HTML report.
 */
import type { RunRecord } from '../../scenarios/view.ts';
import { RUN_FIGURE_HEAD, runFigureCells, summarize } from '../../scenarios/summary.ts';
import { replayCommand } from '../../scenarios/runner.ts';

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function runsTableMarkdown(runs: readonly RunRecord[], symbols?: readonly string[]): string {
  const head = ['Scenario', 'Strategies', ...RUN_FIGURE_HEAD];
  const rows = runs.map((r) => {
    const s = summarize(r, symbols);
    return [`\`${s.scenario}\``, esc(s.strategies), ...runFigureCells(s)];
  });
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function expectationsMarkdown(runs: readonly RunRecord[]): string {
  const out: string[] = [];
  for (const r of runs) {
    out.push(`### \`${r.scenario}\` — ${r.title}`, '');
    for (const e of r.expectations) out.push(`- ${e.ok ? '✅' : '❌'} ${e.claim}${e.ok ? '' : ` — saw: ${e.detail}`}`);
    if (r.expectations.some((e) => !e.ok)) out.push('', `Replay: \`${replayCommand(r)}\``);
    out.push('');
  }
  return out.join('\n');
}
