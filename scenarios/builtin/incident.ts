/**
 * The TTE/WLN incident, as it happened and as it was fixed (README.md, introduction and "Calibration";
 * the gateway facts it rests on: docs/wire-facts/gateway.md#duplicate-client-id-326,
 * docs/wire-facts/pacing.md#contract-details-throttling).
 */
import { LEGACY_TIMEOUTS_MS } from '../../collector/strategies/index.ts';
import { actor, AAPL, MSFT, ONE_DAY_HOURLY, page, range, task, TSLA, TTE, WATCHLIST, WLN } from '../dsl.ts';
import { expectThat, judged } from '../expect.ts';
import type { Scenario } from '../types.ts';

/**
 * When the worker's health check asks for client id 1, model ms after the start: while the first UI
 * page holds it, so the worker is the one refused with 326, as in the incident. Seconds after the
 * page's START_API (100 real ms at 0.02, 250 at 0.05), not a race: at 200 ms (4 and 10 real ms) a
 * page held up that long on the host could lose id 1 to the health check, and without its
 * watchlist in the queue the 60 s timeout level held by 1–3 model s instead of ≈35 (virtual time;
 * scenarios/builtin/incident.test.ts measures both).
 */
export const HEALTH_CHECK_AT_MS = 5_000;

/** The UI connects at startup (init_global_ibkr_connection), before anyone asks for anything. */
const uiStartup = actor('startup', 'ui', (ctx) => ctx.client.connect());

export const tteWlnBeforeFix: Scenario = {
  name: 'tte-wln-before-fix',
  title: 'Before the fix: duplicate collectors and a timeout wrapper',
  problem:
    'Every Streamlit page built its own IBKRCollector with a random client id, and qualification was wrapped in a thread that gave up after 3/15/20/30/60 s and asked again. The gateway serializes qualification across clients and throttles, so the abandoned requests piled up: TTE and WLN never qualified, and the Celery worker that also used client id 1 got error 326.',
  gateway: { profile: 'lynx-paper' },
  abusive: 'over a hundred qualifications abandoned and sent again (a storm of abandoned requests), and a client-id clash',
  timeScale: 0.02,
  maxModelMs: 400_000,
  processes: [
    {
      name: 'ui',
      strategy: 'timeout-wrapper',
      // The pages open together, not 100 ms apart: a page alone at the gateway for half a second has
      // its whole watchlist answered uncontended, and without its re-sends the queue no longer
      // outlasts the 60 s timeout. A host pause of 10–25 real ms after page-1 had started (500 model
      // ms at 0.02–0.05) was enough (scenarios/builtin/incident.test.ts).
      actors: range(4).map((i) => page(`page-${i}`, { qualify: WATCHLIST, ...(i === 1 ? { clientId: 1 } : {}) })),
    },
    {
      name: 'worker',
      strategy: 'timeout-wrapper',
      actors: [
        // The Celery worker's health check used the default client id 1, like the UI.
        task('health-check', { at: HEALTH_CHECK_AT_MS, clientId: 1, collect: [AAPL] }),
        task('collect-TTE', { at: 500, collect: [TTE], history: ONE_DAY_HOURLY }),
        task('collect-WLN', { at: 500, collect: [WLN], history: ONE_DAY_HOURLY }),
      ],
    },
  ],
  expect: [
    expectThat.gatewayWaitAtLeast([TTE, WLN], 30_000),
    expectThat.timeoutAtEveryLevel([TTE, WLN], LEGACY_TIMEOUTS_MS),
    expectThat.clientIdClash(1, 'worker'),
  ],
};

/** test_connection_strategy.py: one persistent UI connection and two concurrent Celery tasks. */
function afterFixLoad(uiStrategy: 'singleton' | 'pooled', workerStrategy: 'task-random-id' | 'pooled'): Scenario['processes'] {
  return [
    { name: 'ui', strategy: uiStrategy, actors: [uiStartup] },
    {
      name: 'worker',
      strategy: workerStrategy,
      actors: [
        task('collect-TTE-1', { at: 450, collect: [TTE], history: ONE_DAY_HOURLY }),
        task('collect-TTE-2', { at: 450, collect: [TTE], history: ONE_DAY_HOURLY }),
      ],
    },
  ];
}

export const tteWlnAfterFix: Scenario = {
  name: 'tte-wln-after-fix',
  title: 'After the fix: a singleton UI session (id 1) and per-task random-id workers',
  problem:
    'The fix shared one UI connection (client id 1) and gave each Celery task its own connection with a random id in 4–999, disconnected after the task. Measured: UI connect 400 ms, tasks ~1.1 s, concurrent TTE qualification ~1 s, whole run ~5 s, no 326.',
  gateway: { profile: 'lynx-paper' },
  timeScale: 0.02,
  processes: afterFixLoad('singleton', 'task-random-id'),
  expect: [
    expectThat.noClientIdClash(),
    expectThat.everyQualificationSucceeded([TTE]),
    expectThat.qualifiedWithin([TTE], 2_000),
    expectThat.makespanBetween(3_500, 6_500),
    expectThat.barsStored([TTE]),
    expectThat.noTimeouts(),
  ],
};

export const tteWlnPooled: Scenario = {
  name: 'tte-wln-pooled',
  title: 'Recommended: pooled sessions under the same load',
  problem:
    'One session per process with a leased client id, qualification queued, de-duplicated and cached, history paced. The two tasks asking for TTE share one request, so there are fewer connections and the run ends sooner than after the fix.',
  gateway: { profile: 'lynx-paper' },
  timeScale: 0.02,
  baseline: 'tte-wln-after-fix',
  processes: afterFixLoad('pooled', 'pooled'),
  expect: [
    expectThat.noClientIdClash(),
    expectThat.noTimeouts(),
    expectThat.everyQualificationSucceeded([TTE]),
    expectThat.barsStored([TTE]),
    expectThat.fewerConnectionsThanBaseline(),
    expectThat.shorterThanBaseline(),
    expectThat.atMostOneConnectionPerProcess(),
  ],
};

export const diagnosticSingleClient: Scenario = {
  name: 'diagnostic-single-client',
  title: 'The diagnostic script: client 999 alone, all five symbols at once',
  problem:
    'test_ibkr_v2.py always worked: with a single connection the gateway answers every qualification at once, which is why the incident was hard to see.',
  gateway: { profile: 'lynx-paper' },
  timeScale: 0.05,
  processes: [{ name: 'diagnostic', strategy: 'singleton', actors: [page('qualify-all', { clientId: 999, qualify: [TTE, WLN, AAPL, TSLA, MSFT] })] }],
  expect: [
    expectThat.everyQualificationSucceeded(WATCHLIST),
    expectThat.custom('each qualification is answered < 200 ms after it reached the gateway', (run) => {
      const modeled = (run.record.secdef ?? []).map((s) => s.waitMs + s.serviceMs);
      const max = Math.max(...modeled);
      return judged(modeled.length, (modeled.length === 5 && max < 200) || `${modeled.length} requests, slowest ${max.toFixed(0)} ms`);
    }),
    expectThat.noClientIdClash(),
  ],
};

export const clientId326: Scenario = {
  name: 'client-id-326',
  title: 'The UI and a worker both on client id 1',
  problem:
    'When Streamlit and a Celery worker both connected with client_id=1, the second got error 326 ("client id already in use") and its socket was closed; the first kept working.',
  gateway: { profile: 'lynx-paper' },
  timeScale: 0.05,
  processes: [
    { name: 'ui', strategy: 'singleton', actors: [uiStartup, page('watchlist', { at: 1_500, qualify: [AAPL, MSFT] })] },
    { name: 'worker', strategy: 'singleton', actors: [task('collect-TTE', { at: 700, collect: [TTE] })] },
  ],
  expect: [
    expectThat.clientIdClash(1),
    expectThat.everyQualificationSucceeded([AAPL, MSFT]),
    expectThat.custom("the worker's connection is the one refused, so its TTE collection never starts", (run) => {
      const attempts = run.ops('connect', (e) => e.process === 'worker');
      const refused = attempts.filter((c) => c.end?.error?.code === 'CLIENT_ID_IN_USE');
      const tte = run.qualifications('TTE');
      return judged(
        attempts.length,
        (refused.length === 1 && tte.length === 0) || `${refused.length} worker connect(s) refused, ${tte.length} TTE qualification(s)`,
      );
    }),
  ],
};
