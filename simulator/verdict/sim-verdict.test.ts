/**
 * Verdicts from a simulator over real TCP, judging unmodified @stoqey/ib clients written the
 * incident's way: a second client on a taken client id (326), and a timeout wrapper that re-sends a
 * qualification and then gives up on the connection. `GET /verdict` reports while they run; the
 * simulator writes verdict.json / .md / .html when it stops, with the clients' evidence.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventName, IBApi, SecType, type Contract } from '@stoqey/ib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlClient, ControlError } from '../control/control-client.ts';
import { startSimulator, type Simulator } from '../simulator.ts';
import { parseVerdict } from './schema.ts';

let dir: string;
let sim: Simulator;
let control: ControlClient;
const apis: IBApi[] = [];

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'verdict-'));
  // Every contract-details request takes 10 model s (100 real ms at this scale): later requests queue.
  sim = await startSimulator({
    port: 0,
    controlPort: 0,
    profile: 'ibkr-paper',
    overrides: { secdef: { service: { median: 10_000, sigma: 0 } } },
    timeScale: 0.01,
    seed: 3,
    verdict: { dir, failOn: ['326', 'abandoned'] },
  });
  control = new ControlClient(`http://127.0.0.1:${sim.controlPort}`);
});

afterEach(async () => {
  for (const api of apis.splice(0)) api.disconnect();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

function ready(clientId: number): Promise<IBApi> {
  const api = new IBApi({ host: '127.0.0.1', port: sim.port });
  apis.push(api);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`client ${clientId}: no nextValidId`)), 10_000);
    api.once(EventName.nextValidId, () => {
      clearTimeout(t);
      resolve(api);
    });
    api.connect(clientId);
  });
}

const stock = (symbol: string, currency: string): Contract => ({ symbol, secType: SecType.STK, exchange: 'SMART', currency });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ask `probe` every 10 real ms until it holds (false after `timeoutMs`). */
async function until(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(10)) if (await probe()) return true;
  return false;
}

describe('sim --verdict judging @stoqey/ib clients over TCP', () => {
  it('names the 326 and the abandoned requests, live on GET /verdict and in the files written at stop', async () => {
    const ui = await ready(1);
    const uiSession = (await control.sessions()).find((s) => s.clientId === 1)!.sessionId;

    // A worker on the UI's client id: refused with 326, and closed.
    const worker = new IBApi({ host: '127.0.0.1', port: sim.port });
    apis.push(worker);
    const refused = new Promise<number>((r) => worker.on(EventName.info, (_m: string, code: number) => code === 326 && r(code)));
    const closed = new Promise<void>((r) => worker.once(EventName.disconnected, () => r()));
    worker.connect(1);
    expect(await refused).toBe(326);
    await closed;

    // A page with a timeout wrapper: WLN and AAPL queue first, TTE is asked, re-sent, then the
    // page gives up and disconnects; the gateway serves all of it anyway.
    const page = await ready(7);
    page.reqContractDetails(11, stock('WLN', 'EUR'));
    page.reqContractDetails(12, stock('AAPL', 'USD'));
    page.reqContractDetails(13, stock('TTE', 'EUR'));
    await sleep(20); // the wrapper's "timeout": 2 model s
    page.reqContractDetails(14, stock('TTE', 'EUR'));
    const resent = async () => (await control.journal({ type: 'REQ_CONTRACT_DATA', dir: 'in' })).some((e) => e.message.reqId === 14);
    expect(await until(resent)).toBe(true);
    page.disconnect();
    expect(await until(async () => (await control.secdefServed()).length === 4)).toBe(true);

    // While running: the verdict so far, over HTTP.
    const live = await control.verdict();
    expect(live).toMatchObject({ final: false, pass: false, failed: ['326', 'abandoned'] });
    expect(await control.verdictMarkdown({ failOn: ['pacing'] })).toMatch(/^## ✅ ibkr-harness verdict: passed \(fail-on: pacing\)/);
    await expect(control.verdict({ failOn: ['326'] })).resolves.toMatchObject({ failOn: ['326'], failed: ['326'] });

    ui.disconnect();
    const { verdict: written } = await sim.stop();
    expect(written?.verdict.final).toBe(true);
    const v = parseVerdict(JSON.parse(readFileSync(path.join(dir, 'verdict.json'), 'utf8')));
    expect(v).toMatchObject({ schema: 'ibkr-harness/verdict@1', final: true, pass: false, failed: ['326', 'abandoned'] });

    const clash = v.checks['326'].evidence;
    expect(clash).toHaveLength(1);
    expect(clash[0]).toMatchObject({
      refused: { clientId: 1, remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/) },
      holder: { sessionId: uiSession, clientId: 1, remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/) },
      holderState: 'connected',
    });
    expect(clash[0]!.refused.sessionId).not.toBe(uiSession);

    const abandoned = v.checks.abandoned;
    const byReq = new Map(abandoned.evidence.map((e) => [e.request.reqId, e]));
    expect(byReq.get(13)).toMatchObject({ how: 're-sent', resentAs: 14, request: { contract: 'TTE STK SMART EUR', conn: { clientId: 7 } } });
    expect(byReq.get(14)).toMatchObject({ how: 'disconnected', request: { contract: 'TTE STK SMART EUR' } });
    for (const reqId of [13, 14]) {
      const e = byReq.get(reqId)!;
      expect(e.servedTMs).toBeGreaterThan(e.abandonedTMs);
      expect(e.serviceMs).toBe(10_000);
    }
    expect(abandoned.wastedServiceMs).toBeGreaterThanOrEqual(20_000);

    const md = readFileSync(path.join(dir, 'verdict.md'), 'utf8');
    expect(md).toMatch(/^## ❌ ibkr-harness verdict: failed: 326, abandoned/);
    expect(md).toContain('re-sent as reqId 14');
    expect(md.length).toBeLessThan(65_536);
    const html = readFileSync(path.join(dir, 'verdict.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('session 3 · client 7');
    // Self-contained: nothing loaded from elsewhere.
    expect(html).not.toMatch(/<script|<link|\ssrc=|url\(http/i);
  });

  it('GET /verdict refuses an unknown check id, naming the known ones', async () => {
    const err = await control.verdict({ failOn: ['nope' as never] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlError);
    expect((err as ControlError).status).toBe(400);
    expect((err as ControlError).message).toContain('failOn: unknown check "nope"; known: 326, churn');
  });
});
