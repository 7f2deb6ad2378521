/**
 * One connection to one gateway, shared by every caller in the process — the incident's
 * `global_ibkr`, made robust. It connects lazily, leases its client id, and when the link drops
 * (socket closed, gateway restarted, a zombie that stopped answering) it reconnects with backoff
 * while callers wait, bounded, instead of failing. On a 326 it marks the id taken for the
 * gateway's grace period and leases another.
 */
import { toModelMs, type Clock } from '../common/clock.ts';
import { IbCode } from '../common/ib/errors.ts';
import { noRecorder, type OpContext, type Recorder } from '../common/op-history.ts';
import type { Rng } from '../common/rng.ts';
import { ClientIdInUse, CollectorError, ConnectionLost, CoordinationUnavailable, HandshakeTimeout, NotConnected, describeError } from './errors.ts';
import { TimeScaleMismatch } from './gateway-errors.ts';
import type { GatewayConnection, GatewayConnector } from './gateway-client.ts';
import type { ClientIdLease, ClientIdSource } from './ids/index.ts';
import { backoffDelay, resolveBackoff, type BackoffOptions } from './retry/index.ts';
import { silentLog, type Log } from '../common/log.ts';
import { waitBounded } from './wait-bounded.ts';

/** Kept here too for callers that import it from the session (its home is collector/wait-bounded.ts). */
export { waitBounded } from './wait-bounded.ts';
import { ClockRateCheck, Watchdog, wallFloorOn, type ProbeAnswer, type WatchdogOptions } from './watchdog.ts';

/** `failed`: refused for good (a simulator at another time scale); every caller gets that error. */
export type SessionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** IB's link to its servers as the current connection last heard (1100 lost; 1101/1102 restored). */
export type Connectivity = 'ok' | 'lost';

/** What a health check needs to know about one session. */
export interface SessionLiveness {
  state: SessionState;
  connectivity: Connectivity;
  clientId: number | undefined;
  /** Why the last connect attempt (or the last connection) failed; cleared by a successful connect. */
  lastError: Error | undefined;
  /** The last answered liveness probe of the current connection. */
  lastProbe: ProbeAnswer | undefined;
  /** When the longest-pending request of the current connection was sent (model ms). */
  oldestPendingSince: number | undefined;
  /** Connections dropped because they stopped answering probes. */
  zombiesDropped: number;
  /** Requests sent again after the connection they were on was lost. */
  resentRequests: number;
}

export interface GatewaySessionOptions {
  connector: GatewayConnector;
  ids: ClientIdSource;
  role: string;
  clock: Clock;
  rng?: Rng;
  log?: Log;
  recorder?: Recorder;
  context?: OpContext;
  /**
   * Handshake deadline per attempt, model ms. Default 10 s, and never less than 5 s of wall time on a
   * scaled clock (watchdog.ts `wallFloorOn`, as `collect` and the default watchdog do): at time scale
   * 0.02, 10 model s are 200 real ms, which a loaded host can spend before it reads a login's
   * answer. Given explicitly, it is used as is.
   */
  connectTimeoutMs?: number;
  /** Backoff between reconnect attempts. */
  backoff?: BackoffOptions;
  /** How long a caller waits for a (re)connection before NotConnected. */
  maxWaitMs?: number;
  /** After a 326, how long the id is left alone (the gateway's grace period). */
  idGraceMs?: number;
  /** Reconnect automatically after a drop (default true). */
  reconnect?: boolean;
  /** Connection attempts per connect (default unlimited, with backoff); legacy designs try once. */
  maxConnectAttempts?: number;
  /** On a 326: lease another id and retry (default), or fail like the legacy designs did. */
  onClientIdInUse?: 'lease-another' | 'fail';
  /** Probe liveness with REQ_CURRENT_TIME: a connection silent for `timeoutMs` is a zombie (collector/watchdog.ts). */
  watchdog?: WatchdogOptions;
  /** Check the gateway's pace before the first connection is used (checkTimeScale). Default: at clock scale ≥ 1 only. */
  checkTimeScale?: boolean;
}

export class GatewaySession {
  private stateValue: SessionState = 'idle';
  private conn: GatewayConnection | undefined;
  private lease: ClientIdLease | undefined;
  private connecting: Promise<GatewayConnection> | undefined;
  private readonly stateListeners = new Set<(s: SessionState) => void>();
  private readonly connectionListeners = new Set<(c: GatewayConnection) => void>();
  private readonly noticeListeners = new Set<(code: number, message: string) => void>();
  private readonly excluded = new Set<number>();
  private watchdog: Watchdog | undefined;
  private closing = new AbortController();
  private connectivity: Connectivity = 'ok';
  private lastError: Error | undefined;
  /** Set when the gateway was refused for good (TimeScaleMismatch): every caller gets it. */
  private fatal: CollectorError | undefined;
  private zombiesDropped = 0;
  private resentRequests = 0;
  /** Why the last attempt to get a client id failed, while no id could be had (cleared on success). */
  lastLeaseError: CollectorError | undefined;
  readonly o: Required<Omit<GatewaySessionOptions, 'rng' | 'watchdog' | 'backoff' | 'checkTimeScale'>> &
    Pick<GatewaySessionOptions, 'rng' | 'watchdog' | 'backoff' | 'checkTimeScale'>;
  /** Connections made over the session's life (1 = never reconnected). */
  connectCount = 0;

  constructor(opts: GatewaySessionOptions) {
    this.o = {
      log: silentLog,
      recorder: noRecorder,
      context: { actor: 'collector' },
      connectTimeoutMs: Math.max(10_000, wallFloorOn(opts.clock)),
      maxWaitMs: 60_000,
      idGraceMs: 60_000,
      reconnect: true,
      maxConnectAttempts: Number.POSITIVE_INFINITY,
      onClientIdInUse: 'lease-another',
      ...opts,
    };
  }

  get state(): SessionState {
    return this.stateValue;
  }

  /** A getter, so checks after an await are not narrowed away by the compiler. */
  get isClosed(): boolean {
    return this.stateValue === 'closed';
  }

  get clientId(): number | undefined {
    return this.conn?.isOpen ? this.conn.clientId : undefined;
  }

  get address(): string {
    return this.o.connector.address;
  }

  onState(listener: (s: SessionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called with every new connection (after reconnects too). */
  onConnection(listener: (c: GatewayConnection) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Gateway notices (1100/1101/1102, farm status…) from whichever connection is current. */
  onNotice(listener: (code: number, message: string) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /**
   * The live connection, connecting first if needed. Waits at most `maxWaitMs` (or until the
   * signal aborts) while the session is (re)connecting.
   */
  async connection(signal?: AbortSignal): Promise<GatewayConnection> {
    if (this.stateValue === 'closed') throw new NotConnected('use a closed session');
    if (this.fatal) throw this.fatal;
    if (this.conn?.isOpen) return this.conn;
    const pending = this.connecting ?? this.startConnecting();
    const wait = this.o.maxWaitMs;
    return waitBounded(
      pending,
      this.o.clock,
      wait,
      signal,
      `connect to ${this.address}`,
      () => new NotConnected(`reach gateway ${this.address} within ${wait} ms`),
    );
  }

  /** The session's state for health checks and metrics. */
  liveness(): SessionLiveness {
    const conn = this.conn?.isOpen ? this.conn : undefined;
    return {
      state: this.stateValue,
      connectivity: this.connectivity,
      clientId: conn?.clientId,
      lastError: this.fatal ?? this.lastError,
      lastProbe: this.watchdog?.lastAnswer,
      oldestPendingSince: conn?.oldestPendingSince(),
      zombiesDropped: this.zombiesDropped,
      resentRequests: this.resentRequests,
    };
  }

  /**
   * A round trip to the gateway (REQ_CURRENT_TIME on the live connection, connecting first if
   * needed), for readiness checks. Rejects like `connection()`, or when the signal aborts.
   */
  async probe(signal?: AbortSignal): Promise<{ clientId: number; gatewayTime: number }> {
    const conn = await this.connection(signal);
    const seconds = await waitBounded(conn.currentTime().result, this.o.clock, Number.POSITIVE_INFINITY, signal, `probe of ${this.address}`);
    return { clientId: conn.clientId, gatewayTime: seconds * 1000 };
  }

  /** A caller sends a request again because the connection it was on was lost (for metrics). */
  noteResend(): void {
    this.resentRequests++;
  }

  /** Close the connection and release the client id. */
  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.setState('closed');
    this.closing.abort(new NotConnected('use a session that is closing'));
    this.watchdog?.stop();
    const conn = this.conn;
    this.conn = undefined;
    if (conn?.isOpen) {
      const op = this.o.recorder.invoke(this.o.context, 'disconnect', undefined, { clientId: conn.clientId });
      conn.close();
      op.ok();
    }
    await this.releaseLease();
  }

  /**
   * Give the client-id lease back, best effort. A store that cannot be reached (Redis down, say)
   * is a warning, not a failure: the lease ends by itself at its TTL, and reclaimStale frees it on
   * this host, while failing here would turn a finished run, or the error that ended it, into a
   * coordination error.
   */
  private async releaseLease(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    if (!lease) return;
    try {
      await lease.release();
    } catch (err) {
      this.o.log.warn(
        { clientId: lease.clientId, address: this.address, err: describeError(err) },
        `could not release client id ${lease.clientId}; its lease expires by its TTL`,
      );
    }
  }

  /** Drop the current connection without a clean close (as a crash would) and reconnect. */
  dropConnection(reason: string): void {
    const conn = this.conn;
    if (!conn?.isOpen) return;
    this.o.log.warn({ clientId: conn.clientId, address: this.address, reason }, 'dropping the gateway connection');
    conn.destroy();
    this.handleLoss(conn, new CollectorError('CONNECTION_DROPPED', `connection dropped: ${reason}`, { retryable: true }));
  }

  private startConnecting(): Promise<GatewayConnection> {
    const p = this.connectLoop().finally(() => {
      if (this.connecting === p) this.connecting = undefined;
    });
    this.connecting = p;
    p.catch(() => {}); // callers see the failure through waitBounded
    return p;
  }

  private async connectLoop(): Promise<GatewayConnection> {
    this.setState(this.connectCount === 0 ? 'connecting' : 'reconnecting');
    const backoff = resolveBackoff({ ...this.o.backoff, ...(this.o.rng ? { rng: this.o.rng } : {}) });
    for (let attempt = 1; ; attempt++) {
      if (this.isClosed) throw new NotConnected('connect a closed session');
      if (this.fatal) throw this.fatal;
      try {
        if (!this.lease) this.lease = await this.o.ids.leaseNext(this.o.role, { exclude: this.excluded });
        // A holder whose lease went stale (expired while this process stalled, or a newer fencing
        // token in the store) learns it here, before it uses the id.
        else if (!(await this.lease.confirm())) {
          this.o.log.warn(
            { clientId: this.lease.clientId, address: this.address },
            `the lease on client id ${this.lease.clientId} is no longer ours; leasing another`,
          );
          this.lease = undefined;
          continue;
        }
      } catch (err) {
        // Every id of the role is taken (leased elsewhere, or cooling down after a 326), or the
        // coordination store cannot hand out ids right now: wait and ask again.
        if (!(err instanceof CollectorError) || !err.retryable || attempt >= this.o.maxConnectAttempts) throw err;
        this.lastLeaseError = err;
        // `excluded` only steers the next lease away from ids that just failed; the lease store's
        // taken marks are what keep them off-limits for their grace period. Left in place it
        // would exclude a fixed-id role's only id (the UI's 1) forever, after the grace is over.
        this.excluded.clear();
        const delay = Math.max(backoffDelay(Math.min(attempt - 1, 16), backoff), retryAfterModelMs(err, this.o.clock));
        this.o.log.warn({ attempt, delayMs: Math.round(delay), err: describeError(err) }, 'no client id available; retrying');
        await this.o.clock.sleep(delay, this.closing.signal).catch(() => {});
        continue;
      }
      this.lastLeaseError = undefined;
      const clientId = this.lease.clientId;
      const op = this.o.recorder.invoke(this.o.context, this.connectCount === 0 ? 'connect' : 'reconnect', { attempt }, { clientId });
      try {
        const conn = await this.o.connector.connect({ clientId, timeoutMs: this.o.connectTimeoutMs, signal: this.closing.signal });
        await this.checkTimeScale(conn);
        op.ok({ clientId }, { clientId });
        this.adopt(conn);
        return conn;
      } catch (err) {
        op.fail(err, { clientId });
        if (this.isClosed) throw err;
        if (err instanceof Error) this.lastError = err;
        if (err instanceof ClientIdInUse && this.o.onClientIdInUse === 'fail') {
          await this.releaseLease();
          this.setState('idle');
          throw err;
        }
        if (err instanceof ClientIdInUse) {
          // Someone outside our control holds this id: leave it alone for the grace period.
          this.o.log.warn({ clientId, address: this.address }, `client id ${clientId} is in use (326); leasing another`);
          await this.setAside(clientId);
          continue;
        }
        if ((err instanceof ConnectionLost || err instanceof HandshakeTimeout) && this.o.onClientIdInUse === 'lease-another') {
          // The gateway read our START_API and the attempt then died (a restart during the login,
          // say): it may hold this id for its grace period (docs/wire-facts/gateway.md#id-held-after-an-unclean-exit),
          // and another process trying it would earn a 326. Set it aside. Refusals that never
          // reached the id (TOO_MANY_CLIENTS, GATEWAY_CLOSED_CONNECTION, …) are typed otherwise
          // and mark nothing.
          await this.setAside(clientId);
        }
        if (!(err instanceof CollectorError) || !err.retryable || attempt >= this.o.maxConnectAttempts) {
          await this.releaseLease();
          this.setState(this.fatal ? 'failed' : 'idle');
          throw err;
        }
        const delay = backoffDelay(Math.min(attempt - 1, 16), backoff);
        this.o.log.warn({ attempt, delayMs: Math.round(delay), address: this.address, err: describeError(err) }, 'connect failed; retrying');
        const wait = this.o.recorder.invoke(this.o.context, 'backoff', { delayMs: delay });
        await this.o.clock.sleep(delay, this.closing.signal).catch(() => {});
        wait.ok();
      }
    }
  }

  /** Give up our lease on an id the gateway may still consider in use, and never pick it for a while. */
  private async setAside(clientId: number): Promise<void> {
    await this.lease?.markInUse(this.o.idGraceMs);
    this.lease = undefined;
    this.excluded.add(clientId);
  }

  private adopt(conn: GatewayConnection): void {
    this.conn = conn;
    this.connectCount++;
    this.watchLease(conn);
    this.excluded.clear();
    this.lastError = undefined;
    // A new login starts with IB's link up; the gateway says 1100 again if it is still down.
    this.connectivity = 'ok';
    this.setState('connected');
    this.o.log.info({ clientId: conn.clientId, address: this.address }, 'connected to gateway');
    conn.onNotice((code, message) => {
      if (this.conn === conn && code === IbCode.CONNECTIVITY_LOST) this.connectivity = 'lost';
      if (this.conn === conn && (code === IbCode.CONNECTIVITY_RESTORED_DATA_LOST || code === IbCode.CONNECTIVITY_RESTORED_DATA_MAINTAINED))
        this.connectivity = 'ok';
      // Farm-status chatter (2100–2199) is noise; connectivity and rate notices are history.
      if (code < 2100 || code >= 2200) {
        this.o.recorder
          .invoke(this.o.context, 'notice', { code }, { clientId: conn.clientId })
          .info({ code: `IB_${code}`, message, ibCode: code }, { clientId: conn.clientId });
      }
      for (const l of this.noticeListeners) l(code, message);
    });
    conn.onClose((error) => {
      if (error) this.handleLoss(conn, error);
    });
    for (const l of this.connectionListeners) l(conn);
    this.armWatchdog(conn);
  }

  private handleLoss(conn: GatewayConnection, error: Error): void {
    if (this.conn !== conn || this.stateValue === 'closed') return;
    this.conn = undefined;
    this.lastError = error;
    this.watchdog?.stop();
    this.watchdog = undefined;
    const op = this.o.recorder.invoke(this.o.context, 'connection-lost', undefined, { clientId: conn.clientId });
    op.info(error, { clientId: conn.clientId });
    this.o.log.warn({ clientId: conn.clientId, address: this.address, err: describeError(error) }, 'gateway connection lost');
    if (!this.o.reconnect) {
      this.setState('idle');
      return;
    }
    // The link died without a clean close, so the gateway may hold the old id for its grace
    // period; reconnecting with it would only earn a 326. Set it aside and take another.
    const stale = this.lease;
    this.lease = undefined;
    if (stale) {
      this.excluded.add(stale.clientId);
      stale
        .markInUse(this.o.idGraceMs)
        .catch((err: unknown) => this.o.log.warn({ clientId: stale.clientId, err: describeError(err) }, 'could not mark the old client id taken'));
    }
    this.startConnecting();
  }

  /**
   * A lost lease (it could not be renewed in time, e.g. the coordination store was unreachable)
   * means another process may now take the id: stop using it at once. A clean close frees it at
   * the gateway without a grace period; then reconnect with a new lease.
   */
  private watchLease(conn: GatewayConnection): void {
    const lease = this.lease;
    if (!lease) return;
    const onLost = () => {
      if (this.lease !== lease) return;
      this.lease = undefined;
      if (this.conn !== conn || !conn.isOpen) return;
      const reason = lease.lostSignal.reason instanceof Error ? lease.lostSignal.reason.message : 'client-id lease lost';
      this.o.log.warn({ clientId: conn.clientId, address: this.address }, `${reason}; closing the connection that uses it`);
      conn.close();
      this.handleLoss(conn, new CollectorError('CLIENT_ID_LEASE_LOST', reason, { retryable: true }));
    };
    const signal = lease.lostSignal;
    if (signal.aborted) {
      onLost();
      return;
    }
    signal.addEventListener('abort', onLost, { once: true });
    // Only while this connection lasts: a lease lost between connections is caught by confirm()
    // before the next one uses it, and random ids share one signal that is never aborted, which
    // would otherwise keep every closed session alive.
    conn.onClose(() => signal.removeEventListener('abort', onLost));
  }

  /**
   * Before handing the first connection out: two REQ_CURRENT_TIME probes TIME_SCALE_CHECK_WALL_MS wall
   * ms apart, so that even a run shorter than the watchdog's first judged span refuses a gateway
   * whose clock runs at another pace (a simulator at another --time-scale; the watchdog's later
   * probes catch smaller drifts). IB's clock has whole seconds: the check flags only a pace off by
   * more than a factor of two beyond that slack (ClockRateCheck), which a real gateway never is.
   * By default only at real pace (scale ≥ 1, the case of a simulator left at a small --time-scale)
   * with a watchdog; `checkTimeScale: true` (what `collect` and `serve` set) checks at every scale,
   * catching a collector faster than the gateway. Below scale 1 in tests and scenarios the wall
   * pause would be many model seconds and would change the run, so there the watchdog's probes
   * judge the pace; in virtual time both sides share one clock. Throws
   * TimeScaleMismatch (the session is then refused for good) or, when a probe is not answered
   * within connectTimeoutMs, HandshakeTimeout.
   */
  private async checkTimeScale(conn: GatewayConnection): Promise<void> {
    const { clock } = this.o;
    // The first connection only: a reconnect is not delayed by it (the watchdog keeps judging the pace).
    const wanted = this.o.checkTimeScale ?? clock.scale >= 1;
    if (this.connectCount > 0 || !wanted || !(clock.scale > 0) || !this.o.watchdog || !(this.o.watchdog.intervalMs > 0)) return;
    const check = new ClockRateCheck(0);
    for (let i = 0; i < 2; i++) {
      if (i > 0) await clock.sleep(toModelMs(clock, TIME_SCALE_CHECK_WALL_MS), this.closing.signal);
      const sentAt = clock.now();
      const timer = new AbortController();
      const seconds = await Promise.race([
        conn.currentTime().result,
        clock.sleep(this.o.connectTimeoutMs, AbortSignal.any([timer.signal, this.closing.signal])).then(() => {
          throw new HandshakeTimeout(this.address, conn.clientId, this.o.connectTimeoutMs);
        }),
      ]).finally(() => timer.abort());
      const at = clock.now();
      const ratio = check.add((sentAt + at) / 2, seconds * 1000, at - sentAt);
      if (ratio !== undefined) {
        conn.close();
        const err = new TimeScaleMismatch(this.address, clock.scale, clock.scale / ratio);
        this.refuse(err);
        throw err;
      }
    }
  }

  /** Probe the connection (collector/watchdog.ts): drop a zombie, refuse a gateway on another time scale. */
  private armWatchdog(conn: GatewayConnection): void {
    const w = this.o.watchdog;
    if (!w || !(w.intervalMs > 0) || !(w.timeoutMs > 0)) return;
    this.watchdog?.stop();
    this.watchdog = new Watchdog(conn, this.o.clock, w, {
      onZombie: (reason) => {
        if (this.conn !== conn) return;
        this.zombiesDropped++;
        this.dropConnection(reason);
      },
      onClockRate: (ratio) => {
        if (this.conn !== conn) return;
        this.refuse(new TimeScaleMismatch(this.address, this.o.clock.scale, this.o.clock.scale / ratio));
      },
    });
  }

  /** Refuse this gateway for good: close the connection, stop reconnecting, fail every caller with `err`. */
  private refuse(err: CollectorError): void {
    this.fatal = err;
    this.lastError = err;
    this.o.log.error({ address: this.address, err: describeError(err) }, err.message);
    this.watchdog?.stop();
    this.watchdog = undefined;
    const conn = this.conn;
    this.conn = undefined;
    conn?.close();
    this.setState('failed');
  }

  private setState(s: SessionState): void {
    if (this.stateValue === s) return;
    this.stateValue = s;
    for (const l of this.stateListeners) l(s);
  }
}

/** Wall ms between the two probes of the time-scale check at connect (GatewaySession.checkTimeScale). */
export const TIME_SCALE_CHECK_WALL_MS = 500;

/** The wait a coordination store asked for (wall ms), in model ms of `clock`; 0 when it asked for none. */
function retryAfterModelMs(err: CollectorError, clock: Clock): number {
  return err instanceof CoordinationUnavailable && err.retryAfterWallMs !== undefined ? toModelMs(clock, err.retryAfterWallMs) : 0;
}
