/**
 * Bad input at the model level: unreadable streams close only their own session, malformed or
 * unknown requests are answered with an error and the session carries on, and requests sent before
 * START_API are ignored.
 */
import { describe, expect, it } from 'vitest';
import { FramingError, ProtocolError } from '../protocol/index.ts';
import { contractReq, currentTime, harness } from '../testing/model-harness.ts';

describe('bad input', () => {
  it('a FramingError closes only that session (its id is released at once)', async () => {
    const h = harness();
    const a = await h.login(1);
    const b = await h.login(2);
    h.gw.protocolError(a.session, new FramingError('frame length 4294967295 exceeds 16777215'));
    await h.advance(0);
    expect(a.closed).toBe(true);
    expect(a.session.closeReason).toBe('frame length 4294967295 exceeds 16777215');
    expect(b.closed).toBe(false);
    b.send(currentTime());
    await h.advance(0);
    expect(b.of('CURRENT_TIME')).toHaveLength(1);
    expect(h.gw.clientIds.snapshot(h.clock.now())).toEqual({ live: [2], held: [] });
    expect(h.gw.journal.query({ sessionId: a.session.id, type: 'MALFORMED' })).toHaveLength(1);
  });

  it('a ProtocolError with a reqId is answered with 320 for that reqId and the session continues', async () => {
    const h = harness();
    const a = await h.login(1);
    h.gw.protocolError(a.session, new ProtocolError('REQ_CONTRACT_DATA: field "strike" is not a number: "abc"', 17));
    a.send(currentTime());
    await h.advance(0);
    expect(a.messages.map((m) => m.msg)).toEqual([
      {
        type: 'ERR_MSG',
        id: 17,
        code: 320,
        message: `Error reading request.-'REQ_CONTRACT_DATA: field "strike" is not a number: "abc"'`,
        advancedOrderRejectJson: '',
        errorTime: 0,
      },
      expect.objectContaining({ type: 'CURRENT_TIME' }),
    ]);
    expect(a.closed).toBe(false);
  });

  it('a ProtocolError without a reqId is answered with 320 for id -1', async () => {
    const h = harness();
    const a = await h.login(1);
    h.gw.protocolError(a.session, new ProtocolError('START_API: missing field "clientId"'));
    await h.advance(0);
    expect(a.errors().map((e) => [e.msg.id, e.msg.code])).toEqual([[-1, 320]]);
    expect(a.closed).toBe(false);
  });

  it('an UNKNOWN message id is answered with an error and the session continues', async () => {
    const h = harness();
    const a = await h.login(1);
    h.gw.receive(a.session, { type: 'UNKNOWN', id: 999, fields: ['999', '1', 'x'] });
    a.send(contractReq(1, 'AAPL'));
    await h.advance(1_000);
    expect(a.errors().map((e) => [e.msg.id, e.msg.code, e.msg.message])).toEqual([[-1, 320, `Error reading request.-'unsupported message id "999"'`]]);
    expect(a.forReq(1).map((m) => m.msg.type)).toEqual(['CONTRACT_DATA', 'CONTRACT_DATA_END']);
    expect(a.closed).toBe(false);
  });

  it('a declared request the simulator does not serve gets 322 (which ends it in every client) for its reqId; the session continues', async () => {
    const h = harness();
    const a = await h.login(1);
    a.send({
      type: 'REQ_HISTOGRAM_DATA',
      reqId: 4,
      conId: 265598,
      symbol: '',
      secType: '',
      lastTradeDateOrContractMonth: '',
      strike: 0,
      right: '',
      multiplier: '',
      exchange: 'SMART',
      primaryExchange: '',
      currency: '',
      localSymbol: '',
      tradingClass: '',
      includeExpired: false,
      useRTH: true,
      timePeriod: '3 days',
    });
    a.send(currentTime());
    await h.advance(0);
    expect(a.errors().map((e) => [e.msg.id, e.msg.code])).toEqual([[4, 322]]);
    expect(a.of('CURRENT_TIME')).toHaveLength(1);
  });

  it('requests before START_API are ignored, also after the login', async () => {
    const h = harness();
    const a = h.connect();
    await h.advance(0);
    a.clear();
    a.send(currentTime());
    a.send(contractReq(1, 'AAPL'));
    await h.advance(1_000);
    expect(a.messages).toEqual([]);
    expect(a.session.state).toBe('awaiting-start');
    a.startApi(1);
    await h.until(() => a.ready);
    await h.advance(5_000);
    expect(a.of('CURRENT_TIME')).toEqual([]);
    expect(a.forReq(1)).toEqual([]);
    expect(h.gw.secdef.depth).toBe(0);
    // They did reach the gateway (and are in its journal).
    expect(h.gw.journal.query({ sessionId: a.session.id, dir: 'in' }).map((e) => e.message.type)).toEqual([
      'REQ_CURRENT_TIME',
      'REQ_CONTRACT_DATA',
      'START_API',
    ]);
  });

  it('a ProtocolError during the handshake phase closes the session', async () => {
    const h = harness();
    const a = h.connect();
    // Force the session back to its pre-handshake state the TCP adapter would be in.
    const fresh = h.gw.open({ send: () => {}, close: () => {} }, 'raw');
    h.gw.protocolError(fresh, new ProtocolError('garbage before the version'));
    expect(fresh.state).toBe('closed');
    await h.advance(0);
    expect(a.closed).toBe(false);
  });

  it('messages on a closed session are ignored', async () => {
    const h = harness();
    const a = await h.login(1);
    const session = a.session;
    a.conn.close(true);
    h.gw.receive(session, currentTime());
    h.gw.protocolError(session, new ProtocolError('late', 3));
    await h.advance(0);
    expect(a.messages).toEqual([]);
    expect(h.gw.journal.query({ sessionId: session.id, type: 'REQ_CURRENT_TIME' })).toEqual([]);
  });

  it('a client that does not read its socket is closed once its backlog passes maxOutboundBytes; its id is held', async () => {
    const h = harness();
    let backlog = 0;
    let closed = 0;
    const sent: string[] = [];
    const session = h.gw.open({ send: (m) => sent.push(m.type), close: () => closed++, backlog: () => backlog }, 'slow-reader');
    h.gw.handshake(session, 'v100..178');
    h.gw.receive(session, { type: 'START_API', clientId: 6, optionalCapabilities: '' });
    await h.until(() => session.state === 'ready');
    expect(closed).toBe(0);
    backlog = h.gw.profile.limits.maxOutboundBytes + 1;
    h.gw.receive(session, currentTime());
    expect(sent.at(-1)).toBe('CURRENT_TIME');
    expect(session.state).toBe('closed');
    expect(closed).toBe(1);
    expect(h.gw.clientIds.snapshot(h.clock.now()).held.map((x) => x.clientId)).toEqual([6]);
  });
});
