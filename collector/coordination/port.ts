/**
 * The coordination port: what the processes of one gateway login must share, on one host or many.
 *
 * - client-id leases with fencing tokens (`LeaseStore`, collector/ids/lease-store.ts);
 * - the login's pacing budget (`PacingBudget`): IB's historical-data windows and the message rate,
 *   checked and charged in one atomic step (docs/wire-facts/pacing.md#historical-pacing-162,
 *   docs/wire-facts/pacing.md#message-rate-100);
 * - the qualification cache (`QualificationCache`): a contract qualified by one process is not
 *   asked for again by another.
 *
 * Adapters: files (one host, the default: collector/coordination/files/) and Redis (many hosts:
 * collector/coordination/redis/); an in-process one for tests and simulations (./memory.ts).
 * Everything crossing the port is wall-clock time (common/clock.ts): durations in wall ms, instants in
 * the store's own wall clock.
 */
import type { PacedRequest } from '../../common/ib/pacing.ts';
import type { ContractInfo } from '../gateway-client.ts';
import type { LeaseStore } from '../ids/lease-store.ts';
import type { PacingRules } from '../pacing/rules.ts';

/** The budget's rules, every duration in wall ms (the caller converts model durations). */
export interface BudgetRules extends PacingRules {
  /** Messages the login may send within `messageWindowMs`. IB: 50 per second (docs/wire-facts/pacing.md#message-rate-100). */
  maxMessages: number;
  messageWindowMs: number;
}

/** One thing to charge: a historical request (window rules) and/or messages (the message rate). */
export interface PacingCharge {
  /** The historical request, or null for messages alone (e.g. a contract-details request). */
  req: PacedRequest | null;
  /** Messages this charge sends (1 per request). */
  messages: number;
  /**
   * Given: the caller sends only after the grant (an await, a Redis round trip, event-loop lag)
   * and promises to send within this many wall ms of asking, or not at all. The charge is then
   * recorded as sent at the latest instant it may go out (the store's now + sendWithinMs), so
   * every judgement until `markSent` counts it as possibly sent right now, and `markSent`
   * re-stamps it with the instant it was really written. Without it the charge is recorded as
   * sent at the store's now, and the caller must send at once. Why: IB counts requests when they
   * arrive (docs/wire-facts/pacing.md#60-requests-in-10-minutes); a request charged at t and sent
   * late must not let a later one through early.
   */
  sendWithinMs?: number;
}

export type ChargeResult =
  | {
      granted: true;
      /** With `sendWithinMs`: what to pass to `markSent` once the request is written. */
      chargeId?: string;
    }
  | {
      granted: false;
      /** Wall ms until the charge may fit (the earliest instant no rule forbids, as of now). */
      retryInMs: number;
      /** The binding rule: what the log and the wait are about. */
      reason: 'identical' | 'same-contract' | 'window' | 'messages' | 'paused' | 'recovering';
    };

/** The pacing budget of one gateway login, shared by every process that charges it. */
export interface PacingBudget {
  /**
   * Atomically: if `charge` breaks no rule now, record it and grant it; otherwise record nothing
   * and say how long to wait. Throws CoordinationUnavailable when the store cannot be reached (the
   * outcome is then unknown: the charge may have been recorded, which only ever costs budget).
   */
  tryCharge(charge: PacingCharge, rules: BudgetRules): Promise<ChargeResult>;
  /**
   * The charge `chargeId` (granted with `sendWithinMs`) was written to the gateway just before
   * this call: re-stamp it with the store's now, never later than the instant it was recorded
   * at. Unknown ids (forgotten, or from before a data loss) are ignored. Throws
   * CoordinationUnavailable when the store cannot be reached (the record then keeps its later,
   * safe instant).
   */
  markSent(chargeId: string): Promise<void>;
  /** After an unexpected 162: nobody sharing the budget sends a historical request for `forMs` wall ms. */
  pause(forMs: number): Promise<void>;
}

/** A qualified contract as the cache keeps it: the gateway's answer, as the collector uses it. */
export type CachedContract = ContractInfo;

/** Qualifications shared by every process of a login: one process's answer spares the others a request. */
export interface QualificationCache {
  /** The contract cached under `key` (store/keys.ts qualificationKey), or undefined. Never throws: a cache that cannot be read is a miss. */
  get(key: string): Promise<CachedContract | undefined>;
  /** Cache for `ttlMs` wall ms. Never throws: a cache that cannot be written is logged and skipped. */
  put(key: string, contract: CachedContract, ttlMs: number): Promise<void>;
}

export type CoordinationState = { state: 'ok' } | { state: 'unavailable'; since: number; error: Error };

/**
 * One coordination store: the leases of every gateway, and per gateway login its pacing budget
 * and qualification cache. `gateway` is the gateway's address as the collector knows it
 * (`host:port`); an adapter may map it to a configured login name, so that hosts reaching the
 * one gateway under different addresses still share one namespace.
 */
export interface CoordinationStore {
  /** `files` or `redis`. */
  readonly kind: string;
  /** Where it is, for messages: a directory, or `redis://host:port/db (prefix …)`. */
  readonly description: string;
  readonly leases: LeaseStore;
  pacing(gateway: string): PacingBudget;
  qualifications(gateway: string): QualificationCache;
  /** Reachable or not, and since when (wall ms): what `/health` and error messages report. */
  status(): CoordinationState;
  close(): Promise<void>;
}
