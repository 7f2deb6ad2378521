/**
 * The read-only live subset, for a real IB Gateway or TWS at IBKR_HOST:IBKR_PORT (default
 * 127.0.0.1:4002, the paper gateway): connect, qualify the incident's five symbols, see 326 from a
 * second connection with the same client id, and one small history request within pacing.
 *
 * Safety rules: it refuses to run unless every managed account is a paper account (DU followed
 * by digits: collector/live-guard.ts, the guard every command uses), it never sends an order
 * (placeOrder is disabled on every client it creates), and it asks for little enough to stay far
 * from IB's pacing limits. CI runs it against the simulator to prove the suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventName, IBApi } from '@stoqey/ib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableNagle } from '../../collector/adapters/stoqey-connector.ts';
import { createCollector, type Collector } from '../../collector/collector.ts';
import { checkAccounts } from '../../collector/live-guard.ts';
import { parseManagedAccounts } from '../../common/ib/accounts.ts';

const HOST = process.env.IBKR_HOST ?? '127.0.0.1';
const PORT = Number(process.env.IBKR_PORT ?? 4002);
/** A client id unlikely to be in use by the user's own tools (override with IBKR_CLIENT_ID). */
const CLIENT_ID = Number(process.env.IBKR_CLIENT_ID ?? 917);

const apis: IBApi[] = [];

/** An IBApi that cannot place orders, whatever a test does by mistake. */
function readOnlyApi(): IBApi {
  const api = new IBApi({ host: HOST, port: PORT });
  api.placeOrder = () => {
    throw new Error('the live suite never places orders');
  };
  apis.push(api);
  return api;
}

function connect(api: IBApi, clientId: number): Promise<{ accounts: string }> {
  return new Promise((resolve, reject) => {
    let accounts = '';
    const timer = setTimeout(() => reject(new Error(`no answer from ${HOST}:${PORT} within 10 s`)), 10_000);
    api.once(EventName.managedAccounts, (a: string) => (accounts = a));
    api.once(EventName.nextValidId, () => {
      clearTimeout(timer);
      // managedAccounts and nextValidId arrive together; give the first a turn to land.
      setImmediate(() => resolve({ accounts }));
    });
    api.once(EventName.error, (err: Error, code: number) => {
      if (code === 502) {
        clearTimeout(timer);
        reject(new Error(`cannot reach ${HOST}:${PORT}: ${err.message}`));
      }
    });
    api.connect(clientId);
    disableNagle(api);
  });
}

let first: IBApi;
let collector: Collector;
let dataDir: string;

beforeAll(async () => {
  first = readOnlyApi();
  const { accounts } = await connect(first, CLIENT_ID);
  try {
    // The live guard every command uses: paper accounts (DU + digits, exactly) only, no override.
    checkAccounts(`${HOST}:${PORT}`, parseManagedAccounts(accounts), { allowLive: false, what: 'the live suite' });
  } catch (err) {
    first.disconnect();
    throw err;
  }
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ibkr-live-'));
  collector = await createCollector({ host: HOST, port: PORT, strategy: 'pooled', dataDir, role: 'worker', deadlineMs: 60_000 });
}, 30_000);

afterAll(async () => {
  for (const api of apis) api.disconnect();
  await collector?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe(`live gateway at ${HOST}:${PORT}`, () => {
  it('is a paper account and answers the current time', async () => {
    const time = await new Promise<number>((resolve) => {
      first.once(EventName.currentTime, resolve);
      first.reqCurrentTime();
    });
    expect(Math.abs(time * 1000 - Date.now())).toBeLessThan(24 * 3600_000);
  });

  it("qualifies the incident's five symbols", async () => {
    for (const s of ['TTE:EUR', 'WLN:EUR', 'AAPL:USD', 'TSLA:USD', 'MSFT:USD']) {
      const r = await collector.qualify(s);
      expect(r.kind, s).toBe('qualified');
      if (r.kind === 'qualified') {
        expect(r.contract.symbol).toBe(s.split(':')[0]);
        expect(r.contract.currency).toBe(s.split(':')[1]);
        expect(r.contract.conId).toBeGreaterThan(0);
      }
    }
  });

  it('refuses a second connection with a client id in use (326, on `info`) and keeps the first', async () => {
    const second = readOnlyApi();
    const codes: number[] = [];
    second.on(EventName.info, (_m: string, code: number) => codes.push(code));
    const closed = new Promise<void>((r) => second.once(EventName.disconnected, () => r()));
    second.connect(CLIENT_ID);
    await closed;
    expect(codes).toContain(326);
    const stillThere = await new Promise<number>((resolve) => {
      first.once(EventName.currentTime, resolve);
      first.reqCurrentTime();
    });
    expect(stillThere).toBeGreaterThan(0);
  });

  it('serves one small history request within pacing', async () => {
    const run = await collector.collect({ symbols: 'AAPL:USD', duration: '1 D', barSize: '1 hour' });
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({ symbol: 'AAPL:USD', status: 'ok' });
    expect(run.results[0]!.barsStored).toBeGreaterThan(0);
  });
});
