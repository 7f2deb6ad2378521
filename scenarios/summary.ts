/**
 * The figures a person compares between runs, computed from a recorded run: what the repro
 * table, the scenario CLI and the reports print.
 */
import { median, RunView, type RunRecord } from './view.ts';

export interface RunSummary {
  scenario: string;
  title: string;
  strategies: string;
  seed: number;
  connections: number;
  /** Connections refused with 326. */
  clientIdErrors: number;
  /** Calls whose outcome is unknown because the caller gave up (qualify or an attempt of it). */
  timeouts: number;
  /** Qualify calls (for the symbols asked about): how many, by how many callers, how many qualified. */
  qualifications: { asked: number; callers: number; qualified: number };
  /** qualified / asked; null when nothing was asked. */
  qualifySuccessRate: number | null;
  /**
   * How long a caller waited on a qualify call, model ms, over every call: a success until its
   * answer, a failure or timeout until the caller got it, a call still open until the run ended.
   * Never over the successes only, which would hide the callers that got nothing.
   */
  qualifyWaitMedianMs: number | null;
  qualifyWaitMaxMs: number | null;
  /** Longest time a contract-details request waited at the gateway (model ms). */
  gatewayWaitMaxMs: number | null;
  makespanMs: number;
  wallMs: number;
  expectationsMet: number;
  expectationsTotal: number;
}

export function summarize(record: RunRecord, symbols?: readonly string[]): RunSummary {
  const run = new RunView(record);
  const asked = run.qualifications().filter((c) => symbols === undefined || symbols.includes(String(c.invoke.args?.symbol)));
  const qualified = run.qualifyTimes(symbols).length;
  const end = Date.parse(record.startedAt) + record.modelMs;
  const waited = asked.map((c) => (c.end ? c.end.at : Math.max(end, c.invoke.at)) - c.invoke.at);
  const waits = run.gatewayQualifyTimes(symbols);
  return {
    scenario: record.scenario,
    title: record.title,
    strategies: Object.entries(record.strategies)
      .map(([p, s]) => `${p}: ${s}`)
      .join(', '),
    seed: record.seed,
    connections: record.connectionsOpened,
    clientIdErrors: run.ibErrors(326).length,
    timeouts: record.history.filter((e) => e.type === 'info' && e.error?.code === 'REQUEST_TIMEOUT').length,
    qualifications: { asked: asked.length, callers: new Set(asked.map((c) => c.invoke.actor)).size, qualified },
    qualifySuccessRate: asked.length ? qualified / asked.length : null,
    qualifyWaitMedianMs: waited.length ? median(waited) : null,
    qualifyWaitMaxMs: waited.length ? Math.max(...waited) : null,
    gatewayWaitMaxMs: waits.length ? Math.max(...waits) : null,
    makespanMs: record.modelMs,
    wallMs: record.wallMs,
    expectationsMet: record.expectations.filter((e) => e.ok).length,
    expectationsTotal: record.expectations.length,
  };
}

/** `1/10 (10%)`: calls qualified of calls asked, and the success rate. */
export function fmtQualified(s: RunSummary): string {
  const rate = s.qualifySuccessRate === null ? '' : ` (${Math.round(s.qualifySuccessRate * 100)}%)`;
  return `${s.qualifications.qualified}/${s.qualifications.asked}${rate}`;
}

/** The figure columns of a runs table (after the scenario and its strategies), as the reports print them. */
export const RUN_FIGURE_HEAD = [
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
] as const;

/** One run's cells under RUN_FIGURE_HEAD. */
export function runFigureCells(s: RunSummary): string[] {
  return [
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
}

/** `10 calls from 6 callers`: the load a run put on qualification, to tell like from unlike. */
export function fmtWorkload(s: RunSummary): string {
  return `${s.qualifications.asked} call${s.qualifications.asked === 1 ? '' : 's'} from ${s.qualifications.callers} caller${s.qualifications.callers === 1 ? '' : 's'}`;
}

export const fmtSeconds = (ms: number | null, digits = 1): string => (ms === null ? '—' : `${(ms / 1000).toFixed(digits)} s`);

/** A plain-text table with aligned columns (first column left, the rest right-aligned). */
export function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
