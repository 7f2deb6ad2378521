/**
 * Model-based test of the per-client message-rate rule: the meter alone
 * (simulator/model/message-rate.ts) and the same rule as a client of the gateway sees it (through
 * the virtual-time harness: answers, error 100, the connection closed).
 *
 * The rule (docs/wire-facts/pacing.md#message-rate-100, docs/wire-facts/pacing.md#paceapi-connect-option), as the
 * reference model `RateRule` states it:
 *  - a client may send `max` messages in any one-second window (t − 1000, t]; every message sent
 *    counts, the rejected ones too, and the excess is rejected;
 *  - the first rejection in a calendar second reports error 100 with the count in the window and
 *    the number of violating seconds so far; a client with violations in `closeAfter` consecutive
 *    calendar seconds is disconnected;
 *  - a client that connected with +PACEAPI is never rejected: each message waits until the earliest
 *    moment (not before the previous one) at which fewer than `max` of its messages lie in the
 *    window ending there.
 * At the gateway, an accepted or deferred request is answered at its time (or at the end of the
 * login, if later); a rejected one never. A +PACEAPI client with `maxPacedBacklog` messages waiting
 * that sends one more to wait is closed (a memory bound of ours, simulator/model/profile.ts).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { always, checkedBy, expectAgreement, type CommandMaker } from '../../common/testing/model-commands.ts';
import { commandsConstraints, propertyParams } from '../../common/testing/property-params.ts';
import { currentTime, harness, type Harness, type TestClient } from '../testing/model-harness.ts';
import { MessageRateMeter, type RateDecision } from './message-rate.ts';

const FILE = 'simulator/model/message-rate.property.test.ts';

interface Limits {
  max: number;
  closeAfter: number;
}

interface RateModel extends Limits {
  paced: boolean;
  now: number;
  /** Times of every message offered (not paced) or of every slot given (paced). */
  times: number[];
  violatingSeconds: Set<number>;
}

const RateRule = {
  inWindow: (m: RateModel, t: number) => m.times.filter((x) => x > t - 1000 && x <= t).length,

  offer(m: RateModel): RateDecision {
    if (m.paced) {
      let at = Math.max(m.now, m.times.at(-1) ?? -Infinity);
      while (RateRule.inWindow(m, at) >= m.max) at = Math.min(...m.times.filter((x) => x > at - 1000)) + 1000;
      m.times.push(at);
      return at === m.now ? { kind: 'accept' } : { kind: 'defer', at };
    }
    m.times.push(m.now);
    const received = RateRule.inWindow(m, m.now);
    if (received <= m.max) return { kind: 'accept' };
    const second = Math.floor(m.now / 1000);
    if (m.violatingSeconds.has(second)) return { kind: 'reject' };
    m.violatingSeconds.add(second);
    const close = Array.from({ length: m.closeAfter }, (_, k) => second - k).every((s) => m.violatingSeconds.has(s));
    return { kind: 'reject', notify: { received, count: m.violatingSeconds.size }, close };
  },
};

/** Model time to just before / at / after the next calendar second, or when the oldest message leaves the window. */
const toSecond = (m: RateModel, offset: number) => 1000 - (m.now % 1000) + offset;
const toWindowEdge = (m: RateModel, offset: number) => {
  const inside = m.times.filter((x) => x > m.now - 1000 && x <= m.now);
  return inside.length === 0 || inside[0]! + 1000 + offset < m.now ? undefined : inside[0]! + 1000 + offset - m.now;
};

const burst = fc.constantFrom(1, 1, 2, 3, 5, 10, 60);
const step = fc.constantFrom(0, 1, 10, 100, 333, 500, 999, 1_000, 1_001, 2_500);
const offset = fc.constantFrom(-1, 0, 1);
const limitsArb: fc.Arbitrary<Limits> = fc.record({ max: fc.constantFrom(1, 3, 5, 50), closeAfter: fc.constantFrom(1, 2, 3) });

/** Time steps, and steps to just before / at / after the next calendar second or the window's edge. */
function rateTimeCommands<M extends object, R>(make: CommandMaker<M, R>, rateOf: (m: M) => RateModel, pass: (m: M, r: R, ms: number) => Promise<void>) {
  return [
    step.map((ms) => make(`passTime(${ms} ms)`, always, (m, r) => pass(m, r, ms))),
    offset.map((o) => make(`toNextSecond(${o} ms)`, always, (m, r) => pass(m, r, toSecond(rateOf(m), o)))),
    offset.map((o) =>
      make(
        `toWindowEdge(${o} ms)`,
        (m) => toWindowEdge(rateOf(m), o) !== undefined,
        (m, r) => pass(m, r, toWindowEdge(rateOf(m), o)!),
      ),
    ),
  ];
}

// ---- the meter alone ---------------------------------------------------------------------------------

interface MeterReal {
  meter: MessageRateMeter;
}

/** The meter is checked inside `offer`: nothing to compare afterwards. */
const meterCmd = checkedBy<RateModel, MeterReal>(async () => {});

const meterCommands = fc.commands<RateModel, MeterReal, false>(
  [
    burst.map((k) =>
      meterCmd(`offer ×${k}`, always, (m, r) => {
        const got = Array.from({ length: k }, () => r.meter.offer(m.now));
        expectAgreement(
          got,
          Array.from({ length: k }, () => RateRule.offer(m)),
        );
      }),
    ),
    ...rateTimeCommands(
      meterCmd,
      (m) => m,
      async (m, _r, ms) => void (m.now += ms),
    ),
    limitsArb.map((l) =>
      meterCmd(`setLimits(max ${l.max}, close after ${l.closeAfter} s)`, always, (m, r) => {
        Object.assign(m, l);
        r.meter.setLimits(l.max, l.closeAfter);
      }),
    ),
  ],
  commandsConstraints(40),
);

describe('message-rate meter (model-based)', () => {
  it('accepts, defers and rejects exactly as the rule says, with and without +PACEAPI', async () => {
    await fc.assert(
      fc.asyncProperty(limitsArb, fc.boolean(), fc.integer({ min: 0, max: 999 }), meterCommands, async (limits, paced, phase, cmds) => {
        // Start anywhere within a calendar second: the notifications go by calendar second.
        const now = Date.UTC(2025, 10, 12, 15, 0, 0) + phase;
        const model: RateModel = { ...limits, paced, now, times: [], violatingSeconds: new Set() };
        await fc.asyncModelRun(() => ({ model, real: { meter: new MessageRateMeter(limits.max, limits.closeAfter, paced) } }), cmds);
      }),
      propertyParams(FILE, 300),
    );
  });
});

// ---- the rule at the gateway -------------------------------------------------------------------------

interface GatewayModel {
  rate: RateModel;
  readyAt: number;
  /** Deferred messages a +PACEAPI client may have waiting before it counts as flooding and is closed. */
  maxBacklog: number;
  /** Slots of the deferred messages (they wait until then). */
  deferred: number[];
  /** When each accepted or deferred request is answered. */
  answers: number[];
  /** Error 100 as [at, id, text]. */
  errors: Array<[number, number, string]>;
  closedAt: number | undefined;
}

interface GatewayReal {
  h: Harness;
  c: TestClient;
}

async function agree(m: GatewayModel, r: GatewayReal): Promise<void> {
  await r.h.advance(0);
  const now = m.rate.now;
  const until = Math.min(now, m.closedAt ?? Infinity);
  expectAgreement(
    {
      now: r.h.clock.now(),
      answers: r.c.of('CURRENT_TIME').map((a) => a.at),
      errors: r.c.errors(100).map((e) => [e.at, e.msg.id, e.msg.message]),
      closedAt: r.c.closedAt,
    },
    { now, answers: m.answers.filter((t) => t <= until).sort((a, b) => a - b), errors: m.errors, closedAt: m.closedAt },
  );
}

const gwCmd = checkedBy(agree);

async function gwPassTime(m: GatewayModel, r: GatewayReal, ms: number): Promise<void> {
  m.rate.now += ms;
  await r.h.advance(ms);
}

const open = (m: GatewayModel) => m.closedAt === undefined;

const gatewayCommands = fc.commands<GatewayModel, GatewayReal, false>(
  [
    burst.map((k) =>
      gwCmd(`send REQ_CURRENT_TIME ×${k}`, open, (m, r) => {
        for (let i = 0; i < k && open(m); i++) {
          const d = RateRule.offer(m.rate);
          const waiting = m.deferred.filter((t) => t > m.rate.now).length;
          if (d.kind === 'defer' && waiting >= m.maxBacklog) m.closedAt = m.rate.now; // floods beyond its backlog
          if (d.kind === 'defer') m.deferred.push(d.at!);
          // (Answers due after the close never come: agree() looks only up to the close.)
          if (d.kind !== 'reject') m.answers.push(Math.max(d.at ?? m.rate.now, m.readyAt));
          if (d.notify)
            m.errors.push([
              m.rate.now,
              d.notify.count,
              `Max rate of messages per second has been exceeded:max=${m.rate.max} rec=${d.notify.received} (${d.notify.count})`,
            ]);
          if (d.close) m.closedAt = m.rate.now;
          r.c.send(currentTime());
        }
      }),
    ),
    ...rateTimeCommands(gwCmd, (m) => m.rate, gwPassTime),
  ],
  commandsConstraints(30),
);

/** Login times shorter and longer than a pacing delay (requests sent during the login wait for it). */
const loginMs = fc.constantFrom(0, 300, 2_500);
/** A small backlog limit, reached by a flood, and the profiles' own. */
const maxBacklog = fc.constantFrom(4, 10_000);

describe('message rate at the gateway (model-based)', () => {
  it('answers, error 100 and disconnects come exactly as the rule says, during and after login', async () => {
    await fc.assert(
      fc.asyncProperty(
        limitsArb,
        fc.boolean(),
        fc.integer({ min: 0, max: 999 }),
        loginMs,
        maxBacklog,
        gatewayCommands,
        async (limits, paced, phase, login, backlog, cmds) => {
          const h = harness({
            overrides: {
              connections: { loginLatency: { median: login, sigma: 0 } },
              messageRate: { maxPerSecond: limits.max, closeAfterViolatingSeconds: limits.closeAfter },
              limits: { maxPacedBacklog: backlog },
            },
          });
          await h.advance(phase);
          const c = h.connect(paced ? { connectOptions: ['+PACEAPI'] } : {});
          c.startApi(1);
          const now = h.clock.now();
          await h.advance(0); // a login of 0 ms completes now, before the first command
          const rate: RateModel = { ...limits, paced, now, times: [], violatingSeconds: new Set() };
          const model: GatewayModel = { rate, readyAt: now + login, maxBacklog: backlog, deferred: [], answers: [], errors: [], closedAt: undefined };
          await fc.asyncModelRun(() => ({ model, real: { h, c } }), cmds);
        },
      ),
      propertyParams(FILE, 100),
    );
  });
});
