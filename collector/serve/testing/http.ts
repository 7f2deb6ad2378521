/**
 * A tiny HTTP client for tests of `serve` over real HTTP: JSON posts, gets, and polling /health.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { startSimulator, type Simulator } from '../../../simulator/simulator.ts';
import { startServe, type ServeHandle, type ServeOptions } from '../server.ts';

/** POST a JSON body (a string is sent as is, to test malformed JSON); the answer parsed. */
export async function post(serve: ServeHandle, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${serve.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** GET a path; the raw text and content type. */
export async function get(serve: ServeHandle, path: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(`${serve.url}${path}`);
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

/** Poll GET /health until `pred` holds on its JSON; fails after `wallMs` (wall ms) with the last answer. */
export async function healthWhen(serve: ServeHandle, pred: (h: any, status: number) => boolean, wallMs = 5_000): Promise<any> {
  const until = Date.now() + wallMs;
  for (;;) {
    const r = await get(serve, '/health');
    const h = JSON.parse(r.text);
    if (pred(h, r.status)) return { ...h, status: r.status };
    if (Date.now() > until) throw new Error(`/health never matched within ${wallMs} ms; last: ${r.status} ${r.text}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The usual set-up of a serve test: a simulator (instant profile, seed 1) over real TCP, a temp
 * data dir, and `start()` for a serve on a free port in front of it; all closed and removed after
 * each test.
 */
export function serveFixture(prefix: string) {
  const f = {
    sim: undefined as unknown as Simulator,
    dir: '',
    serve: undefined as ServeHandle | undefined,
    async start(opts: ServeOptions = {}): Promise<ServeHandle> {
      f.serve = await startServe({ port: 0, gatewayPort: f.sim.port, dataDir: f.dir, seed: 5, defaultMetrics: false, ...opts });
      return f.serve;
    },
  };
  beforeEach(async () => {
    f.sim = await startSimulator({ port: 0, profile: 'instant', seed: 1 });
    f.dir = mkdtempSync(path.join(tmpdir(), prefix));
  });
  afterEach(async () => {
    // The temp dir goes even when closing fails or is slow on a loaded machine.
    try {
      await f.serve?.close();
      f.serve = undefined;
      await f.sim.close();
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  }, 30_000);
  return f;
}
