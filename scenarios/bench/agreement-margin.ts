/**
 * How much of what the clients saw beyond the model the run's measured host lateness explains, and
 * what is left for the floor per step (scenarios/modeled.ts `AGREEMENT_FLOOR_REAL_MS`): runs a
 * scenario over TCP to an in-process simulator `runs` times and prints, per run, in real ms, the
 * largest excess of a qualification or connection over its modeled duration, the part of it the
 * measured spans cover, and the makespan's excess per sequential step beyond the spans.
 *
 *   npm run bench:agreement -- [scenario (default tte-wln-after-fix)] [runs (default 8)]
 *
 * Run it on a quiet host and beside load (e.g. two busy loops) to see whether the floor still has
 * a margin. Only scenarios whose strategies make one gateway request per operation can be judged.
 */
import { findScenario } from '../builtin/index.ts';
import { coveredMs, modeledDurations, modeledPath } from '../modeled.ts';
import { runScenario } from '../runner.ts';
import { RunView } from '../view.ts';

const name = process.argv[2] ?? 'tte-wln-after-fix';
const runs = Number(process.argv[3] ?? 8);
const scenario = findScenario(name);
if (!scenario) throw new Error(`no scenario ${name}: see npx ibkr-harness scenario list`);

const fixed = (ms: number) => ms.toFixed(1).padStart(6);
let worstLeft = -Infinity;
let worstStepLeft = -Infinity;
console.log(`${name}, ${runs} runs over TCP, real ms:  op excess | measured | left || makespan excess | measured | left per step`);
for (let i = 0; i < runs; i++) {
  const record = await runScenario(scenario, { target: 'sim', seed: 1, lookup: findScenario });
  const run = new RunView(record);
  const modeled = modeledDurations(run);
  if (!(modeled instanceof Map)) throw new Error(`cannot judge ${name} on modeled times: ${modeled ?? 'not a simulator run'}`);
  const real = (modelMs: number) => modelMs * record.timeScale;
  const spans = record.hostLateness?.spans ?? [];
  const ops = [...modeled.entries()].map(([opId, ms]) => {
    const c = run.completions((e) => e.opId === opId)[0]!;
    const excess = real(c.ms! - ms);
    const measured = real(coveredMs(spans, c.invoke.at, c.end!.at));
    return { excess, measured, left: excess - measured };
  });
  const op = ops.reduce((a, b) => (b.left > a.left ? b : a));
  const actors = [...new Set(record.history.filter((e) => e.process !== undefined).map((e) => e.actor))];
  const longest = actors.map((a) => modeledPath(run, modeled, a)).reduce((a, b) => (b.ms > a.ms ? b : a));
  const mkExcess = real(record.modelMs - longest.ms);
  const mkMeasured = real(coveredMs(spans, -Infinity, Infinity));
  const stepLeft = (mkExcess - mkMeasured) / longest.steps;
  worstLeft = Math.max(worstLeft, op.left);
  worstStepLeft = Math.max(worstStepLeft, stepLeft);
  console.log(
    `run ${String(i + 1).padStart(2)}: ${fixed(op.excess)} | ${fixed(op.measured)} | ${fixed(op.left)} || ${fixed(mkExcess)} | ${fixed(mkMeasured)} | ${fixed(stepLeft)}`,
  );
}
console.log(`left for the floor: at most ${worstLeft.toFixed(1)} real ms per operation, ${worstStepLeft.toFixed(1)} per makespan step`);
