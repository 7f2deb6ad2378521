/**
 * Shapes of the control plane's JSON responses, shared by the server and the typed client so the
 * two cannot drift apart.
 */
import type { MeasuredLateness } from '../../common/host-lateness.ts';
import type { FaultRecord, FaultResult } from '../faults/target.ts';
import type { FaultSpec } from '../faults/registry.ts';
import type { FaultedSessionInfo } from '../faults/stage.ts';
import type { JournalEntry, JournalPage, JournalQuery } from '../model/journal.ts';
import type { Profile, ProfileOverrides } from '../model/profile.ts';
import type { CheckId, Verdict } from '../verdict/schema.ts';

export type { CheckId, FaultRecord, FaultResult, FaultSpec, JournalEntry, JournalPage, JournalQuery, Profile, ProfileOverrides, Verdict };

/** `GET /verdict`: which checks fail it (default: those the simulator was started with). */
export interface VerdictQuery {
  failOn?: CheckId[];
}
export type SessionInfo = FaultedSessionInfo;

export interface HealthReport {
  status: 'ok';
  /** Name of the active profile. */
  profile: string;
  seed: number;
  /** Real ms per model ms. */
  timeScale: number;
  /** Open connections, including ones still handshaking. */
  sessions: number;
  /** Connections holding a client id (logging in or ready). */
  apiClients: number;
  connectivity: 'ok' | 'lost';
  secdefQueueDepth: number;
  /** Faults applied or scheduled since the last clear (GET /faults lists them). */
  faults: number;
  /** Port API clients connect to (undefined without a TCP listener). */
  apiPort?: number;
  /** Model time, ISO 8601. */
  modelTime: string;
  /** Model time, epoch ms (what `applyAt` takes). */
  modelTimeMs: number;
}

/** Response header of a journal page that has a next one: the `sinceSeq` to ask for it with. */
export const JOURNAL_NEXT_HEADER = 'x-journal-next-since-seq';

export interface JournalSettings {
  enabled: boolean;
  /** Entries kept at most. */
  capacity: number;
  /** Bytes (the entries' estimated JSON size) kept at most; the oldest entries go first. */
  maxBytes: number;
}

/** Pick sessions by session id and/or client id (both given: both must match). */
export interface SessionSelector {
  sessionId?: number;
  clientId?: number;
}

export interface SessionsAffected {
  /** The sessions as they were just before the fault hit them. */
  sessions: SessionInfo[];
}

export interface ConnectivityState {
  connectivity: 'ok' | 'lost';
  /** False when the gateway was already in the requested state. */
  changed: boolean;
}

export interface RestartResult {
  closedSessions: number;
}

export interface RemovedCount {
  removed: number;
}

export interface ErrorBody {
  error: string;
}

/** `POST /reset`: a fresh gateway, optionally with another profile (by name, plus overrides), seed or time scale. */
export interface ResetOptions {
  profile?: string;
  overrides?: ProfileOverrides;
  seed?: number;
  /** Real ms per model ms from now on (a scaled clock only). */
  timeScale?: number;
  /**
   * Measure this process's event-loop lateness from this reset until the next one (at most 15
   * minutes), to be read with `GET /lateness`: a scenario runner forgives the simulator's measured
   * stalls when it checks that its clients' figures agree with the model (scenarios/modeled.ts).
   */
  sampleLateness?: boolean;
}

/**
 * `GET /lateness`: the simulator process's event-loop lateness measured since the last reset that
 * asked for it (common/host-lateness.ts; real epoch ms), or null when the last reset did not.
 */
export interface LatenessReport {
  measured: MeasuredLateness | null;
}

/** One contract-details request served: model time of the answer, modeled queue wait and service (model ms), and whose it was. */
export interface SecdefServed {
  at: number;
  waitMs: number;
  serviceMs: number;
  clientId: number | null;
}

/**
 * The durations the gateway model chose since the last reset, per client id, in the order they
 * ended (model ms): what the model scheduled, not when the host got round to it. On a scaled clock
 * one real ms of host load reads as 20–50 model ms at the client, so timing claims over TCP are
 * judged on these (scenarios/modeled.ts `modeledDurations`).
 *  - `logins`: START_API to the scheduled end of the login (including pushes by overlapping logins);
 *  - `secdef`: contract-details requests, queue wait plus service;
 *  - `history`: historical-data requests answered, the modeled latency.
 */
export interface ModeledTimes {
  logins: Array<{ clientId: number; ms: number }>;
  secdef: Array<{ clientId: number | null; ms: number }>;
  history: Array<{ clientId: number | null; ms: number }>;
}
