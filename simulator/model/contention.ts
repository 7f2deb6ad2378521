/**
 * The contention formula behind the incident: how long the gateway's sec-def service spends on one
 * contract-details request, given how busy the gateway is. Pure: every input is passed in (the
 * random base draw included), so the formula can be read and tested on its own.
 *
 *   service = base
 *           + perOtherClientMs   × (live API clients − 1)
 *           + perWaitingClientMs × (other clients with requests waiting in the queue)
 *           + (penaltyMs + perExcessMs × excess)   when more than `threshold` requests arrived
 *                                                   within the last `windowMs` (excess = count − threshold)
 *
 * The parameters and where their values come from are in `profile.ts` (`secdef`); the figures they
 * are calibrated to are in README "Calibration".
 */
import type { Profile } from './profile.ts';

export type SecdefContention = Profile['secdef'];

export interface ContentionState {
  /** The uncontended service time drawn for this request (model ms). */
  baseMs: number;
  /** API clients holding a client id at the gateway, the requester included. */
  liveClients: number;
  /**
   * Distinct other sessions with requests waiting in the queue. A function, because the queue can
   * be long and is only looked at when the profile charges for waiting clients.
   */
  otherWaitingClients(): number;
  /** Requests that arrived within the last `windowMs` model ms; looked at only when throttling is on. */
  arrivalsWithin(windowMs: number): number;
}

/** Service time in model ms of one contract-details request (see the formula above). */
export function secdefServiceTime(p: SecdefContention, s: ContentionState): number {
  let ms = s.baseMs + p.perOtherClientMs * Math.max(0, s.liveClients - 1);
  if (p.perWaitingClientMs > 0) ms += p.perWaitingClientMs * s.otherWaitingClients();
  if (p.throttle.penaltyMs > 0 || p.throttle.perExcessMs > 0) {
    const excess = s.arrivalsWithin(p.throttle.windowMs) - p.throttle.threshold;
    if (excess > 0) ms += p.throttle.penaltyMs + p.throttle.perExcessMs * excess;
  }
  return ms;
}

/** Distinct sessions other than `sessionId` among the waiting jobs. */
export function otherSessions(waiting: ReadonlyArray<{ sessionId: number }>, sessionId: number): number {
  if (waiting.length === 0) return 0;
  const others = new Set<number>();
  for (const j of waiting) if (j.sessionId !== sessionId) others.add(j.sessionId);
  return others.size;
}
