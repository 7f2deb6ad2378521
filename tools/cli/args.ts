/**
 * What the wire tools' commands share: argument checks that name the bad value and the fix, and
 * one way to turn an action's outcome into the exit code (0 ok, 1 the thing checked failed,
 * 2 usage or input error, 3 gateway unreachable). Commands set `process.exitCode` and return;
 * they never call process.exit, so they also run in-process.
 */
import { PROFILES } from '../../simulator/model/profile.ts';
import { UsageError } from '../../common/exit-codes.ts';
import { CaptureError } from '../capture/format.ts';

/** A usage or input error: printed as `error: <message>`, exit 2. */
export class ToolUsageError extends UsageError {}

/** Wrap an action returning its exit code: usage and capture-file errors print and exit 2. */
export function runAction<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (err) {
      if (err instanceof ToolUsageError || err instanceof CaptureError) {
        console.error(`error: ${err.message}`);
        process.exitCode = 2;
        return;
      }
      throw err;
    }
  };
}

export function parsePort(value: string, option: string, allowZero = false): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= (allowZero ? 0 : 1) && n <= 65535)) throw new ToolUsageError(`${option} must be a TCP port (${allowZero ? 0 : 1}..65535), got "${value}"`);
  return n;
}

/** `host:port`, `[::1]:port` or a bare port (host 127.0.0.1). */
export function parseAddress(value: string, option: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value);
  if (m) return { host: m[1] ?? m[2]!, port: parsePort(m[3]!, option) };
  if (/^\d+$/.test(value)) return { host: '127.0.0.1', port: parsePort(value, option) };
  throw new ToolUsageError(`${option} must be host:port (e.g. 127.0.0.1:4002), got "${value}"`);
}

export function parseSeconds(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0) || !Number.isFinite(n)) throw new ToolUsageError(`${option} must be a number of seconds ≥ 0, got "${value}"`);
  return n;
}

export function parseInteger(value: string, option: string, min = -(2 ** 31), max = 2 ** 31 - 1): number {
  const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new ToolUsageError(`${option} must be an integer between ${min} and ${max}, got "${value}"`);
  return n;
}

export function parsePositive(value: string, option: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new ToolUsageError(`${option} must be a positive number, got "${value}"`);
  return n;
}

export function parseProfile(value: string): string {
  if (!(value in PROFILES)) throw new ToolUsageError(`--profile must be one of ${Object.keys(PROFILES).join(', ')}; got "${value}"`);
  return value;
}

/** Resolves on the first SIGINT or SIGTERM (for the commands that serve until stopped). */
export function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}
