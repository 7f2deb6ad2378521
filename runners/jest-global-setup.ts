/**
 * Jest `globalSetup`: one simulator for the whole suite. With its twin
 * `ibkr-harness/jest-global-teardown`:
 *
 *   // jest.config.js
 *   export default { globalSetup: 'ibkr-harness/jest-global-setup', globalTeardown: 'ibkr-harness/jest-global-teardown' };
 *
 * Jest starts its test workers after globalSetup, so they see `process.env.IBKR_HOST`, `IBKR_PORT`
 * and `IBKR_CONTROL_URL`. Options come from the `IBKR_SIM_*` variables (runners/suite-simulator.ts).
 * Jest runs globalSetup and globalTeardown in the same process, so the simulator is handed over
 * on `globalThis`.
 */
import { startSuiteSimulator, type SuiteSimulator } from './suite-simulator.ts';

/** The globalThis key the teardown finds the running simulator under. */
export const JEST_SIMULATOR_KEY = Symbol.for('ibkr-harness.jest-simulator');

/** Start the suite's simulator (Jest calls this with its configs, which are not needed). Throws if one is already running. */
export default async function globalSetup(): Promise<void> {
  const slot = globalThis as { [JEST_SIMULATOR_KEY]?: SuiteSimulator };
  if (slot[JEST_SIMULATOR_KEY]) throw new Error('ibkr-harness: a suite simulator is already running (globalSetup ran twice without its globalTeardown)');
  slot[JEST_SIMULATOR_KEY] = await startSuiteSimulator();
}
