/**
 * The small control facade of a simulated gateway: what the control plane serves and what the
 * scenario runner drives. `LocalControl` implements it over a gateway in this process; the HTTP
 * client (`ControlClient`) implements it over the control plane of a simulator in another one, so
 * a scenario runs the same way against either.
 */
import type { FaultTarget, Awaitable } from '../faults/target.ts';
import type {
  HealthReport,
  JournalEntry,
  JournalQuery,
  JournalSettings,
  LatenessReport,
  ModeledTimes,
  Profile,
  ProfileOverrides,
  ResetOptions,
  SecdefServed,
  Verdict,
  VerdictQuery,
} from './api-types.ts';
import type { FaultedSessionInfo } from '../faults/stage.ts';

export interface GatewayControl extends FaultTarget {
  health(): Awaitable<HealthReport>;
  sessions(): Awaitable<FaultedSessionInfo[]>;
  journal(query?: JournalQuery): Awaitable<JournalEntry[]>;
  setJournal(settings: Partial<JournalSettings>): Awaitable<JournalSettings>;
  clearJournal(): Awaitable<JournalSettings>;
  profile(): Awaitable<Profile>;
  patchProfile(overrides: ProfileOverrides): Awaitable<Profile>;
  /** A fresh gateway: sessions closed, ids, faults, journal and queues cleared; optionally another profile or seed. */
  reset(opts?: ResetOptions): Awaitable<{ status: 'reset' }>;
  /** Contract-details requests served since the last reset, with the gateway's modeled wait and service times. */
  secdefServed(): Awaitable<SecdefServed[]>;
  /** The logins, contract-details and historical-data durations the model chose since the last reset, per client id. */
  modeled(): Awaitable<ModeledTimes>;
  /** This process's event-loop lateness since the last reset that asked for it (`ResetOptions.sampleLateness`). */
  lateness(): Awaitable<LatenessReport>;
  /**
   * The verdict over what the gateway has seen so far (simulator/verdict/): anti-patterns of the
   * connected clients with their evidence. Throws when the gateway is not analysing its journal.
   */
  verdict(query?: VerdictQuery): Awaitable<Verdict>;
}
