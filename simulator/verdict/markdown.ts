/**
 * `verdict.md`: the verdict as a PR comment — the outcome, one row per check, and for each check
 * that found something its first few pieces of evidence. Bounded whatever the run: at most
 * `MD_ROWS` rows per table (GitHub refuses comments over 65,536 characters); verdict.json and
 * verdict.html list up to the config's `maxEvidence`.
 */
import { mdHead, mdRow } from '../../reports/render/format.ts';
import { CHECK_IDS, type Verdict } from './schema.ts';
import { culpritTable, evidenceTable, outcomeLine, summaryRows, type Table } from './tables.ts';

/** Evidence rows shown per check in Markdown. */
export const MD_ROWS = 8;
/** Longest cell text in Markdown (contract descriptions and messages can be long). */
const MD_CELL = 160;

const cell = (s: string) => (s.length > MD_CELL ? `${s.slice(0, MD_CELL - 1)}…` : s).replace(/\r?\n/g, ' ');

function table(tb: Table, more: number): string {
  const lines = [mdHead(tb.head, tb.head.length), ...tb.rows.slice(0, MD_ROWS).map((r) => mdRow(r.map(cell)))];
  const left = tb.rows.length - Math.min(tb.rows.length, MD_ROWS) + more;
  if (left > 0) lines.push('', `… and ${left} more not listed here.`);
  return lines.join('\n');
}

export function verdictMarkdown(v: Verdict): string {
  const out: string[] = [];
  const icon = v.failOn.length === 0 ? (v.found.length === 0 ? '✅' : '⚠️') : v.pass ? '✅' : '❌';
  out.push(`## ${icon} ibkr-harness verdict: ${outcomeLine(v)}`, '');
  out.push(
    `Model time ${v.window.from ?? '—'} → ${v.window.to}${v.final ? '' : ' (so far: the simulator is still running)'}. ${v.summary.apiSessions} API session(s), ${v.summary.clientIds} client id(s), ${v.summary.framesIn} frame(s) in, ${v.summary.framesOut} out.`,
    '',
  );
  out.push(mdHead(['', 'check', 'result', 'on failure', 'finding'], 5));
  for (const r of summaryRows(v)) out.push(mdRow([r.mark, `\`${r.id}\` ${r.title}`, r.result, r.gating, cell(r.headline)]));
  out.push('', `_Remote process: ${v.remoteProcess.note}._`);
  for (const id of CHECK_IDS) {
    const c = v.checks[id];
    if (c.status !== 'found') continue;
    out.push('', `### ${c.gating ? '❌' : '⚠️'} \`${id}\`: ${c.headline}`, '');
    if (c.evidence.length > 0) out.push(table(evidenceTable(v, id), c.omitted));
    if (id === 'secdef-wait' && v.checks['secdef-wait'].culprits.length > 0) {
      out.push('', 'Whose requests the others waited behind:', '', table(culpritTable(v.checks['secdef-wait']), v.checks['secdef-wait'].culpritsOmitted));
    }
  }
  if (v.analyser.errors > 0 || v.analyser.evicted > 0) {
    out.push(
      '',
      `> The analyser skipped ${v.analyser.errors} entr(ies) it could not read${v.analyser.firstError ? ` (first: ${v.analyser.firstError})` : ''} and dropped ${v.analyser.evicted} item(s) of state to stay within its bounds.`,
    );
  }
  return `${out.join('\n')}\n`;
}
