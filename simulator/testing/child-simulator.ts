/**
 * The simulator as users run it — `ibkr-harness sim` in its own process — so a test can tell a
 * real crash (the process exits) from an exception a test runner would merely report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ChildSimulator {
  port: number;
  /** The control plane's URL, when started with `--control-port`. */
  controlUrl: string | undefined;
  child: ChildProcess;
  /** Set once the process has exited. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  stderr: string;
  stop(): Promise<void>;
}

/**
 * Start `ibkr-harness sim` (profile `instant`, logs silent, a free port; `args` override) and
 * resolve once it listens. `root` is the checkout whose CLI runs (default this one): a benchmark
 * can run another checkout's simulator as its baseline in the same run.
 */
export async function startChildSimulator(args: string[] = [], timeoutMs = 20_000, root = ROOT): Promise<ChildSimulator> {
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin/ibkr-harness.mjs'), 'sim', '--port', '0', '--profile', 'instant', '--log-level', 'silent', ...args],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const sim: ChildSimulator = {
    port: 0,
    controlUrl: undefined,
    child,
    exit: undefined,
    stderr: '',
    stop: async () => {
      if (sim.exit) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await gone;
    },
  };
  child.stderr!.on('data', (b: Buffer) => (sim.stderr += b.toString()));
  child.on('exit', (code, signal) => (sim.exit = { code, signal }));
  sim.port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`simulator did not start within ${timeoutMs} ms: ${out} ${sim.stderr}`)), timeoutMs);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on [^:]+:(\d+)/.exec(out);
      if (m) {
        sim.controlUrl = /control plane on (http:\/\/\S+)/.exec(out)?.[1];
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code} before listening: ${sim.stderr}`));
    });
  });
  return sim;
}
