/**
 * Coordination across processes and hosts (README "Coordination"): the port and its adapters.
 * `openCoordination` turns a `--coordination` setting into a store.
 */
import type { Clock } from '../../common/clock.ts';
import type { Log } from '../../common/log.ts';
import { defaultLeaseDir } from '../ids/file-lease-store.ts';
import { FileCoordination } from './files/file-coordination.ts';
import type { CoordinationStore } from './port.ts';
import { openRedisCoordination, type RedisCoordinationOptions } from './redis/redis-coordination.ts';
import { parseCoordination, type CoordinationSpec } from './spec.ts';

export * from './port.ts';
export { parseCoordination, DEFAULT_REDIS_PREFIX, type CoordinationSpec } from './spec.ts';
export { FileCoordination, type FileCoordinationOptions } from './files/file-coordination.ts';
export { COORDINATION_DB_FILE } from './files/coordination-db.ts';
export { RedisCoordination, openRedisCoordination, type RedisCoordinationOptions } from './redis/redis-coordination.ts';
export { MemoryCoordination, MemoryPacingBudget, MemoryQualificationCache } from './memory.ts';
export { budgetRulesInWallMs, DEFAULT_BUDGET_RULES } from './budget-judge.ts';

export interface OpenCoordinationOptions {
  /** The data directory; the files adapter keeps its state in `<dataDir>/leases`. */
  dataDir: string;
  /** The process's clock (the stores run on its wall clock). */
  clock: Clock;
  log?: Log;
  /** The lease TTL of this process, wall ms: how long a new or emptied Redis namespace recovers. Default 30 s. */
  leaseTtlMs?: number;
  redis?: Omit<RedisCoordinationOptions, 'log' | 'recoveryMs'>;
}

/**
 * Open the store a setting names: `files` (default), `redis://…`, or a parsed spec. Fails with
 * InvalidInput for a malformed setting, CoordinationUnavailable when Redis cannot be reached, a
 * StoreError when the lease directory's database cannot be opened.
 */
export async function openCoordination(setting: string | CoordinationSpec | undefined, opts: OpenCoordinationOptions): Promise<CoordinationStore> {
  const spec = typeof setting === 'string' || setting === undefined ? parseCoordination(setting ?? 'files') : setting;
  if (spec.kind === 'files') {
    return new FileCoordination({ dir: defaultLeaseDir(opts.dataDir), clock: opts.clock, ...(opts.log ? { log: opts.log } : {}) });
  }
  return openRedisCoordination(spec, { ...opts.redis, ...(opts.log ? { log: opts.log } : {}), recoveryMs: opts.leaseTtlMs ?? 30_000 });
}
