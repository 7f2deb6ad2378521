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
  qualifications: { asked: number; qualified: number };
  /** Client-observed, successful qualifications only (model ms). */
  qualifyMedianMs: number | null;
  qualifyMaxMs: number | null;
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
  const times = run.qualifyTimes(symbols);
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
    qualifications: { asked: asked.length, qualified: times.length },
    qualifyMedianMs: times.length ? median(times) : null,
    qualifyMaxMs: times.length ? Math.max(...times) : null,
    gatewayWaitMaxMs: waits.length ? Math.max(...waits) : null,
    makespanMs: record.modelMs,
    wallMs: record.wallMs,
    expectationsMet: record.expectations.filter((e) => e.ok).length,
    expectationsTotal: record.expectations.length,
  };
}

export const fmtSeconds = (ms: number | null, digits = 1): string => (ms === null ? '—' : `${(ms / 1000).toFixed(digits)} s`);

/** A plain-text table with aligned columns (first column left, the rest right-aligned). */
export function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
