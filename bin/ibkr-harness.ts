/** The `ibkr-harness` command: one entry point for every tool of the project (see program.ts). */
import { run } from './program.ts';

const code = await run(process.argv);
process.exitCode = code;
// The command is done: exit even if a socket or timer somewhere (a client library's reconnect
// timer, a lingering keep-alive) still holds the event loop.
setTimeout(() => process.exit(code), 2_000).unref();
