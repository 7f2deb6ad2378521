import { accessSync, constants, mkdirSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT, UsageError } from '../common/exit-codes.ts';
import { createLogger, type LogLevel } from '../common/logger.ts';
import { parseAssignments, PROFILES, DEFAULT_PROFILE } from './model/profile.ts';
import { startSimulator, type SimulatorOptions } from './simulator.ts';
import { loadVerdictConfig, parseFailOn } from './verdict/config.ts';
import { CHECK_IDS } from './verdict/schema.ts';
import { outcomeLine } from './verdict/tables.ts';

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
    .option('--control-host <host>', 'address of the control plane', '127.0.0.1')
    .option('--contracts <file>', 'contract universe JSON file to use instead of the bundled one')
    .option('--extend-contracts', 'add --contracts to the bundled universe instead of replacing it')
    .option('--any-symbol', 'give an unknown US stock symbol a synthetic, clearly marked contract instead of error 200')
    .option('--set <path=value>', 'override one profile field, e.g. --set secdef.perOtherClientMs=300 (repeatable)', collect, [])
    .option('--account <id>', 'managed account to report (repeatable)', collect, [])
    .option('--no-journal', 'do not record frames in the journal')
    .option('--journal-size <n>', 'journal ring-buffer capacity', intArg('--journal-size', 1), 10_000)
    .addOption(new Option('--log-level <level>', 'log level').choices(['silent', 'error', 'warn', 'info', 'debug']).default('info'))
    .option('--verdict <dir>', 'judge the clients: write verdict.json, verdict.md and verdict.html to <dir> when the simulator stops (SIGINT, SIGTERM, SIGHUP)')
    .option('--fail-on <checks>', `exit 1 if any of these checks finds something: ${CHECK_IDS.join(', ')} (comma-separated), or all`)
    .option('--verdict-config <file>', 'thresholds of the verdict, a JSON file (README "Verdicts")')
    .action(async (o) => {
      const logger = createLogger('ibkr-sim', o.logLevel as LogLevel);
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
        ...(verdict ? { verdict } : {}),
        ...(o.controlPort !== undefined ? { controlPort: o.controlPort, controlHost: o.controlHost } : {}),
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
        for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void stop(signal));
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
