/**
 * A real `redis-server` per test (Debian's package): started on a free loopback port with no
 * persistence, stopped by its pid. Without the binary the Redis suites are skipped locally with
 * the reason, and fail in CI (where `.ci/run` installs it), so they can never be skipped silently
 * there.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** The redis-server binary, or null if it is not installed. */
export function redisServerBinary(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const bin = found.stdout.trim();
  return found.status === 0 && bin ? bin : null;
}

/**
 * Whether the Redis suites can run here. Locally a missing binary skips them with a printed
 * reason; in CI (`CI` set) it is an error.
 */
export function redisAvailable(): boolean {
  if (redisServerBinary()) return true;
  const why = 'redis-server is not installed (Debian: apt-get install redis-server); the Redis coordination tests are skipped';
  if (process.env.CI) throw new Error(`${why.replace('; the Redis coordination tests are skipped', '')}: CI must run them (.ci/run installs it)`);
  console.warn(`SKIPPED: ${why}`);
  return false;
}

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly pid: number | undefined;
  /** SIGKILL: gone at once, data and connections with it. */
  kill(): Promise<void>;
  /** Start again on the same port (empty: nothing is persisted). */
  restart(): Promise<void>;
  /** Stop (SIGTERM, then SIGKILL) if running. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function launch(bin: string, port: number): Promise<ChildProcess> {
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.resume();
    child.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited (${code}) before it was ready:\n${out.slice(-2000)}`)));
    child.once('error', reject);
  });
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

export async function startRedis(): Promise<RedisServer> {
  const bin = redisServerBinary();
  if (!bin) throw new Error('redis-server is not installed');
  const port = await freePort();
  let child = await launch(bin, port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child.pid;
    },
    kill: () => terminate(child, 'SIGKILL'),
    restart: async () => {
      await terminate(child, 'SIGKILL');
      child = await launch(bin, port);
    },
    stop: () => terminate(child, 'SIGTERM'),
  };
}
