/**
 * Client-id leases in Redis: one key per id, taken with SET NX PX (inside ACQUIRE, which also
 * issues the fencing token and honours 326 marks and recovery), renewed and released only by the
 * holder whose exact value (fencing token and owner) is stored. Expiry is Redis's own, on the
 * server's clock. On the holder's host, a lease whose owner process is gone is freed at once, as
 * the files adapter does; elsewhere only expiry frees it.
 */
import { hostname as osHostname } from 'node:os';
import { CoordinationUnavailable } from '../../errors.ts';
import { processIsAlive, type Lease, type LeaseEntry, type LeaseKey, type LeaseOwner, type LeaseStore } from '../../ids/lease-store.ts';
import type { RedisLink } from './redis-link.ts';

export interface RedisLeaseStoreOptions {
  /** Wall ms a new or restarted namespace refuses new leases: the lease TTL every process uses. */
  recoveryMs: number;
  /** Called with every namespace epoch a script reports (the adapter notices data loss by it). */
  onEpoch: (login: string, epoch: string) => void;
  /** The namespace of a gateway's keys. */
  loginOf: (gateway: string) => string;
  isAlive?: (pid: number) => boolean;
  hostname?: string;
}

export class RedisLeaseStore implements LeaseStore {
  private readonly hostname: string;
  private readonly isAlive: (pid: number) => boolean;

  constructor(
    private readonly link: RedisLink,
    private readonly o: RedisLeaseStoreOptions,
  ) {
    this.hostname = (o.hostname ?? osHostname()).replace(/\|/g, '_');
    this.isAlive = o.isAlive ?? processIsAlive;
  }

  async tryAcquire(key: LeaseKey, owner: LeaseOwner, ttlMs: number): Promise<Lease | null> {
    const login = this.o.loginOf(key.gateway);
    const keys = [this.link.key(login, 'born'), this.link.key(login, 'fence'), this.leaseKey(key), this.link.key(login, 'taken', key.clientId)];
    const holder = this.holderOf(owner);
    for (let round = 0; round < 2; round++) {
      const reply = (await this.link.script('ACQUIRE', keys, [Math.ceil(ttlMs), Math.ceil(this.o.recoveryMs), holder], 'lease a client id')) as [
        number,
        number,
        string,
        number?,
      ];
      const [status, value, epoch, expiresAt] = reply;
      this.o.onEpoch(login, String(epoch));
      if (status === -1) throw new CoordinationUnavailable(this.link.description, 'lease a client id', 'recovering', { retryAfterWallMs: Number(value) });
      if (status === 1) return { gateway: key.gateway, clientId: key.clientId, owner: { ...owner }, fence: Number(value), expiresAt: Number(expiresAt), ttlMs };
      if (round > 0 || !(await this.freeIfOwnerDead(this.leaseKey(key)))) return null;
    }
    return null;
  }

  async renew(lease: Lease): Promise<Lease | null> {
    const login = this.o.loginOf(lease.gateway);
    const keys = [this.link.key(login, 'born'), this.link.key(login, 'fence'), this.leaseKey(lease)];
    const args = [this.valueOf(lease), Math.ceil(lease.ttlMs), Math.ceil(this.o.recoveryMs), lease.fence, Math.floor(lease.expiresAt)];
    const [ok, expiresAt, epoch] = (await this.link.script('RENEW', keys, args, 'renew a client-id lease')) as [number, number, string];
    this.o.onEpoch(login, String(epoch));
    return ok === 1 ? { ...lease, expiresAt: Number(expiresAt) } : null;
  }

  async release(lease: Lease): Promise<void> {
    await this.link.script('RELEASE', [this.leaseKey(lease)], [this.valueOf(lease)], 'release a client-id lease');
  }

  async validate(lease: Lease): Promise<boolean> {
    return (await this.link.script('VALIDATE', [this.leaseKey(lease)], [this.valueOf(lease)], 'validate a client-id lease')) === 1;
  }

  async markTaken(gateway: string, clientId: number, forMs: number): Promise<void> {
    const login = this.o.loginOf(gateway);
    await this.link.script('MARK_TAKEN', [this.link.key(login, 'taken', clientId)], [Math.ceil(forMs)], 'mark a client id in use');
  }

  async list(gateway: string): Promise<LeaseEntry[]> {
    const login = this.o.loginOf(gateway);
    const [now, epoch] = (await this.link.script('NOW', [this.link.key(login, 'born')], [Math.ceil(this.o.recoveryMs)], 'list client-id leases')) as [
      number,
      string,
    ];
    this.o.onEpoch(login, String(epoch));
    const leaseKeys = await this.scan(`${globEscape(this.link.key(login, 'lease'))}:*`);
    const takenKeys = await this.scan(`${globEscape(this.link.key(login, 'taken'))}:*`);
    const all = [...leaseKeys, ...takenKeys];
    if (all.length === 0) return [];
    const replies = await this.link.command('list client-id leases', (r) => {
      const p = r.pipeline();
      for (const k of all) p.get(k).pttl(k);
      return p.exec();
    });
    const entries: LeaseEntry[] = [];
    all.forEach((k, i) => {
      const value = replies?.[i * 2]?.[1] as string | null | undefined;
      const pttl = Number(replies?.[i * 2 + 1]?.[1] ?? -2);
      if (value === null || value === undefined || pttl < 0) return; // gone in between
      const clientId = Number(k.slice(k.lastIndexOf(':') + 1));
      const expiresAt = Number(now) + pttl;
      if (i < leaseKeys.length) {
        const parsed = parseValue(value);
        if (!parsed) return;
        const live = parsed.hostname !== this.hostname || this.isAlive(parsed.owner.pid);
        entries.push({ kind: 'lease', gateway, clientId, owner: parsed.owner, fence: parsed.fence, hostname: parsed.hostname, expiresAt, live });
      } else {
        entries.push({ kind: 'taken', gateway, clientId, until: expiresAt, live: true });
      }
    });
    return entries.sort((a, b) => a.clientId - b.clientId);
  }

  /**
   * At start: free the leases of this host's processes that no longer exist, in every login of the
   * prefix. Expired leases need nothing: Redis expires their keys itself (PX), so unlike the files
   * adapter there is no expired debris to remove. Returns how many were freed.
   */
  async reclaimStale(): Promise<number> {
    const keys = await this.scan(`${globEscape(this.link.prefix)}:{*}:lease:*`);
    let freed = 0;
    for (const k of keys) if (await this.freeIfOwnerDead(k)) freed++;
    return freed;
  }

  /** A lease held by a process of this host that no longer exists: delete it (only if still that lease). */
  private async freeIfOwnerDead(k: string): Promise<boolean> {
    const value = await this.link.command('read a client-id lease', (r) => r.get(k));
    const parsed = value ? parseValue(value) : undefined;
    if (!value || !parsed || parsed.hostname !== this.hostname || this.isAlive(parsed.owner.pid)) return false;
    return (await this.link.script('RELEASE', [k], [value], 'free the lease of a dead process')) === 1;
  }

  private async scan(match: string): Promise<string[]> {
    return this.link.command('list client-id leases', async (r) => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', match, 'COUNT', 500);
        cursor = next;
        found.push(...keys);
      } while (cursor !== '0');
      return found;
    });
  }

  private leaseKey(key: LeaseKey): string {
    return this.link.key(this.o.loginOf(key.gateway), 'lease', key.clientId);
  }

  private holderOf(owner: LeaseOwner): string {
    const clean = (s: string) => s.replace(/\|/g, '_');
    return [clean(owner.token), owner.pid, clean(owner.role), this.hostname].join('|');
  }

  private valueOf(lease: Lease): string {
    return `${lease.fence}|${this.holderOf(lease.owner)}`;
  }
}

/** A key as a SCAN MATCH pattern that matches only itself (an IPv6 gateway address has brackets). */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

function parseValue(value: string): { fence: number; owner: LeaseOwner; hostname: string } | undefined {
  const [fence, token, pid, role, hostname] = value.split('|');
  if (fence === undefined || token === undefined || pid === undefined || role === undefined || hostname === undefined) return undefined;
  return { fence: Number(fence), owner: { token, pid: Number(pid), role }, hostname };
}
