/**
 * `ibkr-harness bench` (`npm run bench`): every strategy over a matrix of workloads and seeds on
 * the simulator, written to results.json, report.md, report.html and benchmark.json.
 */
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { isStrategyName, type StrategyName } from '../../collector/strategies/index.ts';
import { textTable } from '../../scenarios/summary.ts';
import { httpLoad } from '../bench/http.ts';
import { readResults, writeBenchOutputs } from '../bench/outputs.ts';
import { runBench } from '../bench/run.ts';
import type { BenchResults } from '../bench/schema.ts';
import { ALL_STRATEGIES, findWorkloads, FULL_MATRIX, QUICK_MATRIX } from '../bench/workload.ts';
import { benchFigures, renderFigures, writeFigures } from '../render/bench-figures.ts';
import { countCI, secondsCI, shareCI } from '../render/format.ts';
import { list, parseSeeds, positive, positiveInt } from './args.ts';
import { DEFAULT_THRESHOLDS } from '../bench/compare.ts';

export interface BenchCliOptions {
  quick?: boolean;
  out: string;
  seeds?: number[];
  timeScale?: number;
  target: 'sim' | 'virtual';
  workloads?: string[];
  strategies?: string[];
  http?: boolean;
  httpConnections: number;
  httpDuration?: number;
  baseline?: string;
  figures?: string;
  progress: boolean;
}

/** What --quick means: two rungs of the concurrency ladder, three seeds, at the incident's scale. */
export const QUICK = { seeds: [1, 2, 3], timeScale: 0.02, httpDurationSec: 1 };
export const FULL = { seeds: [1, 2, 3, 4, 5], timeScale: 0.02, httpDurationSec: 3 };

export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'Benchmark the connection strategies side by side on the simulator: latency, makespan, throughput, connections and errors, with 95% intervals over seeds.',
    )
    .option('--quick', `a small matrix (${QUICK_MATRIX.map((w) => w.name).join(', ')}), ${QUICK.seeds.length} seeds: under 30 s`)
    .option('--out <dir>', 'where to write results.json, report.md, report.html, benchmark.json', 'out/bench')
    .option('--seeds <list>', 'seeds: 1-5, 1,2,7, or a count (default 5; quick 3)', parseSeeds)
    .option('--time-scale <x>', `real ms per model ms on the simulator (default ${FULL.timeScale})`, positive('--time-scale'))
    .addOption(
      new Option('--target <target>', 'sim: simulator over TCP with @stoqey/ib; virtual: the model in virtual time (deterministic, instant)')
        .choices(['sim', 'virtual'])
        .default('sim'),
    )
    .option('--workloads <names>', `comma-separated (default: ${FULL_MATRIX.map((w) => w.name).join(', ')}); any <N>sym-<P>p<T>t`, list)
    .option('--strategies <names>', 'comma-separated (default: all five)', list)
    .option('--http', 'also load the HTTP front (serve) of each strategy with autocannon')
    .option('--http-connections <n>', 'autocannon connections', positiveInt('--http-connections'), 8)
    .option('--http-duration <s>', 'seconds of load per strategy (default 3; quick 1)', positive('--http-duration'))
    .option('--baseline <results.json>', 'compare with an earlier run: deltas in report.md, exit 1 on a regression')
    .option('--figures <dir>', 'also write the three figures there as SVG files')
    .option('--no-progress', 'no progress bar')
    .action(async (o: BenchCliOptions) => {
      process.exitCode = await bench(o);
    });
}

export async function bench(o: BenchCliOptions, log: (line: string) => void = console.log): Promise<number> {
  const preset = o.quick ? QUICK : FULL;
  const strategies = (o.strategies ?? [...ALL_STRATEGIES]).map((s) => {
    if (!isStrategyName(s)) throw new Error(`unknown strategy "${s}"; choose from ${ALL_STRATEGIES.join(', ')}`);
    return s as StrategyName;
  });
  const workloads = o.workloads ? findWorkloads(o.workloads) : [...(o.quick ? QUICK_MATRIX : FULL_MATRIX)];
  const seeds = o.seeds ?? preset.seeds;
  const timeScale = o.timeScale ?? preset.timeScale;
  const baseline = o.baseline ? readResults(o.baseline) : undefined;
  const started = performance.now();
  log(
    `Benchmarking ${strategies.length} strategies × ${workloads.length} workloads × ${seeds.length} seeds on ${o.target === 'sim' ? `the simulator (time scale ${timeScale})` : 'the virtual-time model'}`,
  );

  const bar =
    o.progress && process.stdout.isTTY
      ? new SingleBar({ format: '  {bar} {value}/{total} runs | {label} | ETA {eta_formatted}', hideCursor: true, clearOnComplete: true })
      : undefined;
  bar?.start(workloads.length * seeds.length * strategies.length, 0, { label: 'starting' });
  let results: BenchResults;
  try {
    results = await runBench({
      workloads,
      strategies,
      seeds,
      target: o.target,
      timeScale,
      quick: Boolean(o.quick),
      onRun: (done, _total, label) => bar?.update(done, { label }),
    });
  } finally {
    bar?.stop();
  }
  if (o.http) {
    log(`HTTP load: serve per strategy, ${o.httpConnections} connections × ${o.httpDuration ?? preset.httpDurationSec} s`);
    results.http = await httpLoad({
      strategies,
      profile: workloads[0]!.profile,
      timeScale,
      connections: o.httpConnections,
      durationSec: o.httpDuration ?? preset.httpDurationSec,
      seed: seeds[0]!,
    });
  }
  const written = await writeBenchOutputs(results, o.out, { ...(baseline ? { baseline } : {}), thresholds: DEFAULT_THRESHOLDS });
  printSummary(results, log);
  if (o.figures) {
    const files = writeFigures(o.figures, await renderFigures(benchFigures(results)));
    log(`Figures: ${files.join(', ')}`);
  }
  const f = written.files;
  log(`\nWrote ${f.results}, ${f.markdown}, ${f.html}, ${f.benchmark} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (written.comparison) {
    const n = written.comparison.regressions.length;
    log(n ? `✘ ${n} regression(s) against ${o.baseline}:` : `✔ no regression against ${o.baseline}`);
    for (const d of written.comparison.regressions.slice(0, 20)) log(`  ${d.workload} / ${d.strategy} ${d.figure}: ${d.why}`);
    return n ? 1 : 0;
  }
  return 0;
}

export function printSummary(r: BenchResults, log: (line: string) => void = console.log): void {
  for (const w of r.workloads) {
    log(
      `\n${w.name}: ${w.pages} page(s) × ${w.symbols} symbols + ${w.tasks} task(s), ${w.profile} (model time, ± 95% over ${r.environment.seeds.length} seeds)`,
    );
    const rows = r.summary
      .filter((s) => s.workload === w.name)
      .map((s) => [
        `${s.rank}. ${s.strategy}`,
        shareCI(s.figures.answeredShare),
        secondsCI(s.figures.p50),
        secondsCI(s.figures.p99),
        secondsCI(s.figures.makespanMs, 1),
        countCI(s.figures.connections),
        countCI(s.figures.e326),
        countCI(s.figures.timeouts),
      ]);
    log(textTable(['strategy', 'answered', 'p50', 'p99', 'makespan', 'conns', '326', 'timeouts'], rows));
  }
}
