/**
 * The fault stage in virtual time: what the kinds without a test elsewhere do (slow consumer,
 * timed connectivity loss), how at-once faults pick their sessions, and scheduling.
 */
import { describe, expect, it } from 'vitest';
import { contractReq, currentTime, harness } from '../testing/model-harness.ts';
import { parseFaultSpec } from './registry.ts';

const exact = () => harness({ profile: 'ibkr-paper', overrides: { secdef: { service: { median: 30, sigma: 0 } } } });

describe('slow-consumer', () => {
  it('the client receives at the given rate, and is closed as not reading once the backlog passes the limit', async () => {
    const h = harness({ profile: 'instant', overrides: { limits: { maxOutboundBytes: 20_000 } } });
    const a = await h.login(1);
    h.faults.apply({ kind: 'slow-consumer', bytesPerSecond: 1_000, match: { clientId: 1 } });
    a.send(currentTime());
    a.send(currentTime());
    await h.advance(0);
    expect(a.of('CURRENT_TIME')).toEqual([]);
    await h.advance(200);
    const times = a.of('CURRENT_TIME').map((m) => m.at);
    expect(times).toHaveLength(2);
    // ~40 bytes each at 1,000 bytes/s: one every ~40 model ms, one after the other.
    expect(times[1]! - times[0]!).toBeGreaterThan(20);
    for (let i = 0; i < 200; i++) a.send(contractReq(i + 10, 'AAPL'));
    await h.advance(0);
    expect(a.closed).toBe(true);
    expect(h.gw.listSessions()).toEqual([]);
    // The journal says which frames the gateway sent but the client never read.
    const out = h.gw.journal.query({ sessionId: a.session.id, dir: 'out' });
    const lost = out.filter((e) => e.withheld);
    expect(lost.length).toBeGreaterThan(0);
    expect(lost[0]!.withheld).toMatch(/^slow-consumer \(fault \d+\): the connection closed before the client read it$/);
    expect(out.filter((e) => !e.withheld && e.message.type === 'CURRENT_TIME')).toHaveLength(2);
    const read = (type: string) => out.filter((e) => !e.withheld && e.message.type === type).length;
    expect(a.of('CONTRACT_DATA')).toHaveLength(read('CONTRACT_DATA'));
  });

  it('removing the fault hands over what was held', async () => {
    const h = harness({ profile: 'instant' });
    const a = await h.login(1);
    const slow = h.faults.apply({ kind: 'slow-consumer', bytesPerSecond: 1, match: { clientId: 1 } });
    a.send(currentTime());
    await h.advance(1_000);
    expect(a.of('CURRENT_TIME')).toEqual([]);
    h.faults.remove(slow.id);
    await h.advance(0);
    expect(a.of('CURRENT_TIME')).toHaveLength(1);
  });
});

describe('at-once faults choose their sessions', () => {
  it('pick: one of the matching sessions, its index modulo their number; apiClient: logging in or ready', async () => {
    const h = exact();
    const clients = [await h.login(1), await h.login(2), await h.login(3)];
    const handshaking = h.connect();
    await h.advance(0);
    const hit = h.faults.apply({ kind: 'drop', match: { apiClient: true, pick: 4 } });
    expect(hit.sessions.map((s) => s.clientId)).toEqual([2]);
    await h.advance(0);
    expect(clients.map((c) => c.closed)).toEqual([false, true, false]);
    expect(h.faults.apply({ kind: 'stall', match: { apiClient: true }, after: 1 }).sessions.map((s) => s.clientId)).toEqual([3]);
    expect(handshaking.closed).toBe(false);
    expect(h.faults.apply({ kind: 'drop', match: { clientId: 99 } })).toMatchObject({ matched: 0, applied: 0, sessions: [] });
  });
});

describe('gateway faults and scheduling', () => {
  it('connectivity lost for a while restores by itself (1102), and applyAt runs at its model time', async () => {
    const h = exact();
    const a = await h.login(1);
    const t0 = h.clock.now();
    const scheduled = h.faults.applyAt(t0 + 1_000, { kind: 'connectivity', state: 'lost', forMs: 5_000 });
    expect(scheduled.state).toBe('scheduled');
    await h.advance(999);
    expect(a.errors(1100)).toEqual([]);
    await h.advance(1);
    expect(a.errors(1100).map((e) => e.at - t0)).toEqual([1_000]);
    await h.advance(5_000);
    expect(a.errors(1102).map((e) => e.at - t0)).toEqual([6_000]);
    expect(h.faults.list()).toEqual([expect.objectContaining({ id: scheduled.id, applied: 1 })]);
  });

  it('a spec printed as JSON parses back to itself (scenarios replay their faults from JSON)', () => {
    const spec = { kind: 'error', code: 200, text: 'No security definition', match: { message: 'REQ_CONTRACT_DATA', symbol: 'TTE' }, after: 1, times: 1 };
    expect(parseFaultSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    expect(() => parseFaultSpec({ kind: 'connectivity', state: 'lost', dataLost: true })).toThrow(/"dataLost" only applies/);
  });
});
