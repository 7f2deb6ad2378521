/**
 * Markdown for a set of runs: tables that fit a PR comment. Charts live in the HTML report.
 */
import type { RunRecord } from '../../scenarios/view.ts';
import { fmtQualified, fmtSeconds, fmtWorkload, summarize } from '../../scenarios/summary.ts';
import { replayCommand } from '../../scenarios/runner.ts';

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function runsTableMarkdown(runs: readonly RunRecord[], symbols?: readonly string[]): string {
  const head = [
    'Scenario',
    'Strategies',
    'Connections',
    '326',
    'Timeouts',
    'Workload',
    'Qualified',
    'Qualify wait: median, all calls',
    'Qualify wait: max',
    'Longest gateway wait',
    'Run (model)',
    'Wall',
  ];
  const rows = runs.map((r) => {
    const s = summarize(r, symbols);
    return [
      `\`${s.scenario}\``,
      esc(s.strategies),
      String(s.connections),
      String(s.clientIdErrors),
      String(s.timeouts),
      fmtWorkload(s),
      fmtQualified(s),
      fmtSeconds(s.qualifyWaitMedianMs, 2),
      fmtSeconds(s.qualifyWaitMaxMs, 2),
      fmtSeconds(s.gatewayWaitMaxMs),
      fmtSeconds(s.makespanMs),
      fmtSeconds(s.wallMs, 2),
    ];
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
