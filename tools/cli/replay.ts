import { Command } from 'commander';
import { logFormatOption } from '../../common/cli-args.ts';
import { createLogger, type LogFormat, type LogLevel } from '../../common/logger.ts';
import { readCapture } from '../capture/format.ts';
import { startReplay } from '../replay.ts';
import { parsePort, runAction, ToolUsageError, untilStopped } from './args.ts';

/** `ibkr-harness replay`: serve a capture until SIGINT/SIGTERM, then exit 0. */
export function replayCommand(): Command {
  return new Command('replay')
    .description('Serve a capture as a scripted gateway: recorded handshake, and the recorded answers to matching requests.')
    .argument('<capture>', 'capture file written by `ibkr-harness record`')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '4002')
    .option('--timing <mode>', 'asap (answer at once) or recorded (keep the recorded delays)', 'asap')
    .option('--log-level <level>', 'silent, error, warn, info or debug (stderr); unmatched requests are logged at warn', 'info')
    .addOption(logFormatOption('json'))
    .action(
      runAction(async (file: string, o: { host: string; port: string; timing: string; logLevel: string; logFormat: string }) => {
        const port = parsePort(o.port, '--port', true);
        if (o.timing !== 'asap' && o.timing !== 'recorded') throw new ToolUsageError(`--timing must be asap or recorded, got "${o.timing}"`);
        const capture = readCapture(file);
        const logger = createLogger('ibkr-replay', o.logLevel as LogLevel, o.logFormat as LogFormat);
        const server = await startReplay({ capture, source: file, host: o.host, port, timing: o.timing, logger }).catch((err: Error) => {
          throw new ToolUsageError(`cannot replay ${file} on ${o.host}:${port}: ${err.message}`);
        });
        console.log(`replaying ${file} on ${server.host}:${server.port}`);
        await untilStopped();
        await server.close();
        console.log(`replay stopped: ${server.unmatched.length} request(s) were not in the capture`);
        return 0;
      }),
    );
}
