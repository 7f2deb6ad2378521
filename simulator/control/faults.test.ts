import { afterEach, describe, expect, it } from 'vitest';
import { arrivesWithin, contractAnswer, errorCode, Harness, requestContract, type ErrMsg } from '../testing/control-harness.ts';

const h = new Harness();
afterEach(() => h.closeAll());

/** Long enough for an instant-profile answer to have crossed loopback many times over. */
const SILENCE_MS = 300;

describe('faults: sessions', () => {
  it('drop closes the socket and holds the client id for the grace period (326 on reconnect)', async () => {
    const { sim, control } = await h.start();
    await control.patchProfile({ connections: { idGraceMs: 60_000 } });
    await h.connect(sim, 21);
    const victim = await h.connect(sim, 22);
    const other = await h.connect(sim, 23);

    const dropped = await control.drop({ clientId: 22 });
    expect(dropped.sessions.map((s) => s.clientId)).toEqual([22]);
    await victim.whenClosed(3000);

    const retry = await h.attempt(sim, 22);
    const refusal = (await retry.next(errorCode(326))) as ErrMsg;
    expect(refusal).toMatchObject({ id: -1, message: 'Unable to connect as the client id is already in use. Retry with a unique client id.' });
    await retry.whenClosed(3000);

    expect(other.closed).toBe(false);
    expect((await control.sessions()).map((s) => s.clientId).sort()).toEqual([21, 23]);
  });

  it('drop by session id, and a fresh client id still connects', async () => {
    const { sim, control } = await h.start();
    const c = await h.connect(sim, 5);
    const [info] = await control.sessions();
    await control.drop({ sessionId: info!.sessionId });
    await c.whenClosed(3000);
    await expect(control.drop({ sessionId: info!.sessionId })).rejects.toMatchObject({ status: 404 });
    await h.connect(sim, 6);
  });

  it('stall leaves the socket open but answers nothing', async () => {
    const { sim, control } = await h.start();
    const zombie = await h.connect(sim, 8);
    const healthy = await h.connect(sim, 9);
    const res = await control.stall({ clientId: 8 });
    expect(res.sessions[0]).toMatchObject({ clientId: 8, stalled: true });
    expect((await control.sessions()).find((s) => s.clientId === 8)?.stalled).toBe(true);

    zombie.received.length = 0; // forget the login messages: from here on, nothing may arrive
    requestContract(zombie, 1, 'AAPL');
    requestContract(healthy, 1, 'AAPL');
    expect((await contractAnswer(healthy, 1)).type).toBe('CONTRACT_DATA_END');
    expect(await arrivesWithin(zombie, () => true, SILENCE_MS)).toBe(false);
    expect(zombie.closed).toBe(false);
    // The request still reached the gateway: a zombie reads, it just never answers.
    expect(await control.journal({ clientId: 8, type: 'REQ_CONTRACT_DATA' })).toHaveLength(1);
  });
});

describe('faults: connectivity and restart', () => {
  it('connectivity lost sends 1100; restored sends 1102, or 1101 when data was lost', async () => {
    const { sim, control } = await h.start();
    const a = await h.connect(sim, 1);
    const b = await h.connect(sim, 2);

    expect(await control.connectivityLost()).toEqual({ connectivity: 'lost', changed: true });
    for (const c of [a, b]) expect(await c.next(errorCode(1100))).toMatchObject({ id: -1 });
    expect((await control.health()).connectivity).toBe('lost');
    expect(await control.connectivityLost()).toEqual({ connectivity: 'lost', changed: false });

    // While IB is unreachable contract details wait; with data maintained they are answered after.
    requestContract(a, 5, 'AAPL');
    expect(await arrivesWithin(a, (m) => m.type === 'CONTRACT_DATA_END', SILENCE_MS)).toBe(false);
    expect(await control.connectivityRestored()).toEqual({ connectivity: 'ok', changed: true });
    for (const c of [a, b]) expect(((await c.next(errorCode(1102))) as ErrMsg).message).toMatch(/restored - data maintained/);
    expect((await contractAnswer(a, 5)).type).toBe('CONTRACT_DATA_END');

    await control.connectivityLost();
    await a.next(errorCode(1100));
    await control.connectivityRestored(true);
    expect(((await a.next(errorCode(1101))) as ErrMsg).message).toMatch(/restored - data lost/);
    expect(await arrivesWithin(a, errorCode(1102), 100)).toBe(false);
  });

  it('restart closes every client', async () => {
    const { sim, control } = await h.start();
    const clients = await Promise.all([1, 2, 3].map((id) => h.connect(sim, id)));
    expect(await control.restart()).toEqual({ closedSessions: 3 });
    await Promise.all(clients.map((c) => c.whenClosed(3000)));
    expect((await control.health()).sessions).toBe(0);
  });
});

describe('faults: any spec through POST /faults', () => {
  it('acts on the second TTE request only (after: 1, times: 1)', async () => {
    const { sim, control } = await h.start();
    const c = await h.connect(sim, 1);
    const rule = await control.apply({ kind: 'error', code: 200, match: { message: 'REQ_CONTRACT_DATA', symbol: 'TTE' }, after: 1, times: 1 });
    expect(rule).toMatchObject({ id: expect.any(Number), matched: 0, applied: 0, state: 'armed', sessions: [] });

    requestContract(c, 1, 'TTE');
    expect((await contractAnswer(c, 1)).type).toBe('CONTRACT_DATA_END');
    requestContract(c, 2, 'TTE');
    expect(await contractAnswer(c, 2)).toMatchObject({ type: 'ERR_MSG', id: 2, code: 200, message: 'Simulated error 200' });
    requestContract(c, 3, 'TTE');
    expect((await contractAnswer(c, 3)).type).toBe('CONTRACT_DATA_END');
    requestContract(c, 4, 'AAPL');
    expect((await contractAnswer(c, 4)).type).toBe('CONTRACT_DATA_END');

    expect(await control.list()).toEqual([expect.objectContaining({ id: rule.id, matched: 3, applied: 1, state: 'done' })]);
  });

  it('removes one fault or all of them; removing a stall lifts it', async () => {
    const { sim, control } = await h.start();
    const c = await h.connect(sim, 1);
    const ignore = await control.apply({ kind: 'ignore', match: { message: 'REQ_CONTRACT_DATA' } });
    await control.apply({ kind: 'drop', match: { message: 'REQ_IDS', clientId: 99 } });
    requestContract(c, 1, 'AAPL');
    expect(await arrivesWithin(c, (m) => m.type === 'CONTRACT_DATA_END', SILENCE_MS)).toBe(false);

    expect(await control.remove(ignore.id)).toBe(true);
    requestContract(c, 2, 'AAPL');
    expect((await contractAnswer(c, 2)).type).toBe('CONTRACT_DATA_END');
    expect(await control.remove(ignore.id)).toBe(false);

    const stall = await control.apply({ kind: 'stall', match: { clientId: 1 } });
    expect(stall.sessions).toMatchObject([{ clientId: 1, stalled: false }]);
    requestContract(c, 3, 'AAPL');
    expect(await arrivesWithin(c, (m) => m.type === 'CONTRACT_DATA_END', SILENCE_MS)).toBe(false);
    expect(await control.remove(stall.id)).toBe(true);
    requestContract(c, 4, 'AAPL');
    expect((await contractAnswer(c, 4)).type).toBe('CONTRACT_DATA_END');

    expect(await control.clear()).toBe(1);
    expect(await control.list()).toEqual([]);
  });

  it('schedules a fault at a model time (applyAt)', async () => {
    const { sim, control } = await h.start();
    const c = await h.connect(sim, 1);
    const { modelTimeMs } = await control.health();
    const scheduled = await control.applyAt(modelTimeMs + 100_000, { kind: 'drop', match: { clientId: 1 } });
    expect(scheduled).toMatchObject({ state: 'scheduled', at: modelTimeMs + 100_000 });
    const soon = await control.applyAt(0, { kind: 'drop', match: { clientId: 1 } });
    expect(soon.state).toBe('scheduled');
    await c.whenClosed(3000);
    expect((await control.list()).map((f) => f.state)).toEqual(['scheduled', 'done']);
  });

  it('refuses bad specs with 400 naming the field and the legal values', async () => {
    const { control } = await h.start();
    const bad = (spec: unknown) => control.apply(spec as never);
    await expect(bad({ kind: 'explode' })).rejects.toThrow(
      /400.*"kind" must be one of "ignore", "delay", "error", "stall", "disconnect", "drop", "slow-consumer", "partial-fill", "connectivity" or "restart", got "explode"/,
    );
    await expect(bad({ kind: 'error' })).rejects.toThrow(/400.*"code" must be an integer, got nothing/);
    await expect(bad({ kind: 'ignore', match: { sym: 'TTE' } })).rejects.toThrow(/unknown field "match\.sym"/);
    await expect(bad({ kind: 'ignore', match: { message: 'REQ_CONTRACT_DETAILS' } })).rejects.toThrow(/"REQ_CONTRACT_DETAILS" is not a client message type/);
    await expect(bad({ kind: 'ignore', time: 1 })).rejects.toThrow(/unknown field "time"/);
    await expect(bad({ kind: 'ignore', after: -1 })).rejects.toThrow(/"after" must be >= 0/);
    await expect(bad({ kind: 'delay', ms: 1, code: 2 })).rejects.toThrow(/unknown field "code"; known here: kind, ms, match, after, times/);
    await expect(bad({ kind: 'error', code: 1, text: 5 })).rejects.toThrow(/"text" must be a string/);
    await expect(bad({ kind: 'delay', ms: 1e12 })).rejects.toThrow(/"ms" must be <= 2147483647/);
    await expect(bad({ kind: 'connectivity', state: 'restored', forMs: 5 })).rejects.toThrow(/"forMs" only applies to \{"state": "lost"\}/);
    await expect(bad({ kind: 'partial-fill', shares: 5, fraction: 0.5, match: { message: 'PLACE_ORDER' } })).rejects.toThrow(/"shares" give exactly one of/);
    await expect(bad({ kind: 'partial-fill', shares: 5 })).rejects.toThrow(/"match\.message" partial-fill acts on orders/);
    await expect(bad(['not', 'an', 'object'])).rejects.toThrow(/must be a JSON object/);
    expect(await control.list()).toEqual([]);
  });
});
