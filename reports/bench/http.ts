/**
 * `bench --http`: the collector's HTTP front (`serve`) per strategy, against an in-process
 * simulator, loaded by autocannon with concurrent POST /qualify over a mix of symbols. autocannon
 * measures what an HTTP caller sees (wall clock, whole-millisecond percentiles); the collector's
 * own op history says how long each qualify waited from enqueue, in model time, beside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { ScaledClock } from '../../common/clock.ts';
import { OpRecorder } from '../../common/op-history.ts';
import { createCollector } from '../../collector/collector.ts';
import { startServe } from '../../collector/serve/server.ts';
import type { StrategyName } from '../../collector/strategies/index.ts';
import { startSimulator } from '../../simulator/simulator.ts';
import { requestEvents, qualifyLatencies } from './metrics.ts';
import type { HttpResult } from './schema.ts';
import { percentile } from './stats.ts';
import { SYMBOLS } from './workload.ts';
import type { RunRecord } from '../../scenarios/view.ts';

export interface HttpLoadOptions {
  strategies: readonly StrategyName[];
  profile: string;
  timeScale: number;
  connections: number;
  durationSec: number;
  seed: number;
  /** How many of SYMBOLS the requests cycle through. */
  symbols?: number;
}

export async function httpLoad(o: HttpLoadOptions): Promise<HttpResult[]> {
  const out: HttpResult[] = [];
  for (const strategy of o.strategies) out.push(await loadOne(strategy, o));
  return out;
}

async function loadOne(strategy: StrategyName, o: HttpLoadOptions): Promise<HttpResult> {
  const clock = new ScaledClock(o.timeScale);
  const sim = await startSimulator({ port: 0, seed: o.seed, clock, profile: o.profile });
  let served = 0;
  sim.control.observe({ secdefServed: () => served++ });
  const dir = mkdtempSync(path.join(tmpdir(), 'ibkr-bench-http-'));
  const recorder = new OpRecorder(() => clock.now());
  const t0 = clock.now();
  const collector = await createCollector({ port: sim.port, strategy, process: 'serve', role: 'worker', clock, seed: o.seed, recorder, dataDir: dir });
  const serve = await startServe({ port: 0, collector, defaultMetrics: false });
  try {
    const mix = SYMBOLS.slice(0, o.symbols ?? 5).map((s) => JSON.stringify(s));
    let next = 0;
    const result = await autocannon({
      url: serve.url,
      connections: o.connections,
      duration: o.durationSec,
      requests: [
        {
          method: 'POST',
          path: '/qualify',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: mix[next++ % mix.length]! }),
        },
      ],
    });
    const health = collector.health();
    // The collector's history in the same shape as a scenario run's, to reuse the figures.
    const record = { startedAt: new Date(t0).toISOString(), history: [...recorder.events()] } as unknown as RunRecord;
    const lat = qualifyLatencies(requestEvents(record), clock.now() - t0);
    return {
      strategy,
      connections: o.connections,
      durationSec: o.durationSec,
      timeScale: o.timeScale,
      latencyMs: { mean: result.latency.mean, p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      requestsPerSec: result.requests.average,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      collector: {
        calls: lat.length,
        p50: lat.length ? percentile(lat, 50) : null,
        p99: lat.length ? percentile(lat, 99) : null,
        connections: health.connectionsOpened,
        gatewayRequests: served,
      },
    };
  } finally {
    await serve.close();
    await collector.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
