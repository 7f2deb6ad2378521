/**
 * `npm start`: the TTE/WLN incident reproduced in one command. Starts the simulator in-process,
 * runs the incident before the fix, after it, and with the recommended pooled strategy, shows
 * progress, prints the three side by side in model seconds (what a user would wait against a
 * real gateway) and wall seconds, and writes a report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { intArg, positiveNumberArg } from '../simulator/cli.ts';
import { runsTableMarkdown, expectationsMarkdown } from '../reports/render/markdown.ts';
import { renderRunsHtml } from '../reports/render/runs-html.ts';
import { findScenario } from './builtin/index.ts';
import { failedExpectations, judge, runScenario, type Progress } from './runner.ts';
import { fmtSeconds, summarize, textTable } from './summary.ts';
import type { RunRecord } from './view.ts';

const INCIDENT = ['tte-wln-before-fix', 'tte-wln-after-fix', 'tte-wln-pooled'];
const SYMBOLS = ['TTE', 'WLN'];

export function reproCommand(): Command {
  return new Command('repro')
    .description('Reproduce the TTE/WLN incident: before the fix, after it, and pooled, side by side.')
    .option('--seed <n>', 'seed that replays the run exactly', intArg('--seed'), 1)
    .option('--time-scale <x>', 'real seconds per model second (1 = real time)', positiveNumberArg('--time-scale'), 0.02)
    .option('--out <dir>', 'where to write the report', 'out/repro')
    .action(async (o: { seed: number; timeScale: number; out: string }) => {
      const ok = await repro(o);
      process.exitCode = ok ? 0 : 1;
    });
}

export async function repro(o: { seed: number; timeScale: number; out: string }): Promise<boolean> {
  const live = process.stdout.isTTY;
  console.log(`Reproducing the TTE/WLN incident on the simulator (profile lynx-paper, seed ${o.seed}, time scale ${o.timeScale}: one model second takes ${o.timeScale * 1000} ms)\n`);
  const runs: RunRecord[] = [];
  for (const name of INCIDENT) {
    const scenario = findScenario(name)!;
    const onProgress = (p: Progress) => {
      const line = `  … ${name}: ${fmtSeconds(p.modelMs)} model, ${p.operations} operations, ${p.timeouts} timeouts, ${p.failures} failures`;
      if (live) process.stdout.write(`\r${line.padEnd(100)}`);
    };
    // Baselines are run on their own here, so each scenario runs exactly once.
    const record = await runScenario({ ...scenario, baseline: undefined }, { target: 'sim', seed: o.seed, timeScale: o.timeScale, onProgress, lookup: findScenario });
    const base = scenario.baseline ? runs.find((r) => r.scenario === scenario.baseline) : undefined;
    if (base) {
      record.baseline = base;
      record.expectations = judge(scenario, record);
    }
    if (live) process.stdout.write('\r'.padEnd(101) + '\r');
    const met = record.expectations.filter((e) => e.ok).length;
    console.log(`${met === record.expectations.length ? '✔' : '✘'} ${name}: ${fmtSeconds(record.modelMs)} of gateway time in ${fmtSeconds(record.wallMs, 2)} — ${met}/${record.expectations.length} expectations met`);
    runs.push(record);
  }

  const rows = runs.map((r) => {
    const s = summarize(r, SYMBOLS);
    return [s.scenario, String(s.connections), String(s.clientIdErrors), String(s.timeouts), `${s.qualifications.qualified}/${s.qualifications.asked}`, fmtSeconds(s.qualifyMedianMs, 2), fmtSeconds(s.gatewayWaitMaxMs), fmtSeconds(s.makespanMs), fmtSeconds(s.wallMs, 2)];
  });
  console.log(`\nTTE/WLN, in model seconds (what you would wait on a real gateway) and wall seconds:\n`);
  console.log(textTable(['scenario', 'connections', '326', 'timeouts', 'qualified', 'qualify (median)', 'longest gateway wait', 'run (model)', 'run (wall)'], rows));

  const failed = runs.flatMap((r) => failedExpectations(r).map((e) => `${r.scenario}: ${e.claim} — saw ${e.detail}`));
  for (const f of failed) console.log(`\n✘ ${f}`);

  mkdirSync(o.out, { recursive: true });
  const md = `# TTE/WLN incident reproduction\n\nSeed ${o.seed}, time scale ${o.timeScale}, profile lynx-paper.\n\n${runsTableMarkdown(runs, SYMBOLS)}\n\n${expectationsMarkdown(runs)}`;
  writeFileSync(path.join(o.out, 'report.md'), md);
  writeFileSync(path.join(o.out, 'report.html'), renderRunsHtml('TTE/WLN incident reproduction', runs, SYMBOLS));
  writeFileSync(path.join(o.out, 'runs.json'), JSON.stringify(runs, null, 1));
  console.log(`\nReport: ${path.join(o.out, 'report.md')}, ${path.join(o.out, 'report.html')} (raw history: ${path.join(o.out, 'runs.json')})`);
  console.log(`Replay exactly: npm start -- --seed ${o.seed} --time-scale ${o.timeScale}`);
  return failed.length === 0;
}
