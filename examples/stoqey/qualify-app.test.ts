/**
 * The @stoqey/ib example (examples/stoqey/qualify-app.mjs) run as a user would, with plain node,
 * against a simulator: the incident's design gets 326 for its second client id 1 and abandons
 * the requests a delay fault holds back; the fixed design qualifies everything over one connection.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONID } from '../../common/testing/fixtures.ts';
import { startSimulator, type Simulator } from '../../simulator/simulator.ts';

const run = promisify(execFile);
const APP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'qualify-app.mjs');
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, profile: 'instant' });
});
afterAll(() => sim.close());

async function app(design: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [APP, design], {
    env: { ...process.env, IBKR_HOST: '127.0.0.1', IBKR_PORT: String(sim.port) },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('the @stoqey/ib example app', () => {
  it('incident design: the worker gets 326 for client id 1; fixed design: one connection, all qualified', async () => {
    // The first request for each symbol answers after 200 model ms: the incident's 5 ms timeout gives up on it.
    for (const symbol of ['TTE', 'WLN', 'AAPL']) {
      await sim.control.apply({ kind: 'delay', ms: 200, match: { message: 'REQ_CONTRACT_DATA', symbol }, times: 1 });
    }
    const [incident, fixed] = [await app('incident'), await app('fixed')];
    const qualified = { TTE: CONID.TTE_SBF, WLN: CONID.WLN, AAPL: CONID.AAPL };
    expect(incident.connections).toEqual([
      { role: 'ui', clientId: 1 },
      { role: 'worker', clientId: 1, error: 326 },
    ]);
    expect(incident.qualified).toEqual(qualified);
    expect(incident.abandoned).toBeGreaterThanOrEqual(3);
    expect(fixed).toMatchObject({ connections: [{ role: 'app' }], qualified, abandoned: 0 });
    expect(fixed.connections).toEqual([{ role: 'app', clientId: expect.any(Number) }]);
  });
});
