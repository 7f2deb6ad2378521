/**
 * The exit codes of every `ibkr-harness` subcommand, so a script or CI job can tell "the check
 * failed" from "I typed the command wrong" from "the gateway was not there":
 *
 * | code | meaning                                                                                   |
 * | ---- | ----------------------------------------------------------------------------------------- |
 * | 0    | success                                                                                   |
 * | 1    | the thing checked failed: a symbol not collected, a regression, a scenario expectation   |
 * | 2    | a usage or input error: a bad flag or value, an unknown subcommand, a missing or garbled |
 * |      | file, runs that cannot be compared, a live account refused by the guard                  |
 * | 3    | the gateway was unreachable (refused, full, closed or timed out before the login ended)  |
 *
 * An unexpected error (a bug) exits 1 with its message, as Node does for an uncaught exception.
 */
import { CommanderError } from 'commander';

/** The four exit codes, by meaning (see the table above). */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  unreachable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A usage or input error: the message says what was wrong and how to fix it. Exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = EXIT.usage;
}

/**
 * Error codes (the `code` of collector errors, docs in collector/errors.ts) that mean the gateway
 * was never reached or never finished the handshake.
 */
const UNREACHABLE_CODES = new Set(['GATEWAY_UNREACHABLE', 'HANDSHAKE_TIMEOUT', 'GATEWAY_CLOSED_CONNECTION', 'TOO_MANY_CLIENTS', 'LOGIN_REFUSED']);
/**
 * Error codes that are the user's input: a bad value, a refused live account, a port where no
 * gateway answers, a simulator at another time scale (and `STORE_*`: an unusable database file).
 */
const INPUT_CODES = new Set(['INVALID_INPUT', 'LIVE_GATEWAY_REFUSED', 'NOT_A_GATEWAY', 'TIME_SCALE_MISMATCH']);
/** System errors that name something the user chose: a busy or privileged port, a missing file. */
const INPUT_ERRNOS = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOENT', 'EISDIR', 'ENOTDIR']);

/** The exit code for an error that ended a command. */
export function exitCodeOf(err: unknown): ExitCode {
  // Commander's own parse errors (unknown option, missing argument, bad choice, unknown command)
  // come with its exit code 1; help and --version with 0.
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  // An error may say its own exit code (UsageError does; so does a failed publish).
  const own = typeof err === 'object' && err !== null ? (err as { exitCode?: unknown }).exitCode : undefined;
  if (own === EXIT.failed || own === EXIT.usage || own === EXIT.unreachable) return own;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code === 'string') {
    if (UNREACHABLE_CODES.has(code)) return EXIT.unreachable;
    if (INPUT_CODES.has(code) || code.startsWith('STORE_') || INPUT_ERRNOS.has(code)) return EXIT.usage;
  }
  return EXIT.failed;
}
