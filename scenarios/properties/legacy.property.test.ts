/**
 * The same invariants are not a formality: the incident's designs break them, fast-check finds a
 * small workload that shows it, and the report says how to replay it. The minimal counterexamples
 * found so far (for pooled during development, and for the legacy designs) are kept as fixtures
 * and replayed on every run.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StrategyName } from '../../collector/strategies/index.ts';
import { replayLine, violationFor } from '../testing/property-harness.ts';
import { workloadArb, type Workload } from './workload.ts';

const FILE = 'scenarios/properties/legacy.property.test.ts';

interface Fixture {
  name: string;
  description: string;
  seed: number;
  /**
   * The order in which fast-check's scheduler let the actors' steps go (the task numbers of the
   * counterexample's `schedulerFor()` listing); without it the steps go in the order they come.
   */
  schedule?: number[];
  strategies: Partial<Record<StrategyName, 'passes' | 'fails'>>;
  workload: Workload;
}
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/counterexamples.json', import.meta.url), 'utf8')) as Fixture[];

describe('legacy strategies break the invariants', () => {
  for (const strategy of ['timeout-wrapper', 'task-random-id'] as const) {
    it(`${strategy}: fast-check finds a counterexample and prints how to replay it`, async () => {
      const details = await fc.check(
        fc.asyncProperty(workloadArb({ faults: false }), fc.integer({ min: 1, max: 2 ** 30 }), async (w, seed) => {
          const v = await violationFor(w, strategy, { seed });
          if (v) throw new Error(v);
        }),
        { seed: 20261127, numRuns: 100 },
      );
      expect(details.failed).toBe(true);
      const report = await fc.asyncDefaultReportMessage(details);
      expect(report).toMatch(/\{ seed: -?\d+, path: "[\d:]+"/);
      const replay = replayLine(FILE, details.seed, details.counterexamplePath);
      expect(replay).toBe(`PROPERTY_SEED=${details.seed} PROPERTY_PATH="${details.counterexamplePath}" npx vitest run --project properties ${FILE}`);
      const [workload, seed] = details.counterexample as [Workload, number];
      // The shrunk counterexample is small and still fails when replayed on its own.
      expect(workload.processes.flatMap((p) => p.actors).length).toBeLessThanOrEqual(3);
      expect(await violationFor(workload, strategy, { seed })).toBeDefined();
      // …and the recommended strategy handles the same workload.
      expect(await violationFor(workload, 'pooled', { seed })).toBeUndefined();
    }, 60_000);
  }
});

describe('kept counterexamples', () => {
  for (const f of fixtures) {
    it(`${f.name}: ${f.description.split('.')[0]}`, async () => {
      for (const [strategy, verdict] of Object.entries(f.strategies) as Array<[StrategyName, 'passes' | 'fails']>) {
        const scheduler = f.schedule ? fc.schedulerFor(f.schedule) : undefined;
        const v = await violationFor(f.workload, strategy, { seed: f.seed, ...(scheduler ? { scheduler } : {}) });
        if (verdict === 'passes') expect(v, `${strategy} on ${f.name}`).toBeUndefined();
        else expect(v, `${strategy} on ${f.name}`).toBeDefined();
      }
    });
  }
});
