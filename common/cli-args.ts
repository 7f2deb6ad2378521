/**
 * Commander argument parsers shared by every subcommand. They live apart from any command so that
 * loading one command does not load another's whole module graph (CLI start-up time).
 */
import { InvalidArgumentError, Option } from 'commander';
import { LOG_FORMATS, type LogFormat } from './log-format.ts';

/** An integer flag within [min, max]; anything else is a usage error naming the flag (exit 2). */
export function intArg(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be an integer, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

/** A finite number > 0 (e.g. `--time-scale`); anything else is a usage error naming the flag. */
export function positiveNumberArg(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

/**
 * An instant given as ISO 8601 with its zone (`Z` or `±hh:mm`), e.g. `2026-11-30T15:00:00Z`;
 * returns epoch ms. A time without a zone is refused rather than read in the host's zone, so one
 * command means one instant on every machine (a CI runner's zone is often UTC, a laptop's not).
 */
export function instantArg(name: string) {
  return (value: string): number => {
    const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/i.test(value.trim());
    const ms = zoned ? Date.parse(value.trim()) : Number.NaN;
    if (!Number.isFinite(ms)) {
      throw new InvalidArgumentError(`${name} must be an ISO 8601 time with its zone, e.g. 2026-11-30T15:00:00Z or 2026-11-30T10:00:00-05:00, got "${value}"`);
    }
    return ms;
  };
}

/**
 * `--log-format human|json` for every subcommand that logs to stderr: human lines to read, or one
 * JSON object a line for log collectors. `fallback`: the subcommand's default, as it logged before
 * the flag existed (collect and serve human; sim, record and replay json).
 */
export function logFormatOption(fallback: LogFormat): Option {
  return new Option('--log-format <format>', 'stderr log lines: human (level: message key=value) or json (one object a line, for log collectors)')
    .choices(LOG_FORMATS)
    .default(fallback);
}
