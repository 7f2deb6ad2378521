/**
 * The `ibkr-harness` command: one entry point for every tool of the project.
 *
 * Subcommands are loaded on demand: `sim` should not pay for loading the HTTP server, SQLite and
 * the chart renderer, and CLI start-up time adds up in tests that spawn it many times.
 */
import { Command } from 'commander';

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

const program = new Command('ibkr-harness').description('Test harness and IB Gateway simulator for the TWS socket API.').showHelpAfterError();

const asked = process.argv[2];
const names = asked !== undefined && asked in COMMANDS ? [asked] : Object.keys(COMMANDS);
for (const name of names) program.addCommand(await COMMANDS[name]!());

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
