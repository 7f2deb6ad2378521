/**
 * The five connection strategies, by name. Four are the incident's designs (two broken, two
 * fixes); `pooled` is the recommended one. See README "Strategies".
 */
import { describeError, type CollectorError } from '../errors.ts';
import { ClientIdAllocator, RandomIdStrategy, type ClientIdSource } from '../ids/index.ts';
import { HistoryCollector } from '../history-collector.ts';
import { PacingScheduler } from '../pacing/index.ts';
import { Qualifier } from '../qualifier.ts';
import { GatewaySession } from '../session.ts';
import { DirectClient } from './direct-client.ts';
import { STRATEGY_NAMES, type ActorSpec, type CollectorClient, type ConnectionStrategy, type StrategyDeps, type StrategyName } from './types.ts';

export * from './types.ts';
export { LEGACY_TIMEOUTS_MS } from './direct-client.ts';

export const STRATEGY_DESCRIPTIONS: Record<StrategyName, string> = {
  'per-page': 'legacy: every page/caller opens its own connection with a random client id (2–999)',
  'timeout-wrapper': 'legacy: per-page connections, and qualification abandoned and re-sent after 3/15/20/30/60 s timeouts',
  'task-random-id': "the incident's worker fix: a new connection per task with a random id (4–999), closed after the task",
  singleton: "the incident's UI fix: one persistent connection per process with a fixed id (1)",
  pooled: 'recommended: leased ids, one session per process, queued + de-duplicated + cached qualification, paced history',
};

export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

export function createStrategy(name: string, deps: StrategyDeps): ConnectionStrategy {
  if (!isStrategyName(name)) throw new Error(`unknown strategy "${name}"; choose one of ${STRATEGY_NAMES.join(', ')}`);
  switch (name) {
    case 'per-page':
      return new PerCallerStrategy(name, deps, 'direct', { min: 2, max: 999 });
    case 'timeout-wrapper':
      return new PerCallerStrategy(name, deps, 'timeout-wrapper', { min: 2, max: 999 });
    case 'task-random-id':
      return new PerCallerStrategy(name, deps, 'direct', { min: 4, max: 999 });
    case 'singleton':
      return new SingletonStrategy(deps);
    case 'pooled':
      return new PooledStrategy(deps);
  }
}

/** Bookkeeping every strategy shares: sessions made with the deps, counted, closed at the end. */
abstract class StrategyBase implements ConnectionStrategy {
  abstract readonly name: StrategyName;
  protected readonly sessions = new Set<GatewaySession>();
  protected readonly clients = new Set<CollectorClient>();
  /** Connections made by sessions already closed and forgotten (a long-running `serve` makes many). */
  private retiredConnections = 0;

  constructor(protected readonly deps: StrategyDeps) {}

  get description(): string {
    return STRATEGY_DESCRIPTIONS[this.name];
  }

  get connectionsOpened(): number {
    let n = this.retiredConnections;
    for (const s of this.sessions) n += s.connectCount;
    return n;
  }

  abstract client(actor: ActorSpec): CollectorClient;

  liveness() {
    return [...this.sessions].map((s) => s.liveness());
  }

  leaseTrouble(): CollectorError | undefined {
    for (const s of this.sessions) if (s.lastLeaseError) return s.lastLeaseError;
    return undefined;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients].map((c) => c.close()));
    await Promise.all([...this.sessions].map((s) => s.close()));
  }

  protected session(actor: string, ids: ClientIdSource, role: string, legacy: boolean): GatewaySession {
    const d = this.deps;
    const o = d.options ?? {};
    const s = new GatewaySession({
      connector: d.connector,
      ids,
      role,
      clock: d.clock,
      rng: d.rng,
      log: d.log,
      recorder: d.recorder,
      context: { actor, process: d.process, strategy: this.name },
      ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
      ...(o.idGraceMs !== undefined ? { idGraceMs: o.idGraceMs } : {}),
      ...(o.maxWaitMs !== undefined ? { maxWaitMs: o.maxWaitMs } : {}),
      // The incident's designs connect once per call and give up on a 326; they never reconnect.
      // The singleton (one long-lived connection) gets the watchdog too: its zombie is dropped.
      ...(legacy ? { reconnect: false, maxConnectAttempts: 1, onClientIdInUse: 'fail' as const } : {}),
      ...(o.watchdog && (!legacy || this.name === 'singleton') ? { watchdog: o.watchdog } : {}),
      ...(o.checkTimeScale !== undefined ? { checkTimeScale: o.checkTimeScale } : {}),
    });
    this.sessions.add(s);
    return s;
  }

  /** Keep the client until it closes; with `ownSession`, its session goes with it. */
  protected track<C extends CollectorClient>(client: C, ownSession?: GatewaySession): C {
    this.clients.add(client);
    const close = client.close.bind(client);
    client.close = async () => {
      await close();
      this.clients.delete(client);
      if (ownSession && this.sessions.delete(ownSession)) this.retiredConnections += ownSession.connectCount;
    };
    return client;
  }
}

/** per-page, timeout-wrapper, task-random-id: a connection of its own for every caller. */
class PerCallerStrategy extends StrategyBase {
  private readonly ids: RandomIdStrategy;

  constructor(
    readonly name: StrategyName,
    deps: StrategyDeps,
    private readonly mode: 'direct' | 'timeout-wrapper',
    range: { min: number; max: number },
  ) {
    super(deps);
    // Every caller draws from the same range, uncoordinated: that is the design being kept.
    this.ids = new RandomIdStrategy({ any: range }, deps.rng, deps.connector.address);
  }

  client(actor: ActorSpec): CollectorClient {
    const ids = actor.clientId === undefined ? this.ids : new RandomIdStrategy({ any: { fixed: actor.clientId } }, this.deps.rng, this.deps.connector.address);
    const session = this.session(actor.actor, ids, 'any', true);
    return this.track(
      new DirectClient(session, this.deps, { actor: actor.actor, process: this.deps.process, strategy: this.name }, { mode: this.mode, ownsSession: true }),
      session,
    );
  }
}

/** One persistent connection per process, fixed id, shared by every caller of the process. */
class SingletonStrategy extends StrategyBase {
  readonly name = 'singleton' as const;
  private shared: GatewaySession | undefined;

  client(actor: ActorSpec): CollectorClient {
    const id = actor.clientId ?? this.deps.options?.singletonClientId ?? 1;
    this.shared ??= this.session(
      `${this.deps.process}/session`,
      new RandomIdStrategy({ [actor.role]: { fixed: id } }, this.deps.rng, this.deps.connector.address),
      actor.role,
      true,
    );
    return this.track(
      new DirectClient(this.shared, this.deps, { actor: actor.actor, process: this.deps.process, strategy: this.name }, { mode: 'direct', ownsSession: false }),
    );
  }
}

/** Leased ids, one robust session per process, the qualifier and paced history shared by all callers. */
class PooledStrategy extends StrategyBase {
  readonly name = 'pooled' as const;
  private parts: { session: GatewaySession; qualifier: Qualifier; history: HistoryCollector; allocator: ClientIdAllocator } | undefined;

  client(actor: ActorSpec): CollectorClient {
    const p = (this.parts ??= this.build(actor.role));
    const ctx = { actor: actor.actor, process: this.deps.process, strategy: this.name };
    return this.track({
      get clientId() {
        return p.session.clientId;
      },
      connect: async () => {
        await p.session.connection();
      },
      qualify: (spec, opts) => p.qualifier.qualify(spec, { ...opts, context: ctx }),
      probe: (signal) => p.session.probe(signal),
      collectHistory: (contract, spec, signal) => p.history.collect(contract, spec, signal, ctx),
      coverage: (contract, spec) => p.history.coverage(contract, spec),
      // Callers come and go; the process's session stays until the strategy is closed.
      close: async () => {},
    });
  }

  override async close(): Promise<void> {
    await super.close();
    // Best effort, as in GatewaySession: an unreachable store leaves the leases to their TTL.
    await this.parts?.allocator
      .releaseAll()
      .catch((err: unknown) => this.deps.log.warn({ err: describeError(err) }, 'could not release client-id leases; they expire by their TTL'));
  }

  private build(role: string) {
    const d = this.deps;
    const leases = d.coordination?.leases ?? d.leaseStore;
    if (!leases) throw new Error('the pooled strategy needs a coordination store (or a lease store) shared by the processes of the gateway login');
    const gateway = d.connector.address;
    const allocator = new ClientIdAllocator({
      store: leases,
      clock: d.clock,
      gateway,
      // The UI keeps low ids (1 first, as the incident's UI had), with spares so that a 326 after a
      // crash does not lock the UI out for the gateway's grace period.
      roles: { ui: { min: 1, max: 3 }, worker: { min: 4, max: 999 } },
      order: role === 'ui' ? 'lowest' : 'seeded',
      rng: d.rng,
      ...(d.options?.idGraceMs !== undefined ? { defaultGraceMs: d.options.idGraceMs } : {}),
      ...(d.options?.leaseTtlMs !== undefined ? { ttlMs: d.options.leaseTtlMs } : {}),
    });
    const session = this.session(`${d.process}/session`, allocator, role === 'ui' ? 'ui' : 'worker', false);
    const context = { actor: `${d.process}/session`, process: d.process, strategy: this.name };
    const pacing = d.pacing ?? new PacingScheduler({ clock: d.clock, log: d.log, ...(d.coordination ? { budget: d.coordination.pacing(gateway) } : {}) });
    const qualifier = new Qualifier({
      session,
      clock: d.clock,
      store: d.store,
      log: d.log,
      recorder: d.recorder,
      context,
      ...(d.coordination ? { shared: d.coordination.qualifications(gateway), messages: pacing } : {}),
      ...(d.options?.qualifyDeadlineMs !== undefined ? { deadlineMs: d.options.qualifyDeadlineMs } : {}),
    });
    const history = new HistoryCollector({ session, store: d.store, pacing, clock: d.clock, log: d.log, recorder: d.recorder, context });
    return { session, qualifier, history, allocator };
  }
}
