/**
 * Run one of the wire tools' commands in-process, as `ibkr-harness <name> …args` would, and
 * return its exit code and what it printed. Commands report through process.exitCode (never
 * process.exit), which is read and restored here.
 */
import type { Command } from 'commander';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(command: Command, args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  const saved = process.exitCode;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  process.exitCode = undefined;
  try {
    command.exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
    await command.parseAsync(['node', 'ibkr-harness', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
    process.exitCode = saved;
  }
}
