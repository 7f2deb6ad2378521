/**
 * Per-run figures from the recorded op history. Latency runs from the collector's `qualify`
 * invoke — the moment a caller asked, before any queue, connect or send — to its completion, so a
 * caller stuck behind a slow connection is charged for the wait (no coordinated omission). Calls
 * still open when the run ends are charged until the end.
 */
import type { OpEvent } from '../../common/op-history.ts';
import type { RunRecord } from '../../scenarios/view.ts';
import { mean, percentile } from './stats.ts';

export type Outcome = 'ok' | 'fail' | 'info' | 'open';

/** One operation of the history, invoke and completion paired; times are model ms from the run's start. */
export interface RequestEvent {
  op: string;
  actor: string;
  process: string;
  clientId?: number;
  start: number;
  /** null: never completed. */
  end: number | null;
  outcome: Outcome;
  symbol?: string;
  /** qualified / unknown / ambiguous, for qualify. */
  kind?: string;
  /** A cache or de-duplicated answer (pooled). */
  source?: string;
  timeoutMs?: number;
  delayMs?: number;
  code?: string;
  ibCode?: number;
}

export const IB_CODES = [326, 100, 162, 200] as const;
export type ErrorKey = '326' | '100' | '162' | '200' | 'timeouts';
export const ERROR_KEYS: readonly ErrorKey[] = ['326', '100', '162', '200', 'timeouts'];

export interface RunMetrics {
  /** Operations the workload asked for (qualify + history). */
  expected: number;
  /** Of those, answered successfully (a qualify that says "unknown" or "ambiguous" is an answer). */
  answered: number;
  /** answered / expected. */
  answeredShare: number;
  qualify: { invoked: number; ok: number; failed: number; timedOut: number; unfinished: number };
  /** qualify latency, model ms, over every call (errors included, open calls charged to the end). */
  latency: { p50: number; p90: number; p99: number; max: number; mean: number } | null;
  makespanMs: number;
  /** Answered operations per model second. */
  throughputPerSec: number;
  connections: number;
  reconnects: number;
  /** Model ms from the start to the first successful connect. */
  firstReadyMs: number | null;
  errors: Record<ErrorKey, number>;
  wallMs: number;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function runStart(record: RunRecord): number {
  return Date.parse(record.startedAt);
}

export function requestEvents(record: RunRecord): RequestEvent[] {
  const t0 = runStart(record);
  const ends = new Map<number, OpEvent>();
  for (const e of record.history) if (e.type !== 'invoke') ends.set(e.opId, e);
  const out: RequestEvent[] = [];
  for (const inv of record.history) {
    if (inv.type !== 'invoke' || inv.op === 'fault') continue;
    const end = ends.get(inv.opId);
    const value = (end?.value ?? {}) as { kind?: unknown; source?: unknown };
    const clientId = end?.clientId ?? inv.clientId;
    const a = inv.args ?? {};
    out.push({
      op: inv.op,
      actor: inv.actor,
      process: inv.process ?? inv.actor.split('/')[0]!,
      ...(clientId !== undefined ? { clientId } : {}),
      start: round(inv.at - t0),
      end: end ? round(end.at - t0) : null,
      outcome: end ? (end.type as Exclude<Outcome, 'open'>) : 'open',
      ...(typeof a.symbol === 'string' ? { symbol: a.symbol } : {}),
      ...(typeof value.kind === 'string' ? { kind: value.kind } : {}),
      ...(typeof value.source === 'string' ? { source: value.source } : {}),
      ...(typeof a.timeoutMs === 'number' ? { timeoutMs: a.timeoutMs } : {}),
      ...(typeof a.delayMs === 'number' ? { delayMs: round(a.delayMs) } : {}),
      ...(end?.error ? { code: end.error.code } : {}),
      ...(end?.error?.ibCode !== undefined ? { ibCode: end.error.ibCode } : {}),
    });
  }
  return out;
}

/** Gateway error frames by code from the journal (the gateway's own account), else the history's. */
function errorCount(record: RunRecord, events: readonly RequestEvent[], code: number): number {
  if (record.journal.length > 0) return record.journal.filter((e) => e.dir === 'out' && e.message.type === 'ERR_MSG' && e.message.code === code).length;
  return events.filter((e) => e.ibCode === code).length;
}

export function qualifyLatencies(events: readonly RequestEvent[], makespanMs: number): number[] {
  return events.filter((e) => e.op === 'qualify').map((e) => (e.end ?? makespanMs) - e.start);
}

/**
 * Times a caller gave up waiting: each abandoned attempt of the timeout wrapper, and each call
 * that timed out by itself (a wrapped call's final timeout is its last attempt's, not another).
 */
function timeouts(events: readonly RequestEvent[]): number {
  const timedOut = (e: RequestEvent) => e.outcome === 'info' && e.code === 'REQUEST_TIMEOUT';
  const wrapped = new Set(events.filter((e) => e.op === 'qualify-attempt').map((e) => `${e.actor}|${e.symbol}`));
  return events.filter(
    (e) => timedOut(e) && (e.op === 'qualify-attempt' || ((e.op === 'qualify' || e.op === 'history') && !wrapped.has(`${e.actor}|${e.symbol}`))),
  ).length;
}

export function runMetrics(record: RunRecord, expected: number, events: readonly RequestEvent[] = requestEvents(record)): RunMetrics {
  const makespanMs = record.modelMs;
  const qualify = events.filter((e) => e.op === 'qualify');
  const answered = events.filter((e) => (e.op === 'qualify' || e.op === 'history') && e.outcome === 'ok').length;
  const lat = qualifyLatencies(events, makespanMs);
  const connects = events.filter((e) => (e.op === 'connect' || e.op === 'reconnect') && e.outcome === 'ok');
  const errors = Object.fromEntries(IB_CODES.map((c) => [String(c), errorCount(record, events, c)])) as Record<ErrorKey, number>;
  errors.timeouts = timeouts(events);
  return {
    expected,
    answered,
    answeredShare: expected > 0 ? Math.min(1, answered / expected) : 1,
    qualify: {
      invoked: qualify.length,
      ok: qualify.filter((e) => e.outcome === 'ok').length,
      failed: qualify.filter((e) => e.outcome === 'fail').length,
      timedOut: qualify.filter((e) => e.outcome === 'info').length,
      unfinished: qualify.filter((e) => e.outcome === 'open').length,
    },
    latency: lat.length
      ? {
          p50: round(percentile(lat, 50)),
          p90: round(percentile(lat, 90)),
          p99: round(percentile(lat, 99)),
          max: round(Math.max(...lat)),
          mean: round(mean(lat)),
        }
      : null,
    makespanMs: round(makespanMs),
    throughputPerSec: makespanMs > 0 ? round(answered / (makespanMs / 1000)) : 0,
    connections: record.connectionsOpened,
    reconnects: events.filter((e) => e.op === 'reconnect' && e.outcome === 'ok').length,
    firstReadyMs: connects.length ? Math.min(...connects.map((e) => e.end!)) : null,
    errors,
    wallMs: round(record.wallMs),
  };
}
