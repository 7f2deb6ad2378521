/**
 * Every built-in scenario, run against an in-process simulator over real TCP with the real
 * @stoqey/ib client, must meet its expectations. A failure names the claim, what was seen instead,
 * and the command that replays the run.
 */
import { describe, expect, it } from 'vitest';
import { findScenario, SCENARIOS } from './builtin/index.ts';
import { expectThat } from './expect.ts';
import { AAPL, page } from './dsl.ts';
import { failedExpectations, replayCommand, runScenario } from './runner.ts';
import type { Scenario } from './types.ts';

const SEED = Number(process.env.SCENARIO_SEED ?? 1);

describe('built-in scenarios against the simulator', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const record = await runScenario(scenario, { target: 'sim', seed: SEED, lookup: findScenario });
      const failed = failedExpectations(record).map((e) => `${e.claim} — saw: ${e.detail}`);
      expect(failed, `replay: ${replayCommand(record)}`).toEqual([]);
      expect(record.expectations.length).toBe(scenario.expect.length);
      expect(record.history.length).toBeGreaterThan(0);
    }, 60_000);
  }
});

describe('the runner', () => {
  it('fails a scenario whose expectation is violated, saying what it saw and how to replay it', async () => {
    const wrong: Scenario = {
      name: 'diagnostic-claims-too-much',
      title: 'A single client, with a false claim',
      problem: 'A test of the runner itself.',
      gateway: { profile: 'lynx-paper' },
      processes: [{ name: 'diagnostic', strategy: 'singleton', actors: [page('qualify', { clientId: 999, qualify: [AAPL] })] }],
      // A lone qualification cannot possibly take 30 s on this profile.
      expect: [expectThat.gatewayWaitAtLeast([AAPL], 30_000), expectThat.noClientIdClash()],
    };
    const record = await runScenario(wrong, { target: 'sim', seed: 3 });
    expect(record.expectations.map((e) => e.ok)).toEqual([false, true]);
    expect(record.expectations[0]!.detail).toMatch(/^longest wait \d+\.\d s over 1 requests$/);
    expect(replayCommand(record)).toBe('npx ibkr-harness scenario run diagnostic-claims-too-much --seed 3 --target sim --time-scale 0.05');
  });

  it('is deterministic in virtual time: one seed, one history', async () => {
    const s = findScenario('tte-wln-before-fix')!;
    const a = await runScenario(s, { target: 'virtual', seed: 42 });
    const b = await runScenario(s, { target: 'virtual', seed: 42 });
    const strip = (r: typeof a) => r.history.map(({ at, type, op, actor, clientId }) => [at - r.history[0]!.at, type, op, actor, clientId]);
    expect(strip(a)).toEqual(strip(b));
    const c = await runScenario(s, { target: 'virtual', seed: 43 });
    expect(strip(c)).not.toEqual(strip(a));
  });
});
