/**
 * tte-wln-before-fix's claims rest on margins that host delays cannot erase, and each can still
 * fail: measured in virtual time (exact, a tenth of a second per run).
 */
import { describe, expect, it } from 'vitest';
import { LEGACY_TIMEOUTS_MS } from '../../collector/strategies/index.ts';
import { failedExpectations, runScenario } from '../runner.ts';
import { timeoutMargins, widestMargin } from '../testing/timeout-margins.ts';
import type { Scenario } from '../types.ts';
import { HEALTH_CHECK_AT_MS, tteWlnBeforeFix } from './incident.ts';

/**
 * The least margin, model ms, by which some attempt at each timeout level must time out: 1 real
 * second at the remote tests' scale 0.05 (400 ms at the scenario's 0.02), far beyond a GC pause or a
 * timer that fires late.
 */
const MIN_MARGIN_MS = 20_000;

/** The scenario with page-1 (the UI's client id 1) opened after the worker's health check asked for id 1. */
const healthCheckFirst: Scenario = {
  ...tteWlnBeforeFix,
  processes: tteWlnBeforeFix.processes.map((p) => ({
    ...p,
    actors: p.actors.map((a) => (a.name === 'page-1' ? { ...a, startAtMs: HEALTH_CHECK_AT_MS + 50 } : a)),
  })),
};

/**
 * The scenario as a pause of the clients' host from `atMs` for `lengthMs` model ms leaves it: actors
 * due to start during the pause start when it ends (their timers fire late, together).
 */
const afterPause = (atMs: number, lengthMs: number): Scenario => ({
  ...tteWlnBeforeFix,
  processes: tteWlnBeforeFix.processes.map((p) => ({
    ...p,
    actors: p.actors.map((a) => {
      const start = a.startAtMs ?? 0;
      return start >= atMs && start < atMs + lengthMs ? { ...a, startAtMs: atMs + lengthMs } : a;
    }),
  })),
});

const claimsOf = (r: Awaited<ReturnType<typeof runScenario>>) => Object.fromEntries(r.expectations.map((e) => [e.claim, e.ok ? 'ok' : e.detail]));

describe('tte-wln-before-fix', () => {
  it.each([1, 2, 3])('seed %i: every timeout level of TTE and WLN holds by ≥ 20 model s', async (seed) => {
    const { record, margins } = await timeoutMargins(tteWlnBeforeFix, seed);
    expect(failedExpectations(record)).toEqual([]);
    // Every request was timed: the queue drained, nothing counts as held forever.
    expect(margins.filter((m) => !Number.isFinite(m.marginMs))).toEqual([]);
    for (const symbol of ['TTE', 'WLN'])
      for (const level of LEGACY_TIMEOUTS_MS) expect(widestMargin(margins, symbol, level), `${symbol} ${level / 1000} s`).toBeGreaterThanOrEqual(MIN_MARGIN_MS);
  });

  // With the pages opened 100 ms apart, each of these pauses left page-1 alone at the gateway: its
  // watchlist was answered at once and TTE's 60 s attempts in time.
  it.each([
    [50, 500],
    [100, 500],
    [100, 2_000],
    [150, 2_000],
    [50, 3_000],
  ])('a pause of the clients at %i ms for %i ms, as the run starts, changes no verdict', async (atMs, lengthMs) => {
    const record = await runScenario(afterPause(atMs, lengthMs), { target: 'virtual', seed: 1 });
    expect(failedExpectations(record)).toEqual([]);
  });

  it('the worker is the one refused with 326; had the UI lost client id 1, the 60 s level would hold by under 5 model s', async () => {
    const { record, margins } = await timeoutMargins(healthCheckFirst, 1);
    expect(claimsOf(record)['a connection of worker is refused with 326 (at least 1)']).toBe('0 connection(s) of worker (refused: ui/page-1) failed with 326');
    expect(widestMargin(margins, 'TTE', 60_000)).toBeLessThan(5_000);
    expect(widestMargin(margins, 'WLN', 60_000)).toBeLessThan(5_000);
  });

  it('without the serialized, contended queue (profile ibkr-paper) nothing times out and the claims fail', async () => {
    const record = await runScenario({ ...tteWlnBeforeFix, gateway: { profile: 'ibkr-paper' } }, { target: 'virtual', seed: 1 });
    const claims = claimsOf(record);
    expect(claims['TTE/WLN time out at every level (3/15/20/30/60 s)']).toBe('TTE: no timeout at 3 s, 15 s, 20 s, 30 s, 60 s');
    expect(claims['TTE/WLN qualification waits at the gateway reach 30.0 s']).toMatch(/^longest wait 0\.\d s over \d+ requests$/);
    // The clash does not depend on the queue.
    expect(claims['a connection of worker is refused with 326 (at least 1)']).toBe('ok');
  });
});
