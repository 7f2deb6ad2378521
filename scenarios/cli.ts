/**
 * `ibkr-harness scenario list|run`: run any built-in scenario against the simulator, in virtual
 * time, or against a live paper gateway (behind the live guard, collector/live-guard.ts), print
 * its verdicts, and save the recorded history. Exit codes (common/exit-codes.ts): 0 every
 * expectation met; 1 one was not (or judged nothing); 2 a usage error or a refused live gateway;
 * 3 the gateway was unreachable (a run none of whose processes ever connected).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { LIVE_FLAG, LIVE_FLAG_HELP } from '../collector/live-guard.ts';
import { EXIT, exitCodeOf, UsageError, type ExitCode } from '../common/exit-codes.ts';
import { intArg, positiveNumberArg } from '../common/cli-args.ts';
import { findScenario, SCENARIOS } from './builtin/index.ts';
import { abusiveReason, failedExpectations, replayCommand, runScenario } from './runner.ts';
import { fmtSeconds, summarize } from './summary.ts';
import type { Target } from './types.ts';
import type { RunRecord } from './view.ts';

interface RunFlags {
  seed: number;
  target: Target;
  timeScale?: number;
  host?: string;
  port?: number;
  out?: string;
  json?: boolean;
  iKnowThisIsLive?: boolean;
  /** A simulator in another process: its API address and control plane (both or neither). */
  gateway?: { host: string; port: number };
  control?: string;
}

export function scenarioCommand(): Command {
  const cmd = new Command('scenario').description('Run the built-in scenarios (the incident and its failure modes).');
  cmd
    .command('list')
    .description('List the scenarios with the problem each one covers.')
    .action(() => {
      for (const s of SCENARIOS) {
        const marks = [s.needsControl ? 'simulator only' : '', abusiveReason(s) ? 'abusive: never against a live account' : ''].filter(Boolean);
        // Faults are JSON specs: each line can be sent as is to a simulator's POST /faults.
        const faults = (s.faults ?? []).map((f) => `\n  at ${f.atMs} ms: ${JSON.stringify(f.fault)}`).join('');
        console.log(`${s.name}\n  ${s.title}${marks.length ? ` (${marks.join('; ')})` : ''}\n  ${s.problem}${faults}\n`);
      }
    });
  cmd
    .command('run')
    .description('Run scenarios by name (or "all"); exits 1 if an expectation fails, 3 if the gateway cannot be reached.')
    .argument('<names...>', 'scenario names, or "all"')
    .option('--seed <n>', 'seed that replays the run', intArg('--seed'), 1)
    .addOption(new Option('--target <target>', 'what to run against').choices(['sim', 'virtual', 'live']).default('sim'))
    .option('--time-scale <x>', "real seconds per model second over TCP (default: the scenario's own)", positiveNumberArg('--time-scale'))
    .option('--host <host>', 'live gateway host (default $IBKR_HOST or 127.0.0.1)')
    .option('--port <port>', 'live gateway port (default $IBKR_PORT or 4002)', intArg('--port', 1, 65535))
    .option(LIVE_FLAG, LIVE_FLAG_HELP)
    .option('--gateway <host:port>', 'target sim: a simulator in another process, at this API address (needs --control)', hostPort)
    .option('--control <url>', "target sim: that simulator's control plane, e.g. http://127.0.0.1:4010")
    .option('--out <dir>', 'write each run as <dir>/<scenario>.json')
    .option('--json', 'print the run records as JSON instead of text')
    .action(async (names: string[], o: RunFlags) => {
      process.exitCode = await runScenarios(names, o);
    });
  return cmd;
}

async function runScenarios(names: readonly string[], o: RunFlags): Promise<ExitCode> {
  if ((o.gateway === undefined) !== (o.control === undefined)) {
    throw new UsageError('--gateway and --control go together (a simulator started with --control-port)');
  }
  const remote = o.gateway && o.control ? { gateway: o.gateway, control: o.control } : undefined;
  const chosen = names.includes('all')
    ? [...SCENARIOS]
    : names.map((n) => {
        const s = findScenario(n);
        if (!s) throw new UsageError(`unknown scenario "${n}"; see \`ibkr-harness scenario list\``);
        return s;
      });
  let code: ExitCode = EXIT.ok;
  const records: RunRecord[] = [];
  for (const s of chosen) {
    if (o.target === 'live' && s.needsControl) {
      console.log(`- ${s.name}: skipped (needs the simulator's fault controls)`);
      continue;
    }
    const record = await runScenario(s, {
      target: o.target,
      seed: o.seed,
      lookup: findScenario,
      allowLive: Boolean(o.iKnowThisIsLive),
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
    // The gravest outcome decides: no connection at all (3, or 2 when the live guard refused it)
    // over a failed claim (1).
    code = Math.max(code, record.connectionError ? neverConnected(record.connectionError) : failed.length ? EXIT.failed : EXIT.ok) as ExitCode;
    if (!o.json) printRecord(record);
  }
  if (o.json) console.log(JSON.stringify(records, null, 1));
  return code;
}

/** The connection error first (when nothing ever connected), then every claim with what it judged. */
function printRecord(record: RunRecord): void {
  const failed = failedExpectations(record);
  const sum = summarize(record);
  if (record.connectionError) console.log(`✘ ${record.scenario}: never connected — ${record.connectionError.code}: ${record.connectionError.message}`);
  else
    console.log(
      `${failed.length ? '✘' : '✔'} ${record.scenario} — ${fmtSeconds(sum.makespanMs)} model, ${fmtSeconds(sum.wallMs, 2)} wall, ${sum.connections} connection(s)`,
    );
  for (const e of record.expectations)
    console.log(`    ${e.ok ? '✔' : '✘'} ${e.claim} (judged ${e.judged} operation${e.judged === 1 ? '' : 's'})${e.ok ? '' : ` — saw: ${e.detail}`}`);
  if (failed.length) console.log(`    replay: ${replayCommand(record)}`);
}

/** A run none of whose processes connected: the gateway was unreachable (3), unless the live guard refused it (2). */
function neverConnected(error: { code: string }): ExitCode {
  return exitCodeOf(error) === EXIT.usage ? EXIT.usage : EXIT.unreachable;
}

function hostPort(value: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new InvalidArgumentError(`expected host:port, e.g. 127.0.0.1:4002, got "${value}"`);
  return { host: m[1]!, port: Number(m[2]) };
}
