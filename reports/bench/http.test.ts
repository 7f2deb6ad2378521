/** `bench --http`: serve per strategy against an in-process simulator, loaded by autocannon. */
import { describe, expect, it } from 'vitest';
import { httpLoad } from './http.ts';

describe('HTTP load on serve', () => {
  it('reports autocannon figures beside the collector’s own, per strategy', async () => {
    const [pooled, perPage] = await httpLoad({
      strategies: ['pooled', 'per-page'],
      profile: 'instant',
      timeScale: 0.05,
      connections: 4,
      durationSec: 1,
      seed: 1,
      symbols: 3,
    });
    for (const r of [pooled!, perPage!]) {
      expect(r.requests).toBeGreaterThan(10);
      expect(r.non2xx).toBe(0);
      expect(r.errors).toBe(0);
      expect(r.latencyMs.mean).toBeGreaterThan(0);
      // autocannon's percentiles are whole milliseconds.
      expect(Number.isInteger(r.latencyMs.p50)).toBe(true);
      expect(r.collector.calls).toBeGreaterThanOrEqual(r.requests);
    }
    // Pooled: one session, three symbols asked of the gateway once each, then the cache.
    expect(pooled!.collector.connections).toBe(1);
    expect(pooled!.collector.gatewayRequests).toBe(3);
    // Per-page: a connection and a gateway request for every call.
    expect(perPage!.collector.connections).toBeGreaterThan(10);
    expect(perPage!.collector.gatewayRequests).toBeGreaterThan(10);
  }, 20_000);
});
