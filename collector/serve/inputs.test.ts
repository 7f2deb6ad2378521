/**
 * Inputs that used to kill `serve` or let one request tie it up, over real HTTP against the
 * simulator over real TCP: deadlines of a few nanoseconds (a timer firing before the code waiting
 * on it existed, then an unhandled rejection), and /collect with thousands of symbols.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ServeHandle } from './server.ts';
import { MAX_SYMBOLS, MIN_DEADLINE_MS } from './bodies.ts';
import { get, post, serveFixture } from './testing/http.ts';

const f = serveFixture('serve-inputs-');
let serve: ServeHandle;
beforeEach(async () => {
  serve = await f.start();
});

const HOURLY = { duration: '1 D', barSize: '1 hour' };

describe('serve inputs', () => {
  it('tiny, zero, negative and huge deadlines are a 400 naming the bounds; the process keeps serving', async () => {
    for (const deadlineMs of [1e-9, 1e-6, 1e-3, 0, MIN_DEADLINE_MS - 1, -1, 1e308]) {
      const q = await post(serve, '/qualify', { symbol: 'MSFT:USD', deadlineMs });
      expect([deadlineMs, q.status, q.body.error]).toEqual([deadlineMs, 400, `deadlineMs: must be a number of ms between ${MIN_DEADLINE_MS} and 600000`]);
      const c = await post(serve, '/collect', { symbols: ['MSFT:USD'], ...HOURLY, deadlineMs });
      expect([deadlineMs, c.status]).toEqual([deadlineMs, 400]);
    }
    // The smallest allowed deadline is answered (in time or as a timeout), never a 500.
    const edge = await post(serve, '/qualify', { symbol: 'MSFT:USD', deadlineMs: MIN_DEADLINE_MS });
    expect([200, 504]).toContain(edge.status);
    expect((await get(serve, '/health')).status).toBe(200);
  });

  it('a window of thousands of years is a 400 before anything reaches the gateway; /health keeps answering', async () => {
    expect((await post(serve, '/qualify', { symbol: 'MSFT:USD' })).status).toBe(200); // connected, so /health is 200
    const r = await post(serve, '/collect', { symbols: ['MSFT:USD'], duration: '9999 Y', barSize: '1 min' });
    expect([r.status, r.body.error]).toEqual([400, expect.stringMatching(/^duration: "9999 Y" reaches back further than the 68 Y IB lists/)]);
    const two = await post(serve, '/collect', { symbols: ['MSFT:USD'], duration: '2 Y', barSize: '1 min' });
    expect([two.status, two.body.error]).toEqual([400, expect.stringMatching(/needs about 730 requests, more than the collector's cap of 720/)]);
    expect((await get(serve, '/health')).status).toBe(200);
    expect(f.sim.gateway.journal.query({ type: 'REQ_HISTORICAL_DATA' })).toHaveLength(0);
  });

  it('the library API with a deadline of 1e-9 ms fails that call with a timeout and nothing else', async () => {
    const err = await serve.collector.qualify({ symbol: 'MSFT', currency: 'USD' }, { deadlineMs: 1e-9 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    expect(await serve.collector.qualify({ symbol: 'MSFT', currency: 'USD' })).toMatchObject({ kind: 'qualified' });
  });

  it(`/collect takes at most ${MAX_SYMBOLS} symbols: more is a 400 before anything reaches the gateway`, async () => {
    const many = Array.from({ length: MAX_SYMBOLS + 1 }, (_, i) => `S${i}:USD`);
    const asList = await post(serve, '/collect', { symbols: many, ...HOURLY });
    expect(asList.status).toBe(400);
    expect(asList.body.error).toBe(`symbols: at most ${MAX_SYMBOLS} symbols per request; send several requests`);
    const asText = await post(serve, '/collect', { symbols: many.join(','), ...HOURLY });
    expect(asText.status).toBe(400);
    expect(asText.body.error).toMatch(new RegExp(`^symbols: at most ${MAX_SYMBOLS} symbols per request, got ${MAX_SYMBOLS + 1}`));
    expect(f.sim.gateway.journal.query({ type: 'REQ_CONTRACT_DATA' })).toHaveLength(0);
  });

  it('work past a /collect deadline is abandoned: no lookups reach the gateway after the answer was sent', async () => {
    // Connected first, so that the deadline covers lookups only, never a login slowed by host load.
    expect((await post(serve, '/qualify', { symbol: 'MSFT:USD' })).status).toBe(200);
    // Every lookup takes 200 ms to reach the gateway; the qualifier sends one at a time.
    f.sim.faults.apply({ kind: 'delay', ms: 200, match: { message: 'REQ_CONTRACT_DATA' } });
    const symbols = Array.from({ length: 20 }, (_, i) => `NOSUCH${i}:USD`);
    const before = f.sim.gateway.journal.query({ type: 'REQ_CONTRACT_DATA' }).length;
    const r = await post(serve, '/collect', { symbols, ...HOURLY, deadlineMs: 300 });
    const codes = r.body.results.map((x: { error?: { code: string } }) => x.error?.code ?? 'ok');
    // Past the deadline a symbol ends as REQUEST_TIMEOUT (its lookup was waiting) or DEADLINE_EXCEEDED
    // (the deadline passed between two steps, as it does under host load): either way, not served.
    expect(codes.filter((c: string) => c === 'REQUEST_TIMEOUT' || c === 'DEADLINE_EXCEEDED').length, codes.join(',')).toBeGreaterThan(15);
    const lookups = () => f.sim.gateway.journal.query({ type: 'REQ_CONTRACT_DATA' }).length - before;
    const atAnswer = lookups();
    await new Promise((done) => setTimeout(done, 2_000));
    // After the answer, at most the one lookup already on the wire (sent one at a time, each 200 ms
    // on its way); unabandoned work would have added about ten in these 2 s.
    expect(lookups() - atAnswer).toBeLessThanOrEqual(1);
    // In all, a handful: the deadline is per symbol, and serve runs 16 symbols at once
    // (COLLECT_CONCURRENCY), so the first 16 share the lookups of their 300 ms (at 0 and 200 ms) and
    // the last 4 start when those end, with 300 ms of their own (one or two more lookups, as host
    // load stretches the gap between the two waves).
    expect(atAnswer).toBeLessThanOrEqual(4);
  });
});
