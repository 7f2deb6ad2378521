/**
 * report.md of a bench run: one table per workload, one row per strategy, sized for a PR comment
 * (charts are in report.html), and the changes against a baseline when one is given.
 */
import type { Comparison, Delta } from '../bench/compare.ts';
import type { BenchResults, StrategySummary } from '../bench/schema.ts';
import { countCI, mdHead, mdRow, modelDuration, NOISE_FIGURES, noiseText, rateCI, secondsCI, shareCI, signedPct } from './format.ts';

export const REPORT_MARKER = '<!-- ibkr-harness-report -->';

export function environmentLine(r: BenchResults): string {
  const e = r.environment;
  const seeds = e.seeds.length > 3 && e.seeds.every((s, i) => i === 0 || s === e.seeds[i - 1]! + 1) ? `${e.seeds[0]}–${e.seeds.at(-1)}` : e.seeds.join(', ');
  const scale = e.target === 'sim' ? `time scale ${e.timeScale}` : 'virtual time';
  const sha = e.gitSha ? `\`${e.gitSha.slice(0, 10)}\`${e.gitDirty ? ' (uncommitted changes)' : ''}` : 'no git';
  const runs = (e.repeats ?? 1) > 1 ? `, ${e.repeats} runs of each seed` : '';
  return `Target ${e.target} (${scale}), seeds ${seeds} (${e.seeds.length})${runs}, profiles ${e.profiles.join(', ')}, Node ${e.node}, ${e.platform}, ${e.cpus} CPUs, commit ${sha}, ${e.date.slice(0, 16).replace('T', ' ')} UTC${e.quick ? ', quick run' : ''}.`;
}

const HEAD = ['#', 'Strategy', 'Answered', 'p50', 'p90', 'p99', 'Makespan', 'Ops/s', 'Conns', 'Reconn.', 'First ready', 'Errors 326·100·162·200·TO'];

export function strategyRow(s: StrategySummary): string[] {
  const f = s.figures;
  const errs = [f.e326, f.e100, f.e162, f.e200, f.timeouts].map(countCI).join(' · ');
  return [
    String(s.rank),
    s.rank === 1 ? `**${s.strategy}**` : s.strategy,
    shareCI(f.answeredShare),
    secondsCI(f.p50),
    secondsCI(f.p90),
    secondsCI(f.p99),
    secondsCI(f.makespanMs, 1),
    rateCI(f.throughputPerSec),
    countCI(f.connections),
    countCI(f.reconnects),
    secondsCI(f.firstReadyMs),
    errs,
  ];
}

export function workloadTitle(w: BenchResults['workloads'][number]): string {
  return `\`${w.name}\` — ${w.pages} page(s) × ${w.symbols} symbols + ${w.tasks} task(s), ${w.profile}`;
}

export function benchMarkdown(r: BenchResults, cmp?: Comparison): string {
  const out = [
    REPORT_MARKER,
    '## Connection strategies, side by side',
    '',
    environmentLine(r),
    '',
    `Model time: what a caller would wait on a real gateway. Latency is a \`qualify\` call from enqueue in the collector to its answer (errors included; calls still open at the end are charged until then). ± is the half-width of the 95% t-interval over ${r.environment.seeds.length} seed(s). Ranked by the share of operations answered, then makespan, then p99.`,
  ];
  if (cmp) out.push('', verdictLine(cmp));
  for (const w of r.workloads) {
    out.push('', `### ${workloadTitle(w)}`, '', mdHead(HEAD), ...r.summary.filter((s) => s.workload === w.name).map((s) => mdRow(strategyRow(s))));
    out.push(...noiseTable(r, w.name));
    if (cmp) out.push('', ...deltaTable(cmp, w.name));
  }
  if (r.http?.length) out.push('', ...httpMarkdown(r));
  if (cmp?.notes.length) out.push('', ...cmp.notes.map((n) => `- ${n}`));
  out.push('', `<sub>Raw events and every figure: \`results.json\` (${r.schema}); charts: \`report.html\`.</sub>`, '');
  return out.join('\n');
}

export function verdictLine(cmp: Comparison): string {
  const how =
    cmp.mode === 'per-seed'
      ? `seed by seed on ${cmp.gated} figures (virtual time is deterministic; model-time tolerance ${cmp.thresholds.modelRel * 100}%, no extra errors)`
      : `on the ${cmp.gated} figures that did not change between the baseline's repeated runs (a regression: every run of a seed worse)${falseAlarmText(cmp)}`;
  if (cmp.regressions.length === 0) return `✅ **No regression** against the baseline, compared ${how}.`;
  const list = cmp.regressions.slice(0, 12).map((d) => `${d.workload} / ${d.strategy} ${d.figure}: ${d.why}`);
  return `❌ **${cmp.regressions.length} regression(s)** against the baseline, compared ${how}:\n\n${list.map((l) => `- ${l}`).join('\n')}${cmp.regressions.length > 12 ? `\n- … and ${cmp.regressions.length - 12} more` : ''}`;
}

/** The stable-only gate's false-alarm rate, as measured on the current run's own repeats. */
function falseAlarmText(cmp: Comparison): string {
  const f = cmp.falseAlarms;
  if (!f) return '; false-alarm rate not measured (one run per seed)';
  return `; false alarms measured on this run's own repeats: ${f.alarms} of ${f.comparisons} same-commit single-run comparisons alarmed`;
}

const DELTA_HEAD = ['Strategy', 'p50', 'p99', 'Makespan', 'Answered', 'Errors 326·100·162·200·TO', 'Wall', 'Verdict'];

function deltaTable(cmp: Comparison, workload: string): string[] {
  const mine = cmp.deltas.filter((d) => d.workload === workload);
  const strategies = [...new Set(mine.map((d) => d.strategy))];
  if (strategies.length === 0) return [];
  const rows = strategies.map((s) => {
    const get = (f: Delta['figure']) => mine.find((d) => d.strategy === s && d.figure === f);
    const cell = (f: Delta['figure'], unit: 's' | '%' | '') => {
      const d = get(f);
      if (!d) return '—';
      const v =
        unit === 's'
          ? `${(d.current / 1000).toFixed(2)} s`
          : unit === '%'
            ? `${(d.current * 100).toFixed(0)}%`
            : d.current.toFixed(Number.isInteger(d.current) ? 0 : 1);
      return ungated(d, `${d.regression ? '**' : ''}${v} ${signedPct(d.rel)}${d.regression ? '**' : ''}`.trim());
    };
    const errs = (['e326', 'e100', 'e162', 'e200', 'timeouts'] as const).map((f) => {
      const d = get(f);
      return d
        ? ungated(
            d,
            `${d.regression ? '**' : ''}${d.current.toFixed(Number.isInteger(d.current) ? 0 : 1)}${d.current !== d.base ? ` (${d.current > d.base ? '+' : ''}${(d.current - d.base).toFixed(1)})` : ''}${d.regression ? '**' : ''}`,
          )
        : '—';
    });
    const bad = mine.some((d) => d.strategy === s && d.regression);
    return mdRow([
      s,
      cell('p50', 's'),
      cell('p99', 's'),
      cell('makespanMs', 's'),
      cell('answeredShare', '%'),
      errs.join(' · '),
      cell('wallMs', 's'),
      bad ? '❌ regression' : '✅',
    ]);
  });
  const note = cmp.deltas.some((d) => !d.gated) ? ' Figures in _italics_ are shown, not gated.' : '';
  return [`Against the baseline (current value, change of the mean).${note}`, '', mdHead(DELTA_HEAD, 1), ...rows];
}

/** Over TCP: how much each figure moved between the repeats of one seed (host noise), measured in this run. */
function noiseTable(r: BenchResults, workload: string): string[] {
  const rows = r.summary.filter((s) => s.workload === workload && s.noise);
  if (!rows.length) return [];
  return [
    '',
    `Run-to-run noise: standard deviation between the ${r.environment.repeats} runs of each seed (same seed, same code; host load read as model time), pooled over the seeds.`,
    '',
    mdHead(['Strategy', ...NOISE_FIGURES.map(([, label]) => label)], 1),
    ...rows.map((s) => mdRow([s.strategy, ...NOISE_FIGURES.map(([f]) => noiseText(s, f))])),
  ];
}

/** A figure the gate does not judge is set in italics. */
const ungated = (d: Delta, text: string) => (d.gated ? text : `_${text}_`);

/**
 * The `serve` HTTP-load table shared by the Markdown and HTML reports: column heads and one row of
 * cells per strategy (autocannon's wall-clock figures, then the collector's model-time ones).
 */
export function httpLoadTable(r: BenchResults): { head: string[]; rows: string[][] } {
  const head = [
    'Strategy',
    'Req/s (wall)',
    'Mean',
    'p50',
    'p90',
    'p99',
    'Max',
    'Non-2xx',
    'Errors',
    'Collector p50 (model)',
    'Collector p99 (model)',
    'Conns',
    'Gateway requests',
  ];
  const rows = (r.http ?? []).map((h) => [
    h.strategy,
    h.requestsPerSec.toFixed(0),
    `${h.latencyMs.mean.toFixed(2)} ms`,
    `${h.latencyMs.p50} ms`,
    `${h.latencyMs.p90} ms`,
    `${h.latencyMs.p99} ms`,
    `${h.latencyMs.max} ms`,
    String(h.non2xx),
    String(h.errors + h.timeouts),
    modelDuration(h.collector.p50),
    modelDuration(h.collector.p99),
    String(h.collector.connections),
    String(h.collector.gatewayRequests),
  ]);
  return { head, rows };
}

function httpMarkdown(r: BenchResults): string[] {
  const { head, rows: cells } = httpLoadTable(r);
  const rows = cells.map(mdRow);
  const h0 = r.http![0]!;
  return [
    `### HTTP: \`serve\` under autocannon (${h0.connections} connections, ${h0.durationSec} s per strategy, time scale ${h0.timeScale})`,
    '',
    'autocannon figures are wall-clock and its percentiles are whole milliseconds (a sub-millisecond answer reads 0 ms), hence the mean. The collector figures are model time from enqueue.',
    '',
    mdHead(head, 1),
    ...rows,
  ];
}
