import { defineConfig } from 'vitest/config';

// Four projects (see README): `npm test` runs unit, properties and scenarios; `npm run test:live`
// runs the read-only live subset against a gateway on IBKR_HOST:IBKR_PORT.
const common = ['node_modules/**'];
/** Tests whose figures are model time measured over TCP at a small time scale. */
const timing = ['simulator/calibration.test.ts'];

export default defineConfig({
  test: {
    // Many tests wait on child processes and sockets rather than the CPU: one more worker than
    // this 2-core machine has cores keeps both cores busy.
    maxWorkers: 3,
    // Temp files of the whole run go to one private directory, which must be empty at the end.
    globalSetup: ['common/testing/temp-dir-audit.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{bin,simulator,collector,reports,common,tools,docs}/**/*.test.ts'],
          exclude: [...common, '**/*.property.test.ts', '**/*.live.test.ts', ...timing],
          sequence: { groupOrder: 0 },
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'scenarios',
          include: ['scenarios/**/*.test.ts', ...timing],
          exclude: [...common, '**/*.property.test.ts', '**/*.live.test.ts'],
          testTimeout: 60_000,
          // These measure model time on a scaled clock, where each real millisecond of CPU
          // contention reads as 20–50 model ms: they run last, one file at a time.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Read-only checks against a real paper gateway (or, in CI, a simulator on a port).
        test: {
          name: 'live',
          include: ['**/*.live.test.ts'],
          exclude: common,
          testTimeout: 90_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'properties',
          include: ['**/*.property.test.ts'],
          exclude: common,
          sequence: { groupOrder: 0 },
          testTimeout: 120_000,
        },
      },
    ],
  },
});
