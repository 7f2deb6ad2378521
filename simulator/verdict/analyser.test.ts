/**
 * The verdict analyser over hand-written journals: each check finds what it should, with the
 * evidence fields filled in, and stays clean where it should. Every verdict is also validated
 * against its schema.
 */
import { describe, expect, it } from 'vitest';
import { IbError } from '../../common/ib/errors.ts';
import { VerdictAnalyser } from './analyser.ts';
import { verdictConfig } from './config.ts';
import { CHECK_IDS, parseVerdict, type Verdict } from './schema.ts';
import { Entries, T0 } from './testing/entries.ts';

function judge(e: Entries, config: Parameters<typeof verdictConfig>[0] = {}, now?: number): Verdict {
  const a = new VerdictAnalyser(verdictConfig(config));
  for (const x of e.list) a.consume(x);
  return parseVerdict(a.report({ failOn: [...CHECK_IDS], ...(now !== undefined ? { now: T0 + now } : {}) }));
}

describe('326: who clashed with whom', () => {
  it('names the refused connection and the connection holding the id', () => {
    const v = judge(new Entries().connect(0, 1, '10.0.0.5:50001').login(1, 1, 1).connect(200, 2, '10.0.0.6:40000').refused(201, 2, 1));
    const c = v.checks['326'];
    expect(c.status).toBe('found');
    expect(c.count).toBe(1);
    expect(c.evidence[0]).toMatchObject({
      tMs: 201,
      refused: { sessionId: 2, clientId: 1, remote: '10.0.0.6:40000' },
      holder: { sessionId: 1, clientId: 1, remote: '10.0.0.5:50001' },
      holderState: 'connected',
      holderSince: new Date(T0 + 1).toISOString(),
    });
    expect(v.failed).toContain('326');
  });

  it('a holder gone uncleanly still holds the id for its grace period; after it, the id is free', () => {
    const e = new Entries()
      .connect(0, 1, '10.0.0.5:1')
      .login(1, 1, 7)
      .disconnect(100, 1, 'connection lost', 'client', 30_000)
      .connect(5_000, 2, '10.0.0.5:2')
      .refused(5_001, 2, 7)
      .connect(31_000, 3, '10.0.0.5:3')
      .login(31_001, 3, 7);
    const c = judge(e).checks['326'];
    expect(c.count).toBe(1);
    expect(c.evidence[0]).toMatchObject({ refused: { sessionId: 2 }, holder: { sessionId: 1 }, holderState: 'held-after-disconnect' });
  });

  it('clean otherwise', () => {
    const v = judge(new Entries().connect(0, 1, 'a:1').login(1, 1, 1).disconnect(10, 1, 'client closed', 'client', 0).connect(20, 2, 'a:2').login(21, 2, 1));
    expect(v.checks['326']).toMatchObject({ status: 'clean', count: 0, evidence: [] });
  });
});

describe('abandoned requests', () => {
  it('re-sent before the answer, and the gateway served the first one anyway', () => {
    const e = new Entries()
      .connect(0, 1, 'ui:1')
      .login(1, 1, 5)
      .contract(10, 1, 100)
      .contract(3_010, 1, 101)
      .served(20_000, 1, 100, 19_000, 990)
      .served(21_000, 1, 101, 17_000, 1_000);
    const c = judge(e).checks.abandoned;
    expect(c.count).toBe(1);
    expect(c.byHow['re-sent']).toBe(1);
    expect(c.evidence[0]).toMatchObject({
      how: 're-sent',
      resentAs: 101,
      request: { type: 'REQ_CONTRACT_DATA', reqId: 100, contract: 'TTE STK SMART EUR', conn: { sessionId: 1, clientId: 5, remote: 'ui:1' }, tMs: 10 },
      abandonedTMs: 3_010,
      servedTMs: 20_000,
      serviceMs: 990,
    });
    expect(c.wastedServiceMs).toBe(990);
  });

  it('its connection closed before the answer, and the gateway served it for nobody', () => {
    const e = new Entries().connect(0, 1, 'ui:1').login(1, 1, 5).contract(10, 1, 100).disconnect(30_000, 1).served(40_000, 1, 100, 39_000, 900, false);
    const c = judge(e).checks.abandoned;
    expect(c).toMatchObject({ status: 'found', count: 1, stillQueued: 0, byHow: { disconnected: 1 } });
    expect(c.evidence[0]).toMatchObject({ how: 'disconnected', abandonedTMs: 30_000, servedTMs: 40_000, serviceMs: 900 });
  });

  it('still queued for a closed connection when the verdict is taken counts too', () => {
    const c = judge(new Entries().connect(0, 1, 'ui:1').login(1, 1, 5).contract(10, 1, 100).disconnect(30_000, 1)).checks.abandoned;
    expect(c).toMatchObject({ count: 1, stillQueued: 1 });
    expect(c.evidence[0]).toMatchObject({ how: 'disconnected', servedAt: null, servedTMs: null });
  });

  it('a cancel the gateway honoured is not a finding; one it answered anyway is', () => {
    const honoured = new Entries()
      .connect(0, 1, 'w:1')
      .login(1, 1, 5)
      .history(10, 1, 7)
      .in(20, 1, { type: 'CANCEL_HISTORICAL_DATA', reqId: 7 })
      .error(20, 1, 7, IbError.historicalCancelled(7));
    expect(judge(honoured).checks.abandoned).toMatchObject({ status: 'clean', cancelsHonoured: 1 });
    const served = new Entries().connect(0, 1, 'w:1').login(1, 1, 5).history(10, 1, 7).in(20, 1, { type: 'CANCEL_HISTORICAL_DATA', reqId: 7 }).bars(30, 1, 7);
    expect(judge(served).checks.abandoned.evidence[0]).toMatchObject({ how: 'cancelled', servedTMs: 30 });
  });

  it('a history request dropped with its connection was not served: counted, not a finding', () => {
    const c = judge(new Entries().connect(0, 1, 'w:1').login(1, 1, 5).history(10, 1, 7).disconnect(20, 1)).checks.abandoned;
    expect(c).toMatchObject({ status: 'clean', droppedWithConnection: 1 });
  });

  it('a restart drops the queue: requests of closed connections are never served', () => {
    const e = new Entries()
      .connect(0, 1, 'ui:1')
      .login(1, 1, 5)
      .contract(10, 1, 100)
      .disconnect(50, 1, 'gateway restart', 'gateway', 30_000)
      .gatewayEvent(50, 'restart');
    const v = judge(e);
    expect(v.checks.abandoned.status).toBe('clean');
    expect(v.summary.restarts).toBe(1);
  });
});

describe('duplicate in-flight requests across connections', () => {
  it('the same contract asked on two connections while the first is open', () => {
    const e = new Entries()
      .connect(0, 1, 'ui:1')
      .login(1, 1, 5)
      .connect(0, 2, 'ui:2')
      .login(1, 2, 6)
      .contract(10, 1, 100)
      .contract(20, 2, 200)
      .served(500, 1, 100, 0, 490)
      .served(900, 2, 200, 480, 400);
    const c = judge(e).checks.duplicate;
    expect(c.count).toBe(1);
    expect(c.evidence[0]).toMatchObject({
      key: 'REQ_CONTRACT_DATA TTE STK SMART EUR',
      request: { reqId: 200, conn: { sessionId: 2, clientId: 6 } },
      other: { reqId: 100, conn: { sessionId: 1, clientId: 5 } },
      otherConnectionClosed: false,
    });
  });

  it('one after the other, or different contracts, is not a duplicate', () => {
    const e = new Entries()
      .connect(0, 1, 'ui:1')
      .login(1, 1, 5)
      .connect(0, 2, 'ui:2')
      .login(1, 2, 6)
      .contract(10, 1, 100)
      .served(100, 1, 100, 0, 90)
      .contract(200, 2, 200)
      .contract(210, 2, 201, 'WLN');
    expect(judge(e).checks.duplicate.status).toBe('clean');
  });
});

describe('sec-def queue waits', () => {
  it('percentiles from the gateway notes, and whose requests the others waited behind', () => {
    const e = new Entries().connect(0, 1, 'ui:1').login(1, 1, 5).connect(0, 2, 'worker:1').login(1, 2, 9);
    // Client 5 queues three requests; client 9's one request arrives at 100 and waits behind all three.
    e.contract(10, 1, 1, 'TTE').contract(11, 1, 2, 'WLN').contract(12, 1, 3, 'AAPL', 'USD').contract(100, 2, 50, 'MSFT', 'USD');
    e.served(1_010, 1, 1, 0, 1_000).served(2_010, 1, 2, 999, 1_000).served(3_010, 1, 3, 1_998, 1_000).served(4_010, 2, 50, 2_910, 1_000);
    const c = judge(e).checks['secdef-wait'];
    expect(c.served).toBe(4);
    expect(c.maxMs).toBe(2_910);
    expect(c.p50Ms).toBeGreaterThanOrEqual(999);
    expect(c.p50Ms).toBeLessThanOrEqual(999 * 1.01);
    expect(c.evidence[0]).toMatchObject({ waitMs: 2_910, request: { reqId: 50, conn: { clientId: 9 } } });
    // Request 50 waited 910 ms of request 1's service (it arrived at 100) and all of 2's and 3's.
    expect(c.culprits).toEqual([{ host: 'ui', clientId: 5, served: 3, servedForNobody: 0, imposedWaitMs: 2_910 }]);
    expect(c.status).toBe('clean');
  });

  it('found when p99 or the longest wait passes its threshold', () => {
    const e = new Entries().connect(0, 1, 'ui:1').login(1, 1, 5).contract(10, 1, 1).served(40_010, 1, 1, 35_000, 5_000);
    const c = judge(e).checks['secdef-wait'];
    expect(c).toMatchObject({ status: 'found', count: 1, maxMs: 35_000, thresholds: { p99Ms: 10_000, maxMs: 30_000 } });
    expect(judge(e, { secdefWait: { p99Ms: 60_000, maxMs: 60_000 } }).checks['secdef-wait'].status).toBe('clean');
  });
});

describe('message rate, pacing, unanswered', () => {
  it('100s, the rate warning (code 0) and a close for the rate, each with its connection', () => {
    const e = new Entries()
      .connect(0, 1, 'a:1')
      .login(1, 1, 3)
      .error(100, 1, -1, { code: 0, message: 'Warning: Approaching max rate of 50 messages per second (44)' })
      .error(200, 1, 1, IbError.rateExceeded(50, 51, 1))
      .disconnect(3_000, 1, 'message rate exceeded', 'gateway');
    const c = judge(e).checks.rate;
    expect(c).toMatchObject({ status: 'found', violations: 1, warnings: 1, closed: 1, count: 2 });
    expect(c.evidence.map((x) => x.kind)).toEqual(['warning', 'violation', 'closed']);
    expect(c.evidence[1]).toMatchObject({ conn: { sessionId: 1, clientId: 3, remote: 'a:1' }, code: 100, tMs: 200 });
    const warningOnly = new Entries()
      .connect(0, 1, 'a:1')
      .login(1, 1, 3)
      .error(100, 1, -1, { code: 0, message: 'Warning: Approaching max rate of 50 messages per second (44)' });
    expect(judge(warningOnly).checks.rate.status).toBe('clean');
    expect(judge(warningOnly, { rate: { failOnWarnings: true } }).checks.rate.status).toBe('found');
  });

  it('162 pacing violations name the request that was refused', () => {
    const e = new Entries().connect(0, 1, 'w:1').login(1, 1, 4).history(10, 1, 77).error(11, 1, 77, IbError.pacingViolation());
    const c = judge(e).checks.pacing;
    expect(c.count).toBe(1);
    expect(c.evidence[0]).toMatchObject({ reqId: 77, conn: { clientId: 4 }, request: { type: 'REQ_HISTORICAL_DATA', reqId: 77 } });
    expect(c.evidence[0]!.request!.contract).toContain('AAPL');
  });

  it('requests of open connections still unanswered, from minAgeMs on', () => {
    const e = new Entries().connect(0, 1, 'w:1').login(1, 1, 4).history(10, 1, 1).history(9_000, 1, 2, { duration: '2 D' });
    const c = judge(e, {}, 10_000).checks.unanswered;
    expect(c.count).toBe(2);
    expect(c.evidence[0]).toMatchObject({ request: { reqId: 1 }, ageMs: 9_990, droppedBy: null });
    expect(judge(e, { unanswered: { minAgeMs: 5_000 } }, 10_000).checks.unanswered.count).toBe(1);
  });
});

describe('connections: churn and concurrency', () => {
  it('churn: more connects per minute from one remote process than the limit, with the window', () => {
    const e = new Entries();
    for (let i = 0; i < 12; i++) e.connect(i * 1_000, i + 1, `10.0.0.9:${5000 + i}`).disconnect(i * 1_000 + 500, i + 1);
    for (let i = 0; i < 12; i++) e.connect(i * 61_000, 100 + i, `10.0.0.8:${6000 + i}`).disconnect(i * 61_000 + 10, 100 + i);
    const c = judge(e).checks.churn;
    expect(c.count).toBe(1);
    expect(c.evidence[0]).toMatchObject({ host: '10.0.0.9', connects: 12, peakPerMinute: 12, tMs: 0 });
    expect(c.evidence[0]!.sample).toHaveLength(5);
  });

  it('concurrency by host: two API connections at once from one host; declared processes lift it', () => {
    const e = new Entries()
      .connect(0, 1, '10.0.0.5:1')
      .login(1, 1, 1)
      .connect(10, 2, '10.0.0.5:2')
      .login(11, 2, 2)
      .connect(20, 3, '10.0.0.6:1')
      .login(21, 3, 3);
    const v = judge(e);
    expect(v.checks.concurrency).toMatchObject({ status: 'found', peakConnections: 3, remoteProcesses: 2 });
    expect(v.checks.concurrency.evidence[0]).toMatchObject({ process: '10.0.0.5', peak: 2, tMs: 12 });
    expect(v.checks.concurrency.evidence[0]!.connections.map((c) => c.sessionId)).toEqual([1, 2]);
    expect(judge(e, { remoteProcesses: 3 }).checks.concurrency.status).toBe('clean');
    expect(judge(e, { remoteProcesses: 2 }).checks.concurrency.evidence[0]).toMatchObject({ process: 'all (2 declared)', peak: 3 });
  });

  it('a refused connection never counts as concurrent; IPv4-mapped addresses are their IPv4 host', () => {
    const v = judge(new Entries().connect(0, 1, '::ffff:127.0.0.1:1').login(1, 1, 1).connect(10, 2, '127.0.0.1:2').refused(11, 2, 1));
    expect(v.checks.concurrency.status).toBe('clean');
    expect(v.summary.hosts).toBe(1);
  });
});

describe('open orders (from PLACE_ORDER, ORDER_STATUS, OPEN_ORDER and errors 201/202)', () => {
  const place = (orderId: number, nested = false) =>
    nested
      ? {
          type: 'PLACE_ORDER',
          orderId,
          contract: { symbol: 'AAPL', secType: 'STK', exchange: 'SMART', currency: 'USD' },
          order: { action: 'BUY', totalQuantity: 10, orderType: 'LMT' },
        }
      : {
          type: 'PLACE_ORDER',
          orderId,
          symbol: 'AAPL',
          secType: 'STK',
          exchange: 'SMART',
          currency: 'USD',
          action: 'BUY',
          totalQuantity: 10,
          orderType: 'LMT',
        };

  it('an order submitted and never filled or cancelled is open, also after its connection closed', () => {
    const e = new Entries()
      .connect(0, 1, 'bot:1')
      .login(1, 1, 3)
      .in(10, 1, place(1))
      .out(11, 1, { type: 'ORDER_STATUS', orderId: 1, status: 'Submitted', filled: 0, remaining: 10, clientId: 3 })
      .in(20, 1, place(2, true))
      .out(21, 1, { type: 'OPEN_ORDER', orderId: 2, orderState: { status: 'PreSubmitted' } })
      .out(22, 1, { type: 'ORDER_STATUS', orderId: 2, status: 'Filled', filled: 10, remaining: 0 })
      .in(30, 1, place(3))
      .in(31, 1, { type: 'CANCEL_ORDER', orderId: 3 })
      .out(32, 1, { type: 'ORDER_STATUS', orderId: 3, status: 'Cancelled' })
      .in(40, 1, place(4))
      .error(41, 1, 4, { code: 201, message: 'Order rejected - reason:' })
      .in(50, 1, place(5))
      .disconnect(60, 1);
    const c = judge(e).checks['open-orders'];
    expect(c.ordersSeen).toBe(5);
    expect(c.count).toBe(2);
    expect(c.evidence.map((o) => [o.orderId, o.status])).toEqual([
      [1, 'Submitted'],
      [5, 'PendingSubmit'],
    ]);
    expect(c.evidence[0]).toMatchObject({
      clientId: 3,
      action: 'BUY',
      quantity: '10',
      orderType: 'LMT',
      contract: 'AAPL STK SMART USD',
      conn: { sessionId: 1 },
    });
  });

  it('a pending cancel is still open; nested OPEN_ORDER fields are read', () => {
    const e = new Entries().connect(0, 1, 'bot:1').login(1, 1, 3).in(10, 1, place(9, true)).in(20, 1, { type: 'CANCEL_ORDER', orderId: 9 });
    const c = judge(e).checks['open-orders'];
    expect(c.evidence[0]).toMatchObject({ orderId: 9, status: 'PendingCancel', action: 'BUY', contract: 'AAPL STK SMART USD' });
  });
});

describe('the analyser itself', () => {
  it('report() changes nothing: taken twice, the same verdict', () => {
    const e = new Entries().connect(0, 1, 'ui:1').login(1, 1, 5).contract(10, 1, 100).contract(3_010, 1, 101).disconnect(4_000, 1);
    const a = new VerdictAnalyser(verdictConfig());
    for (const x of e.list) a.consume(x);
    expect(a.report({ now: T0 + 5_000 })).toEqual(a.report({ now: T0 + 5_000 }));
  });

  it('an entry it cannot read is counted, never thrown', () => {
    const a = new VerdictAnalyser();
    a.consume({ seq: 1, at: T0, sessionId: 1, clientId: null, dir: 'in', message: null as never });
    const v = a.report();
    expect(v.analyser.errors).toBe(1);
    expect(v.analyser.firstError).toContain('seq 1');
  });

  it('without --fail-on nothing gates: the verdict passes and still reports what it found', () => {
    const a = new VerdictAnalyser();
    for (const x of new Entries().connect(0, 1, 'a:1').login(1, 1, 1).connect(1, 2, 'a:2').refused(2, 2, 1).list) a.consume(x);
    const v = a.report();
    expect(v).toMatchObject({ pass: true, failOn: [], failed: [], found: ['326'] });
    expect(a.report({ failOn: ['326'] })).toMatchObject({ pass: false, failed: ['326'] });
  });
});
