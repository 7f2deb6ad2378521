/**
 * Every built-in scenario also runs in virtual time, and against a simulator started as a separate
 * process (`ibkr-harness sim`), driven only through its TCP port and its control plane: the
 * scenarios' faults are JSON specs, so nothing in them needs the simulator in this process.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startChildSimulator, type ChildSimulator } from '../simulator/testing/child-simulator.ts';
import { findScenario, SCENARIOS } from './builtin/index.ts';
import { failedExpectations, replayCommand, runScenario, type RunOptions } from './runner.ts';
import type { RunRecord } from './view.ts';

const SEED = Number(process.env.SCENARIO_SEED ?? 1);
const REMOTE_TIME_SCALE = 0.05;

/**
 * A full garbage collection of this test process, now. Against a simulator in another process a
 * pause here delays only the client side: at 0.05 a 50 ms pause is 1 model s by which the clients
 * fall behind a gateway that kept serving. The timing claims judged over TCP forgive a pause the
 * run measured (scenarios/modeled.ts `agreementAllowance`), but a pause also changes the workload
 * the gateway sees (requests arrive later, queues differ), which no allowance undoes. This worker
 * has run every earlier test file with one module graph (`isolate: false`), so its heap is large
 * and its major GCs are long; collecting before each remote run keeps them out of the run. In
 * process, a pause delays the gateway's timers and the clients' alike, in order, so no workload
 * changes. (tte-wln-before-fix's timeout levels hold by ≥ 35 model s,
 * scenarios/builtin/incident.test.ts.)
 */
const collectGarbage = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

function expectPassed(record: RunRecord, expectations: number): void {
  const failed = failedExpectations(record).map((e) => `${e.claim} — saw: ${e.detail}`);
  expect(failed, `replay: ${replayCommand(record)}`).toEqual([]);
  expect(record.expectations.length).toBe(expectations);
  expect(record.history.length).toBeGreaterThan(0);
}

describe('built-in scenarios in virtual time', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const record = await runScenario(scenario, { target: 'virtual', seed: SEED, lookup: findScenario });
      expectPassed(record, scenario.expect.length);
    });
  }
});

describe('built-in scenarios against a simulator in another process', () => {
  let child: ChildSimulator;
  let remote: RunOptions['remote'];

  beforeAll(async () => {
    child = await startChildSimulator(['--control-port', '0', '--profile', 'lynx-paper']);
    remote = { gateway: { host: '127.0.0.1', port: child.port }, control: child.controlUrl! };
  });
  afterAll(async () => {
    await child?.stop();
  });
  beforeEach(() => collectGarbage());

  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      // Two processes share this machine's cores here: at 0.05 a real millisecond of contention
      // reads as 20 model ms rather than 50 (the incident scenarios' own 0.02).
      const record = await runScenario(scenario, { target: 'sim', seed: SEED, lookup: findScenario, remote, timeScale: REMOTE_TIME_SCALE });
      expectPassed(record, scenario.expect.length);
      expect(record.remote).toEqual({ gateway: `127.0.0.1:${child.port}`, control: child.controlUrl });
      // Both event loops whose lateness shows in the clients' figures were measured.
      expect(record.hostLateness?.measured).toEqual(['clients', 'simulator']);
      expect(replayCommand(record)).toContain(`--target sim --time-scale ${record.timeScale} --gateway 127.0.0.1:${child.port} --control ${child.controlUrl}`);
      if (scenario.faults?.length) {
        // The faults crossed the process boundary as JSON and were applied there.
        const applied = record.history.filter((e) => e.op === 'fault' && e.type === 'ok');
        expect(applied).toHaveLength(scenario.faults.length);
      }
      expect(child.exit).toBeUndefined();
    }, 60_000);
  }
});
