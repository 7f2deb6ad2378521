/** IB's rate and pacing limits, broken by a naive client and kept by the pooled one. */
import { AAPL, actor, MSFT, range, TSLA, TTE, WLN } from '../dsl.ts';
import { expectThat, judged } from '../expect.ts';
import type { RunView } from '../view.ts';
import type { Scenario } from '../types.ts';

const qualificationsOf = (run: RunView, process: string) => run.qualifications().filter((c) => c.invoke.process === process);

/** Error frames the gateway sent to the connections of one process. */
function errorsToProcess(run: RunView, process: string, code: number): number {
  const ids = run.connectionsByProcess().get(process) ?? new Set<number>();
  return run.gatewayErrors(code).filter((e) => e.clientId !== null && ids.has(e.clientId)).length;
}

export const messageRate100: Scenario = {
  name: 'message-rate-100',
  title: 'A burst above 50 messages per second',
  problem:
    'TWS accepts at most 50 messages per second from a client; beyond that it answers error 100 and drops the excess (and disconnects a client that keeps at it). A client without a send limit that fires 150 requests at once loses some of them; one behind a queue never trips the limit.',
  gateway: { profile: 'ibkr-paper' },
  abusive: 'a burst of 150 requests at once, past the 50 messages/s limit (error 100, then a disconnect)',
  timeScale: 0.05,
  processes: [
    {
      name: 'naive',
      strategy: 'singleton',
      unthrottled: true,
      options: { singletonClientId: 21, qualifyDeadlineMs: 10_000 },
      actors: [
        actor('burst', 'ui', async (ctx) => {
          await ctx.client.connect();
          // Well above the 60 the gateway takes at once, so that the burst is a flood even when
          // a loaded host spreads its arrival (docs/wire-facts/pacing.md#the-rule-the-simulator-applies).
          await Promise.all(range(150).map(() => ctx.qualify(AAPL)));
        }),
      ],
    },
    {
      name: 'pooled',
      strategy: 'pooled',
      options: { qualifyDeadlineMs: 10_000 },
      actors: [
        actor('burst', 'worker', async (ctx) => {
          await ctx.client.connect();
          await Promise.all(range(80).map((i) => ctx.qualify([MSFT, TSLA, TTE, WLN][i % 4]!)));
        }),
      ],
    },
  ],
  expect: [
    expectThat.custom('the naive client is answered with error 100', (run) =>
      judged(qualificationsOf(run, 'naive').length, errorsToProcess(run, 'naive', 100) >= 1 || 'no error 100 for the naive client'),
    ),
    expectThat.custom('some of its requests are never answered (they time out)', (run) => {
      const asked = run.qualifications('AAPL');
      const lost = asked.filter((c) => c.end?.type === 'info').length;
      return judged(asked.length, lost > 0 || 'every request was answered');
    }),
    expectThat.custom('the pooled client never gets error 100 and every qualification succeeds', (run) => {
      const errors = errorsToProcess(run, 'pooled', 100);
      const asked = qualificationsOf(run, 'pooled');
      const bad = asked.filter((c) => c.end?.type !== 'ok').length;
      return judged(asked.length, (errors === 0 && bad === 0) || `${errors} error 100, ${bad} failed qualification(s)`);
    }),
  ],
};

const HOURLY = { duration: '1 W', barSize: '1 hour' };

export const historyPacing162: Scenario = {
  name: 'history-pacing-162',
  title: 'Historical-data pacing: identical and bursty requests',
  problem:
    'IB refuses (error 162) identical historical requests within 15 s, six or more for one contract within 2 s, and more than 60 in ten minutes. Several pages asking for the same history at once break the first rule; a collector that de-duplicates and paces never does.',
  gateway: { profile: 'ibkr-paper', overrides: { history: { pacing: { maxBarSeconds: null } } } },
  abusive: 'identical historical-data requests from several pages at once, to earn pacing violations (error 162)',
  timeScale: 0.05,
  processes: [
    {
      name: 'naive',
      strategy: 'singleton',
      options: { singletonClientId: 31 },
      actors: range(4).map((i) =>
        actor(`page-${i}`, 'ui', async (ctx) => {
          for (const c of [AAPL, MSFT]) await ctx.collect(c, HOURLY);
        }),
      ),
    },
    {
      name: 'pooled',
      strategy: 'pooled',
      actors: range(4).map((i) =>
        actor(`page-${i}`, 'ui', async (ctx) => {
          for (const c of [TTE, WLN]) await ctx.collect(c, HOURLY);
        }),
      ),
    },
  ],
  expect: [
    expectThat.custom('the naive pages get pacing violations (162)', (run) =>
      judged(run.ops('history', (e) => e.process === 'naive').length, errorsToProcess(run, 'naive', 162) >= 1 || 'no 162 for the naive pages'),
    ),
    expectThat.custom('the pooled pages get none, and their bars are stored', (run) => {
      const errors = errorsToProcess(run, 'pooled', 162);
      const asked = run.ops('history', (e) => e.process === 'pooled');
      const stored = asked.every((c) => c.end?.type === 'ok');
      return judged(asked.length, (errors === 0 && stored) || `${errors} error 162; history ok: ${stored}`);
    }),
  ],
};
