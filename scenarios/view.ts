/**
 * A run as expectations and reports read it: the recorded history (invoke/ok/fail/info), the
 * gateway's journal where there is one, and a few questions asked of both.
 */
import type { OpEvent } from '../common/op-history.ts';
import { spans } from '../common/spans.ts';
import type { ModeledTimes } from '../simulator/control/api-types.ts';
import type { JournalEntry } from '../simulator/model/journal.ts';
import type { Target } from './target.ts';

export interface RunRecord {
  schema: 'ibkr-harness/run@1';
  scenario: string;
  title: string;
  seed: number;
  target: Target;
  timeScale: number;
  startedAt: string;
  /** Model ms from the first actor start to the last completion. */
  modelMs: number;
  wallMs: number;
  strategies: Record<string, string>;
  history: OpEvent[];
  journal: JournalEntry[];
  /** The simulator's modeled wait and service time of every contract-details request it served. */
  secdef?: Array<{ at: number; waitMs: number; serviceMs: number }>;
  /**
   * Against a simulator: the durations its model chose (logins, contract-details and historical-data
   * requests per client id), on which timing claims over TCP are judged (scenarios/modeled.ts).
   */
  modeled?: ModeledTimes;
  /**
   * Over TCP to a simulator: the stretches in which an event loop whose lateness shows in the
   * clients' figures (the clients' process; the simulator's when it runs in another process) was
   * measured late during the run, in model ms on the run's clock (common/host-lateness.ts). The
   * agreement check forgives these and a small floor per step (scenarios/modeled.ts); a record
   * without it (made before lateness was measured) gets the fixed allowance instead.
   */
  hostLateness?: HostLateness;
  /** Model ms after the start at which actors with a start offset were scheduled to begin, by actor. */
  plannedStarts?: Record<string, number>;
  connectionsOpened: number;
  /** Run against a simulator in another process: its API address and control plane. */
  remote?: { gateway: string; control: string };
  /** Set when every connection attempt of the run failed: the first failure, said first in reports. */
  connectionError?: { code: string; message: string };
  /** Each claim's verdict and how many operations it was judged on (see Verdict). */
  expectations: Array<{ claim: string; ok: boolean; judged: number; detail?: string }>;
  baseline?: RunRecord;
}

/** Measured event-loop lateness of a run (RunRecord.hostLateness). */
export interface HostLateness {
  /** Real ms between the samplers' ticks: a block up to this long before a measured span is not in it. */
  everyRealMs: number;
  /** Which processes were measured. */
  measured: Array<'clients' | 'simulator'>;
  /** Late stretches, model ms on the run's clock (epoch ms, as the history's `at`). */
  spans: Array<{ from: number; to: number; process: 'clients' | 'simulator' }>;
  /** A sampler kept fewer spans than it measured: the allowance is smaller than it could be, never larger. */
  truncated?: true;
}

export interface Completed {
  invoke: OpEvent;
  end: OpEvent | undefined;
  ms: number | undefined;
}

export class RunView {
  constructor(readonly record: RunRecord) {}

  get history(): readonly OpEvent[] {
    return this.record.history;
  }

  get baseline(): RunView | undefined {
    return this.record.baseline ? new RunView(this.record.baseline) : undefined;
  }

  /** Every invoke of `op` paired with its completion (undefined if it never completed). */
  ops(op: string, filter: (invoke: OpEvent) => boolean = () => true): Completed[] {
    return this.completions((e) => e.op === op && filter(e));
  }

  /** Every operation whose invoke passes `filter`, whatever its kind, in invoke order, with its end. */
  completions(filter: (invoke: OpEvent) => boolean): Completed[] {
    const ends = new Map<number, OpEvent>();
    for (const e of this.record.history) if (e.type !== 'invoke') ends.set(e.opId, e);
    return this.record.history
      .filter((e) => e.type === 'invoke' && filter(e))
      .map((invoke) => {
        const end = ends.get(invoke.opId);
        return { invoke, end, ms: end ? end.at - invoke.at : undefined };
      });
  }

  /** qualify operations for a symbol. */
  qualifications(symbol?: string): Completed[] {
    return this.ops('qualify', (e) => symbol === undefined || e.args?.symbol === symbol);
  }

  /** Successful qualifications of these symbols (all symbols when not given). */
  qualified(symbols?: readonly string[]): Completed[] {
    return this.ops('qualify', (e) => symbols === undefined || symbols.includes(String(e.args?.symbol))).filter(
      (c) => c.end?.type === 'ok' && (c.end.value as { kind?: string } | undefined)?.kind === 'qualified',
    );
  }

  /** Successful qualifications' durations (model ms). */
  qualifyTimes(symbols?: readonly string[]): number[] {
    return this.qualified(symbols).map((c) => c.ms!);
  }

  /** Completions that failed or ended with an unknown outcome, with an IB code. */
  ibErrors(code: number): OpEvent[] {
    return this.record.history.filter((e) => (e.type === 'fail' || e.type === 'info') && e.error?.ibCode === code);
  }

  /** Error frames the gateway sent, by code (from the journal). */
  gatewayErrors(code: number): JournalEntry[] {
    return this.record.journal.filter((e) => e.dir === 'out' && e.message.type === 'ERR_MSG' && e.message.code === code);
  }

  /**
   * How long each contract-details request waited at the gateway for its answer (common/spans.ts:
   * the end marker or an error that ends it), for these symbols, in arrival order.
   */
  gatewayQualifyTimes(symbols?: readonly string[]): number[] {
    return spans(this.record.journal, 'REQ_CONTRACT_DATA')
      .filter((s) => s.end !== undefined && (symbols === undefined || symbols.includes(String(s.request.message.symbol))))
      .map((s) => s.end!.at - s.request.at);
  }

  /** Timeouts (info outcomes) of qualify attempts, by the timeout they had. */
  attemptTimeouts(symbol: string): number[] {
    return this.ops('qualify-attempt', (e) => e.args?.symbol === symbol)
      .filter((c) => c.end?.type === 'info')
      .map((c) => Number(c.invoke.args?.timeoutMs));
  }

  get modelMs(): number {
    return this.record.modelMs;
  }

  /** Distinct client ids that completed a connect, per process. */
  connectionsByProcess(): Map<string, Set<number>> {
    const out = new Map<string, Set<number>>();
    for (const c of [...this.ops('connect'), ...this.ops('reconnect')]) {
      if (c.end?.type !== 'ok') continue;
      const p = c.invoke.process ?? '?';
      if (!out.has(p)) out.set(p, new Set());
      out.get(p)!.add(c.end.clientId!);
    }
    return out;
  }

  /** Operations that were invoked but never completed. */
  unfinished(): OpEvent[] {
    return this.ops('qualify')
      .concat(this.ops('history'))
      .filter((c) => c.end === undefined)
      .map((c) => c.invoke);
  }
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const median = (xs: readonly number[]) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};
