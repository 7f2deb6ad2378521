/**
 * Shapes of the control plane's JSON responses, shared by the server and the typed client so the
 * two cannot drift apart.
 */
import type { FaultRule, FaultRuleSpec } from '../model/fault-rules.ts';
import type { JournalEntry, JournalQuery } from '../model/journal.ts';
import type { Profile, ProfileOverrides } from '../model/profile.ts';
import type { SessionInfo } from '../model/session.ts';

export type { FaultRule, FaultRuleSpec, JournalEntry, JournalQuery, Profile, ProfileOverrides, SessionInfo };

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
  faultRules: number;
  /** Port API clients connect to. */
  apiPort: number;
  /** Model time, ISO 8601. */
  modelTime: string;
}

export interface JournalSettings {
  enabled: boolean;
  capacity: number;
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
