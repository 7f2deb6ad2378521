/** A gateway that restarts, loses its link to IB, or keeps a dead session open. */
import { AAPL, actor, at, MSFT, ONE_DAY_HOURLY, task, TTE, WATCHLIST, WLN } from '../dsl.ts';
import { connectAttemptsOf, expectThat, judged } from '../expect.ts';
import type { Scenario } from '../types.ts';

const collectAll = (name: string) => task(name, { collect: WATCHLIST, history: ONE_DAY_HOURLY });

export const gatewayRestartMidCollection: Scenario = {
  name: 'gateway-restart-mid-collection',
  title: 'The gateway restarts in the middle of a collection',
  problem:
    'IB Gateway restarts daily (and on demand). Every session is dropped and new connections are refused for a few seconds; the restarted gateway holds no client id, so the old ids are free again. A collector must reconnect with backoff and finish without storing anything twice.',
  gateway: { profile: 'lynx-paper' },
  timeScale: 0.05,
  needsControl: true,
  faults: [at(2_500, { kind: 'restart' })],
  processes: [{ name: 'worker', strategy: 'pooled', actors: [collectAll('collect')] }],
  expect: [
    expectThat.everyQualificationSucceeded(WATCHLIST),
    expectThat.barsStored(WATCHLIST),
    expectThat.allOperationsFinished(),
    expectThat.custom('the session reconnected after the restart', (run) => {
      const ok = run.ops('reconnect').filter((c) => c.end?.type === 'ok');
      return judged(connectAttemptsOf(run), ok.length >= 1 || 'no successful reconnect');
    }),
    expectThat.custom('every series holds exactly the bars the gateway serves for it', (run) => {
      const series = run.ops('history');
      for (const c of series) {
        const v = c.end?.value as { received?: number; stored?: number } | undefined;
        if (c.end?.type !== 'ok' || v?.stored !== v?.received) return judged(series.length, `${c.invoke.args?.symbol}: ${JSON.stringify(v ?? c.end?.error)}`);
      }
      return judged(series.length, true);
    }),
  ],
};

export const connectivity11001102: Scenario = {
  name: 'connectivity-1100-1102',
  title: 'IB connectivity lost (1100) and restored (1102) mid-collection',
  problem:
    'When the gateway loses its link to IB it sends 1100 to every client and requests wait; 1102 says the link is back with data maintained. A collector must neither fail nor re-send what is still pending.',
  gateway: { profile: 'lynx-paper' },
  timeScale: 0.05,
  needsControl: true,
  faults: [at(1_500, { kind: 'connectivity', state: 'lost' }), at(6_500, { kind: 'connectivity', state: 'restored' })],
  processes: [{ name: 'worker', strategy: 'pooled', actors: [collectAll('collect')] }],
  expect: [
    expectThat.custom('the collector heard 1100 and then 1102', (run) => {
      const codes = run.history.filter((e) => e.op === 'notice' && e.type === 'info').map((e) => e.error?.ibCode);
      const i = codes.indexOf(1100);
      return judged(codes.length, (i >= 0 && codes.indexOf(1102, i) > i) || `notices: ${codes.join(', ') || 'none'}`);
    }),
    expectThat.everyQualificationSucceeded(WATCHLIST),
    expectThat.barsStored(WATCHLIST),
    expectThat.allOperationsFinished(),
    expectThat.custom('nothing was requested twice', (run) => {
      const sent = run.record.journal.filter((e) => e.dir === 'in' && e.message.type === 'REQ_CONTRACT_DATA').length;
      return judged(sent, sent === WATCHLIST.length || `${sent} contract requests for ${WATCHLIST.length} symbols`);
    }),
  ],
};

export const zombieSession: Scenario = {
  name: 'zombie-session',
  title: 'A session that completed the handshake and then went silent',
  problem:
    'A half-dead connection keeps its socket open and answers nothing. A collector that only waits hangs until its deadline; one that probes liveness drops the zombie, reconnects (with another id, since the gateway still holds the old one) and carries on.',
  gateway: { profile: 'lynx-paper' },
  timeScale: 0.05,
  needsControl: true,
  // Late enough that both sessions have logged in even on a loaded host (a login is ≈0.4 s plus
  // ≈0.7 s per other client): a stall during the login is a failed connect, not a zombie.
  faults: [at(5_000, { kind: 'stall' }, 'every session stops answering')],
  processes: [
    {
      name: 'legacy',
      strategy: 'singleton',
      options: { singletonClientId: 11, qualifyDeadlineMs: 20_000 },
      actors: [
        actor('page', 'ui', async (ctx) => {
          await ctx.qualify(AAPL);
          await ctx.sleep(5_000);
          await ctx.qualify(TTE);
        }),
      ],
    },
    {
      name: 'pooled',
      strategy: 'pooled',
      options: { watchdog: { intervalMs: 2_000, timeoutMs: 2_000 }, qualifyDeadlineMs: 20_000 },
      actors: [
        actor('page', 'ui', async (ctx) => {
          await ctx.qualify(MSFT);
          await ctx.sleep(5_000);
          await ctx.qualify(WLN);
        }),
      ],
    },
  ],
  expect: [
    expectThat.custom('the legacy client hangs until its deadline (a timeout)', (run) => {
      const tte = run.qualifications('TTE');
      return judged(
        tte.length,
        (tte.length === 1 && tte[0]!.end?.type === 'info' && tte[0]!.end.error?.code === 'REQUEST_TIMEOUT') ||
          `TTE ended ${tte[0]?.end?.type} ${tte[0]?.end?.error?.code ?? ''}`,
      );
    }),
    expectThat.custom('the pooled session detects the zombie, reconnects and qualifies WLN well before the deadline', (run) => {
      const wln = run.qualifications('WLN');
      const ok = wln.length === 1 && wln[0]!.end?.type === 'ok' && wln[0]!.ms! < 15_000;
      const reconnects = run.ops('reconnect', (e) => e.process === 'pooled').filter((c) => c.end?.type === 'ok').length;
      return judged(wln.length, (ok && reconnects >= 1) || `WLN ${wln[0]?.end?.type} after ${wln[0]?.ms?.toFixed(0)} ms, ${reconnects} reconnect(s)`);
    }),
    expectThat.allOperationsFinished(),
  ],
};
