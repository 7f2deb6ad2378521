/**
 * fast-check settings shared by every property test: how many runs, how to replay one reported
 * failure, and the replay command printed with every failure.
 *
 * Environment (all optional):
 *  - `PROPERTY_RUNS`: runs per property instead of the file's default (e.g. 2000 for a long soak);
 *  - `PROPERTY_SEED` and `PROPERTY_PATH`: replay one reported failure;
 *  - `PROPERTY_REPLAY_PATH`: for model-based tests (`fc.commands`), which commands of the replayed
 *    sequence ran; fast-check needs it besides seed and path to rebuild the same command list.
 */
import fc from 'fast-check';

/** The runs a property makes: `PROPERTY_RUNS` if set (a positive integer), else `numRuns`. */
export function propertyRuns(numRuns: number): number {
  const raw = process.env.PROPERTY_RUNS;
  if (raw === undefined || raw === '') return numRuns;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`PROPERTY_RUNS must be a positive integer, got "${raw}"`);
  return n;
}

/**
 * fast-check parameters: `PROPERTY_RUNS`, `PROPERTY_SEED` and `PROPERTY_PATH` as above; every
 * failure report ends with the command that replays it (see `replayLine`).
 */
export function propertyParams(testFile: string, numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.PROPERTY_SEED;
  const path = process.env.PROPERTY_PATH;
  return {
    numRuns: propertyRuns(numRuns),
    ...(seed ? { seed: Number(seed), ...(path ? { path, endOnFailure: true } : {}) } : {}),
    asyncReporter: async (details) => {
      if (!details.failed) return;
      const message = await fc.asyncDefaultReportMessage(details);
      const line = replayLine(testFile, details.seed, details.counterexamplePath, commandsReplayPathOf(details.counterexample));
      // The failed check itself travels as the cause, which vitest prints below the report.
      throw new Error(`${message}\n\nReplay this failure:\n  ${line}`, { cause: details.errorInstance });
    },
  };
}

/** The shell command that replays one failure of `testFile`. */
export function replayLine(testFile: string, seed: number, path: string | null, commandsReplayPath?: string): string {
  const replay = commandsReplayPath ? ` PROPERTY_REPLAY_PATH="${commandsReplayPath}"` : '';
  return `PROPERTY_SEED=${seed}${path ? ` PROPERTY_PATH="${path}"` : ''}${replay} npx vitest run --project properties ${testFile}`;
}

/**
 * Constraints for `fc.commands`: at most `maxCommands` commands, and the replay path of a reported
 * failure when one is being replayed.
 */
export function commandsConstraints(maxCommands: number): fc.CommandsContraints {
  const replayPath = process.env.PROPERTY_REPLAY_PATH;
  return { maxCommands, size: 'max', ...(replayPath ? { replayPath } : {}) };
}

/** The `replayPath` fast-check prints after a shrunk command list, if the counterexample has one. */
function commandsReplayPathOf(counterexample: unknown): string | undefined {
  if (counterexample === null) return undefined;
  return /\/\*replayPath="([^"]*)"\*\//.exec(fc.stringify(counterexample))?.[1];
}
