/**
 * Bounds on connections that have not logged in yet (no START_API accepted): how many there may be
 * and how many bytes they may hold buffered together. Such connections cost memory without being
 * clients yet, so a flood of them (idle sockets, half-sent handshakes, huge length prefixes) must
 * not grow the process or crowd out a real client's login. The numbers are the simulator's choice
 * (IB documents none): docs/wire-facts/limits.md#connections-before-login.
 */

/** The transport's limits before login (README "Limits"). */
export interface PendingLimits {
  /** Connections not yet logged in; past it the oldest of them is closed. Default 256. */
  maxPendingConnections: number;
  /** Bytes buffered across every connection not yet logged in; past it the connection that added them is closed. Default 1 MiB. */
  maxPendingBytes: number;
}

export const DEFAULT_PENDING_LIMITS: PendingLimits = { maxPendingConnections: 256, maxPendingBytes: 1024 * 1024 };

/**
 * The largest frame accepted before login: the handshake's version text and START_API (message id,
 * version, client id, optional capabilities) are a few dozen bytes; 1 KiB leaves room for long
 * connect options and capabilities. docs/wire-facts/limits.md#frames-before-login
 */
export const PRE_LOGIN_MAX_FRAME = 1024;

/** What happens to a connection when the limits are applied. */
export interface PendingVictim<K> {
  key: K;
  why: string;
}

/**
 * The connections not yet logged in, oldest first, with the bytes each holds. The adapter tells it
 * when one opens, how much it buffers after each read, and when it logs in or goes away; the answer
 * says which connection to close, if any.
 */
export class PendingConnections<K> {
  private readonly bytes = new Map<K, number>();
  private total = 0;

  constructor(readonly limits: PendingLimits = DEFAULT_PENDING_LIMITS) {}

  get count(): number {
    return this.bytes.size;
  }

  /** Bytes buffered across every pending connection. */
  get bufferedBytes(): number {
    return this.total;
  }

  /**
   * A connection opened. Returns the oldest pending connection when this one makes too many: a
   * flood of idle sockets then churns through itself, while a client that handshakes at once
   * (always the newest) logs in.
   */
  opened(key: K): PendingVictim<K> | undefined {
    this.bytes.set(key, 0);
    if (this.bytes.size <= this.limits.maxPendingConnections) return undefined;
    const oldest = this.bytes.keys().next().value as K;
    this.forget(oldest);
    return { key: oldest, why: `more than ${this.limits.maxPendingConnections} connections are waiting to log in; closing the oldest` };
  }

  /**
   * After a read: `buffered` bytes are now held for this pending connection. Returns it as the
   * victim when the total across pending connections passes the limit.
   */
  buffered(key: K, buffered: number): PendingVictim<K> | undefined {
    const before = this.bytes.get(key);
    if (before === undefined) return undefined;
    this.bytes.set(key, buffered);
    this.total += buffered - before;
    if (this.total <= this.limits.maxPendingBytes) return undefined;
    this.forget(key);
    return { key, why: `connections waiting to log in hold more than ${this.limits.maxPendingBytes} bytes; closing the one that sent the last` };
  }

  /** The connection logged in, or closed: it no longer counts. */
  forget(key: K): void {
    const b = this.bytes.get(key);
    if (b === undefined) return;
    this.total -= b;
    this.bytes.delete(key);
  }
}
