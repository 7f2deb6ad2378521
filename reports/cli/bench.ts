/**
 * `ibkr-harness bench` (`npm run bench`): every strategy over a matrix of workloads and seeds,
 * written to results.json, report.md, report.html and benchmark.json. The default target is
 * virtual time: the gateway model and the collector on one virtual clock, the same figures for the
 * same seed and code on any machine. `--target sim` runs the simulator over TCP with @stoqey/ib
 * (host load leaks into its model time: each seed runs `--repeats` times and the noise is shown);
 * `--target live` runs against a real gateway, behind the live guard (collector/live-guard.ts).
 */
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { LIVE_FLAG, LIVE_FLAG_HELP } from '../../collector/live-guard.ts';
import { isStrategyName, type StrategyName } from '../../collector/strategies/index.ts';
import { EXIT, UsageError, type ExitCode } from '../../common/exit-codes.ts';
import { textTable } from '../../scenarios/summary.ts';
import { intArg } from '../../common/cli-args.ts';
import { parseAssignments, type ProfileOverrides } from '../../simulator/model/profile.ts';
import { assertComparable, DEFAULT_THRESHOLDS } from '../bench/compare.ts';
import { readResults, writeBenchOutputs } from '../bench/outputs.ts';
import type { BenchResults } from '../bench/schema.ts';
import { ALL_STRATEGIES, defaultRepeats, findWorkloads, FULL_MATRIX, QUICK_MATRIX, type Workload } from '../bench/workload.ts';
import { countCI, NOISE_FIGURES, noiseText, secondsCI, shareCI } from '../render/format.ts';
import { positiveNumberArg } from '../../common/cli-args.ts';
import { list, parseSeeds, positiveInt } from './args.ts';

type BenchTarget = 'virtual' | 'sim' | 'live';

export interface BenchCliOptions {
  quick?: boolean;
  out: string;
  seeds?: number[];
  timeScale?: number;
  target: BenchTarget;
  repeats?: number;
  set?: string[];
  workloads?: string[];
  strategies?: string[];
  host?: string;
  port?: number;
  iKnowThisIsLive?: boolean;
  http?: boolean;
  httpConnections: number;
  httpDuration?: number;
  baseline?: string;
  figures?: string;
  progress: boolean;
}

/** What --quick means: two rungs of the concurrency ladder, three seeds, at the incident's scale. */
export const QUICK = { seeds: [1, 2, 3], timeScale: 0.02, httpDurationSec: 1, simRepeats: 2 };
export const FULL = { seeds: [1, 2, 3, 4, 5], timeScale: 0.02, httpDurationSec: 3 };

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'Benchmark the connection strategies side by side: latency, makespan, throughput, connections and errors, with 95% intervals over seeds. Default: virtual time (deterministic).',
    )
    .option('--quick', `a small matrix (${QUICK_MATRIX.map((w) => w.name).join(', ')}), ${QUICK.seeds.length} seeds`)
    .option('--out <dir>', 'where to write results.json, report.md, report.html, benchmark.json', 'out/bench')
    .option('--seeds <list>', 'seeds: 1-5, 1,2,7, or a count (default 5; quick 3)', parseSeeds)
    .addOption(
      new Option(
        '--target <target>',
        'virtual: the model in virtual time (deterministic, the same figures on any machine); sim: the simulator over TCP with @stoqey/ib (noisy: host load reads as model time); live: a real gateway',
      )
        .choices(['virtual', 'sim', 'live'])
        .default('virtual'),
    )
    .option(
      '--repeats <n>',
      `runs of each seed (default 1 in virtual time, 3 on sim/live, quick ${QUICK.simRepeats}): their spread is the run-to-run noise`,
      positiveInt('--repeats'),
    )
    .option('--time-scale <x>', `real ms per model ms on the simulator (default ${FULL.timeScale})`, positiveNumberArg('--time-scale'))
    .option('--set <path=value>', 'override a gateway profile field in every workload, e.g. --set secdef.service.median=33 (repeatable)', collect, [])
    .option('--workloads <names>', `comma-separated (default: ${FULL_MATRIX.map((w) => w.name).join(', ')}); any <N>sym-<P>p<T>t`, list)
    .option('--strategies <names>', 'comma-separated (default: all five)', list)
    .option('--host <host>', 'live gateway host (default $IBKR_HOST or 127.0.0.1)')
    .option('--port <port>', 'live gateway port (default $IBKR_PORT or 4002)', intArg('--port', 1, 65535))
    .option(LIVE_FLAG, LIVE_FLAG_HELP)
    .option('--http', 'also load the HTTP front (serve) of each strategy with autocannon, against an in-process simulator')
    .option('--http-connections <n>', 'autocannon connections', positiveInt('--http-connections'), 8)
    .option('--http-duration <s>', 'seconds of load per strategy (default 3; quick 1)', positiveNumberArg('--http-duration'))
    .option('--baseline <results.json>', 'compare with an earlier run: deltas in report.md, exit 1 on a regression, 2 if the runs cannot be compared')
    .option('--figures <dir>', 'also write the three figures there as SVG files')
    .option('--no-progress', 'no progress bar')
    .action(async (o: BenchCliOptions) => {
      process.exitCode = await bench(o);
    });
}

/** The bench as `bench` runs it; returns its exit code (common/exit-codes.ts). */
export async function bench(o: BenchCliOptions, log: (line: string) => void = console.log): Promise<ExitCode> {
  const preset = o.quick ? QUICK : FULL;
  const strategies = (o.strategies ?? [...ALL_STRATEGIES]).map((s) => {
    if (!isStrategyName(s)) throw new UsageError(`unknown strategy "${s}"; choose from ${ALL_STRATEGIES.join(', ')}`);
    return s as StrategyName;
  });
  const workloads = usage(() => (o.workloads ? findWorkloads(o.workloads) : [...(o.quick ? QUICK_MATRIX : FULL_MATRIX)]));
  const overrides: ProfileOverrides | undefined = o.set?.length ? usage(() => parseAssignments(o.set!)) : undefined;
  const seeds = o.seeds ?? preset.seeds;
  const timeScale = o.timeScale ?? preset.timeScale;
  const repeats = o.repeats ?? (o.quick && o.target !== 'virtual' ? QUICK.simRepeats : defaultRepeats(o.target));
  const baseline = o.baseline ? readResults(o.baseline) : undefined;
  // Refuse before running for minutes: the baseline must be the same kind of run.
  if (baseline) assertComparable(baseline, planOf(o.target, timeScale, seeds, workloads));
  const started = performance.now();
  const on = { virtual: 'the virtual-time model', sim: `the simulator (time scale ${timeScale})`, live: 'a live gateway' }[o.target];
  log(
    `Benchmarking ${strategies.length} strategies × ${workloads.length} workloads × ${seeds.length} seeds${repeats > 1 ? ` × ${repeats} runs` : ''} on ${on}`,
  );

  const bar =
    o.progress && process.stdout.isTTY
      ? new SingleBar({ format: '  {bar} {value}/{total} runs | {label} | ETA {eta_formatted}', hideCursor: true, clearOnComplete: true })
      : undefined;
  bar?.start(workloads.length * seeds.length * repeats * strategies.length, 0, { label: 'starting' });
  let results: BenchResults;
  // The runner, the HTTP load and the chart renderer load on use, not when the CLI starts.
  const { runBench } = await import('../bench/run.ts');
  try {
    results = await runBench({
      workloads,
      strategies,
      seeds,
      target: o.target,
      timeScale,
      repeats,
      ...(overrides ? { overrides } : {}),
      ...(o.target === 'live'
        ? { live: { ...(o.host ? { host: o.host } : {}), ...(o.port ? { port: o.port } : {}), allowLive: Boolean(o.iKnowThisIsLive) } }
        : {}),
      quick: Boolean(o.quick),
      onRun: (done, _total, label) => bar?.update(done, { label }),
    });
  } finally {
    bar?.stop();
  }
  if (o.http) {
    log(`HTTP load: serve per strategy, ${o.httpConnections} connections × ${o.httpDuration ?? preset.httpDurationSec} s`);
    const { httpLoad } = await import('../bench/http.ts');
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
    const { benchFigures, renderFigures, writeFigures } = await import('../render/bench-figures.ts');
    const files = writeFigures(o.figures, await renderFigures(benchFigures(results)));
    log(`Figures: ${files.join(', ')}`);
  }
  const f = written.files;
  log(`\nWrote ${f.results}, ${f.markdown}, ${f.html}, ${f.benchmark} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (written.comparison) {
    const n = written.comparison.regressions.length;
    log(n ? `✘ ${n} regression(s) against ${o.baseline}:` : `✔ no regression against ${o.baseline} (${written.comparison.gated} figures gated)`);
    for (const d of written.comparison.regressions.slice(0, 20)) log(`  ${d.workload} / ${d.strategy} ${d.figure}: ${d.why}`);
    return n ? EXIT.failed : EXIT.ok;
  }
  return EXIT.ok;
}

/** What a run will be, before it runs: enough to check it against a baseline. */
function planOf(target: BenchTarget, timeScale: number, seeds: readonly number[], workloads: readonly Workload[]) {
  return {
    environment: { target, timeScale: target === 'virtual' ? 0 : timeScale, seeds: [...seeds], profiles: [...new Set(workloads.map((w) => w.profile))] },
    workloads,
  } as Pick<BenchResults, 'environment' | 'workloads'>;
}

/** An input parser's error (unknown workload, bad --set) as a usage error. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError((err as Error).message);
  }
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
    const noisy = r.summary.filter((s) => s.workload === w.name && s.noise);
    if (noisy.length) {
      log(`run-to-run noise (standard deviation between the ${r.environment.repeats} runs of each seed):`);
      log(
        textTable(
          ['strategy', ...NOISE_FIGURES.map(([, label]) => label)],
          noisy.map((s) => [s.strategy, ...NOISE_FIGURES.map(([f]) => noiseText(s, f))]),
        ),
      );
    }
  }
}
