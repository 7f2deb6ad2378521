/** Jest `globalTeardown`: stops the simulator `ibkr-harness/jest-global-setup` started (nothing to do if none runs). */
import type { SuiteSimulator } from './suite-simulator.ts';
import { JEST_SIMULATOR_KEY } from './jest-global-setup.ts';

export default async function globalTeardown(): Promise<void> {
  const slot = globalThis as { [JEST_SIMULATOR_KEY]?: SuiteSimulator };
  const running = slot[JEST_SIMULATOR_KEY];
  delete slot[JEST_SIMULATOR_KEY];
  await running?.close();
}
