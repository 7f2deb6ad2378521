/**
 * A fleet of collector processes against one simulator, for the coordination tests and the
 * benchmark: a simulator over TCP in this process (its journal and counters readable), a contract
 * universe with as many synthetic stocks as the run needs, and real child processes running
 * collect-worker.ts. Nothing here decides an outcome; it builds, runs and counts.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScaledClock } from '../../../common/clock.ts';
import type { Logger } from '../../../simulator/model/ports.ts';
import type { ProfileOverrides } from '../../../simulator/model/profile.ts';
import { startSimulator, type Simulator } from '../../../simulator/simulator.ts';
import type { WorkerConfig, WorkerReport } from './collect-worker.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./collect-worker.ts', import.meta.url));

/** A NASDAQ-like stock per symbol, synthetic conIds (900200001+). Returns the file and the symbols as `SYM:USD`. */
export function writeSyntheticUniverse(dir: string, count: number): { file: string; symbols: string[] } {
  const letters = (i: number) => String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26));
  const instruments = Array.from({ length: count }, (_, i) => ({
    profile: 'us-nasdaq-stock',
    conId: 900_200_001 + i,
    synthetic: true,
    symbol: `SYN${letters(i)}`,
    longName: `SYNTHETIC ${letters(i)} INC`,
    basePrice: 20 + i,
    dailyVolatility: 0.02,
    avgDailyVolume: 1_000_000,
  }));
  const file = path.join(dir, 'fleet-contracts.json');
  writeFileSync(file, JSON.stringify({ formatVersion: 1, instruments }));
  return { file, symbols: instruments.map((s) => `${s.symbol}:USD`) };
}

export interface FleetSimulator {
  sim: Simulator;
  clock: ScaledClock;
  /** ERR_MSG frames sent, by code. */
  errors: Map<number, number>;
  /** Messages received, by type. */
  received: Map<string, number>;
  anchor(): { anchorModel: number; anchorWall: number };
  close(): Promise<void>;
}

export async function startFleetSimulator(opts: {
  timeScale: number;
  start: number;
  contractsFile: string;
  overrides?: ProfileOverrides;
  seed?: number;
  /** The simulator's log (e.g. to see which pacing rule a 162 broke); default none. */
  logger?: Logger;
}): Promise<FleetSimulator> {
  const clock = new ScaledClock(opts.timeScale, opts.start);
  const sim = await startSimulator({
    port: 0,
    clock,
    seed: opts.seed ?? 1,
    profile: 'ibkr-paper',
    contractsFile: opts.contractsFile,
    extendContracts: true,
    journal: { capacity: 200_000 },
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const errors = new Map<number, number>();
  const received = new Map<string, number>();
  sim.gateway.observe({
    errorSent: (code) => errors.set(code, (errors.get(code) ?? 0) + 1),
    messageIn: (type) => received.set(type, (received.get(type) ?? 0) + 1),
  });
  return {
    sim,
    clock,
    errors,
    received,
    anchor: () => ({ anchorModel: clock.now(), anchorWall: Date.now() }),
    close: () => sim.close(),
  };
}

export interface WorkerRun {
  code: number | null;
  report: WorkerReport | undefined;
  stderr: string;
  pid: number | undefined;
}

/** Run one collect-worker.ts process to its end (killed after `timeoutMs` wall ms). */
export function runWorker(config: WorkerConfig, timeoutMs = 120_000): Promise<WorkerRun> {
  const env = { ...process.env };
  delete env.IBKR_HOST;
  delete env.IBKR_PORT;
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(config)], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      const line = stdout.trim().split('\n').at(-1);
      let report: WorkerReport | undefined;
      try {
        report = line ? (JSON.parse(line) as WorkerReport) : undefined;
      } catch {
        report = undefined;
      }
      resolve({ code, report, stderr, pid: child.pid });
    });
  });
}

/** Split `items` into `n` interleaved parts (item i goes to part i mod n). */
export function deal<T>(items: readonly T[], n: number): T[][] {
  return Array.from({ length: n }, (_, p) => items.filter((_, i) => i % n === p));
}
