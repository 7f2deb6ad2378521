import { accessSync, constants, mkdirSync } from 'node:fs';
import { Command, Option } from 'commander';
import { instantArg, intArg, logFormatOption, positiveNumberArg } from '../common/cli-args.ts';
import { EXIT, UsageError } from '../common/exit-codes.ts';
import { requireTokenBeyondLoopback } from '../common/http-guard.ts';
import { CONTROL_TOKEN_HOW } from './control/control-server.ts';
import { createLogger, type LogFormat, type LogLevel } from '../common/logger.ts';
import { parseAssignments, PROFILES, DEFAULT_PROFILE } from './model/profile.ts';
import { DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_CAPACITY, MAX_JOURNAL_BYTES, MAX_JOURNAL_CAPACITY } from './model/journal.ts';
import { DEFAULT_PENDING_LIMITS } from './server/pending-connections.ts';
import { startSimulator, type SimulatorOptions } from './simulator.ts';
import { loadVerdictConfig, parseFailOn } from './verdict/config.ts';
import { CHECK_IDS } from './verdict/schema.ts';
import { outcomeLine } from './verdict/tables.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * An option that also reads the variable `IBKR_SIM_` + its name in capitals (`--time-scale` →
 * `IBKR_SIM_TIME_SCALE`; a flag wins), so a container image or a CI job can configure the simulator
 * without a shell (containers/Dockerfile).
 */
function withEnv(flags: string, description: string): Option {
  const name = /--([a-z-]+)/.exec(flags)![1]!;
  return new Option(flags, description).env(`IBKR_SIM_${name.toUpperCase().replaceAll('-', '_')}`);
}

export function simCommand(): Command {
  return new Command('sim')
    .description('Start the IB Gateway simulator (TWS socket protocol) on a TCP port.')
    .addOption(withEnv('--host <host>', 'address to listen on (0.0.0.0: all interfaces, e.g. in a container)').default('127.0.0.1'))
    .addOption(
      withEnv('--port <port>', 'TCP port for API clients')
        .argParser(intArg('--port', 0, 65535))
        .default(4002),
    )
    .addOption(withEnv('--profile <name>', 'gateway behaviour profile').choices(Object.keys(PROFILES)).default(DEFAULT_PROFILE))
    .addOption(
      withEnv('--seed <n>', 'seed for every random draw (same seed + same inputs = same run)')
        .argParser(intArg('--seed', -(2 ** 31), 2 ** 31 - 1))
        .default(1),
    )
    .addOption(withEnv('--time-scale <x>', 'real seconds per model second (0.01 = 100x faster)').argParser(positiveNumberArg('--time-scale')).default(1))
    .addOption(
      withEnv('--start <time>', 'model time to start at, ISO 8601 with its zone, e.g. 2026-11-30T15:00:00Z (default: now)').argParser(instantArg('--start')),
    )
    .addOption(withEnv('--control-port <port>', 'HTTP control plane port (off unless given)').argParser(intArg('--control-port', 0, 65535)))
    .addOption(withEnv('--control-host <host>', 'address of the control plane (beyond loopback it needs --control-token)').default('127.0.0.1'))
    .addOption(
      new Option('--control-token <token>', 'bearer token the control plane requires (Authorization: Bearer …); prefer the environment variable').env(
        'IBKR_HARNESS_CONTROL_TOKEN',
      ),
    )
    .option('--contracts <file>', 'contract universe JSON file to use instead of the bundled one')
    .option('--extend-contracts', 'add --contracts to the bundled universe instead of replacing it')
    .option('--any-symbol', 'give an unknown US stock symbol a synthetic, clearly marked contract instead of error 200')
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
    .addOption(logFormatOption('json'))
    .option('--verdict <dir>', 'judge the clients: write verdict.json, verdict.md and verdict.html to <dir> when the simulator stops (SIGINT, SIGTERM, SIGHUP)')
    .option('--fail-on <checks>', `exit 1 if any of these checks finds something: ${CHECK_IDS.join(', ')} (comma-separated), or all`)
    .option('--verdict-config <file>', 'thresholds of the verdict, a JSON file (README "Verdicts")')
    .action(async (o) => {
      const logger = createLogger('ibkr-sim', o.logLevel as LogLevel, o.logFormat as LogFormat);
      // Whatever stops the simulator from starting is its configuration (a bad --set, an unusable
      // contracts file, a busy port): a usage error, exit 2 (common/exit-codes.ts).
      const usage = (err: unknown) => new UsageError(err instanceof Error ? err.message : String(err));
      const verdict = verdictOptions(o);
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
        ...(o.start !== undefined ? { start: o.start } : {}),
        logger,
        journal: { enabled: o.journal, capacity: o.journalSize, maxBytes: o.journalBytes },
        pending: { maxPendingConnections: o.maxPendingConnections, maxPendingBytes: o.maxPendingBytes },
        ...(verdict ? { verdict } : {}),
        ...(o.controlPort !== undefined ? { controlPort: o.controlPort, controlHost: o.controlHost, controlToken: o.controlToken } : {}),
        ...(o.contracts ? { contractsFile: o.contracts, extendContracts: Boolean(o.extendContracts) } : {}),
        ...(o.anySymbol ? { anySymbol: true } : {}),
      }).catch((err: unknown) => {
        throw usage(err);
      });
      const control = sim.controlPort !== undefined ? `, control plane on http://${o.controlHost}:${sim.controlPort}` : '';
      // The command ends once a signal has stopped the simulator cleanly: exit 0, or 1 when the
      // verdict failed a --fail-on check. The handlers are in place before the "listening" line, so a
      // supervisor that signals on that line is never too early.
      const stopped = new Promise<void>((resolve, failed) => {
        let stopping = false;
        const stop = async (signal: string) => {
          if (stopping) return;
          stopping = true;
          logger.info({ signal }, 'stopping');
          try {
            const { verdict: written } = await sim.stop();
            console.log('simulator stopped');
            if (written) {
              console.log(`verdict: ${outcomeLine(written.verdict)}`);
              console.log(`verdict files: ${written.files.json}, ${written.files.markdown}, ${written.files.html}`);
              if (!written.verdict.pass) process.exitCode = EXIT.failed;
            }
            resolve();
          } catch (err) {
            failed(err);
          }
        };
        // `on`, not `once`: Ctrl-C on `npm run sim` delivers SIGINT twice (from the terminal to the
        // whole process group, and forwarded by npm); a second signal while stopping must not kill
        // the process before the verdict is written. Repeats are ignored (SIGKILL still ends it).
        for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
      });
      console.log(
        `ibkr-harness simulator listening on ${sim.host}:${sim.port} (profile ${sim.gateway.profile.name}, seed ${sim.seed}, time scale ${o.timeScale})${control}`,
      );
      if (verdict?.dir) console.log(`verdict: written to ${verdict.dir} when the simulator stops; fail-on: ${verdict.failOn?.join(',') || 'none'}`);
      await stopped;
    });
}

/**
 * The verdict options, checked before the simulator starts (each mistake exits 2): the check ids,
 * the config file, and a verdict directory that can be written.
 */
function verdictOptions(o: { verdict?: string; failOn?: string; verdictConfig?: string; controlPort?: number }): SimulatorOptions['verdict'] {
  const failOn = o.failOn !== undefined ? parseFailOn(o.failOn) : undefined;
  const config = o.verdictConfig !== undefined ? loadVerdictConfig(o.verdictConfig) : undefined;
  if (o.verdict === undefined) {
    if (failOn && o.controlPort === undefined)
      throw new UsageError('--fail-on needs --verdict <dir>: the exit code reflects the verdict written when the simulator stops');
    if (config && o.controlPort === undefined) throw new UsageError('--verdict-config needs --verdict <dir> or --control-port (GET /verdict)');
    return config || failOn ? { ...(config ? { config } : {}), ...(failOn ? { failOn } : {}) } : undefined;
  }
  try {
    mkdirSync(o.verdict, { recursive: true });
    accessSync(o.verdict, constants.W_OK);
  } catch (err) {
    throw new UsageError(`--verdict ${o.verdict}: cannot write there (${(err as Error).message})`);
  }
  return { dir: o.verdict, ...(config ? { config } : {}), ...(failOn ? { failOn } : {}) };
}
