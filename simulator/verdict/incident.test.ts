/**
 * The verdict on the incident's designs, run by the collector's own strategies against the gateway
 * model in virtual time (each in-process client connects from `<process>:<n>`, so the verdict's
 * remote processes are the scenario's processes): duplicate collectors plus a timeout wrapper fail,
 * naming the 326 and the abandoned requests; the pooled design passes every check.
 */
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../scenarios/builtin/index.ts';
import { runScenario } from '../../scenarios/runner.ts';
import { VerdictAnalyser } from './analyser.ts';
import { verdictConfig } from './config.ts';
import { CHECK_IDS, parseVerdict, type CheckId, type Verdict } from './schema.ts';

async function verdictOf(name: string, failOn: readonly CheckId[]): Promise<Verdict> {
  const scenario = findScenario(name)!;
  const analyser = new VerdictAnalyser(verdictConfig());
  await runScenario(scenario, { target: 'virtual', seed: 1, journalSink: analyser.sink, lookup: findScenario });
  return parseVerdict(analyser.report({ failOn, final: true }));
}

describe('verdicts on the incident', () => {
  it('before the fix (duplicate collectors, timeout wrapper): fails on 326 and abandoned, with their evidence', async () => {
    const v = await verdictOf('tte-wln-before-fix', ['326', 'abandoned']);
    expect(v.pass).toBe(false);
    expect(v.failed).toEqual(['326', 'abandoned']);

    // The worker's health check on client id 1, refused while the first UI page held it.
    const clash = v.checks['326'].evidence[0]!;
    expect(clash.refused).toMatchObject({ clientId: 1, remote: expect.stringMatching(/^worker:\d+$/) });
    expect(clash.holder).toMatchObject({ clientId: 1, remote: expect.stringMatching(/^ui:\d+$/) });
    expect(clash.holderState).toBe('connected');
    expect(clash.tMs).toBeGreaterThan(0);

    // The wrapper re-sends after 3/15/20/30/60 s on the same connection; the gateway serves every
    // abandoned attempt, and the pages' connections close with requests still queued.
    const a = v.checks.abandoned;
    expect(a.byHow['re-sent']).toBeGreaterThan(50);
    const resent = a.evidence.find((e) => e.how === 're-sent')!;
    expect(resent.request).toMatchObject({ type: 'REQ_CONTRACT_DATA', conn: { remote: expect.stringMatching(/^ui:\d+$/) } });
    expect(resent.resentAs).toEqual(expect.any(Number));
    expect(resent.abandonedTMs - resent.request.tMs).toBeGreaterThanOrEqual(3_000);
    expect(resent.servedTMs).toBeGreaterThan(resent.abandonedTMs);
    expect(a.wastedServiceMs).toBeGreaterThan(10_000);

    // What else the incident shows, reported (not gating here).
    expect(v.found).toEqual(expect.arrayContaining(['concurrency', 'duplicate', 'secdef-wait']));
    expect(v.checks.concurrency.evidence[0]).toMatchObject({ process: 'ui', peak: 4 });
    const waits = v.checks['secdef-wait'];
    expect(waits.maxMs).toBeGreaterThan(30_000);
    expect(waits.culprits[0]!.host).toBe('ui');
    expect(waits.culprits[0]!.servedForNobody).toBeGreaterThan(0);
  });

  it('pooled (one leased session per process, shared qualification): passes every check', async () => {
    const v = await verdictOf('tte-wln-pooled', CHECK_IDS);
    expect(v.found).toEqual([]);
    expect(v.pass).toBe(true);
    expect(v.summary).toMatchObject({ connections: 2, apiSessions: 2, hosts: 2 });
    expect(v.remoteProcess).toMatchObject({ by: 'host', count: 2 });
  });
});
