/**
 * No passing on nothing: a claim judged on no operation fails, and a run none of whose processes
 * ever connected fails first of all, with the connection error (virtual time: milliseconds).
 */
import { describe, expect, it } from 'vitest';
import { actor, AAPL, page } from './dsl.ts';
import { expectThat } from './expect.ts';
import { failedExpectations, runScenario } from './runner.ts';
import type { Scenario } from './types.ts';

const base = { title: 'test', problem: 'A test of the runner itself.', gateway: { profile: 'instant' } } as const;

describe('judging', () => {
  it('every claim says how many operations it judged', async () => {
    const s: Scenario = {
      ...base,
      name: 'two-qualifications',
      processes: [{ name: 'ui', strategy: 'pooled', actors: [page('watchlist', { qualify: [AAPL, AAPL] })] }],
      expect: [expectThat.noTimeouts(), expectThat.everyQualificationSucceeded([AAPL]), expectThat.noClientIdClash()],
    };
    const record = await runScenario(s, { target: 'virtual', seed: 1 });
    expect(record.expectations).toEqual([
      { claim: 'no request times out', ok: true, judged: 2 },
      { claim: 'every qualification of AAPL succeeds', ok: true, judged: 2 },
      { claim: 'no client id is ever refused with 326', ok: true, judged: 1 },
    ]);
    expect(record.connectionError).toBeUndefined();
  });

  it('a claim judged on nothing fails, even one that cannot be contradicted', async () => {
    const s: Scenario = {
      ...base,
      name: 'connects-and-asks-nothing',
      processes: [{ name: 'ui', strategy: 'pooled', actors: [actor('idle', 'ui', (ctx) => ctx.client.connect())] }],
      expect: [expectThat.noTimeouts(), expectThat.allOperationsFinished()],
    };
    const record = await runScenario(s, { target: 'virtual', seed: 1 });
    expect(record.expectations).toEqual([
      { claim: 'no request times out', ok: false, judged: 0, detail: 'nothing to judge: 0 operations' },
      { claim: 'every qualification and history request ends (ok or a typed error)', ok: false, judged: 0, detail: 'nothing to judge: 0 operations' },
    ]);
  });

  it('a run whose processes never connected fails first, with the connection error', async () => {
    const s: Scenario = {
      ...base,
      name: 'no-room-on-the-gateway',
      // A gateway that takes no API client at all: every START_API is answered with an error and a close.
      gateway: { profile: 'instant', overrides: { connections: { maxClients: 0 } } },
      processes: [{ name: 'ui', strategy: 'pooled', options: { qualifyDeadlineMs: 5_000 }, actors: [page('watchlist', { qualify: [AAPL] })] }],
      expect: [expectThat.noTimeouts()],
    };
    const record = await runScenario(s, { target: 'virtual', seed: 1 });
    // The gateway's refusal is named (collector/gateway-errors.ts): the client cap, not a lost connection.
    expect(record.connectionError).toMatchObject({ code: 'TOO_MANY_CLIENTS', message: expect.stringContaining('serves its maximum of API clients') });
    const [first, ...rest] = record.expectations;
    expect(first).toMatchObject({ claim: 'the processes connect to the gateway', ok: false, detail: expect.stringMatching(/^TOO_MANY_CLIENTS: /) });
    expect(first!.judged).toBeGreaterThan(0);
    expect(rest.map((e) => e.claim)).toEqual(['no request times out']);
    expect(failedExpectations(record)[0]).toBe(first);
  });
});
