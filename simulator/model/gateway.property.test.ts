/**
 * Properties of the gateway model in virtual time:
 *  - determinism: the same workload and seed give the same journal, entry for entry; another seed
 *    gives other service times (lynx-paper draws them from a log-normal);
 *  - client ids (model-based): for any interleaving of connects, START_APIs, clean and unclean
 *    disconnects, drops and time steps, no id is ever live twice, the registry's live ids are exactly
 *    the ids of sessions logging in or ready, and 326 comes exactly when a simple reference model
 *    (live ids + grace deadlines) says the id is taken.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from './journal.ts';
import { CONID, contractReq, currentTime, endAt, harness, histReq, TEXT, type TestClient } from '../testing/model-harness.ts';

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
      { numRuns: 100 },
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
      { numRuns: 100 },
    );
  });
});

// ---- client ids, model-based -----------------------------------------------------------------------

type Cmd =
  | { k: 'connect' }
  | { k: 'start'; conn: number; id: number }
  | { k: 'close'; conn: number; clean: boolean }
  | { k: 'drop'; conn: number }
  | { k: 'advance'; ms: number };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ k: 'connect' as const }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('start' as const), conn: fc.nat({ max: 20 }), id: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('close' as const), conn: fc.nat({ max: 20 }), clean: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('drop' as const), conn: fc.nat({ max: 20 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('advance' as const), ms: fc.constantFrom(0, 1, 50, 300, 1_000, 5_000, 20_000, 29_999, 30_000, 31_000) }) },
);

describe('client ids (model-based)', () => {
  it('never two live sessions with one id; registry = sessions logging in or ready; 326 exactly when the id is taken', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmdArb, { minLength: 1, maxLength: 60, size: 'max' }), fc.integer({ min: 1, max: 1_000 }), async (cmds, seed) => {
        const h = harness({ profile: 'ibkr-paper', seed });
        const grace = h.gw.profile.connections.idGraceMs;
        const conns: TestClient[] = [];
        /** Reference model: id → end of its grace period. */
        const held = new Map<number, number>();
        const holding = (c: TestClient) => (c.session.state === 'login' || c.session.state === 'ready' ? c.session.clientId : null);
        /** The n-th (mod count) connection matching `pred`, so most commands find a target. */
        const pick = (n: number, pred: (c: TestClient) => boolean) => {
          const xs = conns.filter(pred);
          return xs.length === 0 ? undefined : xs[n % xs.length];
        };

        for (const cmd of cmds) {
          const now = h.clock.now();
          switch (cmd.k) {
            case 'connect':
              conns.push(h.connect());
              break;
            case 'start': {
              const c = pick(cmd.conn, (x) => !x.closed && x.session.state === 'awaiting-start');
              if (!c) break;
              const live = h.gw.listSessions().some((s) => (s.state === 'login' || s.state === 'ready') && s.clientId === cmd.id);
              const taken = live || (held.get(cmd.id) ?? -Infinity) > now;
              c.clear();
              c.startApi(cmd.id);
              await h.advance(0);
              if (taken) {
                expect(c.errors().map((e) => [e.msg.id, e.msg.code, e.msg.message])).toEqual([[-1, 326, TEXT.inUse]]);
                expect(c.closed).toBe(true);
              } else {
                expect(c.errors(326)).toEqual([]);
                expect(['login', 'ready']).toContain(c.session.state);
                held.delete(cmd.id);
              }
              break;
            }
            case 'close': {
              const c = pick(cmd.conn, (x) => !x.closed);
              if (!c) break;
              const id = holding(c);
              c.conn.close(cmd.clean);
              if (id !== null && !cmd.clean) held.set(id, now + grace);
              break;
            }
            case 'drop': {
              const c = pick(cmd.conn, (x) => x.session.isOpen);
              if (!c) break;
              const id = holding(c);
              h.faults.apply({ kind: 'drop', match: { sessionId: c.session.id } });
              if (id !== null) held.set(id, now + grace);
              break;
            }
            case 'advance':
              await h.advance(cmd.ms);
              break;
          }
          await h.advance(0);

          // Invariants.
          const t = h.clock.now();
          const active = h.gw.listSessions().filter((s) => s.state === 'login' || s.state === 'ready');
          const ids = active.map((s) => s.clientId!);
          expect(new Set(ids).size).toBe(ids.length);
          const snap = h.gw.clientIds.snapshot(t);
          expect(snap.live).toEqual([...ids].sort((a, b) => a - b));
          const expectedHeld = [...held].filter(([, until]) => until > t).sort(([a], [b]) => a - b);
          expect([...snap.held].sort((a, b) => a.clientId - b.clientId).map((x) => [x.clientId, x.until])).toEqual(expectedHeld);
          // A held id is never live at the same time.
          for (const x of snap.held) expect(snap.live).not.toContain(x.clientId);
          // Sessions the gateway closed are closed for their clients too, and vice versa.
          for (const c of conns) expect(c.closed).toBe(!c.session.isOpen);
          expect(h.gw.sessionCount).toBe(conns.filter((c) => !c.closed).length);
        }
      }),
      { numRuns: 150 },
    );
  });
});
