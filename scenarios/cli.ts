/**
 * `ibkr-harness scenario list|run`: run any built-in scenario against the simulator, in virtual
 * time, or against a live paper gateway, print its verdicts, and save the recorded history.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { intArg, positiveNumberArg } from '../simulator/cli.ts';
import { findScenario, SCENARIOS } from './builtin/index.ts';
import { failedExpectations, replayCommand, runScenario } from './runner.ts';
import { fmtSeconds, summarize } from './summary.ts';
import type { Target } from './types.ts';

export function scenarioCommand(): Command {
  const cmd = new Command('scenario').description('Run the built-in scenarios (the incident and its failure modes).');
  cmd
    .command('list')
    .description('List the scenarios with the problem each one covers.')
    .action(() => {
      for (const s of SCENARIOS) console.log(`${s.name}\n  ${s.title}${s.needsControl ? ' (simulator only)' : ''}\n  ${s.problem}\n`);
    });
  cmd
    .command('run')
    .description('Run scenarios by name (or "all"); exits non-zero if an expectation fails.')
    .argument('<names...>', 'scenario names, or "all"')
    .option('--seed <n>', 'seed that replays the run', intArg('--seed'), 1)
    .addOption(new Option('--target <target>', 'what to run against').choices(['sim', 'virtual', 'live']).default('sim'))
    .option('--time-scale <x>', "real seconds per model second over TCP (default: the scenario's own)", positiveNumberArg('--time-scale'))
    .option('--host <host>', 'live gateway host (default $IBKR_HOST or 127.0.0.1)')
    .option('--port <port>', 'live gateway port (default $IBKR_PORT or 4002)', intArg('--port', 1, 65535))
    .option('--out <dir>', 'write each run as <dir>/<scenario>.json')
    .option('--json', 'print the run records as JSON instead of text')
    .action(async (names: string[], o: { seed: number; target: Target; timeScale?: number; host?: string; port?: number; out?: string; json?: boolean }) => {
      const chosen = names.includes('all')
        ? [...SCENARIOS]
        : names.map((n) => findScenario(n) ?? fail(`unknown scenario "${n}"; see \`ibkr-harness scenario list\``));
      let failures = 0;
      const records = [];
      for (const s of chosen) {
        if (o.target === 'live' && s.needsControl) {
          console.log(`- ${s.name}: skipped (needs the simulator's fault controls)`);
          continue;
        }
        const record = await runScenario(s, {
          target: o.target,
          seed: o.seed,
          lookup: findScenario,
          ...(o.timeScale !== undefined ? { timeScale: o.timeScale } : {}),
          ...(o.host ? { host: o.host } : {}),
          ...(o.port ? { port: o.port } : {}),
        });
        records.push(record);
        if (o.out) {
          mkdirSync(o.out, { recursive: true });
          writeFileSync(path.join(o.out, `${s.name}.json`), JSON.stringify(record, null, 1));
        }
        const failed = failedExpectations(record);
        failures += failed.length;
        if (o.json) continue;
        const sum = summarize(record);
        console.log(
          `${failed.length ? '✘' : '✔'} ${s.name} — ${fmtSeconds(sum.makespanMs)} model, ${fmtSeconds(sum.wallMs, 2)} wall, ${sum.connections} connection(s)`,
        );
        for (const e of record.expectations) console.log(`    ${e.ok ? '✔' : '✘'} ${e.claim}${e.ok ? '' : ` — saw: ${e.detail}`}`);
        if (failed.length) console.log(`    replay: ${replayCommand(record)}`);
      }
      if (o.json) console.log(JSON.stringify(records, null, 1));
      process.exitCode = failures > 0 ? 1 : 0;
    });
  return cmd;
}

function fail(message: string): never {
  throw new Error(message);
}
