/**
 * The pacing budget's rules exist twice: judgeCharge (TypeScript: the in-process and files
 * adapters) and the CHARGE script (Lua, in Redis). For arbitrary rule values and streams of
 * charges — historical requests that collide by identity and contract, BID_ASK's double weight,
 * bar sizes the rules skip, charges of messages alone — both give the same verdict at the same
 * instants: granted, or the same rule with the same wait to the millisecond. Redis judges at the
 * test's instants (CHARGE's time parameter), so the comparison is exact.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pacedRequest } from '../../common/ib/pacing.ts';
import { judgeCharge, recordOf, type ChargedRecord } from './budget-judge.ts';
import { openRedisCoordination, parseCoordination, type BudgetRules, type PacingCharge } from './index.ts';
import type { RedisPacingBudget } from './redis/redis-pacing-budget.ts';
import { redisAvailable, startRedis, type RedisServer } from './testing/redis-server.ts';

const rulesArb: fc.Arbitrary<BudgetRules> = fc.record({
  identicalWindowMs: fc.integer({ min: 1, max: 20_000 }),
  sameContractWindowMs: fc.integer({ min: 1, max: 3_000 }),
  sameContractMax: fc.integer({ min: 2, max: 6 }),
  windowMs: fc.integer({ min: 1, max: 60_000 }),
  windowMax: fc.integer({ min: 2, max: 12 }),
  maxOpen: fc.constant(50),
  bidAskWeight: fc.constantFrom(2, 1),
  marginMs: fc.integer({ min: 0, max: 300 }),
  maxBarSeconds: fc.constantFrom(null, 30),
  maxMessages: fc.integer({ min: 1, max: 10 }),
  messageWindowMs: fc.integer({ min: 1, max: 2_000 }),
});

const stepArb = fc.record({
  gap: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 500 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
  ),
  historical: fc.boolean(),
  conId: fc.integer({ min: 1, max: 2 }),
  whatToShow: fc.constantFrom('TRADES', 'TRADES', 'MIDPOINT', 'BID_ASK'),
  duration: fc.constantFrom('1 D', '2 D', '3 D'),
  barSize: fc.constantFrom('1 min', '5 secs'),
  messages: fc.integer({ min: 1, max: 2 }),
});

const haveRedis = redisAvailable();
let redis: RedisServer;
let runs = 0;

beforeAll(async () => {
  if (haveRedis) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe.runIf(haveRedis)('the pacing budget in Lua and in TypeScript (properties)', () => {
  it('give the same verdict, rule and wait for every charge', async () => {
    const spec = parseCoordination(`${redis.url}/0?prefix=budget${process.pid}`);
    if (spec.kind !== 'redis') throw new Error('expected redis');
    const store = await openRedisCoordination(spec, { recoveryMs: 0 });
    try {
      await fc.assert(
        fc.asyncProperty(rulesArb, fc.array(stepArb, { minLength: 1, maxLength: 40 }), async (rules, steps) => {
          const budget = store.pacing(`login-${runs++}`) as RedisPacingBudget;
          // The test's instants run ahead of the server's clock: decisions read times from the
          // data, and Redis's own expiry (garbage collection only) then never comes early.
          let t = Date.now() + 60_000;
          const history: ChargedRecord[] = [];
          for (const s of steps) {
            t += s.gap;
            const charge: PacingCharge = {
              req: s.historical
                ? pacedRequest({
                    conId: s.conId,
                    exchange: 'SMART',
                    endDateTime: '',
                    duration: s.duration,
                    barSize: s.barSize,
                    whatToShow: s.whatToShow,
                    useRTH: true,
                  })
                : null,
              messages: s.messages,
            };
            if (charge.messages > rules.maxMessages) continue; // impossible charges are refused before the budget is asked
            const expected = judgeCharge(history, charge, rules, t, -Infinity);
            if (expected.granted) history.push(recordOf(charge, rules, t));
            const got = await budget.chargeAt(charge, rules, t);
            expect(got, `at +${t} for ${JSON.stringify(charge)}`).toEqual(expected);
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      await store.close();
    }
  }, 60_000);
});
