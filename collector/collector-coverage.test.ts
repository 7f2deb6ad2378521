/**
 * The run result tells the truth about history: a symbol the gateway had no data for is
 * `no-data` with IB's reason, not `ok`; a collection that failed part-way says what it holds and
 * which windows are gaps. The library facade on the gateway model in virtual time.
 */
import { describe, expect, it } from 'vitest';
import { createCollector, type Collector } from './collector.ts';
import { InMemoryLeaseStore } from './ids/index.ts';
import { AFTER_CLOSE, autoCleanup, drive, virtualEnv, type VirtualEnv } from './testing/env.ts';

const { later } = autoCleanup();

async function collectorOn(env: VirtualEnv): Promise<Collector> {
  const c = await createCollector({
    connector: env.connector,
    clock: env.clock,
    dbPath: ':memory:',
    leaseStore: new InMemoryLeaseStore({ clock: env.clock }),
    strategy: 'pooled',
    seed: 1,
  });
  later(() => c.close());
  return c;
}

describe('the run result reports coverage', () => {
  it('"no data" (162) for the whole window is status no-data with IB\'s reason, and the run is not a success', async () => {
    const SUNDAY_NOON = Date.UTC(2025, 10, 16, 17, 0, 0);
    const env = virtualEnv({ profile: 'ibkr-paper', start: SUNDAY_NOON });
    const c = await collectorOn(env);
    const out = await drive(env.clock, c.collect({ symbols: 'AAPL:USD,MSFT:USD', duration: '86400 S', barSize: '1 hour' }));
    expect(out.status).toBe('failed');
    for (const r of out.results) {
      expect(r).toMatchObject({ status: 'no-data', barsStored: 0, error: { code: 'NO_DATA', message: expect.stringMatching(/HMDS query returned no data/) } });
      expect(r.coverage).toMatchObject({ held: [], gaps: [], noData: [{ start: SUNDAY_NOON / 1000 - 86_400, end: SUNDAY_NOON / 1000, final: false }] });
    }
    expect(c.store.getRun(out.runId)).toMatchObject({ status: 'failed', errors: [{ code: 'NO_DATA' }, { code: 'NO_DATA' }] });
  });

  it('a collection that failed part-way reports what it holds and the gaps it left', async () => {
    const env = virtualEnv({ profile: 'ibkr-paper', start: AFTER_CLOSE });
    // Four days of 1-minute bars take four requests of 86400 S; the gateway rejects the third.
    env.faults.apply({ kind: 'error', code: 321, text: 'Error validating request', match: { message: 'REQ_HISTORICAL_DATA' }, after: 2, times: 1 });
    const c = await collectorOn(env);
    const out = await drive(
      env.clock,
      c.collect({ symbols: 'AAPL:USD', duration: '345600 S', barSize: '1 min' }).catch((e: unknown) => e),
    );
    expect(out).toMatchObject({ status: 'failed' });
    const [r] = (out as Awaited<ReturnType<Collector['collect']>>).results;
    expect(r).toMatchObject({ status: 'failed', conId: 265598, error: { code: 'GATEWAY_REJECTED' } });
    const end = AFTER_CLOSE / 1000;
    const day = 86_400;
    // Newest first: the last two days are held, the two before are a gap.
    expect(r!.coverage).toMatchObject({
      window: { start: end - 4 * day, end },
      held: [{ start: end - 2 * day, end }],
      gaps: [{ start: end - 4 * day, end: end - 2 * day }],
    });
  });
});
