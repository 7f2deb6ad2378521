/**
 * `ibkr-harness report --baseline <results.json> [--current <results.json>|run]`: the regression
 * gate. Compares two bench runs (running the current one with the baseline's settings when asked
 * to), writes the report with the deltas, and exits (common/exit-codes.ts) 0 without a
 * regression, 1 on a regression, 2 when a file is missing or garbled or the runs cannot be
 * compared (different targets, profiles, workloads or time scales: the message names the field).
 * How each target is gated: reports/bench/compare.ts.
 */
import { Command } from 'commander';
import { isStrategyName, type StrategyName } from '../../collector/strategies/index.ts';
import { EXIT, UsageError, type ExitCode } from '../../common/exit-codes.ts';
import { compareResults, DEFAULT_THRESHOLDS, type Thresholds } from '../bench/compare.ts';
import { readResults, writeBenchOutputs } from '../bench/outputs.ts';
import type { BenchResults } from '../bench/schema.ts';
import { verdictLine } from '../render/bench-markdown.ts';
import { nonNegative } from './args.ts';
import { printSummary } from './bench.ts';

export interface ReportCliOptions {
  baseline: string;
  current: string;
  out: string;
  modelTolerance: number;
}

export function reportCommand(): Command {
  return new Command('report')
    .description(
      'Compare a bench run with a baseline: exit 1 on a regression, 2 if the runs cannot be compared (a different target, profile, workload or time scale).',
    )
    .requiredOption('--baseline <results.json>', 'the reference run')
    .option('--current <results.json|run>', 'the run to judge: a results.json, or "run" to run the bench now with the baseline\'s settings', 'run')
    .option('--out <dir>', 'where to write the report with the deltas', 'out/report')
    .option(
      '--model-tolerance <r>',
      'per-seed relative increase allowed in model-time figures (virtual target, where runs are deterministic)',
      nonNegative('--model-tolerance'),
      DEFAULT_THRESHOLDS.modelRel,
    )
    .action(async (o: ReportCliOptions) => {
      process.exitCode = await report(o);
    });
}

export async function report(o: ReportCliOptions, log: (line: string) => void = console.log): Promise<ExitCode> {
  const baseline = readResults(o.baseline);
  const current = o.current === 'run' ? await rerun(baseline, log) : readResults(o.current);
  const thresholds: Thresholds = { modelRel: o.modelTolerance };
  // Refuses (IncomparableRuns, exit 2) before anything is written.
  const cmp = compareResults(baseline, current, thresholds);
  const written = await writeBenchOutputs(current, o.out, { comparison: cmp });
  log(verdictLine(cmp).replace(/\*\*/g, ''));
  for (const n of cmp.notes) log(`  note: ${n}`);
  log(`\nReport with the deltas: ${written.files.markdown}, ${written.files.html}`);
  return cmp.regressions.length ? EXIT.failed : EXIT.ok;
}

/** The same matrix, seeds, target and scale as the baseline, on this checkout. */
export async function rerun(baseline: BenchResults, log: (line: string) => void = console.log): Promise<BenchResults> {
  const e = baseline.environment;
  const strategies = baseline.strategies.filter(isStrategyName) as StrategyName[];
  if (e.target === 'live')
    throw new UsageError('the baseline ran against a live gateway, which `report` does not rerun; run `bench --target live` yourself and pass --current');
  const repeats = e.repeats ?? 1;
  log(
    `Running the bench as the baseline did: ${baseline.workloads.length} workloads × ${e.seeds.length} seeds${repeats > 1 ? ` × ${repeats} runs` : ''} × ${strategies.length} strategies, target ${e.target}${e.target === 'sim' ? `, time scale ${e.timeScale}` : ''}`,
  );
  const { runBench } = await import('../bench/run.ts');
  const r = await runBench({
    workloads: baseline.workloads,
    strategies,
    seeds: e.seeds,
    target: e.target,
    timeScale: e.timeScale || 0.02,
    repeats,
    quick: e.quick,
  });
  printSummary(r, log);
  return r;
}
