import { defineConfig } from 'vitest/config';

// Four projects (see README): `npm test` runs unit, properties and scenarios; `npm run test:live`
// runs the read-only live subset against a gateway on IBKR_HOST:IBKR_PORT.
const common = ['node_modules/**'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{simulator,collector,reports,common}/**/*.test.ts'],
          exclude: [...common, '**/*.property.test.ts', '**/*.live.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'properties',
          include: ['**/*.property.test.ts'],
          exclude: common,
          testTimeout: 120_000,
        },
      },
    ],
  },
});
