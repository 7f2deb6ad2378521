import type { Clock, TimerHandle } from '../../common/clock.ts';
import { Rng } from '../../common/rng.ts';
import { FramingError, parseVersionRange, SIM_MIN_VERSION, type ServerMessage } from '../protocol/index.ts';
import { ClientIdRegistry } from './client-id-registry.ts';
import { otherSessions, secdefServiceTime } from './contention.ts';
import type { GatewayPort, IncomingMessage } from './gateway-port.ts';
import { handleRequest } from './handlers/index.ts';
import { SessionContext } from './session-context.ts';
import { HistoryPacing } from './history-pacing.ts';
import { FARM_NOTICES, IbError, NO_ID, type IbErrorBody } from '../../common/ib/errors.ts';
import { Journal, type JournalNoteType } from './journal.ts';
import { MessageRateMeter } from './message-rate.ts';
import { ObserverSet } from './observers.ts';
import type { GatewayObserver, Logger, MarketData, SessionTransport } from './ports.ts';
import { silentLogger } from './ports.ts';
import { applyOverrides, type Profile, type ProfileOverrides } from './profile.ts';
import { SecdefQueue } from './secdef-queue.ts';
import { lineLimitOf, type LineLimit, Session, type SessionInfo } from './session.ts';
import { formatConnectionTime } from './time-format.ts';
import { TradingDesk } from './trading/desk.ts';
import type { TradingVenue } from '../orders/venue.ts';
import { quoteVenue } from '../orders/quote-venue.ts';
import { ContractUniverse } from '../market/contracts.ts';

export interface GatewayOptions {
  clock: Clock;
  seed: number;
  profile: Profile;
  market: MarketData;
  logger?: Logger;
  journal?: Journal;
  /** Instruments and prices orders trade at; default: the bundled universe on the price path of `seed`. */
  venue?: TradingVenue;
}

type Incoming = IncomingMessage;

/**
 * The transport-free gateway: sessions, client ids, the shared sec-def queue, pacing, message-rate
 * limits, IB connectivity and restarts. Adapters (TCP, in-process) feed it decoded messages and
 * carry its replies, through the fault stage when there is one (simulator/faults/); it reads time
 * only from its Clock and randomness only from its seeded Rng.
 */
export class GatewayModel implements GatewayPort {
  readonly clock: Clock;
  readonly market: MarketData;
  readonly journal: Journal;
  readonly clientIds = new ClientIdRegistry();
  readonly secdef: SecdefQueue;
  readonly pacing: HistoryPacing;
  profile: Profile;
  rng: Rng;
  logger: Logger;
  /** Orders, executions and the paper account, shared by every session (rebuilt by `reset`). */
  trading: TradingDesk;
  private readonly venueOption: TradingVenue | undefined;
  private readonly observers = new ObserverSet();

  private _seed: number;
  private readonly sessions = new Map<number, Session>();
  private nextSessionId = 1;
  private readonly nextOrderIds = new Map<number, number>();
  private connectivityLost = false;
  /** Requests held while connectivity is lost, replayed on restore. */
  private heldWhileLost: Array<() => void> = [];
  private downUntil = 0;

  constructor(opts: GatewayOptions) {
    this.clock = opts.clock;
    this._seed = opts.seed;
    this.rng = new Rng(opts.seed);
    this.profile = opts.profile;
    this.market = opts.market;
    this.logger = opts.logger ?? silentLogger;
    this.journal = opts.journal ?? new Journal();
    this.pacing = new HistoryPacing(this.profile.history.pacing);
    this.secdef = new SecdefQueue({ clock: this.clock, serviceTime: (job, waiting) => this.secdefServiceTime(job.sessionId, waiting) });
    this.venueOption = opts.venue;
    this.trading = this.newDesk();
  }

  private newDesk(): TradingDesk {
    return new TradingDesk(
      this,
      this.venueOption ?? quoteVenue((this.market as Partial<{ universe: ContractUniverse }>).universe ?? ContractUniverse.default(), this.market),
      this._seed,
    );
  }

  /** Logged-in sessions (the trading desk routes order events to them). */
  *readySessions(): Iterable<Session> {
    for (const s of this.sessions.values()) if (s.state === 'ready') yield s;
  }

  // ---- adapter API -------------------------------------------------------------------------------

  /** A connection was accepted. Returns the session the adapter feeds from now on. */
  open(transport: SessionTransport, remote: string): Session {
    const now = this.clock.now();
    const session = new Session(this.nextSessionId++, remote, now, transport);
    this.sessions.set(session.id, session);
    this.journal.note(now, session.id, null, 'in', { type: 'CONNECTED', remote });
    this.observers.current.sessionOpened?.();
    if (now < this.downUntil) {
      this.close(session, 'gateway restarting', { holdId: false });
      return session;
    }
    this.sessionTimer(session, this.profile.connections.handshakeTimeoutMs, () => {
      if (session.state === 'handshake' || session.state === 'awaiting-start') {
        this.logger.warn({ session: session.id, remote: session.remote }, 'no handshake/START_API in time, closing');
        this.close(session, 'handshake timeout', { holdId: false });
      }
    });
    return session;
  }

  /** The client's `v<min>..<max> [options]` handshake text arrived. */
  handshake(session: Session, text: string): void {
    if (session.state !== 'handshake') return;
    let range: ReturnType<typeof parseVersionRange>;
    try {
      range = parseVersionRange(text);
    } catch (err) {
      this.logger.warn({ session: session.id, remote: session.remote, err: (err as Error).message }, 'bad handshake');
      this.close(session, (err as Error).message, { holdId: false });
      return;
    }
    // docs/wire-facts/handshake.md#version-negotiation, with the profile's maximum.
    const max = this.profile.maxServerVersion;
    const negotiated = Math.min(range.max, max);
    if (negotiated < range.min || negotiated < SIM_MIN_VERSION) {
      const why = `client needs server version ${range.min}..${range.max}; this gateway speaks ${SIM_MIN_VERSION}..${max}`;
      this.logger.warn({ session: session.id, remote: session.remote }, why);
      this.close(session, why, { holdId: false });
      return;
    }
    session.version = negotiated;
    session.paceApi = range.options.some((o) => o.toUpperCase() === '+PACEAPI');
    session.state = 'awaiting-start';
    this.send(session, {
      type: 'SERVER_VERSION',
      serverVersion: negotiated,
      connectionTime: formatConnectionTime(this.clock.now(), this.profile.timeZone),
    });
  }

  /** A decoded message arrived on a session: captured, then processed. */
  receive(session: Session, msg: Incoming): void {
    this.capture(session, msg);
    this.process(session, msg);
  }

  /**
   * Note an arriving message: the journal, the counters and the observers see every message as the
   * client sent it, when it arrived — also one a fault then holds back or swallows.
   */
  capture(session: Session, msg: Incoming): void {
    if (!session.isOpen) return;
    session.messagesIn++;
    this.journal.record(this.clock.now(), session.id, session.clientId, 'in', msg as JournalMessage);
    this.observers.current.messageIn?.(msg.type);
  }

  /** Act on a captured message (the fault stage may call this later than `capture`, or not at all). */
  process(session: Session, msg: Incoming): void {
    if (!session.isOpen) return;
    if (session.state === 'handshake') return; // cannot happen over TCP: the adapter handshakes first
    if (session.state === 'awaiting-start') {
      if (msg.type === 'START_API') this.startApi(session, msg.clientId);
      else this.logger.warn({ session: session.id, type: msg.type }, 'request before START_API ignored');
      return;
    }
    if (msg.type === 'START_API') {
      this.logger.warn({ session: session.id, clientId: session.clientId }, 'repeated START_API ignored');
      return;
    }
    this.admit(session, msg, this.clock.now());
  }

  /**
   * A frame on this session could not be decoded. Framing errors close it; field errors do not,
   * but a malformed frame is still a message the client sent: it counts towards the message rate
   * like any request (docs/wire-facts/limits.md#malformed-frames-count-towards-the-message-rate),
   * so a flood of them meets error 100 and the close, not a reply each. Before START_API there
   * is no client yet to keep: the error names what was wrong and the connection is closed.
   */
  protocolError(session: Session, err: Error): void {
    if (!session.isOpen) return;
    const now = this.clock.now();
    this.journal.record(now, session.id, session.clientId, 'in', { type: 'MALFORMED', error: err.message });
    if (err instanceof FramingError || session.state === 'handshake') {
      this.logger.warn({ session: session.id, remote: session.remote, err: err.message }, 'unreadable stream, closing');
      this.close(session, err.message, { holdId: false });
      return;
    }
    const reqId = (err as { reqId?: number }).reqId;
    this.logger.warn({ session: session.id, clientId: session.clientId, err: err.message }, 'malformed request');
    // A malformed frame is a message too: it counts towards the client's rate like any other.
    const answer = () => this.sendError(session, reqId ?? NO_ID, IbError.readError(err.message));
    if (!session.isApiClient) {
      // Before START_API there is no client to keep, and no rate meter: one 320, then the close.
      answer();
      this.close(session, `malformed frame before START_API: ${err.message}`, { holdId: false });
      return;
    }
    this.metered(session, now, answer);
  }

  /**
   * The transport reports the connection gone. `clean` = the client closed it (FIN); after an
   * unclean loss the client id stays held for `idGraceMs`. `reason` names who ended it when that
   * was not the client (a fault), for logs and metrics.
   */
  disconnected(session: Session, clean: boolean, reason?: string): void {
    if (!session.isOpen) return;
    const grace = clean ? this.profile.connections.idGraceCleanMs : this.profile.connections.idGraceMs;
    this.finish(session, reason ?? (clean ? 'client closed' : 'connection lost'), grace, 'client');
  }

  /** The subscribed observers as one (for the handler context). */
  get currentObserver(): GatewayObserver {
    return this.observers.current;
  }

  /** How many observers are subscribed (for leak checks). */
  get observerCount(): number {
    return this.observers.size;
  }

  /** A gateway note about a session (see JOURNAL_NOTES in journal.ts), for journal subscribers. */
  note(session: Session, message: { type: JournalNoteType; [field: string]: unknown }): void {
    this.journal.note(this.clock.now(), session.id, session.clientId, 'out', message);
  }

  /** A gateway-wide event that drops queued work, noted for journal subscribers (sessionId 0). */
  private noteGatewayEvent(event: 'reset' | 'restart' | 'connectivity-lost' | 'connectivity-restored', dataLost?: boolean): void {
    this.journal.note(this.clock.now(), 0, null, 'out', { type: 'GATEWAY_EVENT', event, ...(dataLost !== undefined ? { dataLost } : {}) });
  }

  /** Subscribe to measurable events (metrics, scenario records); returns the unsubscribe. */
  observe(observer: GatewayObserver): () => void {
    return this.observers.add(observer);
  }

  // ---- sending ------------------------------------------------------------------------------------

  send(session: Session, msg: ServerMessage): void {
    if (!session.isOpen) return;
    session.messagesOut++;
    const seq = this.journal.record(this.clock.now(), session.id, session.clientId, 'out', msg as JournalMessage);
    this.observers.current.messageOut?.(msg.type);
    session.transport.send(msg, seq);
    const backlog = session.transport.backlog?.() ?? 0;
    if (backlog > this.profile.limits.maxOutboundBytes) {
      this.logger.warn({ session: session.id, clientId: session.clientId, backlog }, 'client is not reading its socket, closing');
      this.close(session, 'client not reading', { holdId: true });
    }
  }

  sendError(session: Session, id: number, body: IbErrorBody): void {
    if (!session.isOpen) return;
    this.logger.info({ session: session.id, clientId: session.clientId, id, code: body.code }, body.message);
    this.observers.current.errorSent?.(body.code);
    this.send(session, { type: 'ERR_MSG', id, code: body.code, message: body.message, advancedOrderRejectJson: '', errorTime: 0 });
  }

  /** Close from the gateway side. `holdId`: keep the client id held for the grace period. */
  close(session: Session, reason: string, opts: { holdId: boolean }): void {
    if (!session.isOpen) return;
    this.finish(session, reason, opts.holdId ? this.profile.connections.idGraceMs : 0, 'gateway');
    session.transport.close();
  }

  private finish(session: Session, reason: string, graceMs: number, by: 'client' | 'gateway'): void {
    const now = this.clock.now();
    const wasClient = session.isApiClient;
    const held = wasClient && session.clientId !== null ? { clientIdHeldMs: graceMs } : {};
    this.journal.note(now, session.id, session.clientId, by === 'client' ? 'in' : 'out', { type: 'DISCONNECTED', reason, by, ...held });
    session.state = 'closed';
    session.closedAt = now;
    session.closeReason = reason;
    session.cancelTimers();
    if (wasClient && session.clientId !== null) this.clientIds.release(session.clientId, session.id, now + graceMs, now);
    this.sessions.delete(session.id);
    this.observers.current.sessionClosed?.(reason);
    if (wasClient) this.logger.info({ session: session.id, clientId: session.clientId, remote: session.remote, reason }, 'session ended');
  }

  /**
   * Run `fn` for a session; an unexpected failure (a bug, or input no rule foresaw) is logged and
   * ends that session only — one bad client never takes the gateway down for the others.
   */
  guard(session: Session, what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error({ session: session.id, clientId: session.clientId, err: (err as Error).message }, `internal error while ${what}; closing the session`);
      this.close(session, `internal error while ${what}`, { holdId: false });
    }
  }

  /** Schedule work owned by a session; it is cancelled if the session closes first. */
  sessionTimer(session: Session, ms: number, fn: () => void): TimerHandle {
    const handle = this.clock.setTimer(ms, () => {
      session.timers.delete(handle);
      if (session.isOpen) this.guard(session, 'running a scheduled reply', fn);
    });
    session.timers.add(handle);
    return handle;
  }

  // ---- login --------------------------------------------------------------------------------------

  private startApi(session: Session, clientId: number): void {
    const now = this.clock.now();
    session.clientId = clientId;
    const status = this.clientIds.status(clientId, now);
    if (status.state !== 'free') {
      this.logger.info({ session: session.id, clientId, remote: session.remote, holder: status }, 'client id already in use');
      this.sendError(session, NO_ID, IbError.clientIdInUse());
      this.close(session, 'client id in use', { holdId: false });
      return;
    }
    const max = this.profile.connections.maxClients;
    if (this.clientIds.liveCount >= max) {
      this.sendError(session, NO_ID, IbError.tooManyClients(max));
      this.close(session, 'too many clients', { holdId: false });
      return;
    }
    // Every other API client (a session that sent START_API: logging in or ready) slows the login
    // down; sockets that never got as far as START_API do not. A login already under way is slowed
    // by one that starts meanwhile, so logins that overlap see each other whichever began first
    // (docs/wire-facts/limits.md#what-slows-a-login).
    const others = this.clientIds.liveCount;
    this.clientIds.claim(clientId, session.id);
    session.state = 'login';
    session.rate = new MessageRateMeter(this.profile.messageRate, session.paceApi);
    const c = this.profile.connections;
    const latency = this.rng.lognormal(c.loginLatency.median, c.loginLatency.sigma) + c.loginPerOtherClientMs * others;
    this.logger.info({ session: session.id, clientId, remote: session.remote, version: session.version }, 'session started');
    if (c.loginPerOtherClientMs > 0) {
      for (const other of this.sessions.values())
        if (other !== session && other.state === 'login') this.scheduleLogin(other, other.login!.dueAt + c.loginPerOtherClientMs, now);
    }
    this.scheduleLogin(session, now + latency, now);
  }

  /** (Re)arm a session's login to complete at `dueAt` (model ms). */
  private scheduleLogin(session: Session, dueAt: number, now: number): void {
    if (session.login) {
      session.login.timer.cancel();
      session.timers.delete(session.login.timer);
    }
    const startedAt = session.login?.startedAt ?? now;
    const timer = this.sessionTimer(session, dueAt - now, () => {
      session.login = undefined;
      this.completeLogin(session);
      this.observers.current.loginCompleted?.(session.clientId!, dueAt - startedAt);
    });
    session.login = { startedAt, dueAt, timer };
  }

  private completeLogin(session: Session): void {
    session.state = 'ready';
    session.readyAt = this.clock.now();
    const clientId = session.clientId!;
    this.send(session, { type: 'MANAGED_ACCTS', accounts: this.profile.accounts.join(',') });
    this.send(session, { type: 'NEXT_VALID_ID', orderId: this.nextOrderId(clientId, 0) });
    for (const notice of FARM_NOTICES) this.sendError(session, NO_ID, notice);
    if (this.connectivityLost) this.sendError(session, NO_ID, IbError.connectivityLost());
    const pending = session.beforeReady.splice(0);
    for (const run of pending) run();
  }

  /** Order ids are remembered per client id across sessions, as TWS keeps them in its settings. */
  nextOrderId(clientId: number, reserve: number): number {
    const next = this.nextOrderIds.get(clientId) ?? 1;
    this.nextOrderIds.set(clientId, next + reserve);
    return next;
  }

  // ---- request path ---------------------------------------------------------------------------------

  private admit(session: Session, msg: Incoming, now: number): void {
    this.metered(session, now, () => this.afterLogin(session, msg));
  }

  /**
   * Offer one arriving frame to the session's message-rate meter and `run` its handling now,
   * later (a +PACEAPI client's slot) or never (rejected): error 100, the code-0 warning and the
   * close as the rule says (simulator/model/message-rate.ts, docs/wire-facts/pacing.md#the-rule-the-simulator-applies).
   */
  private metered(session: Session, now: number, run: () => void): void {
    const rate = this.profile.messageRate;
    if (!rate.enabled || !session.rate) {
      run();
      return;
    }
    const d = session.rate.offer(now);
    if (d.kind === 'reject') {
      if (d.notify) this.sendError(session, d.notify.count, IbError.rateExceeded(rate.maxPerSecond, d.notify.received, d.notify.count));
      if (d.close) {
        this.logger.warn({ session: session.id, clientId: session.clientId }, 'message rate exceeded for too long, closing');
        this.close(session, 'message rate exceeded', { holdId: false });
      }
      return;
    }
    if (d.kind === 'defer') {
      if (session.pacedBacklog >= this.profile.limits.maxPacedBacklog) {
        this.logger.warn({ session: session.id, clientId: session.clientId, backlog: session.pacedBacklog }, 'paced client floods beyond its backlog, closing');
        this.close(session, 'paced backlog exceeded', { holdId: false });
        return;
      }
      session.pacedBacklog++;
      this.sessionTimer(session, d.at! - now, () => {
        session.pacedBacklog--;
        run();
      });
      return;
    }
    if (d.warn) this.sendError(session, NO_ID, IbError.rateApproaching(rate.maxPerSecond, d.warn.received));
    run();
  }

  /** Requests that arrive while the login is still in progress are answered once it completes. */
  private afterLogin(session: Session, msg: Incoming): void {
    if (session.state === 'login') session.beforeReady.push(() => this.dispatch(session, msg));
    else this.dispatch(session, msg);
  }

  private dispatch(session: Session, msg: IncomingMessage): void {
    if (!session.isOpen) return;
    handleRequest(new SessionContext(this, session), msg);
  }

  /** Run now, or hold until connectivity is restored. */
  whenConnected(session: Session, run: () => void): void {
    if (this.connectivityLost) this.heldWhileLost.push(() => session.isOpen && this.guard(session, 'answering a held request', run));
    else run();
  }

  private secdefServiceTime(sessionId: number, waiting: ReadonlyArray<{ sessionId: number }>): number {
    const s = this.profile.secdef;
    return secdefServiceTime(s, {
      baseMs: this.rng.lognormal(s.service.median, s.service.sigma),
      liveClients: this.clientIds.liveCount,
      otherWaitingClients: () => otherSessions(waiting, sessionId),
      arrivalsWithin: (windowMs) => this.secdef.arrivalsWithin(windowMs),
    });
  }

  /** Market-data subscriptions counting against `limit`, open at the gateway across every session. docs/wire-facts/market-data.md#100-lines-101 */
  openLineCount(limit: LineLimit): number {
    let n = 0;
    for (const s of this.sessions.values()) for (const line of s.marketLines.values()) if (lineLimitOf(line.kind) === limit) n++;
    return n;
  }

  /** Historical requests open at the gateway, across every session. */
  openHistoryCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.openHistory.size;
    return n;
  }

  // ---- control plane --------------------------------------------------------------------------------

  listSessions(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => ({
      sessionId: s.id,
      clientId: s.clientId,
      remote: s.remote,
      state: s.state,
      serverVersion: s.version,
      paceApi: s.paceApi,
      connectedSince: new Date(s.openedAt).toISOString(),
      readySince: s.readyAt === undefined ? null : new Date(s.readyAt).toISOString(),
      messagesIn: s.messagesIn,
      messagesOut: s.messagesOut,
      queuedRequests: this.secdef.countFor(s.id) + s.openHistory.size,
    }));
  }

  /** Sessions matching a session id or a client id. */
  findSessions(sel: { sessionId?: number; clientId?: number }): Session[] {
    return [...this.sessions.values()].filter(
      (s) => (sel.sessionId === undefined || s.id === sel.sessionId) && (sel.clientId === undefined || s.clientId === sel.clientId),
    );
  }

  /** IB ↔ gateway connectivity lost: 1100 to every client; requests wait until it is restored. */
  loseConnectivity(): void {
    if (this.connectivityLost) return;
    this.connectivityLost = true;
    this.noteGatewayEvent('connectivity-lost');
    this.secdef.pause();
    for (const s of this.sessions.values()) if (s.state === 'ready') this.sendError(s, NO_ID, IbError.connectivityLost());
  }

  /** Connectivity back: 1102 (data maintained) or 1101 (data lost: held and queued requests are dropped). */
  restoreConnectivity(dataLost: boolean): void {
    if (!this.connectivityLost) return;
    this.connectivityLost = false;
    this.noteGatewayEvent('connectivity-restored', dataLost);
    const held = this.heldWhileLost.splice(0);
    if (dataLost) {
      this.secdef.dropWaiting();
      for (const s of this.sessions.values()) {
        for (const t of s.openHistory.values()) t.cancel();
        s.openHistory.clear();
      }
    }
    const notice = dataLost ? IbError.connectivityRestoredDataLost() : IbError.connectivityRestoredDataMaintained();
    for (const s of this.sessions.values()) if (s.state === 'ready') this.sendError(s, NO_ID, notice);
    this.secdef.resume();
    if (!dataLost) for (const run of held) run();
  }

  get isConnectivityLost(): boolean {
    return this.connectivityLost;
  }

  /**
   * Gateway restart (docs/wire-facts/gateway.md#daily-restart): every connection drops, and the
   * restarted gateway is a new process that holds no client id — neither the cut sessions' nor
   * any held after an earlier unclean drop — so a client may come back with its old id as soon as
   * connections are accepted again, `connections.restartDowntimeMs` later. Order ids survive
   * (TWS keeps them in its settings), and so do transmitted orders, which live at IB's servers
   * (docs/wire-facts/orders.md#open-orders-across-a-gateway-restart).
   */
  restart(): void {
    for (const s of [...this.sessions.values()]) this.close(s, 'gateway restart', { holdId: false });
    this.clientIds.clear();
    this.trading.restart();
    this.noteGatewayEvent('restart');
    this.secdef.clear();
    this.pacing.clear();
    this.heldWhileLost = [];
    this.connectivityLost = false;
    this.downUntil = this.clock.now() + this.profile.connections.restartDowntimeMs;
  }

  /** The seed of the one random stream (set at construction, or by `reset`). */
  get seed(): number {
    return this._seed;
  }

  /**
   * Back to a fresh gateway (journal cleared): the same seed and profile, or the ones given. The
   * random stream restarts, so a reset gateway behaves as a new one with that seed.
   */
  reset(opts: { seed?: number; profile?: Profile } = {}): void {
    for (const s of [...this.sessions.values()]) this.close(s, 'gateway reset', { holdId: false });
    this.secdef.clear();
    this.pacing.clear();
    this.clientIds.clear();
    this.journal.clear();
    this.noteGatewayEvent('reset');
    this.nextOrderIds.clear();
    this.nextSessionId = 1;
    this.heldWhileLost = [];
    this.connectivityLost = false;
    this.downUntil = 0;
    if (opts.seed !== undefined) this._seed = opts.seed;
    if (opts.profile) {
      this.profile = opts.profile;
      this.pacing.setRules(this.profile.history.pacing);
    }
    this.rng = new Rng(this._seed);
    this.trading.dispose();
    this.trading = this.newDesk();
  }

  updateProfile(overrides: ProfileOverrides): Profile {
    this.profile = applyOverrides(this.profile, overrides);
    this.pacing.setRules(this.profile.history.pacing);
    for (const s of this.sessions.values()) s.rate?.setLimits(this.profile.messageRate, this.clock.now());
    return this.profile;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }
}

type JournalMessage = { type: string; [field: string]: unknown };
