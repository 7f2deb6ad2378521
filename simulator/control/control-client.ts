/**
 * A typed client for the control plane, over the global `fetch`. For tests, scenario scripts and
 * the CLI; every non-2xx answer becomes a ControlError carrying the server's message.
 */
import type {
  ConnectivityState,
  FaultRule,
  FaultRuleSpec,
  HealthReport,
  JournalEntry,
  JournalQuery,
  JournalSettings,
  Profile,
  ProfileOverrides,
  RemovedCount,
  RestartResult,
  SessionInfo,
  SessionSelector,
  SessionsAffected,
} from './api-types.ts';

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

export class ControlClient {
  private readonly base: string;

  constructor(baseUrl: string) {
    this.base = baseUrl.replace(/\/+$/, '');
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

  journal(query: JournalQuery = {}): Promise<JournalEntry[]> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.json('GET', qs ? `/journal?${qs}` : '/journal');
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

  reset(): Promise<{ status: 'reset' }> {
    return this.json('POST', '/reset');
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

  rules(): Promise<FaultRule[]> {
    return this.json('GET', '/faults/rules');
  }

  addRule(spec: FaultRuleSpec): Promise<FaultRule> {
    return this.json('POST', '/faults/rules', spec);
  }

  removeRule(id: number): Promise<RemovedCount> {
    return this.json('DELETE', `/faults/rules/${encodeURIComponent(String(id))}`);
  }

  clearRules(): Promise<RemovedCount> {
    return this.json('DELETE', '/faults/rules');
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.request(method, path, body)).json()) as T;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const init: RequestInit = { method };
    // Only with a body: fastify refuses an empty body that claims to be JSON.
    if (body !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
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
