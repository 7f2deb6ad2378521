/**
 * Model-based test of the per-client message-rate rule: the meter alone
 * (simulator/model/message-rate.ts) and the same rule as a client of the gateway sees it (through
 * the virtual-time harness: answers, error 100, the code-0 warning, the connection closed).
 *
 * The rule (docs/wire-facts/pacing.md#the-rule-the-simulator-applies), as the reference model
 * `RateRule` states it — as a limit on every interval, not as a bucket:
 *  - with C = max + ⌊max × toleranceMs / 1000⌋, a message is accepted when, with it, no interval
 *    [s, t] that starts at an accepted message holds more than C + max × (t − s) / 1000 accepted
 *    messages (a limit on any interval of any length); otherwise it is rejected and not counted
 *    as accepted. After new limits, the budget carried over (the level the old limits left, cut
 *    to the new C) counts as one more such constraint from the moment of the change;
 *  - `rec` is every message received in (t − 1000, t], the rejected ones too;
 *  - the first rejection in a calendar second reports error 100 with `rec` and the number of
 *    violating seconds so far; violations in `closeAfter` consecutive calendar seconds close;
 *  - the first accepted message of a calendar second without a violation whose `rec` exceeds
 *    `warnAbove` earns the code-0 warning;
 *  - a client that connected with +PACEAPI is never rejected or warned: each message takes the
 *    earliest whole millisecond, not before the previous one, at which it would be accepted.
 * At the gateway, an accepted or deferred request is answered at its time (or at the end of the
 * login, if later); a rejected one never. A +PACEAPI client with `maxPacedBacklog` messages waiting
 * that sends one more to wait is closed (a memory bound of ours, simulator/model/profile.ts).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { always, checkedBy, expectAgreement, type CommandMaker } from '../../common/testing/model-commands.ts';
import { commandsConstraints, propertyParams } from '../../common/testing/property-params.ts';
import { currentTime, harness, type Harness, type TestClient } from '../testing/model-harness.ts';
import { MessageRateMeter, type MessageRateLimits, type RateDecision } from './message-rate.ts';

const FILE = 'simulator/model/message-rate.property.test.ts';

interface Limits {
  max: number;
  toleranceMs: number;
  closeAfter: number;
  warnAbove: number;
}

const meterLimits = (l: Limits): MessageRateLimits => ({
  maxPerSecond: l.max,
  toleranceMs: l.toleranceMs,
  closeAfterViolatingSeconds: l.closeAfter,
  warnAbove: l.warnAbove,
});

interface RateModel extends Limits {
  paced: boolean;
  now: number;
  /** Times of every message received (not paced). */
  arrivals: number[];
  /** Times of the accepted messages (not paced) or of the slots given (paced) since `carried`. */
  taken: number[];
  /** The budget carried over a change of limits: at time t, `level` thousandths of a message. */
  carried: { t: number; level: number } | undefined;
  violatingSeconds: Set<number>;
  warnedSeconds: Set<number>;
}

/** A linear bound on the budget at time t, in thousandths of a message: intercept + max × t. */
type Bound = { intercept: number; fixed?: true };

const RateRule = {
  capacity: (m: Limits) => m.max + Math.floor((m.max * m.toleranceMs) / 1000),
  inWindow: (m: RateModel, t: number) => m.arrivals.filter((x) => x > t - 1000 && x <= t).length,

  /**
   * Every constraint on the budget: the capacity, and for each accepted message k (and the
   * carried budget) "what was there then, plus the refill since, minus what was taken since".
   */
  bounds(m: RateModel): Bound[] {
    const n = m.taken.length;
    const out: Bound[] = [{ intercept: 1000 * RateRule.capacity(m), fixed: true }];
    if (m.carried) out.push({ intercept: m.carried.level - m.max * m.carried.t - 1000 * n });
    m.taken.forEach((tk, k) => {
      out.push({ intercept: 1000 * RateRule.capacity(m) - 1000 * (n - k) - m.max * tk });
    });
    return out;
  },
  /** The budget at t (thousandths), with every taken message at or before t. */
  level: (m: RateModel, t: number) => Math.min(...RateRule.bounds(m).map((b) => (b.fixed ? b.intercept : b.intercept + m.max * t))),
  /** The earliest whole ms ≥ from at which the budget holds a whole message (undefined: never). */
  earliest(m: RateModel, from: number): number | undefined {
    let at = from;
    for (const b of RateRule.bounds(m)) {
      if (b.fixed) {
        if (b.intercept < 1000) return undefined;
      } else at = Math.max(at, Math.ceil((1000 - b.intercept) / m.max));
    }
    return at;
  },

  offer(m: RateModel): RateDecision {
    if (m.paced) {
      const at = RateRule.earliest(m, Math.max(m.now, m.taken.at(-1) ?? m.carried?.t ?? m.now))!;
      m.taken.push(at);
      return at === m.now ? { kind: 'accept' } : { kind: 'defer', at };
    }
    m.arrivals.push(m.now);
    const received = RateRule.inWindow(m, m.now);
    const second = Math.floor(m.now / 1000);
    if (RateRule.level(m, m.now) >= 1000) {
      m.taken.push(m.now);
      if (received <= m.warnAbove || m.warnedSeconds.has(second) || m.violatingSeconds.has(second)) return { kind: 'accept' };
      m.warnedSeconds.add(second);
      return { kind: 'accept', warn: { received } };
    }
    if (m.violatingSeconds.has(second)) return { kind: 'reject' };
    m.violatingSeconds.add(second);
    const close = Array.from({ length: m.closeAfter }, (_, k) => second - k).every((s) => m.violatingSeconds.has(s));
    return { kind: 'reject', notify: { received, count: m.violatingSeconds.size }, close };
  },

  setLimits(m: RateModel, l: Limits): void {
    const t = Math.max(m.now, m.taken.at(-1) ?? m.carried?.t ?? m.now);
    const level = RateRule.level(m, t);
    Object.assign(m, l);
    m.carried = { t, level: Math.min(level, 1000 * RateRule.capacity(m)) };
    m.taken = [];
  },
};

/** Model time to just before / at / after the next calendar second, the window's edge, or the next whole token. */
const toSecond = (m: RateModel, offset: number) => 1000 - (m.now % 1000) + offset;
const ahead = (m: RateModel, due: number | undefined, offset: number) => (due === undefined || due + offset < m.now ? undefined : due + offset - m.now);
const toWindowEdge = (m: RateModel, offset: number) => {
  const inside = (m.paced ? m.taken : m.arrivals).filter((x) => x > m.now - 1000 && x <= m.now);
  return ahead(m, inside.length === 0 ? undefined : inside[0]! + 1000, offset);
};
const toToken = (m: RateModel, offset: number) => ahead(m, RateRule.earliest(m, Math.max(m.now, m.taken.at(-1) ?? m.now)), offset);

const burst = fc.constantFrom(1, 1, 2, 3, 5, 10, 60);
const step = fc.constantFrom(0, 1, 10, 100, 333, 500, 999, 1_000, 1_001, 2_500);
const offset = fc.constantFrom(-1, 0, 1);
const limitsArb: fc.Arbitrary<Limits> = fc.record({
  max: fc.constantFrom(1, 3, 5, 50),
  toleranceMs: fc.constantFrom(0, 200, 1_000),
  closeAfter: fc.constantFrom(1, 2, 3),
  warnAbove: fc.constantFrom(0, 2, 40, 10_000),
});
const describeLimits = (l: Limits) => `max ${l.max}, tolerance ${l.toleranceMs} ms, close after ${l.closeAfter} s, warn above ${l.warnAbove}`;

/** Time steps, and steps to just before / at / after the next calendar second, the window's edge or the next token. */
function rateTimeCommands<M extends object, R>(make: CommandMaker<M, R>, rateOf: (m: M) => RateModel, pass: (m: M, r: R, ms: number) => Promise<void>) {
  const toward = (name: string, delta: (m: RateModel, o: number) => number | undefined) =>
    offset.map((o) =>
      make(
        `${name}(${o} ms)`,
        (m) => delta(rateOf(m), o) !== undefined,
        (m, r) => pass(m, r, delta(rateOf(m), o)!),
      ),
    );
  return [
    step.map((ms) => make(`passTime(${ms} ms)`, always, (m, r) => pass(m, r, ms))),
    toward('toNextSecond', toSecond),
    toward('toWindowEdge', toWindowEdge),
    toward('toNextToken', toToken),
  ];
}

const newRateModel = (limits: Limits, paced: boolean, now: number): RateModel => ({
  ...limits,
  paced,
  now,
  arrivals: [],
  taken: [],
  carried: undefined,
  violatingSeconds: new Set(),
  warnedSeconds: new Set(),
});

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
      meterCmd(`setLimits(${describeLimits(l)})`, always, (m, r) => {
        RateRule.setLimits(m, l);
        r.meter.setLimits(meterLimits(l), m.now);
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
        await fc.asyncModelRun(() => ({ model: newRateModel(limits, paced, now), real: { meter: new MessageRateMeter(meterLimits(limits), paced) } }), cmds);
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
  /** Error 100 and the code-0 warning as [at, id, code, text], in the order sent. */
  errors: Array<[number, number, number, string]>;
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
      errors: r.c
        .errors()
        .filter((e) => e.msg.code === 0 || e.msg.code === 100)
        .map((e) => [e.at, e.msg.id, e.msg.code, e.msg.message]),
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
              100,
              `Max rate of messages per second has been exceeded:max=${m.rate.max} rec=${d.notify.received} (${d.notify.count})`,
            ]);
          if (d.warn) m.errors.push([m.rate.now, -1, 0, `Warning: Approaching max rate of ${m.rate.max} messages per second (${d.warn.received})`]);
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
  it('answers, error 100, the code-0 warning and disconnects come exactly as the rule says, during and after login', async () => {
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
              messageRate: meterLimits(limits),
              limits: { maxPacedBacklog: backlog },
            },
          });
          await h.advance(phase);
          const c = h.connect(paced ? { connectOptions: ['+PACEAPI'] } : {});
          c.startApi(1);
          const now = h.clock.now();
          await h.advance(0); // a login of 0 ms completes now, before the first command
          const model: GatewayModel = {
            rate: newRateModel(limits, paced, now),
            readyAt: now + login,
            maxBacklog: backlog,
            deferred: [],
            answers: [],
            errors: [],
            closedAt: undefined,
          };
          await fc.asyncModelRun(() => ({ model, real: { h, c } }), cmds);
        },
      ),
      propertyParams(FILE, 100),
    );
  });
});
