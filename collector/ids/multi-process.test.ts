import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const workerScript = fileURLToPath(new URL('../testing/lease-worker.ts', import.meta.url));
const stressScript = fileURLToPath(new URL('../testing/reclaim-stress-worker.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const gateway = '127.0.0.1:4002';

/** One real OS process running the allocator against the shared lease directory. */
class WorkerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;

  /** How the process ended (or could not start), once it has: for a failure message that says why. */
  private readonly ended: Promise<string>;

  constructor(dir: string, count: number) {
    this.child = spawn(process.execPath, ['--import', 'tsx', workerScript, dir, gateway, String(count)], { cwd: repoRoot });
    this.child.stderr.pipe(process.stderr);
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    this.ended = new Promise((resolve) => {
      this.child.once('error', (err) => resolve(`could not be started: ${err.message}`));
      this.child.once('exit', (code, signal) => resolve(`exited with code ${code}, signal ${signal}`));
    });
  }

  async nextLine(): Promise<string> {
    const { value, done } = await this.lines.next();
    if (done) {
      // stdout can close before 'exit' is emitted: wait briefly for how the process ended.
      const how = await Promise.race([this.ended, new Promise<string>((r) => setTimeout(() => r('closed its stdout and has not exited'), 2_000))]);
      throw new Error(`worker ${this.child.pid} ${how}`);
    }
    return value;
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  async killHard(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }
}

async function startAll(dir: string, n: number, count: number): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: n }, () => new WorkerProcess(dir, count));
  for (const w of workers) expect(await w.nextLine()).toBe('ready');
  return workers;
}

/** Send "go" to all at once, so the leasing really overlaps. */
async function leaseAll(workers: WorkerProcess[]): Promise<number[][]> {
  for (const w of workers) w.send('go');
  return Promise.all(workers.map(async (w) => (JSON.parse(await w.nextLine()) as { ids: number[] }).ids));
}

describe('client-id leases across real processes', () => {
  const started: WorkerProcess[] = [];
  let dir = '';

  afterEach(async () => {
    for (const w of started) if (w.child.exitCode === null && w.child.signalCode === null) await w.killHard();
    started.length = 0;
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('never hands the same id to two live processes, and reuses the ids of killed ones', async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'leases-mp-'));

    // Wave 1: two workers lease and are killed -9 without releasing (the crash case).
    const crashed = await startAll(dir, 2, 3);
    started.push(...crashed);
    const crashedIds = (await leaseAll(crashed)).flat();
    expect(new Set(crashedIds).size).toBe(6);
    for (const w of crashed) await w.killHard();

    // Wave 2: four workers lease concurrently from the same directory.
    const live = await startAll(dir, 4, 3);
    started.push(...live);
    const liveIds = (await leaseAll(live)).flat();
    expect(new Set(liveIds).size).toBe(liveIds.length);
    // Lowest-first with the dead processes' leases reclaimed: exactly the ids 4..15, no holes.
    expect([...liveIds].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 4));

    for (const w of live) w.send('release');
    for (const w of live) expect(await w.nextLine()).toBe('released');
    const leftovers = (await fs.readdir(dir)).filter((name) => name.endsWith('.lease'));
    expect(leftovers).toEqual([]);
  }, 60_000);

  it('reclaims stale leases race-free while several processes fight over them', async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'leases-stress-'));
    const log = path.join(dir, 'holds.log');
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    const runs = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', stressScript, path.join(dir, 'leases'), log, String(deadPid), '1500', '4'], {
        cwd: repoRoot,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      return new Promise<number | null>((resolve) => child.once('exit', resolve));
    });
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);

    const holds = new Map<number, Array<[number, number]>>();
    for (const line of (await fs.readFile(log, 'utf8')).split('\n').filter(Boolean)) {
      const [id, start, end] = line.split(' ').map(Number) as [number, number, number];
      holds.set(id, [...(holds.get(id) ?? []), [start, end]]);
    }
    let total = 0;
    for (const [id, intervals] of holds) {
      intervals.sort((a, b) => a[0] - b[0]);
      total += intervals.length;
      for (let i = 1; i < intervals.length; i++) {
        expect(intervals[i]![0], `two processes held id ${id} at once`).toBeGreaterThanOrEqual(intervals[i - 1]![1]);
      }
    }
    expect(total).toBeGreaterThan(50); // the fight really happened
  }, 60_000);
});
