/**
 * The Redis adapter of the coordination port: for collector processes on many hosts that share
 * one gateway login. Keys are `<prefix>:{<login>}:…` — leases and 326 marks per client id, the
 * fencing counter, the pacing windows, the qualification cache, and the namespace's `born` record
 * (scripts.ts explains recovery after Redis lost its data).
 *
 * Redis going away: operations fail at once with CoordinationUnavailable (no offline queue), so
 * no new lease and no budget is taken while it is gone; held leases are given up at their own
 * deadline (ids/held-lease.ts); requests wait, bounded by their deadlines. When it comes back
 * everything resumes; if it came back empty, the namespace recovers for one lease TTL first.
 */
import { silentLog, type Log } from '../../../common/log.ts';
import { describeError } from '../../errors.ts';
import type { CachedContract, CoordinationState, CoordinationStore, PacingBudget, QualificationCache } from '../port.ts';
import type { CoordinationSpec } from '../spec.ts';
import { RedisLeaseStore } from './redis-lease-store.ts';
import { RedisLink, type RedisLinkOptions } from './redis-link.ts';
import { RedisPacingBudget } from './redis-pacing-budget.ts';

export interface RedisCoordinationOptions extends RedisLinkOptions {
  /**
   * The lease TTL every process of the namespace uses, wall ms (default 30 s): how long a new or
   * emptied namespace hands out no new lease or budget, while holders re-assert theirs.
   */
  recoveryMs?: number;
  log?: Log;
  /** For tests: whether a pid of this host is alive, and this host's name. */
  isAlive?: (pid: number) => boolean;
  hostname?: string;
}

export async function openRedisCoordination(
  spec: Extract<CoordinationSpec, { kind: 'redis' }>,
  opts: RedisCoordinationOptions = {},
): Promise<RedisCoordination> {
  return new RedisCoordination(await RedisLink.open(spec, opts), opts);
}

export class RedisCoordination implements CoordinationStore {
  readonly kind = 'redis';
  readonly leases: RedisLeaseStore;
  private readonly budgets = new Map<string, RedisPacingBudget>();
  private readonly caches = new Map<string, QualificationCache>();
  private readonly log: Log;
  private readonly recoveryMs: number;
  /** Logins whose data was lost and whose charges are still to be put back. */
  private readonly restoring = new Set<string>();
  private readonly restoreRunning = new Set<string>();

  constructor(
    readonly link: RedisLink,
    opts: RedisCoordinationOptions = {},
  ) {
    this.log = opts.log ?? silentLog;
    this.recoveryMs = opts.recoveryMs ?? 30_000;
    const onEpoch = (login: string, epoch: string) => this.onEpoch(login, epoch);
    this.leases = new RedisLeaseStore(link, {
      recoveryMs: this.recoveryMs,
      onEpoch,
      loginOf: (g) => this.loginOf(g),
      ...(opts.isAlive ? { isAlive: opts.isAlive } : {}),
      ...(opts.hostname ? { hostname: opts.hostname } : {}),
    });
  }

  get description(): string {
    return this.link.description;
  }

  pacing(gateway: string): PacingBudget {
    const login = this.loginOf(gateway);
    let b = this.budgets.get(login);
    if (!b) this.budgets.set(login, (b = new RedisPacingBudget(this.link, login, { recoveryMs: this.recoveryMs, onEpoch: (l, e) => this.onEpoch(l, e) })));
    return b;
  }

  qualifications(gateway: string): QualificationCache {
    const login = this.loginOf(gateway);
    let c = this.caches.get(login);
    if (!c) this.caches.set(login, (c = new RedisQualificationCache(this.link, login, this.log)));
    return c;
  }

  status(): CoordinationState {
    return this.link.status();
  }

  close(): Promise<void> {
    return this.link.close();
  }

  private loginOf(gateway: string): string {
    return this.link.login ?? gateway;
  }

  /** A new epoch of a namespace this process used before: Redis lost the data; put our pacing charges back. */
  private onEpoch(login: string, epoch: string): void {
    if (this.link.epochChanged(login, epoch)) {
      this.log.warn(
        { store: this.description, login },
        `coordination store ${this.description} lost its data for ${login} (restarted without persistence?): holders re-assert their client ids and re-charge their recent requests while it recovers`,
      );
      this.restoring.add(login);
    }
    if (!this.restoring.has(login) || this.restoreRunning.has(login)) return;
    const budget = this.budgets.get(login);
    if (!budget) {
      this.restoring.delete(login);
      return;
    }
    this.restoreRunning.add(login);
    budget
      .restore()
      .then(
        (n) => {
          this.restoring.delete(login);
          this.log.info({ login, charges: n }, `re-charged ${n} recent requests to the pacing budget of ${login}`);
        },
        (err: unknown) => this.log.warn({ login, err: describeError(err) }, 'could not re-charge recent requests yet; trying again with the next reply'),
      )
      .finally(() => this.restoreRunning.delete(login));
  }
}

/** Qualified contracts as JSON strings with Redis's own expiry. A cache that cannot be reached is a miss. */
class RedisQualificationCache implements QualificationCache {
  constructor(
    private readonly link: RedisLink,
    private readonly login: string,
    private readonly log: Log,
  ) {}

  async get(key: string): Promise<CachedContract | undefined> {
    try {
      const raw = await this.link.command('read the qualification cache', (r) => r.get(this.link.key(this.login, 'qualified', key)));
      return raw ? (JSON.parse(raw) as CachedContract) : undefined;
    } catch (err) {
      this.log.debug({ key, err: describeError(err) }, 'qualification cache unavailable; asking the gateway');
      return undefined;
    }
  }

  async put(key: string, contract: CachedContract, ttlMs: number): Promise<void> {
    try {
      await this.link.command('write the qualification cache', (r) =>
        r.set(this.link.key(this.login, 'qualified', key), JSON.stringify(contract), 'PX', Math.max(1, Math.ceil(ttlMs))),
      );
    } catch (err) {
      this.log.debug({ key, err: describeError(err) }, 'could not write the qualification cache');
    }
  }
}
