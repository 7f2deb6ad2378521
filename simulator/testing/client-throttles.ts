/**
 * The send-side throttles of real clients, as schedules: given n messages queued at time 0, the
 * model ms at which each leaves the client. Used to check that the gateway's message-rate rule
 * never punishes a client that paces itself in one of these usual ways
 * (docs/wire-facts/pacing.md#client-side-throttles).
 */
import { Rng } from '../../common/rng.ts';

export type Throttle =
  | { kind: 'ib_async'; maxRequests: number; intervalMs: number }
  | { kind: 'stoqey'; maxReqPerSec: number }
  | { kind: 'token-bucket'; capacity: number; perSecond: number };

/** ib_async 2.0.1's default (`Client.MaxRequests = 45`, `RequestsInterval = 1`). */
export const IB_ASYNC: Throttle = { kind: 'ib_async', maxRequests: 45, intervalMs: 1000 };
/** @stoqey/ib 1.6.10's default (`maxReqPerSec` 40). */
export const STOQEY: Throttle = { kind: 'stoqey', maxReqPerSec: 40 };

export function describeThrottle(t: Throttle): string {
  switch (t.kind) {
    case 'ib_async':
      return `ib_async (${t.maxRequests} per ${t.intervalMs} ms)`;
    case 'stoqey':
      return `@stoqey/ib (maxReqPerSec ${t.maxReqPerSec})`;
    case 'token-bucket':
      return `token bucket (${t.capacity}, ${t.perSecond}/s)`;
  }
}

/** Send times (model ms from 0) of `n` messages all queued at 0. */
export function sendTimes(t: Throttle, n: number): number[] {
  const out: number[] = [];
  switch (t.kind) {
    case 'ib_async': {
      // client.py `sendMsg`: a message goes out while fewer than MaxRequests were sent in the
      // last RequestsInterval (an older send is forgotten once `now − sent > interval`, strictly);
      // otherwise it waits for a wake-up at the oldest send + interval, and the event loop runs it
      // just after that instant (here: 1 ms after). So: bursts of MaxRequests, 1 interval apart.
      for (let k = 0; k < n; k++) out.push(k < t.maxRequests ? 0 : out[k - t.maxRequests]! + t.intervalMs + 1);
      return out;
    }
    case 'stoqey': {
      // dist/core/io/controller.js: function-rate-limit 1.1.0 with `maxReqPerSec / 10` calls per
      // 100 ms: ⌈maxReqPerSec / 10⌉ slots, each freed 100 ms after its call and then handing the
      // next queued message on at once.
      const slots = Math.ceil(t.maxReqPerSec / 10);
      for (let k = 0; k < n; k++) out.push(Math.floor(k / slots) * 100);
      return out;
    }
    case 'token-bucket': {
      // A bucket of `capacity` tokens refilled at `perSecond`: the k-th message (from 0) waits
      // until k + 1 − capacity tokens have been refilled.
      for (let k = 0; k < n; k++) out.push(Math.max(0, Math.ceil(((k + 1 - t.capacity) * 1000) / t.perSecond)));
      return out;
    }
  }
}

/**
 * Arrival times at the gateway: each send delayed by 0..`jitterMs` model ms (seeded), in order —
 * one TCP stream never lets a later message overtake an earlier one.
 */
export function withJitter(sends: readonly number[], jitterMs: number, seed: number): number[] {
  const rng = new Rng(seed);
  const out: number[] = [];
  for (const s of sends) out.push(Math.max(out.at(-1) ?? 0, s + rng.int(0, jitterMs)));
  return out;
}
