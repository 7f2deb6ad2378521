/**
 * The Redis adapter's one connection (ioredis), configured so that an unreachable Redis is a
 * prompt, typed failure instead of a queue of commands that run later: no offline queue, no
 * re-sending of commands whose outcome is unknown, a per-command timeout, and reconnection in the
 * background. It keeps the reachability state for health and logs, and the last `epoch` seen per
 * namespace, by which the adapter notices that Redis lost its data (scripts.ts).
 */
import { Redis } from 'ioredis';
import { silentLog, type Log } from '../../../common/log.ts';
import { CoordinationUnavailable, describeError } from '../../errors.ts';
import type { CoordinationState } from '../port.ts';
import type { CoordinationSpec } from '../spec.ts';
import * as scripts from './scripts.ts';

export type ScriptName = 'ACQUIRE' | 'RENEW' | 'RELEASE' | 'VALIDATE' | 'MARK_TAKEN' | 'NOW' | 'CHARGE' | 'RESTORE' | 'PAUSE' | 'MARK_SENT';

export interface RedisLinkOptions {
  log?: Log;
  /** A command without a reply after this many wall ms fails (its outcome unknown). Default 2 s. */
  commandTimeoutMs?: number;
  /** The first connection must be up within this many wall ms. Default 5 s. */
  connectTimeoutMs?: number;
}

type RedisSpec = Extract<CoordinationSpec, { kind: 'redis' }>;
type ScriptCall = (...args: Array<string | number>) => Promise<unknown>;

export class RedisLink {
  readonly description: string;
  readonly prefix: string;
  readonly login: string | undefined;
  private readonly redis: Redis;
  private readonly log: Log;
  private down: { since: number; error: Error } | undefined;
  private readonly epochs = new Map<string, string>();
  private closed = false;

  private constructor(spec: RedisSpec, redis: Redis, log: Log) {
    this.description = spec.display;
    this.prefix = spec.prefix;
    this.login = spec.login;
    this.redis = redis;
    this.log = log;
  }

  /** Connect, or fail with CoordinationUnavailable naming the URL. */
  static async open(spec: RedisSpec, opts: RedisLinkOptions = {}): Promise<RedisLink> {
    const redis = new Redis(spec.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 2_000,
      connectTimeout: opts.connectTimeoutMs ?? 5_000,
      // Keep trying in the background, at most once a second, for as long as the process runs.
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 5), 1_000),
      connectionName: `ibkr-harness:${process.pid}`,
    });
    const link = new RedisLink(spec, redis, opts.log ?? silentLog);
    for (const [name, lua] of Object.entries(scripts)) redis.defineCommand(name, { lua }); // no numberOfKeys: each call passes it first
    // Connection events only count while the link is not ready: ioredis reports a reconnect
    // attempt's failure as an 'error' too.
    redis.on('error', (err: Error) => {
      if (redis.status !== 'ready') link.noteDown(err);
    });
    redis.on('close', () => link.noteDown(new Error('the connection to Redis closed')));
    redis.on('ready', () => link.noteUp());
    let firstError: Error | undefined;
    const onFirstError = (err: Error) => {
      firstError ??= err;
    };
    redis.on('error', onFirstError);
    try {
      await redis.connect();
    } catch (err) {
      redis.disconnect();
      // "Connection is closed" says less than the socket's own error (ECONNREFUSED, ENOTFOUND…).
      throw new CoordinationUnavailable(spec.display, 'connect', 'unreachable', { cause: firstError ?? err });
    } finally {
      redis.off('error', onFirstError);
    }
    return link;
  }

  /** Redis key of `parts` in the namespace of `login`; the `{…}` hash tag keeps a login's keys in one cluster slot. */
  key(login: string, ...parts: Array<string | number>): string {
    return [`${this.prefix}:{${login}}`, ...parts].join(':');
  }

  /** Run a script from scripts.ts; any failure to get its reply is CoordinationUnavailable. */
  async script(name: ScriptName, keys: readonly string[], args: ReadonlyArray<string | number>, operation: string): Promise<unknown> {
    return this.run(operation, () => (this.redis as unknown as Record<ScriptName, ScriptCall>)[name](keys.length, ...keys, ...args));
  }

  /** Run plain commands, with the same failure handling. */
  async command<T>(operation: string, f: (redis: Redis) => Promise<T>): Promise<T> {
    return this.run(operation, () => f(this.redis));
  }

  /**
   * Remember the namespace epoch a script reported. True when it differs from the one seen before:
   * the namespace was recreated, so Redis lost the data this process had put there.
   */
  epochChanged(login: string, epoch: string): boolean {
    const before = this.epochs.get(login);
    this.epochs.set(login, epoch);
    return before !== undefined && before !== epoch;
  }

  status(): CoordinationState {
    return this.down ? { state: 'unavailable', since: this.down.since, error: this.down.error } : { state: 'ok' };
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private async run<T>(operation: string, f: () => Promise<T>): Promise<T> {
    if (this.closed) throw new CoordinationUnavailable(this.description, operation, 'unreachable', { cause: new Error('the coordination store was closed') });
    try {
      const result = await f();
      this.noteUp();
      return result;
    } catch (err) {
      const e = new CoordinationUnavailable(this.description, operation, 'unreachable', { cause: err });
      this.noteDown(err);
      throw e;
    }
  }

  private noteUp(): void {
    if (this.down) this.log.warn({ store: this.description }, `coordination store ${this.description} is reachable again`);
    this.down = undefined;
  }

  private noteDown(err: unknown): void {
    if (this.closed) return;
    const error = err instanceof Error ? err : new Error(String(err));
    if (!this.down) {
      this.log.error(
        { store: this.description, err: describeError(error) },
        `coordination store ${this.description} is unreachable: ${describeError(error)}; no new client ids or pacing budget until it is back`,
      );
      this.down = { since: Date.now(), error };
    } else {
      this.down.error = error;
    }
  }
}
