/**
 * Properties of the gateway model in virtual time:
 *  - determinism: the same workload and seed give the same journal, entry for entry; another seed
 *    gives other service times (lynx-paper draws them from a log-normal).
 * Sessions and client ids are checked against a reference model in client-ids.property.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParams } from '../../common/testing/property-params.ts';
import type { JournalEntry } from './journal.ts';
import { CONID, contractReq, currentTime, endAt, harness, histReq, type TestClient } from '../testing/model-harness.ts';

const FILE = 'simulator/model/gateway.property.test.ts';

// ---- determinism ---------------------------------------------------------------------------------

const SYMBOLS = ['AAPL', 'MSFT', 'TSLA', 'AMD', 'TTE', 'WLN', 'SAP', 'NOSUCH', 'ZZZZ', ''] as const;
const CONIDS = [CONID.AAPL, CONID.MSFT, CONID.TSLA, CONID.AMD, 123] as const;

type Event =
  | { kind: 'contract'; client: number; at: number; symbol: string; currency: string }
  | { kind: 'hist'; client: number; at: number; conId: number; barSize: string; end: number; what: string }
  | { kind: 'cancel'; client: number; at: number; target: number }
  | { kind: 'time'; client: number; at: number }
  | { kind: 'close'; client: number; at: number; clean: boolean };

interface Workload {
  clients: Array<{ clientId: number; startAt: number }>;
  events: Event[];
}

const at = fc.integer({ min: 0, max: 4_000 });
const client = fc.nat({ max: 3 });
const eventArb: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('contract' as const),
      client,
      at,
      symbol: fc.constantFrom(...SYMBOLS),
      currency: fc.constantFrom('', 'USD', 'EUR'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('hist' as const),
      client,
      at,
      conId: fc.constantFrom(...CONIDS),
      barSize: fc.constantFrom('5 secs', '1 hour'),
      end: fc.nat({ max: 5 }),
      what: fc.constantFrom('TRADES', 'BID_ASK', 'MIDPOINT'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), client, at, target: fc.nat({ max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('time' as const), client, at }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), client, at: fc.integer({ min: 1_000, max: 4_000 }), clean: fc.boolean() }) },
);
const workloadArb: fc.Arbitrary<Workload> = fc.record({
  clients: fc.array(fc.record({ clientId: fc.integer({ min: 1, max: 5 }), startAt: fc.integer({ min: 0, max: 800 }) }), { minLength: 1, maxLength: 4 }),
  events: fc.array(eventArb, { maxLength: 40, size: 'large' }),
});

interface RunResult {
  journal: JournalEntry[];
  serviceTimes: number[];
  endedAt: number;
}

async function runWorkload(w: Workload, seed: number): Promise<RunResult> {
  const h = harness({ profile: 'lynx-paper', seed });
  const serviceTimes: number[] = [];
  h.gw.observe({ secdefServed: (_wait, service) => serviceTimes.push(service) });
  const conns: TestClient[] = w.clients.map(() => h.connect());
  type Step = { at: number; order: number; run: () => void };
  const steps: Step[] = [];
  for (const [i, c] of w.clients.entries()) {
    steps.push({ at: c.startAt, order: -1, run: () => conns[i]!.closed || conns[i]!.startApi(c.clientId) });
  }
  w.events.forEach((e, n) => {
    const reqId = n + 1;
    steps.push({
      at: e.at,
      order: n,
      run: () => {
        const c = conns[e.client % conns.length]!;
        if (c.closed) return;
        switch (e.kind) {
          case 'contract':
            return c.send(contractReq(reqId, e.symbol, { currency: e.currency }));
          case 'hist':
            return c.send(
              histReq(reqId, {
                conId: e.conId,
                barSize: e.barSize,
                duration: e.barSize === '1 hour' ? '1 D' : '1800 S',
                endDateTime: endAt(e.end),
                whatToShow: e.what,
              }),
            );
          case 'cancel':
            return c.send({ type: 'CANCEL_HISTORICAL_DATA', reqId: e.target });
          case 'time':
            return c.send(currentTime());
          case 'close':
            return c.conn.close(e.clean);
        }
      },
    });
  });
  steps.sort((a, b) => a.at - b.at || a.order - b.order);
  for (const s of steps) {
    const wait = s.at - h.elapsed();
    if (wait > 0) await h.advance(wait);
    s.run();
  }
  await h.clock.runUntilIdle();
  return { journal: h.gw.journal.query(), serviceTimes, endedAt: h.clock.now() };
}

describe('determinism', () => {
  it('the same workload and seed give identical journals (types, times, fields)', async () => {
    await fc.assert(
      fc.asyncProperty(workloadArb, fc.integer({ min: 1, max: 1_000_000 }), async (w, seed) => {
        const a = await runWorkload(w, seed);
        const b = await runWorkload(w, seed);
        expect(b.journal.length).toBe(a.journal.length);
        expect(b.journal).toEqual(a.journal);
        expect(b.serviceTimes).toEqual(a.serviceTimes);
        expect(b.endedAt).toBe(a.endedAt);
      }),
      propertyParams(FILE, 100),
    );
  });

  it('another seed gives other service times (lynx-paper)', async () => {
    const withContracts = workloadArb.filter((w) => w.events.some((e) => e.kind === 'contract'));
    await fc.assert(
      fc.asyncProperty(withContracts, fc.integer({ min: 1, max: 1_000_000 }), async (w, seed) => {
        const a = await runWorkload(w, seed);
        const b = await runWorkload(w, seed + 1);
        // (Which requests get served may differ too: a client that leaves during its login loses
        // the requests it queued, and the login time is drawn.) The service times drawn differ.
        const n = Math.min(a.serviceTimes.length, b.serviceTimes.length);
        if (n > 0) expect(b.serviceTimes.slice(0, n)).not.toEqual(a.serviceTimes.slice(0, n));
        // Login latencies are drawn too: once anyone logged in, the journals differ in time.
        if (a.journal.some((e) => e.message.type === 'NEXT_VALID_ID')) expect(b.journal.map((e) => e.at)).not.toEqual(a.journal.map((e) => e.at));
      }),
      propertyParams(FILE, 100),
    );
  });
});
