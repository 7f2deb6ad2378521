/**
 * The shared sec-def queue of the gateway model: strictly FIFO across every session, one request at
 * a time, requests served even when their client gave up or left, and the contention terms of the
 * service time (per other client, per waiting client, throttle) — all in exact virtual time.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../common/clock.ts';
import type { ProfileOverrides } from './profile.ts';
import { SecdefQueue } from './secdef-queue.ts';
import { contractReq, harness, type TestClient } from '../testing/model-harness.ts';

/** ibkr-paper with a fixed 30 ms service time and no contention terms unless overridden. */
function exact(secdef: NonNullable<ProfileOverrides['secdef']> = {}, extra: ProfileOverrides = {}) {
  return harness({ profile: 'ibkr-paper', overrides: { ...extra, secdef: { service: { median: 30, sigma: 0 }, ...secdef } } });
}

function doneTimes(c: TestClient, reqIds: number[], t0: number): Array<number | undefined> {
  return reqIds.map((id) => {
    const at = c.contractDone(id);
    return at === undefined ? undefined : at - t0;
  });
}

describe('FIFO across sessions', () => {
  it('serves requests of several sessions one at a time, in arrival order', async () => {
    const h = exact();
    const a = await h.login(1);
    const b = await h.login(2);
    const c = await h.login(3);
    const t0 = h.clock.now();
    a.send(contractReq(1, 'AAPL'));
    b.send(contractReq(2, 'MSFT'));
    c.send(contractReq(3, 'TSLA'));
    a.send(contractReq(4, 'AMD'));
    b.send(contractReq(5, 'AAPL'));
    await h.advance(1_000);
    expect(doneTimes(a, [1, 4], t0)).toEqual([30, 120]);
    expect(doneTimes(b, [2, 5], t0)).toEqual([60, 150]);
    expect(doneTimes(c, [3], t0)).toEqual([90]);
    // Each answer is one CONTRACT_DATA then the END, at the same instant.
    for (const [client, id, conId] of [
      [a, 1, 265598],
      [b, 2, 272093],
      [c, 3, 76792991],
      [a, 4, 4391],
    ] as const) {
      const msgs = client.forReq(id);
      expect(msgs.map((m) => m.msg.type)).toEqual(['CONTRACT_DATA', 'CONTRACT_DATA_END']);
      expect(msgs[0]!.at).toBe(msgs[1]!.at);
      expect(msgs[0]!.msg).toMatchObject({ reqId: id, conId });
    }
  });

  it('a later arrival waits for the job in service and everything queued before it', async () => {
    const h = exact();
    const a = await h.login(1);
    const b = await h.login(2);
    const t0 = h.clock.now();
    a.send(contractReq(1, 'AAPL'));
    a.send(contractReq(2, 'AAPL'));
    await h.advance(10);
    b.send(contractReq(7, 'MSFT'));
    expect(h.gw.listSessions().map((s) => s.queuedRequests)).toEqual([2, 1]);
    expect(h.gw.secdef.depth).toBe(3);
    await h.advance(500);
    expect(doneTimes(a, [1, 2], t0)).toEqual([30, 60]);
    expect(doneTimes(b, [7], t0)).toEqual([90]);
    expect(h.gw.secdef.depth).toBe(0);
    expect(h.gw.listSessions().map((s) => s.queuedRequests)).toEqual([0, 0]);
  });

  it('requests whose client gave up still occupy the queue: B waits for all 10 of A', async () => {
    const h = exact();
    const a = await h.login(1);
    const b = await h.login(2);
    const t0 = h.clock.now();
    for (let i = 1; i <= 10; i++) a.send(contractReq(i, 'AAPL')); // never awaited
    await h.advance(5);
    b.send(contractReq(100, 'MSFT'));
    await h.advance(1_000);
    expect(doneTimes(b, [100], t0)).toEqual([330]);
    expect(doneTimes(a, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], t0)).toEqual([30, 60, 90, 120, 150, 180, 210, 240, 270, 300]);
  });

  for (const clean of [true, false]) {
    it(`jobs of a client that disconnected (${clean ? 'clean' : 'unclean'}) are still served: they occupy service time`, async () => {
      const h = exact();
      const served: Array<{ wait: number; service: number }> = [];
      h.gw.observe({ secdefServed: (wait, service) => served.push({ wait, service }) });
      const a = await h.login(1);
      const b = await h.login(2);
      const t0 = h.clock.now();
      for (let i = 1; i <= 10; i++) a.send(contractReq(i, 'AAPL'));
      await h.advance(5);
      a.clear();
      a.conn.close(clean);
      b.send(contractReq(100, 'MSFT'));
      await h.advance(1_000);
      expect(doneTimes(b, [100], t0)).toEqual([330]);
      expect(a.messages).toEqual([]);
      expect(served).toHaveLength(11);
      expect(served.map((s) => s.service)).toEqual(Array(11).fill(30));
      expect(served.at(-1)!.wait).toBe(300 - 5);
    });
  }

  it('lynx-paper: completions are back to back — each job starts when the previous one ends', async () => {
    const h = harness({ profile: 'lynx-paper', seed: 11 });
    const served: Array<{ wait: number; service: number }> = [];
    h.gw.observe({ secdefServed: (wait, service) => served.push({ wait, service }) });
    const clients = [await h.login(1), await h.login(2), await h.login(3)];
    const t0 = h.clock.now();
    const order: Array<[TestClient, number]> = [];
    let reqId = 1;
    for (let round = 0; round < 3; round++) {
      for (const c of clients) {
        c.send(contractReq(reqId, 'AAPL'));
        order.push([c, reqId++]);
      }
    }
    await h.advance(60_000);
    const done = order.map(([c, id]) => c.contractDone(id)!);
    expect(done.every((d) => d !== undefined)).toBe(true);
    expect(served).toHaveLength(9);
    // FIFO, one at a time: completion k = completion k-1 + service time of job k.
    let prev = t0;
    done.forEach((d, k) => {
      expect(d - prev).toBeCloseTo(served[k]!.service, 2);
      expect(served[k]!.wait).toBeCloseTo(prev - t0, 2);
      prev = d;
    });
    // Two other clients: every service time includes 2 × perOtherClientMs on top of the draw.
    const perOther = h.gw.profile.secdef.perOtherClientMs;
    expect(perOther).toBeGreaterThan(0);
    for (const s of served) expect(s.service).toBeGreaterThan(2 * perOther);
    expect(new Set(served.map((s) => s.service.toFixed(3))).size).toBeGreaterThan(1);
  });
});

describe('contention terms of the service time', () => {
  it('each other connected API client adds perOtherClientMs', async () => {
    const h = exact({ perOtherClientMs: 100 });
    const a = await h.login(1);
    let t0 = h.clock.now();
    a.send(contractReq(1, 'AAPL'));
    await h.advance(1_000);
    expect(doneTimes(a, [1], t0)).toEqual([30]);

    await h.login(2);
    await h.login(3);
    t0 = h.clock.now();
    a.send(contractReq(2, 'AAPL'));
    a.send(contractReq(3, 'AAPL'));
    await h.advance(1_000);
    expect(doneTimes(a, [2, 3], t0)).toEqual([230, 460]);
  });

  it('each other client with requests waiting adds perWaitingClientMs', async () => {
    const h = exact({ perWaitingClientMs: 50 });
    const a = await h.login(1);
    const b = await h.login(2);
    const t0 = h.clock.now();
    a.send(contractReq(1, 'AAPL')); // starts at once, nobody waiting: 30
    a.send(contractReq(2, 'AAPL')); // starts at 30 with B waiting: 80
    a.send(contractReq(3, 'AAPL')); // starts at 110 with B waiting: 80
    b.send(contractReq(9, 'MSFT')); // starts at 190, nobody else waiting: 30
    await h.advance(1_000);
    expect(doneTimes(a, [1, 2, 3], t0)).toEqual([30, 110, 190]);
    expect(doneTimes(b, [9], t0)).toEqual([220]);
  });

  it('more than `threshold` arrivals in the window add penaltyMs + perExcessMs × excess; the penalty goes with the window', async () => {
    const h = exact({ throttle: { windowMs: 10_000, threshold: 6, penaltyMs: 400, perExcessMs: 60 } });
    const a = await h.login(1);
    const t0 = h.clock.now();
    for (let i = 1; i <= 10; i++) a.send(contractReq(i, 'AAPL'));
    await h.advance(8_000);
    // The first starts when only it has arrived (30 ms); the others start with 10 arrivals in the
    // window: 30 + 400 + 60 × 4 = 670 ms each.
    expect(doneTimes(a, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], t0)).toEqual(Array.from({ length: 10 }, (_, k) => 30 + k * 670));

    // Once the burst has left the window, a request costs the plain service time again.
    await h.advance(10_001 - (h.clock.now() - t0));
    const t1 = h.clock.now();
    a.send(contractReq(11, 'AAPL'));
    await h.advance(1_000);
    expect(doneTimes(a, [11], t1)).toEqual([30]);
  });

  it('up to `threshold` arrivals cost nothing extra', async () => {
    const h = exact({ throttle: { windowMs: 10_000, threshold: 6, penaltyMs: 400, perExcessMs: 60 } });
    const a = await h.login(1);
    const t0 = h.clock.now();
    for (let i = 1; i <= 6; i++) a.send(contractReq(i, 'AAPL'));
    await h.advance(1_000);
    expect(doneTimes(a, [1, 2, 3, 4, 5, 6], t0)).toEqual([30, 60, 90, 120, 150, 180]);
  });
});

describe('answers', () => {
  it('an unknown symbol gets error 200 for its reqId and no CONTRACT_DATA_END, after its turn in the queue', async () => {
    const h = exact();
    const a = await h.login(1);
    const t0 = h.clock.now();
    a.send(contractReq(5, 'NOSUCHSYM'));
    a.send(contractReq(6, 'AAPL'));
    await h.advance(1_000);
    expect(a.forReq(5)).toEqual([
      {
        at: t0 + 30,
        msg: { type: 'ERR_MSG', id: 5, code: 200, message: 'No security definition has been found for the request', advancedOrderRejectJson: '', errorTime: 0 },
      },
    ]);
    expect(a.of('CONTRACT_DATA_END').map((m) => m.msg.reqId)).toEqual([6]);
    expect(doneTimes(a, [6], t0)).toEqual([60]);
  });

  it('an option with strike −5 matches nothing: error 200, not every strike of the chain (docs/wire-facts/contracts.md#a-strike-that-cannot-be)', async () => {
    const h = exact();
    const a = await h.login(1);
    const option = { secType: 'OPT', right: 'C' };
    a.send(contractReq(5, 'AAPL', { ...option, strike: -5 }));
    a.send(contractReq(6, 'AAPL', { ...option, strike: 0 }));
    await h.advance(5_000);
    expect(a.forReq(5).map((m) => m.msg)).toEqual([
      { type: 'ERR_MSG', id: 5, code: 200, message: 'No security definition has been found for the request', advancedOrderRejectJson: '', errorTime: 0 },
    ]);
    // The same query with the strike unset (0) lists the chain's calls: −5 is not read as unset.
    expect(a.forReq(6).filter((m) => m.msg.type === 'CONTRACT_DATA').length).toBeGreaterThan(10);
  });

  it('TTE on SMART without a currency: two CONTRACT_DATA (Paris EUR, NYSE USD) then one END', async () => {
    const h = exact();
    const a = await h.login(1);
    a.send(contractReq(8, 'TTE', { currency: '' }));
    await h.advance(1_000);
    const msgs = a.forReq(8);
    expect(msgs.map((m) => m.msg.type)).toEqual(['CONTRACT_DATA', 'CONTRACT_DATA', 'CONTRACT_DATA_END']);
    const data = a.of('CONTRACT_DATA').map((m) => m.msg);
    expect(data.map((d) => [d.symbol, d.currency, d.conId])).toEqual([
      ['TTE', 'EUR', 900000001],
      ['TTE', 'USD', 900000002],
    ]);
    expect(a.errors().filter((e) => e.msg.id === 8)).toEqual([]);
  });

  it('TTE on SMART in EUR is one listing', async () => {
    const h = exact();
    const a = await h.login(1);
    a.send(contractReq(8, 'TTE', { currency: 'EUR' }));
    await h.advance(1_000);
    expect(a.forReq(8).map((m) => m.msg.type)).toEqual(['CONTRACT_DATA', 'CONTRACT_DATA_END']);
  });
});

describe('arrivals counted for the throttle', () => {
  // Found by secdef-queue.property.test.ts: asking a short window forgot the arrivals outside it,
  // so a wider window asked later (a throttle window raised by PATCH /profile) undercounted.
  it('a short window asked first does not make a wider window asked later miss arrivals', async () => {
    const clock = new VirtualClock();
    const queue = new SecdefQueue({ clock, serviceTime: () => 0 });
    queue.enqueue({ sessionId: 1, reqId: 1, enqueuedAt: clock.now(), complete: () => {} });
    await clock.advance(5_000);
    expect(queue.arrivalsWithin(0)).toBe(0);
    expect(queue.arrivalsWithin(10_000)).toBe(1);
    expect(queue.arrivalsWithin(5_000)).toBe(1); // the window includes its start
    expect(queue.arrivalsWithin(4_999)).toBe(0);
  });

  it('forgets arrivals older than its retention', async () => {
    const clock = new VirtualClock();
    const queue = new SecdefQueue({ clock, serviceTime: () => 0, arrivalsRetentionMs: 60_000 });
    queue.enqueue({ sessionId: 1, reqId: 1, enqueuedAt: clock.now(), complete: () => {} });
    await clock.advance(30_000);
    queue.enqueue({ sessionId: 1, reqId: 2, enqueuedAt: clock.now(), complete: () => {} });
    await clock.advance(30_001);
    expect(queue.arrivalsWithin(60_000)).toBe(1);
    expect(queue.arrivalsWithin(120_000)).toBe(1); // the first one is beyond the retention
  });
});
