/**
 * Client ids at the gateway model (docs/wire-facts/gateway.md#duplicate-client-id-326): 326 for an id in use, the grace period after an
 * unclean exit, the client limit, and no leaked ids.
 */
import { describe, expect, it } from 'vitest';
import { currentTime, harness, TEXT } from '../testing/model-harness.ts';

describe('client id already in use', () => {
  it('answers a second START_API with a live id with 326 (id -1, exact text), closes it, and keeps the first session', async () => {
    const h = harness();
    const first = await h.login(41);
    const second = h.connect();
    await h.advance(0);
    second.clear();
    const t = h.clock.now();
    second.startApi(41);
    await h.advance(0);
    expect(second.messages).toEqual([{ at: t, msg: { type: 'ERR_MSG', id: -1, code: 326, message: TEXT.inUse, advancedOrderRejectJson: '', errorTime: 0 } }]);
    expect(second.closed).toBe(true);
    expect(second.closedAt).toBe(t);
    expect(second.session.state).toBe('closed');

    // The holder carries on as if nothing happened.
    first.clear();
    first.send(currentTime());
    await h.advance(0);
    expect(first.types()).toEqual(['CURRENT_TIME']);
    expect(first.closed).toBe(false);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [41], held: [] });
    expect(h.gw.listSessions().map((s) => [s.clientId, s.state])).toEqual([[41, 'ready']]);
  });

  it('also refuses an id whose holder is still logging in', async () => {
    const h = harness({ profile: 'lynx-paper' });
    const first = h.connect();
    first.startApi(3);
    await h.advance(10);
    expect(first.session.state).toBe('login');
    const second = h.connect();
    second.startApi(3);
    await h.advance(0);
    expect(second.errors().map((e) => [e.msg.id, e.msg.code])).toEqual([[-1, 326]]);
    expect(second.closed).toBe(true);
    await h.until(() => first.ready);
    expect(first.closed).toBe(false);
  });

  it('a refused client does not hold the id: once the holder leaves cleanly, the id is free', async () => {
    const h = harness();
    const first = await h.login(5);
    const refused = h.connect();
    refused.startApi(5);
    await h.advance(0);
    expect(refused.closed).toBe(true);
    first.conn.close(true);
    await h.advance(0);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [], held: [] });
    const third = await h.login(5);
    expect(third.ready).toBe(true);
  });
});

describe('id grace period', () => {
  it('after an unclean close the id is held for idGraceMs (326 until then), then accepted', async () => {
    const h = harness(); // ibkr-paper: idGraceMs 30 000
    expect(h.gw.profile.connections.idGraceMs).toBe(30_000);
    const first = await h.login(9);
    const t = h.clock.now();
    first.conn.close(false);
    await h.advance(0);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [], held: [{ clientId: 9, until: t + 30_000 }] });
    expect(h.gw.sessionCount).toBe(0);

    const early = h.connect();
    early.startApi(9);
    await h.advance(0);
    expect(early.errors(326)).toHaveLength(1);
    expect(early.closed).toBe(true);

    await h.advance(30_000 - 1 - (h.clock.now() - t));
    expect(h.clock.now()).toBe(t + 29_999);
    const justBefore = h.connect();
    justBefore.startApi(9);
    await h.advance(0);
    expect(justBefore.errors(326)).toHaveLength(1);
    expect(justBefore.closed).toBe(true);

    await h.advance(1);
    const after = await h.login(9);
    expect(after.ready).toBe(true);
    expect(after.errors(326)).toHaveLength(0);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [9], held: [] });
  });

  it('the grace period holds only that id: other ids connect at once', async () => {
    const h = harness();
    const a = await h.login(1);
    a.conn.close(false);
    const b = await h.login(2);
    expect(b.ready).toBe(true);
  });

  it('after a clean close the id is free at once (idGraceCleanMs 0)', async () => {
    const h = harness();
    expect(h.gw.profile.connections.idGraceCleanMs).toBe(0);
    const first = await h.login(9);
    first.conn.close(true);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [], held: [] });
    const t = h.clock.now();
    const again = h.connect();
    again.startApi(9);
    await h.advance(0);
    expect(again.errors(326)).toHaveLength(0);
    expect(again.session.state).toBe('login');
    await h.until(() => again.ready);
    expect(h.clock.now() - t).toBeLessThan(1_000);
  });

  it('a clean-close grace, when configured, is honoured', async () => {
    const h = harness({ overrides: { connections: { idGraceCleanMs: 2_000 } } });
    const first = await h.login(4);
    first.conn.close(true);
    const early = h.connect();
    early.startApi(4);
    await h.advance(0);
    expect(early.errors(326)).toHaveLength(1);
    await h.advance(2_000);
    expect((await h.login(4)).ready).toBe(true);
  });
});

describe('maximum number of clients', () => {
  it('with maxClients 3 the 4th client gets 502 with a clear text and is closed', async () => {
    const h = harness({ overrides: { connections: { maxClients: 3 } } });
    const clients = [await h.login(1), await h.login(2), await h.login(3)];
    const fourth = h.connect();
    await h.advance(0);
    fourth.clear();
    fourth.startApi(4);
    await h.advance(0);
    expect(fourth.messages.map((m) => m.msg)).toEqual([
      {
        type: 'ERR_MSG',
        id: -1,
        code: 502,
        message: "Couldn't connect to TWS. The maximum API connection threshold (3) has been reached.",
        advancedOrderRejectJson: '',
        errorTime: 0,
      },
    ]);
    expect(fourth.closed).toBe(true);
    expect(h.gw.clientIds.snapshot(h.clock.now()).live).toEqual([1, 2, 3]);
    for (const c of clients) expect(c.closed).toBe(false);

    // A slot freed by a clean close can be used again.
    clients[1]!.conn.close(true);
    const fifth = await h.login(4);
    expect(fifth.ready).toBe(true);
    expect(h.gw.clientIds.snapshot(h.clock.now()).live).toEqual([1, 3, 4]);
  });

  it('clients still logging in count against the limit', async () => {
    const h = harness({ profile: 'lynx-paper', overrides: { connections: { maxClients: 2 } } });
    const a = h.connect();
    const b = h.connect();
    const c = h.connect();
    a.startApi(1);
    b.startApi(2);
    c.startApi(3);
    await h.advance(0);
    expect(a.session.state).toBe('login');
    expect(b.session.state).toBe('login');
    expect(c.errors().map((e) => e.msg.code)).toEqual([502]);
    expect(c.closed).toBe(true);
  });

  it('no id is left in the registry once every client has gone (clean or unclean, after the grace)', async () => {
    const h = harness({ overrides: { connections: { maxClients: 3 } } });
    const a = await h.login(1);
    const b = await h.login(2);
    const c = await h.login(3);
    const refused = h.connect();
    refused.startApi(2);
    await h.advance(0);
    a.conn.close(true);
    b.conn.close(false);
    h.faults.apply({ kind: 'drop', match: { sessionId: c.session.id } });
    await h.advance(0);
    expect(c.closed).toBe(true);
    expect(h.gw.listSessions()).toEqual([]);
    expect(h.gw.clientIds.snapshot(h.clock.now()).live).toEqual([]);
    expect(
      h.gw.clientIds
        .snapshot(h.clock.now())
        .held.map((x) => x.clientId)
        .sort(),
    ).toEqual([2, 3]);
    expect(h.gw.clientIds.liveCount).toBe(0);
    await h.advance(30_000);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [], held: [] });
  });
});
