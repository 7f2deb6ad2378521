/**
 * The in-process adapter of the coordination port: leases, budget and cache in this process's
 * memory. It coordinates the simulated processes of one harness run (scenarios, property tests),
 * and is each real process's budget when nothing is shared.
 */
import { wallTimeOf, type Clock, type WallTime } from '../../common/clock.ts';
import { InMemoryLeaseStore } from '../ids/in-memory-lease-store.ts';
import { budgetHorizonMs, judgeCharge, recordOf, type ChargedRecord } from './budget-judge.ts';
import type {
  BudgetRules,
  CachedContract,
  ChargeResult,
  CoordinationState,
  CoordinationStore,
  PacingBudget,
  PacingCharge,
  QualificationCache,
} from './port.ts';

/** A pacing budget in this process's memory. `clock`'s wall time (common/clock.ts, wallTimeOf) decides the windows. */
export class MemoryPacingBudget implements PacingBudget {
  private history: ChargedRecord[] = [];
  private pausedUntil = -Infinity;
  private readonly time: WallTime;
  private charges = 0;

  constructor(clock: Clock) {
    this.time = wallTimeOf(clock);
  }

  async tryCharge(charge: PacingCharge, rules: BudgetRules): Promise<ChargeResult> {
    return this.chargeNow(charge, rules);
  }

  /** The same decision without a promise, for callers that need it within one turn. */
  chargeNow(charge: PacingCharge, rules: BudgetRules): ChargeResult {
    const now = this.time.now();
    const horizon = now - budgetHorizonMs(rules);
    // Records are in charge order; re-stamped ones (markSent) only move earlier, never below their charge instant.
    if (this.history.length > 0 && this.history[0]!.at <= horizon) this.history = this.history.filter((r) => r.at > horizon);
    const verdict = judgeCharge(this.history, charge, rules, now, this.pausedUntil);
    if (!verdict.granted) return verdict;
    const chargeId = charge.sendWithinMs === undefined ? undefined : `m${this.charges++}`;
    this.history.push(recordOf(charge, rules, now, chargeId));
    return chargeId === undefined ? verdict : { granted: true, chargeId };
  }

  async markSent(chargeId: string): Promise<void> {
    const rec = this.history.find((r) => r.chargeId === chargeId);
    if (!rec) return;
    rec.at = Math.min(rec.at, this.time.now());
    delete rec.chargeId;
  }

  async pause(forMs: number): Promise<void> {
    this.pausedUntil = Math.max(this.pausedUntil, this.time.now() + forMs);
  }
}

/** Bounded: a service sees any input, and a cache must not grow with it. */
const MAX_CACHED = 10_000;

export class MemoryQualificationCache implements QualificationCache {
  private readonly entries = new Map<string, { contract: CachedContract; expiresAt: number }>();

  constructor(private readonly time: WallTime) {}

  async get(key: string): Promise<CachedContract | undefined> {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt > this.time.now()) return { ...e.contract };
    this.entries.delete(key);
    return undefined;
  }

  async put(key: string, contract: CachedContract, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    if (this.entries.size >= MAX_CACHED) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { contract: { ...contract }, expiresAt: this.time.now() + ttlMs });
  }
}

/** Leases, budgets and caches of the simulated processes of one run, all in one Map each. */
export class MemoryCoordination implements CoordinationStore {
  readonly kind = 'memory';
  readonly description = 'this process (in memory)';
  readonly leases: InMemoryLeaseStore;
  private readonly budgets = new Map<string, MemoryPacingBudget>();
  private readonly caches = new Map<string, MemoryQualificationCache>();

  constructor(
    private readonly clock: Clock,
    opts: { isAlive?: (pid: number) => boolean } = {},
  ) {
    this.leases = new InMemoryLeaseStore({ clock, ...(opts.isAlive ? { isAlive: opts.isAlive } : {}) });
  }

  pacing(gateway: string): PacingBudget {
    let b = this.budgets.get(gateway);
    if (!b) this.budgets.set(gateway, (b = new MemoryPacingBudget(this.clock)));
    return b;
  }

  qualifications(gateway: string): QualificationCache {
    let c = this.caches.get(gateway);
    if (!c) this.caches.set(gateway, (c = new MemoryQualificationCache(wallTimeOf(this.clock))));
    return c;
  }

  status(): CoordinationState {
    return { state: 'ok' };
  }

  async close(): Promise<void> {}
}
