/**
 * Commander argument parsers shared by every subcommand. They live apart from any command so that
 * loading one command does not load another's whole module graph (CLI start-up time).
 */
import { InvalidArgumentError } from 'commander';

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
