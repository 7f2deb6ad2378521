/**
 * The scenario format: a gateway, processes running collectors with a strategy, actors that do
 * what the incident's UI pages and Celery tasks did, faults on a timeline, and expectations over
 * the recorded history. Scenarios are data plus small functions; `runner.ts` runs any of them
 * against a simulator over TCP (`sim`, in this process or another), a virtual-time model
 * (`virtual`) or a live gateway. Faults are JSON fault specs (simulator/faults/), so a scenario's
 * faults print as JSON and replay against any simulator.
 */
import type { Clock } from '../common/clock.ts';
import type { Rng } from '../common/rng.ts';
import type { ContractSpec } from '../collector/gateway-client.ts';
import type { HistorySpec } from '../collector/history-collector.ts';
import type { QualifyResult } from '../collector/qualifier.ts';
import type { CollectorClient, StrategyName, StrategyOptions } from '../collector/strategies/index.ts';
import type { FaultSpec } from '../simulator/faults/registry.ts';
import type { ProfileOverrides } from '../simulator/model/profile.ts';
import type { RunView } from './view.ts';

export type { Target } from './target.ts';

export interface ActorContext {
  readonly name: string;
  readonly clock: Clock;
  readonly rng: Rng;
  /** This actor's collector client (opened by the strategy when the actor starts). */
  readonly client: CollectorClient;
  sleep(ms: number): Promise<void>;
  /** Qualify; failures are recorded in the history and returned as undefined, never thrown. */
  qualify(spec: ContractSpec, opts?: { deadlineMs?: number }): Promise<QualifyResult | undefined>;
  /** Qualify, then collect history for the qualified contract; failures recorded, not thrown. */
  collect(spec: ContractSpec, history: HistorySpec): Promise<void>;
}

export interface ActorPlan {
  name: string;
  role: 'ui' | 'worker';
  /** Model ms after the scenario starts. */
  startAtMs?: number;
  /** Hard-wired client id, as the incident's code had (strategies that lease ids ignore it). */
  clientId?: number;
  /** Close the actor's client when its script ends (tasks do; pages stay open until the end). */
  closeWhenDone?: boolean;
  script(ctx: ActorContext): Promise<void>;
}

export interface ProcessPlan {
  /** A logical process, like the incident's Streamlit app or a Celery worker. */
  name: string;
  strategy: StrategyName;
  options?: StrategyOptions;
  /** Send without any client-side rate limit (a naive client); default: @stoqey/ib's 40/s. */
  unthrottled?: boolean;
  actors: ActorPlan[];
}

/** A fault applied at a point of the scenario's timeline (not available against a live gateway). */
export interface FaultStep {
  /** Model ms after the scenario starts. */
  atMs: number;
  /** What it stands for in the real world (defaults to the fault kind's own description). */
  description?: string;
  fault: FaultSpec;
}

/** What an expectation's check found. */
export interface Verdict {
  /**
   * How many operations (or connection attempts, or gateway frames) the claim was judged on. A
   * claim judged on nothing fails, whatever `holds` says: "no request timed out" proves nothing
   * about a run that never sent one.
   */
  judged: number;
  /** `true` when the claim holds, otherwise what was seen instead. */
  holds: true | string;
}

export interface Expectation {
  /** Reads like the claim it checks. */
  claim: string;
  check(run: RunView): Verdict;
}

export interface Scenario {
  name: string;
  title: string;
  /** The real-world problem this scenario reproduces or guards against. */
  problem: string;
  gateway: { profile: string; overrides?: ProfileOverrides };
  processes: ProcessPlan[];
  faults?: FaultStep[];
  expect: Expectation[];
  /** The scenario needs the gateway control plane, so it cannot run against a live gateway. */
  needsControl?: boolean;
  /** Default time scale when run over TCP. */
  timeScale?: number;
  /** Stop waiting for actors after this much model time. */
  maxModelMs?: number;
  /** Another scenario run with the same seed and target, for expectations that compare. */
  baseline?: string;
  /**
   * Why this scenario abuses a gateway on purpose (bursts past the message rate, pacing
   * violations, storms of abandoned requests or connections): it never runs against a live
   * account, `--i-know-this-is-live` or not (collector/live-guard.ts).
   */
  abusive?: string;
}
