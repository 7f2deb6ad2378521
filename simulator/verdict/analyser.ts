/**
 * The verdict analyser: the gateway as the judge of whatever clients connect to it. It reads the
 * journal one entry at a time as the gateway records it (frames and the gateway's notes, see
 * JOURNAL_NOTES in simulator/model/journal.ts) and keeps only bounded state — per open connection,
 * per open request, fixed-size histograms and evidence lists — so it runs in O(n) time and flat
 * memory over any number of frames, and never depends on the journal's ring keeping anything.
 *
 * `report()` judges what happened so far without changing any state: `GET /verdict` asks it at
 * any time, `sim --verdict` once more when the simulator stops.
 */
import type { JournalEntry } from '../model/journal.ts';
import type { VerdictConfig } from './config.ts';
import { DEFAULT_VERDICT_CONFIG } from './config.ts';
import { ConnectionTracker } from './connections.ts';
import { OrderTracker } from './orders.ts';
import { RateTracker } from './rate.ts';
import { num } from './reading.ts';
import { RequestTracker } from './requests.ts';
import { CHECK_IDS, VERDICT_SCHEMA, type CheckId, type Verdict } from './schema.ts';
import { SecdefView } from './secdef.ts';
import { DEFAULT_LIMITS, Timebase, type Limits } from './state.ts';
import { TimelineRecorder, type TimelineData } from './timeline.ts';
import { IbCode, NO_ID } from '../../common/ib/errors.ts';

export interface ReportOptions {
  /** Model time the verdict is taken at, epoch ms (default: the last entry's). */
  now?: number;
  /** Checks whose finding fails the verdict (default: the config's `failOn`). */
  failOn?: readonly CheckId[];
  /** Taken when the simulator stopped (true), or a look at what happened so far (false, default). */
  final?: boolean;
}

export class VerdictAnalyser {
  readonly config: VerdictConfig;
  private readonly time = new Timebase();
  private readonly limits: Limits;
  private readonly conns: ConnectionTracker;
  private readonly secdef: SecdefView;
  private readonly requests: RequestTracker;
  private readonly rate: RateTracker;
  private readonly orders: OrderTracker;
  private readonly timeline: TimelineRecorder;
  private lastAt: number | undefined;
  private framesIn = 0;
  private framesOut = 0;
  private resets = 0;
  private restarts = 0;
  private errors = 0;
  private firstError: string | null = null;

  constructor(config: VerdictConfig = DEFAULT_VERDICT_CONFIG, limits: Partial<Omit<Limits, 'evicted'>> = {}) {
    this.config = config;
    this.limits = { ...DEFAULT_LIMITS, ...limits, evicted: 0 };
    this.conns = new ConnectionTracker(config, this.time, this.limits);
    this.secdef = new SecdefView(config, this.time, this.limits);
    this.timeline = new TimelineRecorder(config.timeline);
    this.requests = new RequestTracker(config, this.time, this.limits, this.secdef, this.timeline);
    this.rate = new RateTracker(config, this.time);
    this.orders = new OrderTracker(config, this.time, this.limits);
  }

  /**
   * Read one journal entry or note, in the order the gateway recorded them. Never throws: an entry
   * the analyser cannot make sense of is counted in `analyser.errors` of the verdict.
   */
  consume(e: JournalEntry): void {
    try {
      this.step(e);
    } catch (err) {
      this.errors++;
      this.firstError ??= `entry seq ${e.seq} (${e.message?.type}): ${(err as Error).message}`;
    }
  }

  /** `consume` as a function, for `journal.subscribe`. */
  readonly sink = (e: JournalEntry): void => this.consume(e);

  private step(e: JournalEntry): void {
    this.time.t0 ??= e.at;
    this.lastAt = e.at;
    const m = e.message;
    switch (m.type) {
      case 'CONNECTED':
        this.timeline.connected(this.conns.connected(e));
        return;
      case 'DISCONNECTED': {
        const c = this.conns.sessions.get(e.sessionId);
        if (!c) return;
        this.conns.disconnected(c, e);
        this.requests.disconnected(c, e.at);
        this.rate.disconnected(c, e);
        this.timeline.disconnected(c, e.at, m.by === 'gateway', String(m.reason ?? ''));
        return;
      }
      case 'SECDEF_SERVED':
        this.requests.secdefServed(this.conns.sessions.get(e.sessionId), e);
        return;
      case 'GATEWAY_EVENT': {
        const event = String(m.event);
        if (event === 'reset') {
          this.resets++;
          this.conns.reset();
        } else if (event === 'restart') this.restarts++;
        this.requests.gatewayEvent(event, m.dataLost === true, this.conns.sessions.values());
        return;
      }
    }
    if (e.sessionId <= 0) return;
    const c = this.conns.get(e);
    if (e.dir === 'in') {
      this.framesIn++;
      if (m.type === 'START_API') {
        const id = num(m.clientId);
        if (id !== undefined) this.conns.startApi(c, id, e.at);
        return;
      }
      this.requests.incoming(c, e);
      this.orders.incoming(c, e);
      return;
    }
    this.framesOut++;
    this.conns.outgoing(c, e);
    this.requests.outgoing(c, e);
    this.rate.outgoing(c, e);
    this.orders.outgoing(c, e);
    if (m.type === 'ERR_MSG') this.markError(c, e);
  }

  private markError(c: Parameters<TimelineRecorder['mark']>[0], e: JournalEntry): void {
    const code = num(e.message.code);
    if (code === IbCode.CLIENT_ID_IN_USE && num(e.message.id) === NO_ID) this.timeline.mark(c, e.at, '326 refused', `326: client id ${c.clientId} in use`);
    else if (code === IbCode.RATE_EXCEEDED) this.timeline.mark(c, e.at, 'rate 100', String(e.message.message ?? '100'));
  }

  /** The verdict over everything read so far. Changes nothing: call it as often as you like. */
  report(opts: ReportOptions = {}): Verdict {
    const now = opts.now ?? this.lastAt ?? 0;
    const failOn = opts.failOn ?? this.config.failOn;
    const gating = (id: CheckId) => failOn.includes(id);
    const live = () => this.conns.sessions.values();
    const checks: Verdict['checks'] = {
      '326': this.conns.report326(gating('326')),
      churn: this.conns.reportChurn(gating('churn')),
      concurrency: this.conns.reportConcurrency(gating('concurrency')),
      abandoned: this.requests.reportAbandoned(gating('abandoned'), live()),
      duplicate: this.requests.reportDuplicate(gating('duplicate')),
      'secdef-wait': this.secdef.report(gating('secdef-wait')),
      rate: this.rate.report(gating('rate')),
      pacing: this.requests.reportPacing(gating('pacing')),
      unanswered: this.requests.reportUnanswered(gating('unanswered'), live(), now),
      'open-orders': this.orders.report(gating('open-orders')),
    };
    const found = CHECK_IDS.filter((id) => checks[id].status === 'found');
    const failed = found.filter(gating);
    const byHost = this.config.remoteProcesses === 'host';
    return {
      schema: VERDICT_SCHEMA,
      final: opts.final ?? false,
      pass: failed.length === 0,
      failOn: CHECK_IDS.filter(gating),
      failed,
      found,
      window: {
        from: this.time.t0 === undefined ? null : this.time.iso(this.time.t0),
        to: new Date(now).toISOString(),
        durationMs: this.time.t0 === undefined ? 0 : Math.max(0, now - this.time.t0),
      },
      remoteProcess: {
        by: byHost ? 'host' : 'declared',
        count: this.conns.remoteProcesses(),
        note: byHost
          ? 'a remote process is a remote host (IP address; the process name of in-process clients): a TCP source port names a connection, not a process, so processes sharing a host count as one'
          : 'the number of remote processes was declared in the verdict config (remoteProcesses)',
      },
      summary: {
        framesIn: this.framesIn,
        framesOut: this.framesOut,
        connections: this.conns.connections,
        apiSessions: this.conns.apiSessions,
        clientIds: this.conns.clientIdCount,
        hosts: this.conns.hostCount,
        requests: this.requests.requests,
        answered: this.requests.answered,
        resets: this.resets,
        restarts: this.restarts,
      },
      config: this.config,
      analyser: { errors: this.errors, firstError: this.firstError, evicted: this.limits.evicted },
      checks,
    };
  }

  /** The timeline's bars so far (for the HTML report), with the model time they start from. */
  timelineData(): TimelineData & { t0: number; end: number } {
    return { ...this.timeline.data(), t0: this.time.t0 ?? 0, end: this.lastAt ?? 0 };
  }
}
