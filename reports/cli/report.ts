/**
 * `ibkr-harness report --baseline <results.json> [--current <results.json>|run]`: the regression
 * gate. Compares two bench runs (running the current one with the baseline's settings when asked
 * to), writes the report with the deltas, and exits 1 on a regression beyond the thresholds.
 */
import { Command } from 'commander';
import { isStrategyName, type StrategyName } from '../../collector/strategies/index.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../bench/compare.ts';
import { readResults, writeBenchOutputs } from '../bench/outputs.ts';
import { runBench } from '../bench/run.ts';
import type { BenchResults } from '../bench/schema.ts';
import { verdictLine } from '../render/bench-markdown.ts';
import { nonNegative } from './args.ts';
import { printSummary } from './bench.ts';

export interface ReportCliOptions {
  baseline: string;
  current: string;
  out: string;
  modelTolerance: number;
  statTolerance: number;
  wallTolerance: number;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('Compare a bench run with a baseline; exit 1 on a regression beyond the thresholds.')
    .requiredOption('--baseline <results.json>', 'the reference run')
    .option('--current <results.json|run>', 'the run to judge: a results.json, or "run" to run the bench now with the baseline\'s settings', 'run')
    .option('--out <dir>', 'where to write the report with the deltas', 'out/report')
    .option(
      '--model-tolerance <r>',
      'per-seed relative increase allowed in model-time figures (virtual target)',
      nonNegative('--model-tolerance'),
      DEFAULT_THRESHOLDS.modelRel,
    )
    .option(
      '--stat-tolerance <r>',
      "how far past the baseline's 95% interval a model-time mean may go on the simulator",
      nonNegative('--stat-tolerance'),
      DEFAULT_THRESHOLDS.statRel,
    )
    .option('--wall-tolerance <r>', 'the same for wall-clock figures', nonNegative('--wall-tolerance'), DEFAULT_THRESHOLDS.wallRel)
    .action(async (o: ReportCliOptions) => {
      process.exitCode = await report(o);
    });
}

export async function report(o: ReportCliOptions, log: (line: string) => void = console.log): Promise<number> {
  const baseline = readResults(o.baseline);
  const current = o.current === 'run' ? await rerun(baseline, log) : readResults(o.current);
  const thresholds: Thresholds = { modelRel: o.modelTolerance, statRel: o.statTolerance, wallRel: o.wallTolerance };
  const written = await writeBenchOutputs(current, o.out, { baseline, thresholds });
  const cmp = written.comparison!;
  log(verdictLine(cmp).replace(/\*\*/g, ''));
  for (const n of cmp.notes) log(`  note: ${n}`);
  log(`\nReport with the deltas: ${written.files.markdown}, ${written.files.html}`);
  return cmp.regressions.length ? 1 : 0;
}

/** The same matrix, seeds, target and scale as the baseline, on this checkout. */
export async function rerun(baseline: BenchResults, log: (line: string) => void = console.log): Promise<BenchResults> {
  const e = baseline.environment;
  const strategies = baseline.strategies.filter(isStrategyName) as StrategyName[];
  if (e.target === 'live') throw new Error('the baseline ran against a live gateway; the bench only reruns on sim or virtual');
  log(
    `Running the bench as the baseline did: ${baseline.workloads.length} workloads × ${e.seeds.length} seeds × ${strategies.length} strategies, target ${e.target}${e.target === 'sim' ? `, time scale ${e.timeScale}` : ''}`,
  );
  const r = await runBench({ workloads: baseline.workloads, strategies, seeds: e.seeds, target: e.target, timeScale: e.timeScale || 0.02, quick: e.quick });
  printSummary(r, log);
  return r;
}
