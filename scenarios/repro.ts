/**
 * `npm start`: the TTE/WLN incident reproduced in one command. Starts the simulator in-process,
 * runs the incident before the fix, after it, and with the recommended pooled strategy, shows
 * progress, prints the three side by side in model seconds (what a user would wait against a
 * real gateway) and wall seconds, and writes a report. `--target virtual` runs the same on the
 * gateway model in virtual time, where one seed gives one run, exactly, on any machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { intArg, positiveNumberArg } from '../common/cli-args.ts';
import { runsTableMarkdown, expectationsMarkdown } from '../reports/render/markdown.ts';
import { renderRunsHtml } from '../reports/render/runs-html.ts';
import { renderFigures, writeFigures } from '../reports/render/bench-figures.ts';
import { figureHtml } from '../reports/render/html-page.ts';
import { reproFigures } from '../reports/render/repro-figures.ts';
import { findScenario } from './builtin/index.ts';
import { failedExpectations, judge, runScenario, type Progress } from './runner.ts';
import { fmtSeconds, fmtWorkload, RUN_FIGURE_HEAD, runFigureCells, summarize, textTable } from './summary.ts';
import type { RunRecord } from './view.ts';

const INCIDENT = ['tte-wln-before-fix', 'tte-wln-after-fix', 'tte-wln-pooled'];
const SYMBOLS = ['TTE', 'WLN'];

export interface ReproOptions {
  seed: number;
  timeScale: number;
  out: string;
  /** sim (default): in-process simulator over TCP with @stoqey/ib; virtual: the model in virtual time. */
  target?: 'sim' | 'virtual';
}

export function reproCommand(): Command {
  return new Command('repro')
    .description('Reproduce the TTE/WLN incident: before the fix, after it, and pooled, side by side.')
    .option('--seed <n>', 'seed of the run', intArg('--seed'), 1)
    .option('--time-scale <x>', 'real seconds per model second over TCP (1 = real time)', positiveNumberArg('--time-scale'), 0.02)
    .addOption(
      new Option('--target <target>', 'sim: the simulator over TCP (host load moves the figures a little); virtual: virtual time (one seed, one run, exactly)')
        .choices(['sim', 'virtual'])
        .default('sim'),
    )
    .option('--out <dir>', 'where to write the report', 'out/repro')
    .action(async (o: ReproOptions) => {
      const ok = await repro(o);
      process.exitCode = ok ? 0 : 1;
    });
}

export async function repro(o: ReproOptions): Promise<boolean> {
  const target = o.target ?? 'sim';
  const live = process.stdout.isTTY;
  console.log(
    target === 'virtual'
      ? `Reproducing the TTE/WLN incident on the gateway model in virtual time (profile lynx-paper, seed ${o.seed}: the same run on any machine)\n`
      : `Reproducing the TTE/WLN incident on the simulator (profile lynx-paper, seed ${o.seed}, time scale ${o.timeScale}: one model second takes ${o.timeScale * 1000} ms)\n`,
  );
  const runs: RunRecord[] = [];
  for (const name of INCIDENT) {
    const scenario = findScenario(name)!;
    const onProgress = (p: Progress) => {
      const line = `  … ${name}: ${fmtSeconds(p.modelMs)} model, ${p.operations} operations, ${p.timeouts} timeouts, ${p.failures} failures`;
      if (live) process.stdout.write(`\r${line.padEnd(100)}`);
    };
    // Baselines are run on their own here, so each scenario runs exactly once.
    const record = await runScenario({ ...scenario, baseline: undefined }, { target, seed: o.seed, timeScale: o.timeScale, onProgress, lookup: findScenario });
    const base = scenario.baseline ? runs.find((r) => r.scenario === scenario.baseline) : undefined;
    if (base) {
      record.baseline = base;
      record.expectations = judge(scenario, record);
    }
    if (live) process.stdout.write(`${'\r'.padEnd(101)}\r`);
    const met = record.expectations.filter((e) => e.ok).length;
    console.log(
      `${met === record.expectations.length ? '✔' : '✘'} ${name}: ${fmtSeconds(record.modelMs)} of gateway time in ${fmtSeconds(record.wallMs, 2)} — ${met}/${record.expectations.length} expectations met`,
    );
    runs.push(record);
  }

  const rows = runs.map((r) => [r.scenario, ...runFigureCells(summarize(r, SYMBOLS))]);
  console.log(`\nTTE/WLN, in model seconds (what you would wait on a real gateway) and wall seconds:\n`);
  console.log(textTable(['scenario', ...RUN_FIGURE_HEAD.map((h) => h.toLowerCase())], rows));
  console.log(`\n${WAITED_NOTE}`);
  const differ = workloadNote(runs);
  if (differ) console.log(differ);

  const failed = runs.flatMap((r) => failedExpectations(r).map((e) => `${r.scenario}: ${e.claim} — saw ${e.detail}`));
  for (const f of failed) console.log(`\n✘ ${f}`);

  const files = await writeReproReport(runs, { ...o, target });
  console.log(`\nReport: ${files.markdown}, ${files.html} (figures: ${files.figures.join(', ')}; raw history: ${files.runs})`);
  console.log(
    target === 'virtual'
      ? `Replay exactly: npm start -- --target virtual --seed ${o.seed}`
      : `Replay: npm start -- --seed ${o.seed} --time-scale ${o.timeScale} (over TCP host load moves the figures by a few percent; --target virtual replays exactly)`,
  );
  return failed.length === 0;
}

const WAITED_NOTE =
  '"qualify wait" counts every call: a success until its answer, a failure or timeout until the caller got it; "qualified" is the share that succeeded.';

/** Says plainly when the runs did not put the same load on qualification; undefined when they did. */
export function workloadNote(runs: readonly RunRecord[]): string | undefined {
  const loads = runs.map((r) => ({ scenario: r.scenario, load: fmtWorkload(summarize(r, SYMBOLS)) }));
  if (new Set(loads.map((l) => l.load)).size <= 1) return undefined;
  const groups = new Map<string, string[]>();
  for (const l of loads) groups.set(l.load, [...(groups.get(l.load) ?? []), l.scenario]);
  const parts = [...groups].map(([load, names]) => `${names.join(' and ')}: ${load}`);
  return `The workloads differ (${parts.join('; ')}): before-fix is the incident as it happened, with four pages and three tasks; after-fix and pooled are its fix under the fix's own test load. Compare after-fix with pooled like for like; \`npm run bench\` compares every strategy on the same workloads.`;
}

/** report.md (with the figures as SVG files beside it), report.html (figures inline) and runs.json. */
export async function writeReproReport(
  runs: readonly RunRecord[],
  o: ReproOptions,
): Promise<{ markdown: string; html: string; runs: string; figures: string[] }> {
  mkdirSync(o.out, { recursive: true });
  const figures = await renderFigures(reproFigures(runs, SYMBOLS));
  const svgs = writeFigures(o.out, figures);
  const images = figures.map((f, i) => `![${f.title}](${path.basename(svgs[i]!)})\n\n${f.caption}`).join('\n\n');
  const how = (o.target ?? 'sim') === 'virtual' ? 'virtual time' : `time scale ${o.timeScale}`;
  const differ = workloadNote(runs);
  const md = `# TTE/WLN incident reproduction\n\nSeed ${o.seed}, ${how}, profile lynx-paper.\n\n${runsTableMarkdown(runs, SYMBOLS)}\n\n${WAITED_NOTE}${differ ? `\n\n${differ}` : ''}\n\n${images}\n\n${expectationsMarkdown(runs)}`;
  const files = { markdown: path.join(o.out, 'report.md'), html: path.join(o.out, 'report.html'), runs: path.join(o.out, 'runs.json'), figures: svgs };
  writeFileSync(files.markdown, md);
  const charts = `<h2>Figures</h2>\n${figures.map((f) => figureHtml(f.title, f.svg, f.caption)).join('\n')}`;
  writeFileSync(files.html, renderRunsHtml('TTE/WLN incident reproduction', runs, SYMBOLS, charts));
  writeFileSync(files.runs, JSON.stringify(runs, null, 1));
  return files;
}
