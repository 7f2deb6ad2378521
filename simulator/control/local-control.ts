/**
 * The control facade over a gateway in this process: the model behind its fault stage. The control
 * plane serves it over HTTP; the scenario runner drives it directly for in-process targets.
 */
import { RealClock, ScaledClock } from '../../common/clock.ts';
import { LatenessSampler } from '../../common/host-lateness.ts';
import { FaultStage, type FaultedSessionInfo } from '../faults/stage.ts';
import type { FaultSpec } from '../faults/registry.ts';
import type { FaultRecord, FaultResult } from '../faults/target.ts';
import type { GatewayModel } from '../model/gateway.ts';
import type { JournalEntry, JournalPage, JournalQuery, PageBounds } from '../model/journal.ts';
import type { GatewayObserver } from '../model/ports.ts';
import { applyOverrides, getProfile, type Profile, type ProfileOverrides } from '../model/profile.ts';
import { VerdictAnalyser } from '../verdict/analyser.ts';
import type { VerdictConfig } from '../verdict/config.ts';
import type { HealthReport, JournalSettings, LatenessReport, ModeledTimes, ResetOptions, SecdefServed, Verdict, VerdictQuery } from './api-types.ts';
import type { GatewayControl } from './gateway-control.ts';

/** Gauges for metrics, read on scrape. */
export interface GatewayStats {
  sessions: number;
  apiClients: number;
  secdefQueueDepth: number;
  connectivityLost: boolean;
}

/** How many served contract-details requests are remembered (a ring; the oldest go first). */
const SECDEF_RECORDS = 100_000;

/** Append to a bounded record like the sec-def ring: a long-running simulator must not grow without end. */
function keep<T>(list: T[], item: T): void {
  if (list.length >= SECDEF_RECORDS) list.splice(0, SECDEF_RECORDS / 10);
  list.push(item);
}

export class LocalControl implements GatewayControl {
  readonly model: GatewayModel;
  readonly stage: FaultStage;
  private served: SecdefServed[] = [];
  /** Logins and history answers the model timed (contract details come from `served`). */
  private modeledTimes: Omit<ModeledTimes, 'secdef'> = { logins: [], history: [] };
  /** Samples this process's event loop between a reset that asks for it and the next reset. */
  private readonly lateSampler = new LatenessSampler();
  private sampling = false;
  /** Reads the journal as it is recorded, when verdicts were asked for (`opts.verdict`). */
  readonly analyser: VerdictAnalyser | undefined;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeAnalyser: () => void;

  constructor(
    target: GatewayModel | FaultStage,
    private readonly opts: { apiPort?: () => number /** Analyse the journal for verdicts, with these thresholds. */; verdict?: VerdictConfig } = {},
  ) {
    this.stage = target instanceof FaultStage ? target : new FaultStage(target);
    this.model = this.stage.model;
    this.analyser = opts.verdict ? new VerdictAnalyser(opts.verdict) : undefined;
    this.unsubscribeAnalyser = this.analyser ? this.model.journal.subscribe(this.analyser.sink) : () => {};
    this.unsubscribe = this.model.observe({
      secdefServed: (waitMs, serviceMs, clientId) => keep(this.served, { at: this.model.clock.now(), waitMs, serviceMs, clientId }),
      loginCompleted: (clientId, ms) => keep(this.modeledTimes.logins, { clientId, ms }),
      historyServed: (ms, clientId) => keep(this.modeledTimes.history, { clientId, ms }),
    });
  }

  /** Stop recording (the gateway outlives this facade). */
  dispose(): void {
    this.lateSampler.stop();
    this.unsubscribe();
    this.unsubscribeAnalyser();
  }

  observe(observer: GatewayObserver): () => void {
    return this.model.observe(observer);
  }

  stats(): GatewayStats {
    const m = this.model;
    return { sessions: m.sessionCount, apiClients: m.clientIds.liveCount, secdefQueueDepth: m.secdef.depth, connectivityLost: m.isConnectivityLost };
  }

  health(): HealthReport {
    const m = this.model;
    const s = this.stats();
    const now = m.clock.now();
    return {
      status: 'ok',
      profile: m.profile.name,
      seed: m.seed,
      timeScale: m.clock.scale,
      sessions: s.sessions,
      apiClients: s.apiClients,
      connectivity: s.connectivityLost ? 'lost' : 'ok',
      secdefQueueDepth: s.secdefQueueDepth,
      faults: this.stage.list().length,
      ...(this.opts.apiPort ? { apiPort: this.opts.apiPort() } : {}),
      modelTime: new Date(now).toISOString(),
      modelTimeMs: Math.round(now),
    };
  }

  sessions(): FaultedSessionInfo[] {
    return this.stage.listSessions();
  }

  journal(query: JournalQuery = {}): JournalEntry[] {
    return this.model.journal.query(query);
  }

  /** One bounded page of the journal (what `GET /journal` serves): see Journal.page. */
  journalPage(query: JournalQuery, bounds: PageBounds): JournalPage {
    return this.model.journal.page(query, bounds);
  }

  setJournal(settings: Partial<JournalSettings>): JournalSettings {
    const j = this.model.journal;
    if (settings.enabled !== undefined) j.enabled = settings.enabled;
    if (settings.capacity !== undefined && settings.capacity !== j.capacity) j.resize(settings.capacity);
    if (settings.maxBytes !== undefined) j.setMaxBytes(settings.maxBytes);
    return this.journalSettings();
  }

  clearJournal(): JournalSettings {
    this.model.journal.clear();
    return this.journalSettings();
  }

  private journalSettings(): JournalSettings {
    const j = this.model.journal;
    return { enabled: j.enabled, capacity: j.capacity, maxBytes: j.maxBytes };
  }

  profile(): Profile {
    return this.model.profile;
  }

  patchProfile(overrides: ProfileOverrides): Profile {
    return this.model.updateProfile(overrides);
  }

  reset(opts: ResetOptions = {}): { status: 'reset' } {
    if (opts.timeScale !== undefined) {
      const clock = this.model.clock;
      if (!(clock instanceof ScaledClock) || clock instanceof RealClock) throw new Error('the time scale can only change on a scaled clock');
      clock.rescale(opts.timeScale);
    }
    this.stage.clear();
    const base = opts.profile !== undefined ? getProfile(opts.profile) : undefined;
    const profile = opts.overrides ? applyOverrides(base ?? this.model.profile, opts.overrides) : base;
    this.model.reset({ ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(profile ? { profile } : {}) });
    this.served = [];
    this.modeledTimes = { logins: [], history: [] };
    this.sampling = opts.sampleLateness === true;
    if (this.sampling) this.lateSampler.start();
    else this.lateSampler.stop();
    return { status: 'reset' };
  }

  secdefServed(): SecdefServed[] {
    return [...this.served];
  }

  modeled(): ModeledTimes {
    const m = this.modeledTimes;
    return { logins: [...m.logins], secdef: this.served.map((s) => ({ clientId: s.clientId, ms: s.waitMs + s.serviceMs })), history: [...m.history] };
  }

  lateness(): LatenessReport {
    return { measured: this.sampling ? this.lateSampler.measured() : null };
  }

  verdict(query: VerdictQuery = {}): Verdict {
    if (!this.analyser) throw new Error('this gateway does not analyse its journal: start the simulator with --verdict <dir> or a control port');
    return this.analyser.report({ now: this.model.clock.now(), ...(query.failOn ? { failOn: query.failOn } : {}) });
  }

  apply(spec: FaultSpec): FaultResult {
    return this.stage.apply(spec);
  }

  applyAt(atMs: number, spec: FaultSpec): FaultRecord {
    return this.stage.applyAt(atMs, spec);
  }

  list(): FaultRecord[] {
    return this.stage.list();
  }

  remove(id: number): boolean {
    return this.stage.remove(id);
  }

  clear(): number {
    return this.stage.clear();
  }
}
