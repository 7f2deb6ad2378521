import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../common/exit-codes.ts';
import { requireTokenBeyondLoopback } from '../common/http-guard.ts';
import { CONTROL_TOKEN_HOW } from './control/control-server.ts';
import { createLogger, type LogLevel } from '../common/logger.ts';
import { parseAssignments, PROFILES, DEFAULT_PROFILE } from './model/profile.ts';
import { DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_CAPACITY, MAX_JOURNAL_BYTES, MAX_JOURNAL_CAPACITY } from './model/journal.ts';
import { DEFAULT_PENDING_LIMITS } from './server/pending-connections.ts';
import { startSimulator } from './simulator.ts';

export function intArg(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be an integer, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

export function positiveNumberArg(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function simCommand(): Command {
  return new Command('sim')
    .description('Start the IB Gateway simulator (TWS socket protocol) on a TCP port.')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port for API clients', intArg('--port', 0, 65535), 4002)
    .addOption(new Option('--profile <name>', 'gateway behaviour profile').choices(Object.keys(PROFILES)).default(DEFAULT_PROFILE))
    .option('--seed <n>', 'seed for every random draw (same seed + same inputs = same run)', intArg('--seed', -(2 ** 31), 2 ** 31 - 1), 1)
    .option('--time-scale <x>', 'real seconds per model second (0.01 = 100x faster)', positiveNumberArg('--time-scale'), 1)
    .option('--control-port <port>', 'HTTP control plane port (off unless given)', intArg('--control-port', 0, 65535))
    .option('--control-host <host>', 'address of the control plane (beyond loopback it needs --control-token)', '127.0.0.1')
    .addOption(
      new Option('--control-token <token>', 'bearer token the control plane requires (Authorization: Bearer …); prefer the environment variable').env(
        'IBKR_HARNESS_CONTROL_TOKEN',
      ),
    )
    .option('--contracts <file>', 'contract universe JSON file to use instead of the bundled one')
    .option('--extend-contracts', 'add --contracts to the bundled universe instead of replacing it')
    .option('--set <path=value>', 'override one profile field, e.g. --set secdef.perOtherClientMs=300 (repeatable)', collect, [])
    .option('--account <id>', 'managed account to report (repeatable)', collect, [])
    .option('--no-journal', 'do not record frames in the journal')
    .option('--journal-size <n>', 'journal capacity in entries', intArg('--journal-size', 1, MAX_JOURNAL_CAPACITY), DEFAULT_JOURNAL_CAPACITY)
    .option(
      '--journal-bytes <n>',
      'journal capacity in bytes (of the entries as JSON, estimated)',
      intArg('--journal-bytes', 1024, MAX_JOURNAL_BYTES),
      DEFAULT_JOURNAL_BYTES,
    )
    .option(
      '--max-pending-connections <n>',
      'connections not yet logged in; past it the oldest is closed',
      intArg('--max-pending-connections', 1),
      DEFAULT_PENDING_LIMITS.maxPendingConnections,
    )
    .option(
      '--max-pending-bytes <n>',
      'bytes buffered across connections not yet logged in',
      intArg('--max-pending-bytes', 1024),
      DEFAULT_PENDING_LIMITS.maxPendingBytes,
    )
    .addOption(new Option('--log-level <level>', 'log level').choices(['silent', 'error', 'warn', 'info', 'debug']).default('info'))
    .action(async (o) => {
      const logger = createLogger('ibkr-sim', o.logLevel as LogLevel);
      // Whatever stops the simulator from starting is its configuration (a bad --set, an unusable
      // contracts file, a busy port): a usage error, exit 2 (common/exit-codes.ts).
      const usage = (err: unknown) => new UsageError(err instanceof Error ? err.message : String(err));
      let overrides: ReturnType<typeof parseAssignments>;
      try {
        overrides = parseAssignments(o.set as string[]);
      } catch (err) {
        throw usage(err);
      }
      if (o.controlPort !== undefined) requireTokenBeyondLoopback('the control plane', o.controlHost, o.controlToken, CONTROL_TOKEN_HOW);
      if ((o.account as string[]).length > 0) (overrides as Record<string, unknown>).accounts = o.account;
      const sim = await startSimulator({
        host: o.host,
        port: o.port,
        profile: o.profile,
        overrides,
        seed: o.seed,
        timeScale: o.timeScale,
        logger,
        journal: { enabled: o.journal, capacity: o.journalSize, maxBytes: o.journalBytes },
        pending: { maxPendingConnections: o.maxPendingConnections, maxPendingBytes: o.maxPendingBytes },
        ...(o.controlPort !== undefined ? { controlPort: o.controlPort, controlHost: o.controlHost, controlToken: o.controlToken } : {}),
        ...(o.contracts ? { contractsFile: o.contracts, extendContracts: Boolean(o.extendContracts) } : {}),
      }).catch((err: unknown) => {
        throw usage(err);
      });
      const control = sim.controlPort !== undefined ? `, control plane on http://${o.controlHost}:${sim.controlPort}` : '';
      console.log(
        `ibkr-harness simulator listening on ${sim.host}:${sim.port} (profile ${sim.gateway.profile.name}, seed ${sim.seed}, time scale ${o.timeScale})${control}`,
      );
      // The command ends (exit 0) once a signal has stopped the simulator cleanly.
      await new Promise<void>((stopped) => {
        let stopping = false;
        const stop = async (signal: string) => {
          if (stopping) return;
          stopping = true;
          logger.info({ signal }, 'stopping');
          await sim.close();
          console.log('simulator stopped');
          stopped();
        };
        process.on('SIGINT', () => void stop('SIGINT'));
        process.on('SIGTERM', () => void stop('SIGTERM'));
      });
    });
}
