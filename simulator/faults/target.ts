/**
 * One interface for injecting faults, whether the gateway runs in this process (the fault stage)
 * or in another one (the control plane's HTTP client). Scenarios, property workloads and the
 * control plane all speak it, with the same JSON specs.
 */
import type { SessionInfo } from '../model/session.ts';
import type { FaultSpec } from './registry.ts';

export type Awaitable<T> = T | Promise<T>;

/** A fault the target knows of, with what it has done so far. */
export interface FaultRecord {
  id: number;
  spec: FaultSpec;
  /**
   * `scheduled`: waiting for its model time; `armed`: a rule waiting for matching messages (or a
   * session effect such as a stall still in force); `done`: applied and finished.
   */
  state: 'scheduled' | 'armed' | 'done';
  /** Model time it is scheduled for (epoch ms), when it was scheduled. */
  at?: number;
  /** Messages or sessions that matched. */
  matched: number;
  /** Times it acted. */
  applied: number;
}

/** A session as the control plane lists it, with the faults the stage holds on it. */
export interface FaultedSessionInfo extends SessionInfo {
  /** A stall is in force: nothing reaches the client. */
  stalled: boolean;
}

/** What `apply` did: the record, and the open sessions an at-once fault hit (as they were just before). */
export interface FaultResult extends FaultRecord {
  sessions: FaultedSessionInfo[];
}

export interface FaultTarget {
  /** Apply a fault now: act at once (gateway and at-once session faults) or arm a rule. */
  apply(spec: FaultSpec): Awaitable<FaultResult>;
  /** Apply a fault at model time `atMs` (epoch ms on the gateway's clock; now if past). */
  applyAt(atMs: number, spec: FaultSpec): Awaitable<FaultRecord>;
  /** Every fault applied or scheduled since the last clear, oldest first. */
  list(): Awaitable<FaultRecord[]>;
  /** Remove one fault: a rule stops, a stall or slow consumer is lifted, a scheduled one never runs. */
  remove(id: number): Awaitable<boolean>;
  /** Remove every fault (as `remove` does); returns how many there were. */
  clear(): Awaitable<number>;
}
