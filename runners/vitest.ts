/**
 * A vitest `globalSetup` that runs one simulator for the whole suite, in one line of config:
 *
 *   // vitest.config.ts
 *   export default defineConfig({ test: { globalSetup: ['ibkr-harness/vitest'] } });
 *
 * Tests read `process.env.IBKR_HOST`, `IBKR_PORT` and `IBKR_CONTROL_URL`, or `inject('ibkr')`
 * (a `SuiteSimulatorEnv`). Options come from the `IBKR_SIM_*` variables (runners/suite-simulator.ts);
 * for options in code, write a setup file of your own:
 *
 *   // ibkr.global-setup.ts
 *   import { simulatorGlobalSetup } from 'ibkr-harness/vitest';
 *   export default simulatorGlobalSetup({ profile: 'ibkr-paper', seed: 7 });
 */
import type { SimulatorOptions } from '../simulator/simulator.ts';
import { startSuiteSimulator, type SuiteSimulatorEnv } from './suite-simulator.ts';

export type { SuiteSimulatorEnv } from './suite-simulator.ts';

/** What vitest passes a globalSetup function: only `provide` is used (vitest's `TestProject`). */
export interface ProvideContext {
  provide(key: 'ibkr', value: SuiteSimulatorEnv): void;
}

/** A vitest globalSetup function for these simulator options: starts the simulator, returns its teardown. */
export function simulatorGlobalSetup(options: SimulatorOptions = {}): (project: ProvideContext) => Promise<() => Promise<void>> {
  return async (project) => {
    const suite = await startSuiteSimulator(options);
    project.provide('ibkr', suite.env);
    return () => suite.close();
  };
}

/** The one-line form: the simulator with options from the `IBKR_SIM_*` variables. */
export default simulatorGlobalSetup();
