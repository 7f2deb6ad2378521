import { setMaxListeners } from 'node:events';
import type { Rng } from '../../common/rng.ts';
import { ClientIdsExhausted } from '../errors.ts';
import { boundsOf, roleRange, validateRoles, type ClientIdLease, type ClientIdSource, type LeaseRequestOptions, type RoleRanges } from './roles.ts';

/**
 * The incident's allocation — `random.randint(4, 999)` per Celery task — kept as a strategy so
 * its collision rate can be measured against the coordinated allocator. Nothing is recorded
 * anywhere: two tasks drawing the same id both "get" it, and the gateway answers the second with
 * a 326.
 */
export class RandomIdStrategy implements ClientIdSource {
  constructor(
    private readonly roles: RoleRanges,
    private readonly rng: Rng,
    private readonly gateway = 'unknown',
  ) {
    validateRoles(roles);
  }

  async lease(role: string, opts: LeaseRequestOptions = {}): Promise<ClientIdLease> {
    return this.draw(role, opts);
  }

  async leaseNext(role: string, opts: { exclude: Iterable<number> }): Promise<ClientIdLease> {
    return this.draw(role, opts);
  }

  /** Synchronous draw, for simulations that need millions of them. */
  draw(role: string, opts: LeaseRequestOptions = {}): ClientIdLease {
    const { min, max } = boundsOf(roleRange(this.roles, role));
    if (opts.exclude === undefined) return uncoordinatedLease(this.rng.int(min, max), role, this.gateway);
    const exclude = new Set(opts.exclude);
    let excludedInRange = 0;
    for (const id of exclude) if (id >= min && id <= max) excludedInRange++;
    if (excludedInRange > max - min) {
      throw new ClientIdsExhausted(role, this.gateway, `all ${max - min + 1} ids of the range are excluded`);
    }
    let clientId: number;
    do clientId = this.rng.int(min, max);
    while (exclude.has(clientId));
    return uncoordinatedLease(clientId, role, this.gateway);
  }
}

/** Nothing watches an uncoordinated id, so it can never be lost; one shared signal serves all. */
const NEVER_LOST = new AbortController().signal;
// Every open session watches its lease's signal, so many concurrent tasks (30 in the incident's
// batches) listen to this one: not a leak (each listener goes with its connection), no warning.
setMaxListeners(0, NEVER_LOST);

function uncoordinatedLease(clientId: number, role: string, gateway: string): ClientIdLease {
  return new UncoordinatedLease(clientId, role, gateway);
}

class UncoordinatedLease implements ClientIdLease {
  state: 'held' | 'released' = 'held';
  readonly lostSignal = NEVER_LOST;

  constructor(
    readonly clientId: number,
    readonly role: string,
    readonly gateway: string,
  ) {}

  async release(): Promise<void> {
    this.state = 'released';
  }

  async markInUse(): Promise<void> {
    this.state = 'released';
  }

  /** Nothing records an uncoordinated id, so nothing can say it is stale. */
  async confirm(): Promise<boolean> {
    return this.state === 'held';
  }
}

/**
 * Probability that at least two of `k` independent uniform draws from `n` ids coincide:
 * 1 - prod_{i<k} (1 - i/n). For the incident's 996 worker ids, 10 concurrent tasks collide
 * about 4.4 % of the time and 38 tasks about 50 %.
 */
export function birthdayCollisionProbability(k: number, n: number): number {
  if (k > n) return 1;
  let allDistinct = 1;
  for (let i = 1; i < k; i++) allDistinct *= 1 - i / n;
  return 1 - allDistinct;
}
