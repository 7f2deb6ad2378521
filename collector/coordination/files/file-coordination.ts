/**
 * The files adapter of the coordination port, the default: every collector process on one host
 * shares `<dataDir>/leases/` — one lease file per client id (ids/file-lease-store.ts) and
 * `coordination.sqlite` with the fencing counters, the pacing windows of each login and the
 * qualification cache (./coordination-db.ts). Nothing to run beside the collector; it covers one
 * host only (a directory shared between hosts frees leases by expiry alone, and SQLite over a
 * network file system is not safe).
 */
import { wallTimeOf, type Clock, type WallTime } from '../../../common/clock.ts';
import { silentLog, type Log } from '../../../common/log.ts';
import { CoordinationUnavailable, describeError } from '../../errors.ts';
import { FileLeaseStore } from '../../ids/file-lease-store.ts';
import type {
  BudgetRules,
  CachedContract,
  ChargeResult,
  CoordinationState,
  CoordinationStore,
  PacingBudget,
  PacingCharge,
  QualificationCache,
} from '../port.ts';
import { CoordinationDb } from './coordination-db.ts';

export interface FileCoordinationOptions {
  /** The lease directory, `<dataDir>/leases`. */
  dir: string;
  /** The process's clock; the store runs on its wall time (common/clock.ts, wallTimeOf). */
  clock: Clock;
  log?: Log;
  isAlive?: (pid: number) => boolean;
}

export class FileCoordination implements CoordinationStore {
  readonly kind = 'files';
  readonly description: string;
  readonly leases: FileLeaseStore;
  private readonly db: CoordinationDb;
  private readonly time: WallTime;
  private readonly log: Log;

  /** Opens (creating) the directory and its database; a StoreError names the file if it cannot. */
  constructor(opts: FileCoordinationOptions) {
    this.description = `files under ${opts.dir}`;
    this.time = wallTimeOf(opts.clock);
    this.log = opts.log ?? silentLog;
    this.db = new CoordinationDb(opts.dir);
    const db = this.db;
    this.leases = new FileLeaseStore({
      dir: opts.dir,
      clock: opts.clock,
      fences: { next: async (gateway) => db.nextFence(gateway) },
      ...(opts.isAlive ? { isAlive: opts.isAlive } : {}),
    });
  }

  pacing(gateway: string): PacingBudget {
    const { db, time, description } = this;
    const unavailable = (operation: string, cause: unknown) =>
      new CoordinationUnavailable(description, operation, 'unreachable', { cause, hint: `is ${db.file} locked by a stuck process, or its disk full?` });
    return {
      async tryCharge(charge: PacingCharge, rules: BudgetRules): Promise<ChargeResult> {
        try {
          return db.charge(gateway, charge, rules, time.now());
        } catch (err) {
          throw unavailable('take pacing budget', err);
        }
      },
      async markSent(chargeId: string): Promise<void> {
        try {
          db.markSent(gateway, chargeId, time.now());
        } catch (err) {
          throw unavailable('mark a charge sent', err);
        }
      },
      async pause(forMs: number): Promise<void> {
        try {
          db.pause(gateway, time.now() + forMs);
        } catch (err) {
          throw unavailable('pause the pacing budget', err);
        }
      },
    };
  }

  qualifications(gateway: string): QualificationCache {
    const { db, time, log } = this;
    return {
      async get(key: string): Promise<CachedContract | undefined> {
        try {
          return db.getQualification(gateway, key, time.now());
        } catch (err) {
          log.debug({ key, err: describeError(err) }, 'qualification cache unavailable; asking the gateway');
          return undefined;
        }
      },
      async put(key: string, contract: CachedContract, ttlMs: number): Promise<void> {
        try {
          const now = time.now();
          db.putQualification(gateway, key, contract, now + ttlMs, now);
        } catch (err) {
          log.debug({ key, err: describeError(err) }, 'could not write the qualification cache');
        }
      },
    };
  }

  status(): CoordinationState {
    return { state: 'ok' };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
