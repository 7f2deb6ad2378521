/**
 * A pass-through GatewayConnector that watches every connection any strategy makes. Strategies
 * keep their sessions private, yet health checks and metrics need the connection state, the
 * client id in use, reconnects — and, when a call times out, the last connect failure, which is
 * what tells "gateway down at host:port" from "gateway slow".
 */
import { CollectorError } from '../errors.ts';
import type { ConnectOptions, GatewayConnection, GatewayConnector } from '../gateway-client.ts';

export type ConnectionEvent =
  | { type: 'connecting'; clientId: number }
  | { type: 'connected'; clientId: number; reconnect: boolean }
  | { type: 'connect-failed'; clientId: number; error: Error }
  /** Ended without us closing it (reset, gateway restart, zombie dropped). */
  | { type: 'lost'; clientId: number; error: Error }
  | { type: 'closed'; clientId: number };

export class ObservedConnector implements GatewayConnector {
  private readonly open: GatewayConnection[] = [];
  private readonly listeners = new Set<(e: ConnectionEvent) => void>();
  private lostSinceLastConnect = false;
  /** Connect attempts in progress. */
  connecting = 0;
  /** Successful connects that followed a lost connection. */
  reconnects = 0;
  /** Why the last connect attempt or connection failed; cleared by the next successful connect. */
  lastFailure: Error | undefined;
  /** Whether `lastFailure` was a connect attempt that failed or an open connection that was lost. */
  lastFailureKind: 'connect' | 'loss' | undefined;

  constructor(private readonly inner: GatewayConnector) {}

  get address(): string {
    return this.inner.address;
  }

  get openCount(): number {
    return this.open.length;
  }

  /** Client id of the newest open connection (the only one, for shared-session strategies). */
  get currentClientId(): number | undefined {
    return this.open.at(-1)?.clientId;
  }

  onEvent(listener: (e: ConnectionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async connect(opts: ConnectOptions): Promise<GatewayConnection> {
    this.connecting++;
    this.emit({ type: 'connecting', clientId: opts.clientId });
    let conn: GatewayConnection;
    try {
      conn = await this.inner.connect(opts);
    } catch (err) {
      this.lastFailure = err instanceof Error ? err : new Error(String(err));
      this.lastFailureKind = 'connect';
      this.emit({ type: 'connect-failed', clientId: opts.clientId, error: this.lastFailure });
      throw err;
    } finally {
      this.connecting--;
    }
    this.open.push(conn);
    this.lastFailure = undefined;
    this.lastFailureKind = undefined;
    const reconnect = this.lostSinceLastConnect;
    if (reconnect) this.reconnects++;
    this.lostSinceLastConnect = false;
    // destroy() is how a session drops a connection that stopped answering (a zombie): the
    // connection then closes without an error, yet it was lost, not closed on purpose.
    let dropped = false;
    const destroy = conn.destroy.bind(conn);
    conn.destroy = () => {
      dropped = true;
      destroy();
    };
    conn.onClose((closeError) => {
      const i = this.open.indexOf(conn);
      if (i >= 0) this.open.splice(i, 1);
      const error =
        closeError ??
        (dropped
          ? new CollectorError('CONNECTION_DROPPED', `connection to ${conn.address} (client id ${conn.clientId}) dropped`, { retryable: true })
          : undefined);
      if (error) {
        this.lastFailure = error;
        this.lastFailureKind = 'loss';
        this.lostSinceLastConnect = true;
        this.emit({ type: 'lost', clientId: conn.clientId, error });
      } else {
        this.emit({ type: 'closed', clientId: conn.clientId });
      }
    });
    this.emit({ type: 'connected', clientId: conn.clientId, reconnect });
    return conn;
  }

  private emit(e: ConnectionEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // An observer's bug must not break the connection it observes.
      }
    }
  }
}
