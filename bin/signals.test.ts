/**
 * Signals reach the simulator however it is started. `npm run sim &` then `kill $!` signals npm,
 * which forwards SIGTERM to its script's shell; a shell that does not exec its command would die
 * and leave the simulator running and holding its port, so the `sim` script execs node directly
 * (package.json). The bin stops cleanly on SIGHUP too (a closed terminal).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Stopped {
  code: number | null;
  stdout: string;
  stderr: string;
  port: number;
  /** A process was still holding the output 10 s after the signalled one exited. */
  orphaned: boolean;
}

/**
 * Start `command args` in ROOT in its own process group, send `signal` (`times` times, 50 ms apart) to
 * that very process (not the group) once the simulator listens, and resolve when it has exited and its output is closed.
 * A process it left behind would hold the output open: after a grace period the group is killed
 * (so a failing run leaves nothing behind) and `orphaned` says so.
 */
function startThenSignal(command: string, args: string[], signal: NodeJS.Signals, times = 1): Promise<Stopped> {
  const child = spawn(command, args, { cwd: ROOT, detached: true });
  let stdout = '';
  let stderr = '';
  let port = -1;
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  // Backstop only: a loaded host may take many seconds to start the simulator.
  const backstop = setTimeout(killGroup, 80_000);
  child.stdout.on('data', (d) => {
    stdout += d;
    const m = /listening on [\d.]+:(\d+)/.exec(stdout);
    if (m && port < 0) {
      port = Number(m[1]);
      child.kill(signal);
      // A repeat 50 ms later, as a terminal's and npm's signals arrive (back to back, they would merge into one).
      for (let i = 1; i < times; i++) setTimeout(() => child.kill(signal), 50 * i);
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  let orphaned = false;
  child.on('exit', () => {
    clearTimeout(backstop);
    setTimeout(() => {
      orphaned = true;
      killGroup();
    }, 10_000).unref();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, port, orphaned })));
}

/** Whether something still accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
    socket.once('close', () => socket.destroy());
    socket.setTimeout(2_000, () => socket.destroy());
  });
}

describe('stopping the simulator with a signal', () => {
  it('`npm run sim` stopped by SIGTERM to npm itself frees the port; the bin stops on SIGHUP, and on SIGINT twice writes its verdict', async () => {
    const sim = ['--port', '0', '--profile', 'instant', '--log-level', 'silent'];
    // Ctrl-C on `npm run sim` signals the simulator twice (the terminal's SIGINT to the group, and
    // npm's forwarded one): the second must not cut the verdict short.
    const dir = mkdtempSync(path.join(tmpdir(), 'signals-verdict-'));
    const [viaNpm, viaBin, twice] = await Promise.all([
      startThenSignal('npm', ['run', '--silent', 'sim', '--', ...sim], 'SIGTERM'),
      startThenSignal(process.execPath, ['bin/ibkr-harness.mjs', 'sim', ...sim], 'SIGHUP'),
      startThenSignal(process.execPath, ['bin/ibkr-harness.mjs', 'sim', ...sim, '--verdict', dir], 'SIGINT', 2),
    ]);
    const written = existsSync(path.join(dir, 'verdict.json'));
    rmSync(dir, { recursive: true, force: true });
    expect(twice.stdout).toContain('verdict files:');
    expect(written).toBe(true);
    for (const stopped of [viaNpm, viaBin, twice]) {
      expect(stopped.port, stopped.stderr).toBeGreaterThan(0);
      expect(stopped.orphaned, 'a process outlived the one signalled').toBe(false);
      expect(stopped.stdout).toContain('simulator stopped');
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(await listening(stopped.port)).toBe(false);
    }
  }, 120_000);
});
