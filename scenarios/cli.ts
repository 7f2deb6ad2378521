/**
 * `ibkr-harness scenario list|run`: run any built-in scenario against the simulator, in virtual
 * time, or against a live paper gateway, print its verdicts, and save the recorded history.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
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
      for (const s of SCENARIOS) {
        // Faults are JSON specs: each line can be sent as is to a simulator's POST /faults.
        const faults = (s.faults ?? []).map((f) => `\n  at ${f.atMs} ms: ${JSON.stringify(f.fault)}`).join('');
        console.log(`${s.name}\n  ${s.title}${s.needsControl ? ' (simulator only)' : ''}\n  ${s.problem}${faults}\n`);
      }
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
    .option('--gateway <host:port>', 'target sim: a simulator in another process, at this API address (needs --control)', hostPort)
    .option('--control <url>', "target sim: that simulator's control plane, e.g. http://127.0.0.1:4010")
    .option('--out <dir>', 'write each run as <dir>/<scenario>.json')
    .option('--json', 'print the run records as JSON instead of text')
    .action(async (names: string[], o: RunFlags) => {
      if ((o.gateway === undefined) !== (o.control === undefined)) fail('--gateway and --control go together (a simulator started with --control-port)');
      const remote = o.gateway && o.control ? { gateway: o.gateway, control: o.control } : undefined;
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
          ...(remote ? { remote } : {}),
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

interface RunFlags {
  seed: number;
  target: Target;
  timeScale?: number;
  host?: string;
  port?: number;
  gateway?: { host: string; port: number };
  control?: string;
  out?: string;
  json?: boolean;
}

function hostPort(value: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new InvalidArgumentError(`expected host:port, e.g. 127.0.0.1:4002, got "${value}"`);
  return { host: m[1]!, port: Number(m[2]) };
}

function fail(message: string): never {
  throw new Error(message);
}
