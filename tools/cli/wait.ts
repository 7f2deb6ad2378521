import { Command } from 'commander';
import { PROBE_CLIENT_ID, waitForGateway } from '../wait.ts';
import { parseInteger, parsePort, parseSeconds, runAction } from './args.ts';

/** `ibkr-harness wait`: exit 0 once the gateway's API is ready, 1 if it is not by the timeout, 2 on a usage error. */
export function waitCommand(): Command {
  return new Command('wait')
    .description("Wait until a gateway's TWS API is ready — handshake, START_API, NEXT_VALID_ID and MANAGED_ACCTS — not just its port open.")
    .option('--host <host>', 'gateway address', '127.0.0.1')
    .option('--port <port>', 'gateway API port', '4002')
    .option('--timeout <seconds>', 'give up after this long', '60')
    .option('--client-id <id>', `client id of the probe connection (default ${PROBE_CLIENT_ID}, chosen to clash with no application)`)
    .option('--interval <seconds>', 'pause between attempts', '0.5')
    .option('--quiet', 'print nothing when ready')
    .option('--verbose', 'print why each failed attempt failed (stderr)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ready; 1 not ready by the timeout (the reason on stderr: connection refused, no handshake reply,\n' +
        "not an API port, 326 client id in use, too many clients, or the gateway's error); 2 usage error.\n" +
        'CI: ibkr-harness wait --port 4002 --timeout 120 && pytest',
    )
    .action(
      runAction(async (o: { host: string; port: string; timeout: string; clientId?: string; interval: string; quiet?: boolean; verbose?: boolean }) => {
        const port = parsePort(o.port, '--port');
        const timeoutMs = parseSeconds(o.timeout, '--timeout') * 1000;
        const retryIntervalMs = parseSeconds(o.interval, '--interval') * 1000;
        const clientId = o.clientId === undefined ? PROBE_CLIENT_ID : parseInteger(o.clientId, '--client-id');
        const where = `${o.host}:${port}`;
        const result = await waitForGateway({
          host: o.host,
          port,
          timeoutMs,
          clientId,
          retryIntervalMs,
          ...(o.verbose ? { onAttempt: (n: number, _code: string, reason: string) => console.error(`attempt ${n}: ${reason}`) } : {}),
        });
        const took = `${(result.elapsedMs / 1000).toFixed(2)} s, ${result.attempts} attempt${result.attempts === 1 ? '' : 's'}`;
        if (result.ready) {
          const n = result.accounts?.length ?? 0;
          if (!o.quiet) console.log(`ready: ${where} (server version ${result.serverVersion}, ${n} managed account${n === 1 ? '' : 's'}) after ${took}`);
          return 0;
        }
        console.error(`not ready: ${where} after ${took}: ${result.reason}`);
        return 1;
      }),
    );
}
