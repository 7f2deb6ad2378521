/**
 * The `ibkr-harness` command: one entry point for every tool of the project.
 */
import { Command } from 'commander';
import { simCommand } from '../simulator/cli.ts';

const program = new Command('ibkr-harness')
  .description('Test harness and IB Gateway simulator for the TWS socket API.')
  .showHelpAfterError()
  .addCommand(simCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
