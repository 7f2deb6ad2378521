/**
 * The agreement check over real TCP (scenarios/modeled.ts `agreementAllowance`): a delay the model
 * did not schedule and that blocks no event loop is caught, however loaded the host; a stall of
 * the clients' event loop is forgiven because the run measured it. One client, one qualification,
 * at the incident scenarios' scale: each run takes well under a second.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../simulator/simulator.ts';
import { realEpochMs } from '../common/host-lateness.ts';
import { AAPL, actor, at } from './dsl.ts';
import { expectThat } from './expect.ts';
import { coveredMs } from './modeled.ts';
import { runScenario } from './runner.ts';
import type { Scenario } from './types.ts';
import { RunView, type RunRecord } from './view.ts';

const SCALE = 0.02;
const QUALIFY_WITHIN = expectThat.qualifiedWithin([AAPL], 2_000);

/** Keep this process's event loop busy for `ms` real ms, as a long GC pause or a busy callback would. */
function blockEventLoop(ms: number): void {
  const until = realEpochMs() + ms;
  while (realEpochMs() < until) {
    // busy: nothing else in this process runs, the simulator's timers included
  }
}

/**
 * A client that connects, then qualifies AAPL once, and runs `meanwhile` right after invoking the
 * qualification (the operation is recorded as invoked before the client's first await).
 */
function oneQualification(name: string, meanwhile: () => void, faults: Scenario['faults'] = []): Scenario {
  return {
    name,
    title: name,
    problem: 'A test of the agreement check itself.',
    gateway: { profile: 'lynx-paper' },
    timeScale: SCALE,
    processes: [
      {
        name: 'app',
        strategy: 'singleton',
        actors: [
          actor(
            'page',
            'ui',
            async (ctx) => {
              await ctx.client.connect();
              const qualified = ctx.client.qualify(AAPL).catch(() => undefined);
              meanwhile();
              await qualified;
            },
            { clientId: 5 },
          ),
        ],
      },
    ],
    faults,
    expect: [QUALIFY_WITHIN],
  };
}

/** The qualification's window, and how much of it the run measured late, real ms. */
function qualifyWindow(record: RunRecord): { sawRealMs: number; measuredRealMs: number } {
  const [q] = new RunView(record).qualified([AAPL.symbol]);
  if (!q?.end) throw new Error('AAPL was not qualified');
  return { sawRealMs: q.ms! * SCALE, measuredRealMs: coveredMs(record.hostLateness!.spans, q.invoke.at, q.end.at) * SCALE };
}

describe('the clients agree with the model within the lateness measured during the run', () => {
  it('catches 300 real ms the model did not schedule on the client’s path, with no event-loop stall', async () => {
    // A delay fault holds the request between transport and model: the model's contract-details
    // time starts when it is handed over, and waiting on a timer blocks nothing.
    const delayed = oneQualification('agreement-unscheduled-delay', () => {}, [
      at(0, { kind: 'delay', ms: 300 / SCALE, match: { message: 'REQ_CONTRACT_DATA' } }, 'a slow hop the model does not know about'),
    ]);
    const record = await runScenario(delayed, { target: 'sim', seed: 1 });
    expect(record.hostLateness?.measured).toEqual(['clients']);
    const { sawRealMs, measuredRealMs } = qualifyWindow(record);
    expect(sawRealMs).toBeGreaterThanOrEqual(300);
    expect(record.expectations).toEqual([
      {
        claim: QUALIFY_WITHIN.claim,
        ok: false,
        judged: 1,
        detail: expect.stringMatching(
          /^app\/page: the client saw \d+\.\d s, the gateway modeled \d\.\d s \(allowance \d+\.\d s, of which measured host lateness \d+\.\d s = \d+ real ms\)$/,
        ),
      },
    ]);
    // Only lateness measured over nearly all of the 300 ms could have forgiven it: a loop that late
    // all the time is a host this check could not judge on, and says so in the figures it prints.
    expect(measuredRealMs).toBeLessThan(290);
  });

  it('forgives a 60 ms stall of the clients’ event loop, because it was measured', async () => {
    const stalled = oneQualification('agreement-measured-stall', () => blockEventLoop(60));
    const record = await runScenario(stalled, { target: 'sim', seed: 1 });
    const { sawRealMs, measuredRealMs } = qualifyWindow(record);
    // The stall lies inside the qualification's window, and the sampler saw (nearly) all of it.
    expect(measuredRealMs).toBeGreaterThanOrEqual(55);
    expect(sawRealMs).toBeGreaterThanOrEqual(55);
    expect(record.expectations).toEqual([{ claim: QUALIFY_WITHIN.claim, ok: true, judged: 1 }]);
    // The former fixed allowance (20 real ms per step, still what a record without measured
    // lateness gets) could not have told this stall from a slow client.
    const { hostLateness: _, ...unmeasured } = record;
    expect(QUALIFY_WITHIN.check(new RunView(unmeasured)).holds).toMatch(/of fixed host noise: the run measured no lateness\)$/);
  });

  it('against a simulator that cannot measure itself (an older version), measures the clients alone', async () => {
    const sim = await startSimulator({ port: 0, controlPort: 0, timeScale: SCALE });
    // The control plane as an older simulator answers it: no sampleLateness, no GET /lateness.
    const older = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString();
      if (body.includes('sampleLateness') || req.url === '/lateness') {
        res.writeHead(req.url === '/lateness' ? 404 : 400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'reset body: unknown field "sampleLateness"' }));
        return;
      }
      const answer = await fetch(`http://127.0.0.1:${sim.controlPort}${req.url}`, {
        method: req.method!,
        ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}),
      });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
    await new Promise<void>((resolve) => older.listen(0, '127.0.0.1', resolve));
    try {
      const remote = { gateway: { host: '127.0.0.1', port: sim.port }, control: `http://127.0.0.1:${(older.address() as AddressInfo).port}` };
      const record = await runScenario(
        oneQualification('agreement-older-simulator', () => {}),
        { target: 'sim', seed: 1, remote },
      );
      expect(record.hostLateness?.measured).toEqual(['clients']);
      expect(record.expectations).toEqual([{ claim: QUALIFY_WITHIN.claim, ok: true, judged: 1 }]);
    } finally {
      await new Promise((resolve) => older.close(resolve));
      await sim.close();
    }
  });
});
