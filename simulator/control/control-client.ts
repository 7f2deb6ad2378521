/**
 * A typed client for the control plane, over the global `fetch`: the control facade
 * (`GatewayControl`, fault injection included) of a simulator in another process. For tests,
 * scenario runs and scripts; every non-2xx answer becomes a ControlError carrying the server's
 * message.
 */
import {
  JOURNAL_NEXT_HEADER,
  type ConnectivityState,
  type FaultRecord,
  type FaultResult,
  type FaultSpec,
  type HealthReport,
  type JournalEntry,
  type JournalPage,
  type JournalQuery,
  type JournalSettings,
  type Profile,
  type ProfileOverrides,
  type RemovedCount,
  type ResetOptions,
  type RestartResult,
  type LatenessReport,
  type ModeledTimes,
  type SecdefServed,
  type SessionInfo,
  type SessionsAffected,
  type SessionSelector,
  type Verdict,
  type VerdictQuery,
} from './api-types.ts';
import type { GatewayControl } from './gateway-control.ts';

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export interface ControlClientOptions {
  /**
   * Bearer token of a control plane started with one (`--control-token`); default the
   * `IBKR_HARNESS_CONTROL_TOKEN` environment variable, as the simulator reads it.
   */
  token?: string | undefined;
}

export class ControlClient implements GatewayControl {
  private readonly base: string;
  private readonly token: string | undefined;

  constructor(baseUrl: string, opts: ControlClientOptions = {}) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.token = 'token' in opts ? opts.token : process.env.IBKR_HARNESS_CONTROL_TOKEN || undefined;
  }

  health(): Promise<HealthReport> {
    return this.json('GET', '/health');
  }

  sessions(): Promise<SessionInfo[]> {
    return this.json('GET', '/sessions');
  }

  /** Prometheus exposition text. */
  async metrics(): Promise<string> {
    return (await this.request('GET', '/metrics')).text();
  }

  /**
   * Every journal entry matching `query`, oldest first: page after page (the server answers one
   * bounded page per call), or with `limit` the newest `limit` of them (at most one page, 1000).
   */
  async journal(query: JournalQuery = {}): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    let q = query;
    for (;;) {
      const page = await this.journalPage(q);
      out.push(...page.entries);
      if (page.nextSinceSeq === null) return out;
      q = { ...query, sinceSeq: page.nextSinceSeq };
    }
  }

  /** One page of `GET /journal`, and the `sinceSeq` of the next one (null: no more). */
  async journalPage(query: JournalQuery = {}): Promise<JournalPage> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    const res = await this.request('GET', qs ? `/journal?${qs}` : '/journal');
    const next = res.headers.get(JOURNAL_NEXT_HEADER);
    return { entries: (await res.json()) as JournalEntry[], nextSinceSeq: next === null ? null : Number(next) };
  }

  setJournal(settings: Partial<JournalSettings>): Promise<JournalSettings> {
    return this.json('PATCH', '/journal', settings);
  }

  clearJournal(): Promise<JournalSettings> {
    return this.json('DELETE', '/journal');
  }

  profile(): Promise<Profile> {
    return this.json('GET', '/profile');
  }

  patchProfile(overrides: ProfileOverrides): Promise<Profile> {
    return this.json('PATCH', '/profile', overrides);
  }

  reset(opts?: ResetOptions): Promise<{ status: 'reset' }> {
    return this.json('POST', '/reset', opts);
  }

  secdefServed(): Promise<SecdefServed[]> {
    return this.json('GET', '/secdef');
  }

  modeled(): Promise<ModeledTimes> {
    return this.json('GET', '/modeled');
  }

  lateness(): Promise<LatenessReport> {
    return this.json('GET', '/lateness');
  }

  verdict(query: VerdictQuery = {}): Promise<Verdict> {
    return this.json('GET', query.failOn ? `/verdict?failOn=${encodeURIComponent(query.failOn.join(','))}` : '/verdict');
  }

  /** The verdict as Markdown (what `sim --verdict` writes to verdict.md). */
  async verdictMarkdown(query: VerdictQuery = {}): Promise<string> {
    const params = new URLSearchParams({ format: 'markdown', ...(query.failOn ? { failOn: query.failOn.join(',') } : {}) });
    return (await this.request('GET', `/verdict?${params}`)).text();
  }

  /** Apply a fault now (POST /faults). */
  apply(spec: FaultSpec): Promise<FaultResult> {
    return this.json('POST', '/faults', spec);
  }

  /** Apply a fault at model time `atMs` of the simulator's clock (see `health().modelTimeMs`). */
  applyAt(atMs: number, spec: FaultSpec): Promise<FaultRecord> {
    return this.json('POST', `/faults?at=${Math.round(atMs)}`, spec);
  }

  list(): Promise<FaultRecord[]> {
    return this.json('GET', '/faults');
  }

  async remove(id: number): Promise<boolean> {
    try {
      await this.json('DELETE', `/faults/${encodeURIComponent(String(id))}`);
      return true;
    } catch (err) {
      if (err instanceof ControlError && err.status === 404) return false;
      throw err;
    }
  }

  async clear(): Promise<number> {
    return (await this.json<RemovedCount>('DELETE', '/faults')).removed;
  }

  /** Drop the selected sessions uncleanly; their client ids stay held for the grace period. */
  drop(sel: SessionSelector): Promise<SessionsAffected> {
    return this.json('POST', '/faults/drop', sel);
  }

  /** Turn the selected sessions into zombies: connected, answering nothing. */
  stall(sel: SessionSelector): Promise<SessionsAffected> {
    return this.json('POST', '/faults/stall', sel);
  }

  connectivityLost(): Promise<ConnectivityState> {
    return this.json('POST', '/faults/connectivity', { state: 'lost' });
  }

  connectivityRestored(dataLost = false): Promise<ConnectivityState> {
    return this.json('POST', '/faults/connectivity', { state: 'restored', dataLost });
  }

  restart(): Promise<RestartResult> {
    return this.json('POST', '/faults/restart');
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.request(method, path, body)).json()) as T;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    // Only with a body: fastify refuses an empty body that claims to be JSON.
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) };
    let res: Response;
    try {
      res = await fetch(this.base + path, init);
    } catch (err) {
      throw new Error(`control plane at ${this.base} unreachable (${method} ${path}): ${(err as Error).message}`, { cause: err });
    }
    if (res.ok) return res;
    const text = await res.text();
    let message = text || res.statusText;
    try {
      const parsed = JSON.parse(text) as { error?: unknown };
      if (typeof parsed.error === 'string') message = parsed.error;
    } catch {
      // not JSON (a proxy in between?): keep the raw text
    }
    throw new ControlError(res.status, `${method} ${path} failed (${res.status}): ${message}`, method, path);
  }
}
