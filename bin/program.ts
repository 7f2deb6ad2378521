/**
 * The `ibkr-harness` program: every subcommand, one exit-code convention (common/exit-codes.ts).
 *
 * Subcommands are loaded on demand: `sim` should not pay for loading the HTTP server, SQLite and
 * the chart renderer, and CLI start-up time adds up in tests that spawn it many times.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, exitCodeOf, type ExitCode } from '../common/exit-codes.ts';

const COMMANDS: Record<string, () => Promise<Command>> = {
  sim: async () => (await import('../simulator/cli.ts')).simCommand(),
  collect: async () => (await import('../collector/cli.ts')).collectCommand(),
  serve: async () => (await import('../collector/cli.ts')).serveCommand(),
  scenario: async () => (await import('../scenarios/cli.ts')).scenarioCommand(),
  repro: async () => (await import('../scenarios/repro.ts')).reproCommand(),
  bench: async () => (await import('../reports/cli/bench.ts')).benchCommand(),
  report: async () => (await import('../reports/cli/report.ts')).reportCommand(),
  publish: async () => (await import('../reports/cli/publish.ts')).publishCommand(),
  wait: async () => (await import('../tools/cli/wait.ts')).waitCommand(),
  record: async () => (await import('../tools/cli/record.ts')).recordCommand(),
  replay: async () => (await import('../tools/cli/replay.ts')).replayCommand(),
  diff: async () => (await import('../tools/cli/diff.ts')).diffCommand(),
};

/** Every subcommand's name, in the order `--help` lists them. */
export const SUBCOMMANDS = Object.keys(COMMANDS);

async function program(asked: string | undefined): Promise<Command> {
  const root = new Command('ibkr-harness').description('Test harness and IB Gateway simulator for the TWS socket API.').showHelpAfterError();
  const names = asked !== undefined && asked in COMMANDS ? [asked] : SUBCOMMANDS;
  for (const name of names) root.addCommand(await COMMANDS[name]!());
  throwInsteadOfExit(root);
  return root;
}

/** Commander exits the process on a parse error; every command (and subcommand) throws instead, so one place maps errors to exit codes. */
function throwInsteadOfExit(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) throwInsteadOfExit(sub);
}

/**
 * Run the CLI with `argv` (as `process.argv`: node, script, subcommand, …) and return its exit
 * code. Commands report their outcome through `process.exitCode` (read and restored here, so the
 * function can also run in-process, in tests); a thrown error prints `error: <message>` on stderr
 * and maps to a code with `exitCodeOf`. Long-running commands (`sim`, `serve`) return when stopped.
 */
export async function run(argv: readonly string[]): Promise<ExitCode> {
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    await (await program(argv[2])).parseAsync([...argv]);
    return Number(process.exitCode ?? EXIT.ok) as ExitCode;
  } catch (err) {
    // Commander has printed its own message (and the help it points to) already.
    if (!(err instanceof CommanderError)) console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    return exitCodeOf(err);
  } finally {
    process.exitCode = saved;
  }
}
