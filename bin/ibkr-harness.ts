/**
 * The `ibkr-harness` command: one entry point for every tool of the project.
 */
import { Command } from 'commander';
import { collectCommand, serveCommand } from '../collector/cli.ts';
import { scenarioCommand } from '../scenarios/cli.ts';
import { reproCommand } from '../scenarios/repro.ts';
import { simCommand } from '../simulator/cli.ts';

const program = new Command('ibkr-harness')
  .description('Test harness and IB Gateway simulator for the TWS socket API.')
  .showHelpAfterError()
  .addCommand(simCommand())
  .addCommand(collectCommand())
  .addCommand(serveCommand())
  .addCommand(scenarioCommand())
  .addCommand(reproCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
