import { Command } from 'commander';
import { logFormatOption } from '../../common/cli-args.ts';
import { createLogger, type LogFormat, type LogLevel } from '../../common/logger.ts';
import { DEFAULT_PROFILE } from '../../simulator/model/profile.ts';
import { startSimulator, type Simulator } from '../../simulator/simulator.ts';
import { startRecorder } from '../record.ts';
import { parseAddress, parseInteger, parsePort, parsePositive, parseProfile, runAction, ToolUsageError, untilStopped } from './args.ts';

interface RecordArgs {
  upstream?: string;
  sim?: boolean;
  host: string;
  port: string;
  out?: string;
  mask: boolean;
  profile?: string;
  seed?: string;
  timeScale?: string;
  logLevel: string;
  logFormat: string;
}

/** `ibkr-harness record`: a recording proxy until SIGINT/SIGTERM, then exit 0 with the capture complete. */
export function recordCommand(): Command {
  return new Command('record')
    .description('Transparent TCP proxy that records every frame between clients and a gateway into a capture file (JSON Lines).')
    .option('--upstream <host:port>', 'the gateway to forward to, e.g. 127.0.0.1:4002')
    .option('--sim', 'forward to an in-process simulator instead (its profile and seed are noted in the capture)')
    .option('--profile <name>', `simulator profile, with --sim (default ${DEFAULT_PROFILE})`)
    .option('--seed <n>', 'simulator seed, with --sim (default 1)')
    .option('--time-scale <x>', 'simulator time scale, with --sim (default 1)')
    .option('--host <host>', 'address clients connect to', '127.0.0.1')
    .option('--port <port>', 'port clients connect to', '4003')
    .option('--out <file>', 'capture file to write (overwritten)')
    .option('--no-mask', 'keep account ids and other personal fields (masked by default)')
    .option('--log-level <level>', 'silent, error, warn, info or debug (stderr)', 'info')
    .addOption(logFormatOption('json'))
    .action(
      runAction(async (o: RecordArgs) => {
        if (!o.out) throw new ToolUsageError('--out <file> is required: where to write the capture');
        if (Boolean(o.upstream) === Boolean(o.sim)) throw new ToolUsageError('give exactly one of --upstream host:port or --sim');
        if (!o.sim && (o.profile || o.seed || o.timeScale)) throw new ToolUsageError('--profile, --seed and --time-scale go with --sim');
        const port = parsePort(o.port, '--port', true);
        const logger = createLogger('ibkr-record', o.logLevel as LogLevel, o.logFormat as LogFormat);
        let sim: Simulator | undefined;
        let upstream = o.upstream ? parseAddress(o.upstream, '--upstream') : undefined;
        const setup = o.sim
          ? {
              profile: o.profile ? parseProfile(o.profile) : DEFAULT_PROFILE,
              seed: o.seed ? parseInteger(o.seed, '--seed') : 1,
              timeScale: o.timeScale ? parsePositive(o.timeScale, '--time-scale') : 1,
            }
          : undefined;
        if (setup) {
          sim = await startSimulator({ port: 0, ...setup });
          upstream = { host: sim.host, port: sim.port };
        }
        try {
          const recorder = await startRecorder({
            upstream: upstream!,
            host: o.host,
            port,
            out: o.out,
            mask: o.mask,
            logger,
            ...(setup ? { simulator: setup } : {}),
          }).catch((err: Error) => {
            throw new ToolUsageError(`cannot record on ${o.host}:${port} into ${o.out}: ${err.message}`);
          });
          const target = setup ? `an in-process simulator (profile ${setup.profile}, seed ${setup.seed})` : `${upstream!.host}:${upstream!.port}`;
          console.log(
            `recording: clients on ${recorder.host}:${recorder.port} → ${target}, writing ${o.out}${o.mask ? ' (account ids masked)' : ' (NOT masked)'}`,
          );
          await untilStopped();
          await recorder.close();
          console.log(`${o.out}: ${recorder.connections} connection(s), ${recorder.frames} frame(s)`);
          return 0;
        } finally {
          await sim?.close();
        }
      }),
    );
}
