import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../common/clock.ts';
import { barSizeSeconds } from '../../common/ib/bar-sizes.ts';
import { IB_MESSAGE_RATE } from '../../common/ib/pacing.ts';
import { DEFAULT_PACING_RULES, PacingScheduler, type PacedRequest, type PacingRules } from './index.ts';

/**
 * For arbitrary rules and request streams, the send times the scheduler produces (1) break no
 * rule, judged by a brute-force checker written independently of `earliestAllowed`, and (2) are
 * as early as possible: a request that was not sent on arrival (or right after its predecessor)
 * was blocked one millisecond before it went.
 */
interface Submitted {
  gap: number;
  key: number;
  contract: number;
  whatToShow: string;
  barSize: string;
  holdMs: number;
}

// Bursts and a few contracts, so that every rule, not just the tightest, gets to be the binding one.
const submittedArb: fc.Arbitrary<Submitted> = fc.record({
  gap: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 200 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 5000 }) },
  ),
  key: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1000 })),
  contract: fc.integer({ min: 0, max: 2 }),
  whatToShow: fc.constantFrom('TRADES', 'TRADES', 'MIDPOINT', 'BID_ASK'),
  barSize: fc.constantFrom('5 secs', '1 min'),
  holdMs: fc.integer({ min: 0, max: 30_000 }),
});

const rulesArb: fc.Arbitrary<PacingRules> = fc.oneof(
  fc.constant(DEFAULT_PACING_RULES),
  fc.record({
    identicalWindowMs: fc.integer({ min: 1, max: 20_000 }),
    sameContractWindowMs: fc.integer({ min: 1, max: 3000 }),
    sameContractMax: fc.integer({ min: 2, max: 6 }),
    windowMs: fc.integer({ min: 1, max: 60_000 }),
    windowMax: fc.integer({ min: 2, max: 60 }),
    maxOpen: fc.integer({ min: 1, max: 8 }),
    bidAskWeight: fc.constantFrom(2, 1),
    marginMs: fc.integer({ min: 0, max: 300 }),
    maxBarSeconds: fc.constantFrom(null, 5),
  }),
);

interface Sent {
  req: PacedRequest;
  arrival: number;
  at: number;
  releasedAt: number;
}

const paced = (s: Submitted): PacedRequest => ({
  identityKey: `k${s.key}`,
  contractKey: `c${s.contract}@SMART|${s.whatToShow}`,
  whatToShow: s.whatToShow,
  barSeconds: barSizeSeconds(s.barSize),
});

/** Which rule sending `sent[j]` at time `t` would break, given sends 0..j-1. Brute force on purpose. */
function brokenRuleAt(t: number, j: number, sent: readonly Sent[], rules: PacingRules): string | null {
  const counts = (r: PacedRequest) => rules.maxBarSeconds === null || r.barSeconds <= rules.maxBarSeconds;
  const weight = (r: PacedRequest) => (r.whatToShow === 'BID_ASK' ? rules.bidAskWeight : 1);
  const me = sent[j]!.req;
  const before = sent.slice(0, j);
  const open = before.filter((s) => s.at <= t && !(s.releasedAt <= t)).length;
  if (open >= rules.maxOpen) return 'in-flight';
  // IB's message rate (50 per second, every request counts): the budget charges it with every request.
  const messagesInWindow = before.filter((s) => s.at <= t && t - s.at < IB_MESSAGE_RATE.windowMs + rules.marginMs).length;
  if (messagesInWindow + 1 > IB_MESSAGE_RATE.maxPerSecond) return 'messages';
  if (!counts(me)) return null;
  const paced = before.filter((s) => counts(s.req));
  if (paced.some((s) => s.req.identityKey === me.identityKey && t - s.at < rules.identicalWindowMs + rules.marginMs)) return 'identical';
  let perContract = weight(me);
  let global = weight(me);
  for (const s of paced) {
    if (t - s.at < rules.windowMs + rules.marginMs) global += weight(s.req);
    const same = s.req.contractKey === me.contractKey && s.req.whatToShow === me.whatToShow;
    if (same && t - s.at < rules.sameContractWindowMs + rules.marginMs) perContract += weight(s.req);
  }
  if (perContract > rules.sameContractMax) return 'per-contract';
  if (global > rules.windowMax) return 'global';
  return null;
}

async function runScheduler(rules: PacingRules, stream: readonly Submitted[]): Promise<Sent[]> {
  const clock = new VirtualClock();
  const t0 = clock.now();
  const scheduler = new PacingScheduler({ clock, rules });
  const sent: Sent[] = [];
  let arrival = 0;
  stream.forEach((s, i) => {
    arrival += s.gap;
    const req = paced(s);
    sent[i] = { req, arrival, at: NaN, releasedAt: Infinity };
    clock.setTimer(arrival, () => {
      void scheduler.acquire(req).then((release) => {
        sent[i]!.at = clock.now() - t0;
        clock.setTimer(s.holdMs, () => {
          sent[i]!.releasedAt = clock.now() - t0;
          release();
        });
      });
    });
  });
  await clock.runUntilIdle(365 * 24 * 3600_000);
  return sent;
}

describe('PacingScheduler properties', () => {
  it('never breaks a rule and never waits longer than the rules require', async () => {
    await fc.assert(
      fc.asyncProperty(rulesArb, fc.array(submittedArb, { minLength: 1, maxLength: 80 }), async (rules, stream) => {
        const sent = await runScheduler(rules, stream);
        sent.forEach((s, j) => {
          expect(Number.isFinite(s.at), `request ${j} was never sent`).toBe(true);
          expect(brokenRuleAt(s.at, j, sent, rules), `request ${j} sent at ${s.at}`).toBeNull();
          const previous = j > 0 ? sent[j - 1]!.at : -Infinity;
          expect(s.at).toBeGreaterThanOrEqual(Math.max(s.arrival, previous)); // FIFO
          if (s.at > Math.max(s.arrival, previous)) {
            expect(brokenRuleAt(s.at - 1, j, sent, rules), `request ${j} could have gone at ${s.at - 1}`).not.toBeNull();
          }
        });
      }),
      { numRuns: 150 },
    );
  });
});
