import { defineConfig } from 'vitest/config';

// Six projects (see README): `npm test` runs unit, properties and scenarios; `npm run test:system`
// the tests that start whole CLI processes or build the package; `npm run test:live` runs the
// read-only live subset against a gateway on IBKR_HOST:IBKR_PORT; `npm run test:containers` the
// container tests. .ci/run runs all of them (live against a simulator).
const common = ['node_modules/**'];
/**
 * System tests: each starts `ibkr-harness` processes (tens of CLI start-ups), packs and builds the
 * package, or floods a simulator process. They keep `npm test` within its time budget by running
 * apart (`npm run test:system`), never by being skipped: .ci/run runs them on every landing.
 */
const system = [
  'bin/exit-codes.test.ts',
  'bin/signals.test.ts',
  'collector/cli.test.ts',
  'collector/cli-history.test.ts',
  'collector/ids/multi-process.test.ts',
  'collector/serve/http.property.test.ts',
  'collector/store/concurrent-open.test.ts',
  'scripts/package.test.ts',
  'simulator/robustness/hostile-input.test.ts',
  'simulator/robustness/leaks.test.ts',
];
/** Tests whose figures are model time measured over TCP at a small time scale. */
const timing = ['simulator/calibration.test.ts'];

export default defineConfig({
  test: {
    // Many tests wait on child processes, sockets and Redis rather than the CPU: with three workers
    // on this 2-core machine the cores were busy only 1.4 of 2 on average; four keep them busy
    // (npm test 119 s → 111 s). The timing-sensitive files still run alone, last (`scenarios`).
    maxWorkers: 4,
    // Temp files of the whole run go to one private directory, which must be empty at the end.
    globalSetup: ['common/testing/temp-dir-audit.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          // One module graph per worker, not per file: no test here mocks modules or stubs globals,
          // and re-importing the simulator for each of 140 files cost 160 s of the run's CPU.
          isolate: false,
          include: ['{bin,simulator,collector,reports,common,tools,docs,runners,scripts,examples}/**/*.test.ts'],
          exclude: [...common, '**/*.property.test.ts', '**/*.live.test.ts', ...timing, ...system],
          sequence: { groupOrder: 0 },
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'system',
          isolate: false,
          include: system,
          exclude: common,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'scenarios',
          isolate: false,
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
        // The simulator image under a real Docker engine (testcontainers): `npm run test:containers`,
        // mandatory in .ci/run; it builds the image, which takes longer than the rest of a unit run.
        test: {
          name: 'containers',
          include: ['containers/**/*.test.ts'],
          exclude: common,
          testTimeout: 240_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'properties',
          isolate: false,
          include: ['**/*.property.test.ts'],
          exclude: [...common, ...system],
          sequence: { groupOrder: 0 },
          testTimeout: 120_000,
        },
      },
    ],
  },
});
