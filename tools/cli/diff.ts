import { Command } from 'commander';
import { readCapture } from '../capture/format.ts';
import { IGNORED_FIELDS } from '../diff/compare.ts';
import { diffCapture, formatDiffReport, TargetUnreachable } from '../diff/diff.ts';
import { parseAddress, parseInteger, parsePositive, parseProfile, parseSeconds, runAction } from './args.ts';

interface DiffArgs {
  against?: string;
  profile?: string;
  seed?: string;
  timeScale?: string;
  ignore: string[];
  json?: boolean;
  settle: string;
  timeout: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `ibkr-harness diff`: exit 0 no differences, 1 differences, 2 usage error, 3 target unreachable. */
export function diffCommand(): Command {
  return new Command('diff')
    .description("Replay a capture's client side against a gateway (default: an in-process simulator) and list the differences per message and field.")
    .argument('<capture>', 'capture file written by `ibkr-harness record`')
    .option('--against <host:port>', 'a gateway on a port (default: an in-process simulator set up as the capture says)')
    .option('--profile <name>', "in-process simulator profile (default: the capture's, else lynx-paper)")
    .option('--seed <n>', "in-process simulator seed (default: the capture's, else 1)")
    .option('--time-scale <x>', "in-process simulator time scale (default: the capture's, else 1)")
    .option('--ignore <TYPE.field>', 'also ignore this field or message type (repeatable), e.g. HISTORICAL_DATA.bars', collect, [])
    .option('--settle <seconds>', 'how long the target may stay silent before the next request goes out anyway', '1')
    .option('--timeout <seconds>', 'longest wait for any one step', '10')
    .option('--json', 'print the report as JSON (schema ibkr-harness/diff)')
    .addHelpText(
      'after',
      `\nAlways ignored: ${IGNORED_FIELDS.map((i) => i.field).join(', ')}.\nExit codes: 0 no differences; 1 differences; 2 usage error; 3 target unreachable.`,
    )
    .action(
      runAction(async (file: string, o: DiffArgs) => {
        const against = o.against ? parseAddress(o.against, '--against') : undefined;
        const simulator = {
          ...(o.profile ? { profile: parseProfile(o.profile) } : {}),
          ...(o.seed ? { seed: parseInteger(o.seed, '--seed') } : {}),
          ...(o.timeScale ? { timeScale: parsePositive(o.timeScale, '--time-scale') } : {}),
        };
        const settleMs = parseSeconds(o.settle, '--settle') * 1000;
        const stepTimeoutMs = parseSeconds(o.timeout, '--timeout') * 1000;
        const capture = readCapture(file);
        try {
          const report = await diffCapture(capture, { source: file, ...(against ? { against } : {}), simulator, ignore: o.ignore, settleMs, stepTimeoutMs });
          console.log(o.json ? JSON.stringify(report, null, 2) : formatDiffReport(report));
          return report.differences.length === 0 ? 0 : 1;
        } catch (err) {
          if (!(err instanceof TargetUnreachable)) throw err;
          console.error(`error: target unreachable: ${err.message}`);
          return 3;
        }
      }),
    );
}
