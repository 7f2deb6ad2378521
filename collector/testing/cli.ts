/**
 * The `ibkr-harness` command as a child process, for the CLI tests: the real binary through tsx,
 * without the IBKR_HOST/IBKR_PORT of the environment it runs in.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Real ms from spawn to exit. */
  ms: number;
}

/** Start `ibkr-harness <args>`; the caller reads and ends it. */
export function spawnCli(args: readonly string[]): ChildProcessWithoutNullStreams {
  const env = { ...process.env };
  delete env.IBKR_HOST;
  delete env.IBKR_PORT;
  return spawn(process.execPath, ['--import', 'tsx', 'bin/ibkr-harness.ts', ...args], { cwd: ROOT, env });
}

/** Run `ibkr-harness <args>` to the end (SIGKILLed after `timeoutMs` real ms). */
export function cli(args: readonly string[], timeoutMs = 60_000): Promise<CliRun> {
  const started = Date.now();
  const child = spawnCli(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
