/**
 * Latency of the coordination port's two hot operations, per adapter, in this process: taking and
 * giving back a client-id lease, and one pacing-budget check (check and charge in one atomic
 * step). Used by collector/bench/coordination.ts; the in-memory adapter is the baseline.
 *
 * Leases run on the system clock: every iteration takes a free id (one of 64, cycling) and gives
 * it back, so no iteration meets a live holder. The pacing budget runs in steady state at IB's
 * full pace: iteration i is judged at a start instant + i × 10.5 s, a new contract each time, so
 * about 57 paced requests (600 s window + 250 ms margin) and one message stay in the login's
 * window, as for a login sending its 60 per 10 minutes. Each iteration times one granted charge
 * and then the same request again, which the 15 s identical-request rule refuses
 * (docs/wire-facts/pacing.md#historical-pacing-162). Time is moved, not waited for: the in-memory
 * and files adapters run on a VirtualClock, the Redis adapter is told the instant (its CHARGE
 * script's optional judge-at argument, otherwise the same script and round trip as tryCharge).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock, VirtualClock } from '../../common/clock.ts';
import { pacedRequest } from '../../common/ib/pacing.ts';
import { DEFAULT_BUDGET_RULES } from '../coordination/budget-judge.ts';
import { FileCoordination } from '../coordination/files/file-coordination.ts';
import { MemoryCoordination, MemoryPacingBudget } from '../coordination/memory.ts';
import type { ChargeResult, PacingBudget, PacingCharge } from '../coordination/port.ts';
import { openRedisCoordination } from '../coordination/redis/redis-coordination.ts';
import type { RedisPacingBudget } from '../coordination/redis/redis-pacing-budget.ts';
import { parseCoordination } from '../coordination/spec.ts';
import type { LeaseOwner, LeaseStore } from '../ids/lease-store.ts';

/** Wall µs of each timed call of one operation. */
export interface Samples {
  adapter: string;
  operation: string;
  us: number[];
}

/** Model (= wall, scale 1) ms between two granted charges: just under IB's 60 per 10 minutes. */
const STEP_MS = 10_500;
const GATEWAY = '127.0.0.1:4002';

/** One budget whose "now" the benchmark sets (untimed) before it times a check and charge. */
interface Budget {
  moveTo(atMs: number): Promise<void>;
  charge(charge: PacingCharge): Promise<ChargeResult>;
}

interface Target {
  adapter: string;
  leases: LeaseStore;
  budget: Budget;
  close(): Promise<void>;
}

function micros(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1_000;
}

function chargeOf(i: number): PacingCharge {
  const req = pacedRequest({
    conId: 900_000_000 + i,
    exchange: 'SMART',
    endDateTime: '',
    duration: '2 D',
    barSize: '1 hour',
    whatToShow: 'TRADES',
    useRTH: true,
  });
  return { req, messages: 1 };
}

async function timeLeases(t: Target, n: number, warmup: number): Promise<Samples[]> {
  const owner: LeaseOwner = { pid: process.pid, token: randomUUID(), role: 'worker' };
  const acquire: number[] = [];
  const release: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const key = { gateway: GATEWAY, clientId: 4 + (i % 64) };
    let t0 = process.hrtime.bigint();
    const lease = await t.leases.tryAcquire(key, owner, 30_000);
    const a = micros(t0);
    if (!lease) throw new Error(`${t.adapter}: client id ${key.clientId} was not free (iteration ${i}); the benchmark expects every id free`);
    t0 = process.hrtime.bigint();
    await t.leases.release(lease);
    const r = micros(t0);
    if (i >= warmup) {
      acquire.push(a);
      release.push(r);
    }
  }
  return [
    { adapter: t.adapter, operation: 'lease acquire', us: acquire },
    { adapter: t.adapter, operation: 'lease release', us: release },
  ];
}

async function timePacing(t: Target, n: number, warmup: number, startMs: number): Promise<Samples[]> {
  const granted: number[] = [];
  const refused: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const at = startMs + i * STEP_MS;
    const charge = chargeOf(i);
    await t.budget.moveTo(at);
    let t0 = process.hrtime.bigint();
    const first = await t.budget.charge(charge);
    const g = micros(t0);
    t0 = process.hrtime.bigint();
    const again = await t.budget.charge(charge);
    const r = micros(t0);
    if (!first.granted) throw new Error(`${t.adapter}: charge ${i} refused (${first.reason}); at ${STEP_MS} ms apart every charge should fit`);
    if (again.granted || again.reason !== 'identical') throw new Error(`${t.adapter}: an identical request at once was not refused by the identical rule`);
    if (i >= warmup) {
      granted.push(g);
      refused.push(r);
    }
  }
  return [
    { adapter: t.adapter, operation: 'pacing check, granted', us: granted },
    { adapter: t.adapter, operation: 'pacing check, refused', us: refused },
  ];
}

/** The virtual clock the budget of the memory or files adapter reads, moved to each charge's instant. */
function virtualBudget(clock: VirtualClock, budget: PacingBudget): Budget {
  return {
    moveTo: async (atMs) => {
      if (atMs > clock.now()) await clock.advance(atMs - clock.now());
    },
    charge: (c) => budget.tryCharge(c, DEFAULT_BUDGET_RULES),
  };
}

async function memoryTarget(startMs: number): Promise<Target> {
  const leases = new MemoryCoordination(systemClock).leases;
  const clock = new VirtualClock(startMs);
  return { adapter: 'memory (baseline)', leases, budget: virtualBudget(clock, new MemoryPacingBudget(clock)), close: async () => {} };
}

async function filesTarget(startMs: number): Promise<Target> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-coordination-'));
  const leaseStore = new FileCoordination({ dir: path.join(dir, 'leases'), clock: systemClock });
  const clock = new VirtualClock(startMs);
  // A second store on the same directory for the budget: one SQLite file, its own clock.
  const budgetStore = new FileCoordination({ dir: path.join(dir, 'leases'), clock });
  return {
    adapter: 'files',
    leases: leaseStore.leases,
    budget: virtualBudget(clock, budgetStore.pacing(GATEWAY)),
    close: async () => {
      await leaseStore.close();
      await budgetStore.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function redisTarget(url: string): Promise<Target> {
  // Recovery 0: a brand-new namespace hands out budget at once (nothing was lost to recover).
  const spec = parseCoordination(`${url}/0?prefix=bench-${randomUUID().slice(0, 6)}`);
  if (spec.kind !== 'redis') throw new Error(`${url} is not a Redis URL`);
  const store = await openRedisCoordination(spec, { recoveryMs: 0 });
  const budget = store.pacing(GATEWAY) as RedisPacingBudget;
  let now = 0;
  return {
    adapter: 'redis',
    leases: store.leases,
    budget: {
      moveTo: async (atMs) => {
        now = atMs;
      },
      charge: (c) => budget.chargeAt(c, DEFAULT_BUDGET_RULES, now),
    },
    close: () => store.close(),
  };
}

/** Every adapter's samples: memory first (the baseline), then files, then Redis at `redisUrl`. */
export async function measureLatencies(opts: { n: number; warmup: number; redisUrl: string }): Promise<Samples[]> {
  // A minute ahead of the system clock: the Redis namespace is born (and recovered) before it.
  const startMs = Date.now() + 60_000;
  const out: Samples[] = [];
  for (const make of [() => memoryTarget(startMs), () => filesTarget(startMs), () => redisTarget(opts.redisUrl)]) {
    const target = await make();
    try {
      out.push(...(await timeLeases(target, opts.n, opts.warmup)));
      out.push(...(await timePacing(target, opts.n, opts.warmup, startMs)));
    } finally {
      await target.close();
    }
  }
  return out;
}
