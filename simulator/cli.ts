import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../common/exit-codes.ts';
import { createLogger, type LogLevel } from '../common/logger.ts';
import { parseAssignments, PROFILES, DEFAULT_PROFILE } from './model/profile.ts';
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
  return (
    new Command('sim')
      .description('Start the IB Gateway simulator (TWS socket protocol) on a TCP port.')
      // Each of these also reads an IBKR_SIM_* variable (a flag wins), so a container image or a CI
      // job can configure the simulator without a shell (containers/Dockerfile).
      .addOption(new Option('--host <host>', 'address to listen on (0.0.0.0: all interfaces, e.g. in a container)').default('127.0.0.1').env('IBKR_SIM_HOST'))
      .addOption(
        new Option('--port <port>', 'TCP port for API clients')
          .argParser(intArg('--port', 0, 65535))
          .default(4002)
          .env('IBKR_SIM_PORT'),
      )
      .addOption(new Option('--profile <name>', 'gateway behaviour profile').choices(Object.keys(PROFILES)).default(DEFAULT_PROFILE).env('IBKR_SIM_PROFILE'))
      .addOption(
        new Option('--seed <n>', 'seed for every random draw (same seed + same inputs = same run)')
          .argParser(intArg('--seed', -(2 ** 31), 2 ** 31 - 1))
          .default(1)
          .env('IBKR_SIM_SEED'),
      )
      .addOption(
        new Option('--time-scale <x>', 'real seconds per model second (0.01 = 100x faster)')
          .argParser(positiveNumberArg('--time-scale'))
          .default(1)
          .env('IBKR_SIM_TIME_SCALE'),
      )
      .addOption(
        new Option('--control-port <port>', 'HTTP control plane port (off unless given)')
          .argParser(intArg('--control-port', 0, 65535))
          .env('IBKR_SIM_CONTROL_PORT'),
      )
      .addOption(new Option('--control-host <host>', 'address of the control plane').default('127.0.0.1').env('IBKR_SIM_CONTROL_HOST'))
      .option('--contracts <file>', 'contract universe JSON file to use instead of the bundled one')
      .option('--extend-contracts', 'add --contracts to the bundled universe instead of replacing it')
      .option('--set <path=value>', 'override one profile field, e.g. --set secdef.perOtherClientMs=300 (repeatable)', collect, [])
      .option('--account <id>', 'managed account to report (repeatable)', collect, [])
      .option('--no-journal', 'do not record frames in the journal')
      .option('--journal-size <n>', 'journal ring-buffer capacity', intArg('--journal-size', 1), 10_000)
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
        if ((o.account as string[]).length > 0) (overrides as Record<string, unknown>).accounts = o.account;
        const sim = await startSimulator({
          host: o.host,
          port: o.port,
          profile: o.profile,
          overrides,
          seed: o.seed,
          timeScale: o.timeScale,
          logger,
          journal: { enabled: o.journal, capacity: o.journalSize },
          ...(o.controlPort !== undefined ? { controlPort: o.controlPort, controlHost: o.controlHost } : {}),
          ...(o.contracts ? { contractsFile: o.contracts, extendContracts: Boolean(o.extendContracts) } : {}),
        }).catch((err: unknown) => {
          throw usage(err);
        });
        const control = sim.controlPort !== undefined ? `, control plane on http://${o.controlHost}:${sim.controlPort}` : '';
        // The command ends (exit 0) once a signal has stopped the simulator cleanly. The handlers are in
        // place before the "listening" line, so a supervisor that signals on that line is never too early.
        const stopped = new Promise<void>((resolve) => {
          let stopping = false;
          const stop = async (signal: string) => {
            if (stopping) return;
            stopping = true;
            logger.info({ signal }, 'stopping');
            await sim.close();
            console.log('simulator stopped');
            resolve();
          };
          // SIGHUP too: a closed terminal or a supervisor's hang-up stops it cleanly rather than abruptly.
          for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
        });
        console.log(
          `ibkr-harness simulator listening on ${sim.host}:${sim.port} (profile ${sim.gateway.profile.name}, seed ${sim.seed}, time scale ${o.timeScale})${control}`,
        );
        await stopped;
      })
  );
}
