/**
 * Who may call the control plane, and what it takes: requests from other origins and other host
 * names are refused (CSRF, DNS rebinding), bodies are JSON only, a bearer token when one is set,
 * and no binding beyond loopback without one. Then the inputs that used to break the gateway:
 * profile patches, and a journal read in one piece.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../common/exit-codes.ts';
import { startSimulator, type Simulator } from '../simulator.ts';
import { Harness } from '../testing/control-harness.ts';
import { ControlClient, ControlError } from './control-client.ts';

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A raw HTTP request, so that Host and Origin can be anything a browser would send. */
function call(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const h = new Harness();
let sim: Simulator;
let port: number;
let control: ControlClient;

beforeAll(async () => {
  ({ sim, control } = await h.start({ profile: 'ibkr-paper' }));
  port = sim.controlPort!;
});
afterAll(() => h.closeAll());

describe('CSRF and DNS rebinding', () => {
  it('a cross-origin POST /faults/restart or /reset, body or not, gets 403 and does nothing', async () => {
    const client = await h.connect(sim, 1);
    for (const [path, headers, body] of [
      ['/faults/restart', { origin: 'http://evil.example' }, undefined],
      ['/faults/restart', { origin: 'http://evil.example', 'content-type': 'application/json' }, '{}'],
      ['/reset', { origin: 'null' }, undefined],
      ['/reset', { origin: `http://127.0.0.1:${port + 1}` }, undefined],
    ] as const) {
      const r = await call(port, 'POST', path, headers, body);
      expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
      expect(JSON.parse(r.body).error).toMatch(/^cross-origin request from .* refused/);
    }
    expect(client.closed).toBe(false);
    expect((await control.health()).apiClients).toBe(1);
  });

  it('a wrong Host gets 403, whatever the method; loopback names and the same origin pass', async () => {
    for (const [method, path] of [
      ['GET', '/health'],
      ['GET', '/journal'],
      ['POST', '/faults/restart'],
    ] as const) {
      const r = await call(port, method, path, { host: `evil.example:${port}` });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(JSON.parse(r.body).error).toContain(`Host "evil.example:${port}" is not allowed`);
    }
    expect((await call(port, 'GET', '/health', { host: `localhost:${port}` })).status).toBe(200);
    expect((await call(port, 'GET', '/health', { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });

  it('bodies are JSON only: text/plain (what a form or a simple cross-site request sends) gets 415', async () => {
    const r = await call(port, 'POST', '/faults/restart', { 'content-type': 'text/plain' }, '{}');
    expect(r.status).toBe(415);
    expect(JSON.parse(r.body).error).toBe('content type "text/plain" is not supported: send JSON with content-type application/json');
    expect((await call(port, 'PATCH', '/profile', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1')).status).toBe(415);
  });
});

describe('bearer token', () => {
  it('with --control-token every request needs it (401 otherwise); the typed client sends it', async () => {
    const { sim: guarded } = await h.start({ controlToken: 'sekrit' });
    const p = guarded.controlPort!;
    const missing = await call(p, 'GET', '/health');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect((await call(p, 'GET', '/health', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await call(p, 'GET', '/health', { authorization: 'Bearer sekrit' })).status).toBe(200);
    const base = `http://127.0.0.1:${p}`;
    await expect(new ControlClient(base, { token: undefined }).health()).rejects.toMatchObject({ status: 401 });
    expect((await new ControlClient(base, { token: 'sekrit' }).health()).status).toBe('ok');
  });

  it('beyond loopback the control plane refuses to start without a token, and warns with one', async () => {
    const err = await startSimulator({ port: 0, controlPort: 0, controlHost: '0.0.0.0' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/^the control plane would listen on 0\.0\.0\.0, beyond loopback, with no authentication: .*--control-token/);
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_o: object, msg?: string) => warnings.push(msg ?? '') };
    const { sim: exposed } = await h.start({ controlHost: '0.0.0.0', controlToken: 'sekrit', logger });
    expect(warnings).toContain(
      'the control plane listens on 0.0.0.0, beyond loopback: anyone who can reach this machine can use it (every request needs its bearer token)',
    );
    expect((await call(exposed.controlPort!, 'GET', '/health', { authorization: 'Bearer sekrit' })).status).toBe(200);
  });
});

describe('profile patches that used to break the gateway', () => {
  const patch = async (body: unknown) => {
    const err = await control.patchProfile(body as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlError);
    return err as ControlError;
  };

  it('an unknown time zone gets 400 naming the field, and new connections still log in', async () => {
    const err = await patch({ timeZone: 'Mars/Olympus' });
    expect(err.status).toBe(400);
    expect(err.message).toContain('profile overrides "timeZone" must be an IANA time zone id such as "Europe/Paris" or "MET"');
    expect(err.message).toContain('got "Mars/Olympus"');
    expect((await control.profile()).timeZone).toBe('MET');
    const c = await h.connect(sim, 21);
    expect(c.closed).toBe(false);
  });

  it('a fractional limit and an account id with a NUL or a comma get 400 naming the field', async () => {
    expect((await patch({ connections: { maxClients: 1.5 } })).message).toBe(
      'PATCH /profile failed (400): profile overrides "connections.maxClients" must be an integer, got 1.5',
    );
    for (const id of ['DU1\u0000DU2', 'DU1,DU2', 'DU 1', '']) {
      const err = await patch({ accounts: [id] });
      expect(err.status).toBe(400);
      expect(err.message).toContain('profile overrides "accounts[0]" must be 1–32 letters, digits');
    }
    expect((await control.profile()).accounts).toEqual(['DU0118471']);
  });
});

describe('GET /journal', () => {
  it('answers one bounded page at a time; the client follows the pages to every entry', async () => {
    const { sim: s, control: c, base } = await h.start({ journal: { maxBytes: 8 * 1024 * 1024 } });
    const bars = Array.from({ length: 100 }, (_, i) => ({ time: `20251110 ${i}`, open: 1.5, high: 2.5, low: 0.5, close: 1.25, volume: 100, count: 3 }));
    for (let i = 0; i < 1500; i++) s.gateway.journal.record(i, 1, 1, 'out', { type: 'HISTORICAL_DATA', reqId: i, bars });
    // The journal kept what fits in its bytes (≈ 9 kB an entry), the newest.
    expect(s.gateway.journal.bytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    const kept = s.gateway.journal.size;
    expect(kept).toBeLessThan(1500);

    const res = await fetch(`${base}/journal?dir=out`);
    const text = await res.text();
    expect(text.length).toBeLessThan(6 * 1024 * 1024);
    const first = JSON.parse(text) as Array<{ seq: number }>;
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(kept);
    expect(res.headers.get('x-journal-next-since-seq')).toBe(String(first.at(-1)!.seq));
    expect(res.headers.get('link')).toBe(`</journal?dir=out&sinceSeq=${first.at(-1)!.seq}>; rel="next"`);

    const all = await c.journal({ dir: 'out' });
    expect(all.map((e) => e.seq)).toEqual(s.gateway.journal.query({ dir: 'out' }).map((e) => e.seq));
    expect(all).toHaveLength(kept);
    expect((await c.journal({ limit: 3 })).map((e) => e.seq)).toEqual(all.slice(-3).map((e) => e.seq));
    const tooMany = await call(s.controlPort!, 'GET', '/journal?limit=5000');
    expect(tooMany.status).toBe(400);
    expect(await c.setJournal({ maxBytes: 1024 * 1024 })).toEqual({ enabled: true, capacity: 10_000, maxBytes: 1024 * 1024 });
    expect(s.gateway.journal.bytes).toBeLessThanOrEqual(1024 * 1024);
  });
});
