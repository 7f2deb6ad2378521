/**
 * Faults against the gateway model, all in virtual time: rules in the fault stage (ignore, error,
 * delay, drop, disconnect, stall with after/times), faults on open sessions (drop, stall), and the
 * gateway's own events (connectivity loss, restart) and reset.
 */
import { describe, expect, it } from 'vitest';
import { LocalControl } from '../control/local-control.ts';
import type { ProfileOverrides } from './profile.ts';
import { contractReq, currentTime, harness, histReq, TEXT } from '../testing/model-harness.ts';

const EXACT: ProfileOverrides = { secdef: { service: { median: 30, sigma: 0 } }, history: { service: { median: 150, sigma: 0 } } };
const exact = () => harness({ profile: 'ibkr-paper', overrides: EXACT });

describe('fault rules', () => {
  it('ignore by message and symbol (case-insensitive): no answer ever, and no place in the queue', async () => {
    const h = exact();
    const rule = h.faults.apply({ kind: 'ignore', match: { message: 'REQ_CONTRACT_DATA', symbol: 'aapl' } });
    const a = await h.login(1);
    const t0 = h.clock.now();
    a.send(contractReq(1, 'AAPL'));
    a.send(contractReq(2, 'MSFT'));
    await h.advance(60_000);
    expect(a.forReq(1)).toEqual([]);
    expect(a.contractDone(2)! - t0).toBe(30);
    expect(h.faults.list()).toEqual([expect.objectContaining({ id: rule.id, matched: 1, applied: 1, state: 'armed' })]);
    // The request did reach the gateway's socket (the journal is the capture there).
    expect(h.gw.journal.query({ type: 'REQ_CONTRACT_DATA', dir: 'in' })).toHaveLength(2);
  });

  it('error by client id: that client gets the code and text for its reqId, others are served', async () => {
    const h = exact();
    h.faults.apply({ kind: 'error', code: 10197, text: 'No market data during competing live session', match: { message: 'REQ_CONTRACT_DATA', clientId: 2 } });
    h.faults.apply({ kind: 'error', code: 999, match: { message: 'REQ_CURRENT_TIME' } });
    const a = await h.login(1);
    const b = await h.login(2);
    a.send(contractReq(1, 'AAPL'));
    b.send(contractReq(2, 'AAPL'));
    b.send(currentTime());
    await h.advance(1_000);
    expect(a.forReq(1).map((m) => m.msg.type)).toEqual(['CONTRACT_DATA', 'CONTRACT_DATA_END']);
    expect(b.errors().map((e) => [e.msg.id, e.msg.code, e.msg.message])).toEqual([
      [2, 10197, 'No market data during competing live session'],
      [-1, 999, 'Simulated error 999'],
    ]);
    expect(b.of('CONTRACT_DATA')).toEqual([]);
    expect(b.closed).toBe(false);
  });

  it('delay: the request is processed `ms` later (then goes through the normal path)', async () => {
    const h = exact();
    h.faults.apply({ kind: 'delay', ms: 5_000, match: { message: 'REQ_CURRENT_TIME' } });
    h.faults.apply({ kind: 'delay', ms: 2_000, match: { message: 'REQ_CONTRACT_DATA', symbol: 'MSFT' } });
    const a = await h.login(1);
    const t0 = h.clock.now();
    a.send(currentTime());
    a.send(contractReq(1, 'MSFT'));
    a.send(contractReq(2, 'AAPL'));
    await h.advance(4_999);
    expect(a.of('CURRENT_TIME')).toEqual([]);
    await h.advance(1);
    const [ct] = a.of('CURRENT_TIME');
    expect(ct!.at - t0).toBe(5_000);
    expect(ct!.msg.time).toBe(Math.floor((t0 + 5_000) / 1000));
    expect(a.contractDone(2)! - t0).toBe(30);
    expect(a.contractDone(1)! - t0).toBe(2_030); // enters the queue after the delay
  });

  it('drop: the session is dropped and its id held for the grace period', async () => {
    const h = exact();
    h.faults.apply({ kind: 'drop', match: { message: 'REQ_HISTORICAL_DATA' } });
    const a = await h.login(3);
    const t0 = h.clock.now();
    a.send(histReq(1));
    await h.advance(0);
    expect(a.closed).toBe(true);
    expect(a.messages).toEqual([]);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [], held: [{ clientId: 3, until: t0 + 30_000 }] });
    const again = h.connect();
    again.startApi(3);
    await h.advance(0);
    expect(again.errors().map((e) => [e.msg.code, e.msg.message])).toEqual([[326, TEXT.inUse]]);
  });

  it('disconnect: a clean close; the id is free at once', async () => {
    const h = exact();
    h.faults.apply({ kind: 'disconnect', match: { message: 'REQ_HISTORICAL_DATA' } });
    const a = await h.login(3);
    a.send(histReq(1));
    await h.advance(0);
    expect(a.closed).toBe(true);
    expect(a.messages).toEqual([]);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [], held: [] });
    expect((await h.login(3)).ready).toBe(true);
  });

  it('stall: the session stays connected and answers nothing any more; its id stays in use', async () => {
    const h = exact();
    h.faults.apply({ kind: 'stall', match: { message: 'REQ_CONTRACT_DATA', symbol: 'WLN' } });
    const a = await h.login(4);
    a.send(contractReq(1, 'AAPL'));
    await h.advance(100);
    a.send(contractReq(2, 'WLN', { currency: 'EUR' }));
    a.send(contractReq(3, 'AAPL'));
    a.send(currentTime());
    await h.advance(60_000);
    expect(a.types()).toEqual(['CONTRACT_DATA', 'CONTRACT_DATA_END']);
    expect(a.closed).toBe(false);
    expect(h.faults.listSessions()).toMatchObject([{ clientId: 4, stalled: true, state: 'ready' }]);
    const other = h.connect();
    other.startApi(4);
    await h.advance(0);
    expect(other.errors(326)).toHaveLength(1);
  });

  it('after / times: skips the first `after` matches, then acts `times` times', async () => {
    const h = exact();
    const rule = h.faults.apply({ kind: 'ignore', match: { message: 'REQ_CURRENT_TIME' }, after: 2, times: 2 });
    const a = await h.login(1);
    for (let i = 0; i < 6; i++) {
      a.send(currentTime());
      await h.advance(10);
    }
    const answered = a.of('CURRENT_TIME').length;
    expect(answered).toBe(4);
    expect(h.faults.list()).toEqual([expect.objectContaining({ id: rule.id, matched: 6, applied: 2, state: 'done' })]);
    // Answers came for requests 1, 2, 5 and 6.
    const sentAt = h.gw.journal.query({ type: 'REQ_CURRENT_TIME' }).map((e) => e.at);
    expect(a.of('CURRENT_TIME').map((m) => m.at)).toEqual([sentAt[0], sentAt[1], sentAt[4], sentAt[5]]);
  });

  it('the first due rule wins; a removed rule no longer applies', async () => {
    const h = exact();
    const first = h.faults.apply({ kind: 'error', code: 1, match: { message: 'REQ_CURRENT_TIME' } });
    h.faults.apply({ kind: 'error', code: 2, match: { message: 'REQ_CURRENT_TIME' } });
    const a = await h.login(1);
    a.send(currentTime());
    await h.advance(0);
    expect(h.faults.remove(first.id)).toBe(true);
    a.send(currentTime());
    await h.advance(0);
    h.faults.clear();
    a.send(currentTime());
    await h.advance(0);
    expect(a.errors().map((e) => e.msg.code)).toEqual([1, 2]);
    expect(a.of('CURRENT_TIME')).toHaveLength(1);
  });

  it('START_API rules: error refuses the login without holding the id; ignore leaves the client waiting until the handshake timeout', async () => {
    const h = exact();
    h.faults.apply({ kind: 'error', code: 10225, text: 'Simulated login failure', match: { message: 'START_API', clientId: 7 }, times: 1 });
    h.faults.apply({ kind: 'ignore', match: { message: 'START_API', clientId: 8 } });
    const refused = h.connect();
    refused.startApi(7);
    await h.advance(0);
    expect(refused.errors().map((e) => [e.msg.id, e.msg.code, e.msg.message])).toEqual([[-1, 10225, 'Simulated login failure']]);
    expect(refused.closed).toBe(true);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [], held: [] });
    expect((await h.login(7)).ready).toBe(true); // the rule was for one time only

    const t0 = h.clock.now();
    const waiting = h.connect();
    waiting.startApi(8);
    await h.advance(19_999);
    expect(waiting.ready).toBe(false);
    expect(waiting.closed).toBe(false);
    await h.advance(1);
    expect(waiting.closed).toBe(true);
    expect(waiting.closedAt).toBe(t0 + 20_000);
  });

  it('START_API disconnect rule closes the connection without a reply', async () => {
    const h = exact();
    h.faults.apply({ kind: 'disconnect', match: { message: 'START_API' } });
    const c = h.connect();
    await h.advance(0);
    c.clear();
    c.startApi(1);
    await h.advance(0);
    expect(c.closed).toBe(true);
    expect(c.messages).toEqual([]);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [], held: [] });
  });
});

describe("faults on open sessions, and the gateway's own events", () => {
  it('drop: the client sees the connection close; the id is held for idGraceMs', async () => {
    const h = exact();
    const a = await h.login(12);
    const b = await h.login(13);
    const t0 = h.clock.now();
    expect(h.faults.apply({ kind: 'drop', match: { sessionId: a.session.id } }).sessions).toMatchObject([{ clientId: 12 }]);
    await h.advance(0);
    expect(a.closed).toBe(true);
    expect(b.closed).toBe(false);
    const early = h.connect();
    early.startApi(12);
    await h.advance(30_000 - 1);
    expect(early.errors(326)).toHaveLength(1);
    await h.advance(1);
    expect(h.clock.now()).toBe(t0 + 30_000);
    expect((await h.login(12)).ready).toBe(true);
  });

  it('stall: no answers, the connection stays open, other sessions unaffected', async () => {
    const h = exact();
    const a = await h.login(1);
    const b = await h.login(2);
    h.faults.apply({ kind: 'stall', match: { clientId: 1 } });
    a.send(currentTime());
    a.send(contractReq(1, 'AAPL'));
    b.send(currentTime());
    await h.advance(10_000);
    expect(a.messages).toEqual([]);
    expect(a.closed).toBe(false);
    expect(b.of('CURRENT_TIME')).toHaveLength(1);
    expect(h.gw.journal.query({ sessionId: a.session.id, dir: 'in' }).map((e) => e.message.type)).toEqual([
      'START_API',
      'REQ_CURRENT_TIME',
      'REQ_CONTRACT_DATA',
    ]);
    // The gateway did answer; the journal marks those frames as never having reached the client.
    const out = h.gw.journal.query({ sessionId: a.session.id, dir: 'out', sinceSeq: h.gw.journal.query({ type: 'REQ_CURRENT_TIME' })[0]!.seq });
    expect(out.map((e) => [e.message.type, e.withheld])).toEqual([
      ['CURRENT_TIME', expect.stringMatching(/^stall \(fault \d+\)$/)],
      ['CONTRACT_DATA', expect.stringMatching(/^stall/)],
      ['CONTRACT_DATA_END', expect.stringMatching(/^stall/)],
    ]);
    expect(h.gw.journal.query({ sessionId: b.session.id, dir: 'out' }).every((e) => e.withheld === undefined)).toBe(true);
  });

  it('a stalled session with a request in the queue: the request still takes its service time', async () => {
    const h = exact();
    const a = await h.login(1);
    const b = await h.login(2);
    const t0 = h.clock.now();
    a.send(contractReq(1, 'AAPL'));
    h.faults.apply({ kind: 'stall', match: { sessionId: a.session.id } });
    b.send(contractReq(2, 'AAPL'));
    await h.advance(1_000);
    expect(a.messages).toEqual([]);
    expect(b.contractDone(2)! - t0).toBe(60);
  });

  it('loseConnectivity: 1100 to ready sessions only; contract and historical requests wait', async () => {
    const h = exact();
    const a = await h.login(1);
    const waiting = h.connect(); // no START_API yet
    await h.advance(0);
    waiting.clear();
    h.gw.loseConnectivity();
    expect(h.gw.isConnectivityLost).toBe(true);
    a.send(contractReq(1, 'AAPL'));
    a.send(histReq(2));
    a.send(currentTime()); // not a farm request: answered
    await h.advance(20_000 - h.elapsed() - 1);
    expect(a.errors().map((e) => [e.msg.id, e.msg.code, e.msg.message])).toEqual([[-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.']]);
    expect(a.types()).toEqual(['ERR_MSG', 'CURRENT_TIME']);
    expect(waiting.messages).toEqual([]);
  });

  it('a client that logs in while connectivity is lost gets 1100 after its farm notices', async () => {
    const h = exact();
    h.gw.loseConnectivity();
    const c = await h.login(1, { keep: true });
    const codes = c.errors().map((e) => e.msg.code);
    expect(codes.at(-1)).toBe(1100);
    expect(codes).toEqual([2104, 2104, 2104, 2106, 2106, 2158, 1100]);
  });

  it('restoreConnectivity(false): 1102 to ready sessions, then the waiting requests are answered in FIFO order', async () => {
    const h = exact();
    const a = await h.login(1);
    const b = await h.login(2);
    h.gw.loseConnectivity();
    await h.advance(100);
    a.send(contractReq(1, 'AAPL'));
    b.send(contractReq(2, 'MSFT'));
    a.send(contractReq(3, 'TSLA'));
    a.send(histReq(4));
    await h.advance(9_900);
    expect(a.of('CONTRACT_DATA_END')).toEqual([]);
    expect(b.of('CONTRACT_DATA_END')).toEqual([]);
    expect(a.of('HISTORICAL_DATA')).toEqual([]);
    const tr = h.clock.now();
    h.gw.restoreConnectivity(false);
    expect(h.gw.isConnectivityLost).toBe(false);
    await h.advance(1_000);
    const notice =
      'Connectivity between IB and Trader Workstation has been restored - data maintained. All data farms are connected: usfarm; ushmds; secdefil.';
    for (const c of [a, b]) {
      expect(c.errors().map((e) => [e.msg.id, e.msg.code, e.msg.message])).toEqual([
        [-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.'],
        [-1, 1102, notice],
      ]);
      expect(c.errors(1102)[0]!.at).toBe(tr);
    }
    // The historical answer was ready and held: it comes at the restore.
    expect(a.of('HISTORICAL_DATA').map((m) => m.at - tr)).toEqual([0]);
    const done = [a.contractDone(1)!, b.contractDone(2)!, a.contractDone(3)!];
    expect(done.every((d) => d >= tr)).toBe(true);
    expect([...done].sort((x, y) => x - y)).toEqual(done);
    expect(a.forReq(1).map((m) => m.msg.type)).toEqual(['CONTRACT_DATA', 'CONTRACT_DATA_END']);
  });

  // MODEL BUG (secdef-queue.ts, SecdefQueue.pump, uncommitted `lastDueAt` change): a job starts at
  // `max(job.enqueuedAt, min(now, lastDueAt))`, which lies in the past when the queue was paused
  // (connectivity lost) while jobs waited. On restoreConnectivity every waiting job's due time is
  // already over, so all are answered at the restore instant with no service time ([0, 0, 0] here
  // instead of [30, 60, 90]; HEAD gives 30/60/90) and waitMs is under-reported. Fix: carry the due
  // time over only when the job starts from the previous job's completion callback — e.g.
  // `pump(startAt = this.clock.now())`, called as `this.pump(dueAt)` from the timer and as
  // `this.pump()` from enqueue()/resume().
  it('after restoreConnectivity(false) the waiting requests are still served one at a time (30, 60, 90 ms)', async () => {
    const h = exact();
    const a = await h.login(1);
    const b = await h.login(2);
    h.gw.loseConnectivity();
    await h.advance(100);
    a.send(contractReq(1, 'AAPL'));
    b.send(contractReq(2, 'MSFT'));
    a.send(contractReq(3, 'TSLA'));
    a.send(histReq(4));
    await h.advance(9_900);
    expect(a.of('CONTRACT_DATA_END')).toEqual([]);
    expect(a.of('HISTORICAL_DATA')).toEqual([]);
    const tr = h.clock.now();
    h.gw.restoreConnectivity(false);
    expect(h.gw.isConnectivityLost).toBe(false);
    await h.advance(1_000);
    // The queue restarts at the restore.
    expect([a.contractDone(1)! - tr, b.contractDone(2)! - tr, a.contractDone(3)! - tr]).toEqual([30, 60, 90]);
  });

  it('restoreConnectivity(true): 1101; requests held during the loss are dropped, new ones are served', async () => {
    const h = exact();
    const a = await h.login(1);
    h.gw.loseConnectivity();
    a.send(contractReq(1, 'AAPL'));
    a.send(histReq(2));
    await h.advance(1_000);
    h.gw.restoreConnectivity(true);
    a.send(contractReq(3, 'MSFT'));
    await h.advance(5_000);
    expect(a.errors().map((e) => [e.msg.code, e.msg.message])).toEqual([
      [1100, 'Connectivity between IB and Trader Workstation has been lost.'],
      [1101, 'Connectivity between IB and Trader Workstation has been restored - data lost.'],
    ]);
    expect(a.forReq(1)).toEqual([]);
    expect(a.forReq(2)).toEqual([]);
    expect(a.forReq(3).map((m) => m.msg.type)).toEqual(['CONTRACT_DATA', 'CONTRACT_DATA_END']);
  });

  it('restart(): every session closed, connections refused during restartDowntimeMs, then the old ids accepted at once', async () => {
    const h = exact();
    expect(h.gw.profile.connections.restartDowntimeMs).toBe(5_000);
    const a = await h.login(1);
    const b = await h.login(2);
    // An id held after an unclean drop before the restart is freed by it too.
    const dropped = await h.login(3);
    h.drop(dropped);
    await h.advance(0);
    expect(h.gw.clientIds.snapshot(h.clock.now()).held.map((x) => x.clientId)).toEqual([3]);
    const pending = h.connect();
    a.send(contractReq(1, 'AAPL'));
    h.gw.restart();
    await h.advance(0);
    expect([a.closed, b.closed, pending.closed]).toEqual([true, true, true]);
    expect(h.gw.listSessions()).toEqual([]);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [], held: [] });

    await h.advance(4_999);
    const refused = h.connect();
    await h.advance(0);
    expect(refused.closed).toBe(true);
    expect(refused.messages).toEqual([]);

    // As soon as the port is back, every old id reconnects: no 326.
    await h.advance(1);
    for (const id of [1, 2, 3]) {
      const again = await h.login(id, { keep: true });
      expect(again.ready).toBe(true);
      expect(again.errors(326)).toEqual([]);
    }
    // The request cut by the restart is never answered.
    await h.advance(10_000);
    expect(a.forReq(1)).toEqual([]);
  });

  it('reset: a fresh gateway — no sessions, no ids, no faults, no journal, no pacing history, same random stream', async () => {
    const h = harness({ profile: 'lynx-paper', seed: 5, overrides: { history: { pacing: { maxBarSeconds: null } } } });
    const control = new LocalControl(h.faults);
    h.faults.apply({ kind: 'ignore', match: { message: 'REQ_CURRENT_TIME' } });
    const a = await h.login(1);
    const b = await h.login(2);
    a.send(histReq(1));
    a.send(contractReq(2, 'AAPL'));
    b.conn.close(false); // id 2 held
    h.gw.loseConnectivity();
    await h.advance(100);

    control.reset();
    await h.advance(0);
    expect(a.closed).toBe(true);
    expect(h.gw.listSessions()).toEqual([]);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [], held: [] });
    expect(h.faults.list()).toEqual([]);
    expect(h.gw.journal.query()).toEqual([]);
    expect(h.gw.isConnectivityLost).toBe(false);
    expect(h.gw.secdef.depth).toBe(0);

    // Same login latency as the first login of a brand-new gateway with the same seed.
    const fresh = harness({ profile: 'lynx-paper', seed: 5 });
    const f = fresh.connect();
    const tf = fresh.clock.now();
    f.startApi(2);
    await fresh.until(() => f.ready);
    const c = h.connect();
    const tc = h.clock.now();
    c.startApi(2); // id 2 no longer held
    await h.until(() => c.ready || c.closed);
    expect(c.ready).toBe(true);
    expect(c.readyAt! - tc).toBeCloseTo(f.readyAt! - tf, 2);

    c.clear();
    c.send(currentTime()); // the ignore rule is gone
    c.send(histReq(1)); // identical to the request before the reset: not paced
    await h.advance(10_000);
    expect(c.of('CURRENT_TIME')).toHaveLength(1);
    expect(c.of('HISTORICAL_DATA')).toHaveLength(1);
    expect(c.errors()).toEqual([]);
    expect(a.forReq(2)).toEqual([]);
  });
});
