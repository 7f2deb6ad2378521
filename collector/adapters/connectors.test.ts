/**
 * One contract for both gateway adapters: the @stoqey/ib connector over real TCP and the
 * in-process model connector in virtual time must turn the same gateway behaviour into the same
 * results and the same typed failures — otherwise virtual-time tests would prove nothing about
 * the TCP path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultStage } from '../../simulator/faults/stage.ts';
import type { GatewayModel } from '../../simulator/model/gateway.ts';
import { ClientIdInUse, ConnectionLost, HandshakeTimeout, NoHistoricalData, NoSecurityDefinition, NotConnected, PacingViolation } from '../errors.ts';
import type { ContractInfo, GatewayConnection, GatewayConnector, HistoryQuery } from '../gateway-client.ts';
import { AFTER_CLOSE, CONID, drive, received, tcpEnv, track, virtualEnv } from '../testing/env.ts';
import { wallFloorOn } from '../watchdog.ts';

interface AdapterEnv {
  connector: GatewayConnector;
  gateway: GatewayModel;
  faults: FaultStage;
  now(): number;
  /** Wait for a promise: real waiting over TCP, driving the virtual clock in-process. */
  run<T>(p: Promise<T>): Promise<T>;
  /** Let `ms` model milliseconds pass. */
  pause(ms: number): Promise<void>;
  /**
   * The handshake deadline of a connect that must succeed, model ms: 5 s, and over TCP never less
   * than 5 s of wall time (at scale 0.02, 5 model s are 100 real ms, which a loaded host has missed).
   */
  loginDeadlineMs: number;
  close(): Promise<void>;
}

const overrides = {
  connections: { idGraceMs: 30_000 },
  history: { pacing: { maxBarSeconds: null } },
  messageRate: { enabled: false },
};

const adapters: Array<[string, () => Promise<AdapterEnv>]> = [
  [
    'StoqeyConnector (TCP)',
    async () => {
      const env = await tcpEnv({ profile: 'ibkr-paper', timeScale: 0.02, overrides });
      return {
        connector: env.connector,
        gateway: env.sim.gateway,
        faults: env.sim.faults,
        now: () => env.clock.now(),
        run: (p) => p,
        pause: (ms) => env.clock.sleep(ms),
        loginDeadlineMs: Math.max(5_000, wallFloorOn(env.clock)),
        close: () => env.close(),
      };
    },
  ],
  [
    'ModelConnector (virtual time)',
    async () => {
      const env = virtualEnv({ profile: 'ibkr-paper', overrides });
      return {
        connector: env.connector,
        gateway: env.gateway,
        faults: env.faults,
        now: () => env.clock.now(),
        run: (p) => drive(env.clock, p, { limitMs: 120_000 }),
        pause: (ms) => env.clock.advance(ms),
        loginDeadlineMs: 5_000,
        close: async () => {},
      };
    },
  ],
];

const AAPL_INFO: ContractInfo = {
  conId: CONID.AAPL,
  symbol: 'AAPL',
  secType: 'STK',
  exchange: 'SMART',
  primaryExchange: 'NASDAQ',
  currency: 'USD',
  localSymbol: 'AAPL',
  longName: 'APPLE INC',
  timeZoneId: 'US/Eastern',
};

function hourly(contract: ContractInfo, duration = '1 D'): HistoryQuery {
  return { contract, endDateTime: '', duration, barSize: '1 hour', whatToShow: 'TRADES', useRTH: true };
}

describe.each(adapters)('%s', (_name, make) => {
  let env: AdapterEnv;
  const open: GatewayConnection[] = [];
  afterEach(async () => {
    for (const c of open.splice(0)) c.close();
    await env?.close();
  });

  async function connect(clientId: number): Promise<GatewayConnection> {
    const c = await env.run(env.connector.connect({ clientId, timeoutMs: env.loginDeadlineMs }));
    open.push(c);
    return c;
  }

  it('connects with the asked-for client id and answers contract details with every field', async () => {
    env = await make();
    const conn = await connect(21);
    expect(conn).toMatchObject({ clientId: 21, address: env.connector.address, isOpen: true });
    expect(received(env.gateway, 'START_API').map((e) => e.message.clientId)).toEqual([21]);
    const details = await env.run(conn.contractDetails({ symbol: 'AAPL', currency: 'USD' }).result);
    expect(details).toEqual([AAPL_INFO]);
    const both = await env.run(conn.contractDetails({ symbol: 'TTE' }).result);
    expect(both.map((d) => d.conId).sort()).toEqual([CONID.TTE_SBF, CONID.TTE_NYSE]);
  });

  it('error 200 → NoSecurityDefinition naming the query; other requests on the connection are unaffected', async () => {
    env = await make();
    const conn = await connect(22);
    const bad = conn.contractDetails({ symbol: 'NOSUCHSYM', currency: 'USD' });
    const good = conn.contractDetails({ symbol: 'MSFT', currency: 'USD' });
    const err = await env.run(bad.result).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoSecurityDefinition);
    expect((err as Error).message).toContain('NOSUCHSYM');
    expect((await env.run(good.result))[0]!.conId).toBe(CONID.MSFT);
  });

  it('historical bars arrive complete (epoch-second times) with the window served, and a pacing violation (162) is PacingViolation', async () => {
    env = await make();
    const conn = await connect(23);
    const reply = await env.run(conn.historicalData(hourly(AAPL_INFO)).result);
    const bars = reply.bars;
    // The window the gateway says it served: the session of 1 D, up to now (a second or so after 17:00 over TCP).
    expect(reply.start).toBe('20251112 09:30:00 US/Eastern');
    expect(reply.end).toMatch(/^20251112 17:00:0\d US\/Eastern$/);
    // Wed 2025-11-12 regular session: 09:30, 10:00, 11:00 … 15:00 → 7 bars.
    expect(bars).toHaveLength(7);
    expect(Number(bars[0]!.time)).toBe(Date.UTC(2025, 10, 12, 14, 30) / 1000);
    for (const b of bars) expect(b.low).toBeLessThanOrEqual(b.high);
    expect(env.now()).toBeGreaterThan(AFTER_CLOSE);
    // The identical request again within 15 s: pacing violation.
    const err = await env.run(conn.historicalData(hourly(AAPL_INFO)).result).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PacingViolation);
    expect(err).toMatchObject({ ibCode: 162, retryable: true });
  });

  it('"HMDS query returned no data" (also 162) is NoHistoricalData with IB\'s text: not an empty success', async () => {
    env = await make();
    const conn = await connect(24);
    // 60 s back from 17:00 New York with regular hours only: nothing traded.
    const err = await env
      .run(conn.historicalData({ contract: AAPL_INFO, endDateTime: '', duration: '60 S', barSize: '1 min', whatToShow: 'TRADES', useRTH: true }).result)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoHistoricalData);
    expect(err).toMatchObject({
      code: 'NO_DATA',
      ibCode: 162,
      retryable: false,
      ibText: expect.stringMatching(/HMDS query returned no data: AAPL@SMART Trades/),
    });
  });

  it('a gateway-side drop fails pending requests with ConnectionLost and reports the close with an error', async () => {
    env = await make();
    env.gateway.updateProfile({ secdef: { service: { median: 10_000, sigma: 0 } } });
    const conn = await connect(25);
    const closed: Array<Error | undefined> = [];
    conn.onClose((e) => closed.push(e));
    const pending = conn.contractDetails({ symbol: 'AAPL', currency: 'USD' });
    const t = track(pending.result);
    await env.pause(500);
    expect(received(env.gateway, 'REQ_CONTRACT_DATA')).toHaveLength(1);
    env.faults.apply({ kind: 'drop', match: { clientId: 25 } });
    const err = await env.run(pending.result).catch((e: unknown) => e);
    expect(t.settled).toBe(true);
    expect(err).toBeInstanceOf(ConnectionLost);
    expect((err as Error).message).toContain('client id 25');
    expect(conn.isOpen).toBe(false);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toBeInstanceOf(ConnectionLost);
    // Sending on a closed connection fails at once instead of waiting forever.
    await expect(env.run(conn.contractDetails({ symbol: 'MSFT' }).result)).rejects.toBeInstanceOf(NotConnected);
    await expect(env.run(conn.currentTime().result)).rejects.toBeInstanceOf(NotConnected);
  });

  it('close() ends the connection cleanly: no error to close listeners, pending requests NotConnected, the id free again', async () => {
    env = await make();
    env.gateway.updateProfile({ secdef: { service: { median: 10_000, sigma: 0 } } });
    const conn = await connect(26);
    const closed: Array<Error | undefined> = [];
    conn.onClose((e) => closed.push(e));
    const pending = conn.contractDetails({ symbol: 'AAPL', currency: 'USD' });
    conn.close();
    await expect(env.run(pending.result)).rejects.toBeInstanceOf(NotConnected);
    await env.pause(500);
    expect(closed).toEqual([undefined]);
    // A clean close frees the id at once (idGraceCleanMs 0).
    const again = await connect(26);
    expect(again.isOpen).toBe(true);
  });

  it('destroy() is an unclean exit: the gateway holds the id for its grace period and the next connect gets ClientIdInUse', async () => {
    env = await make();
    const conn = await connect(27);
    conn.destroy();
    await env.pause(500);
    const err = await env.run(env.connector.connect({ clientId: 27, timeoutMs: env.loginDeadlineMs })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientIdInUse);
    expect(err).toMatchObject({ clientId: 27, ibCode: 326 });
    expect((err as Error).message).toContain(env.connector.address);
  });

  it("carries the gateway's managed accounts (MANAGED_ACCTS) from the moment it is handed out", async () => {
    env = await make();
    const conn = await connect(23);
    expect(conn.managedAccounts).toEqual(env.gateway.profile.accounts);
    expect(conn.managedAccounts).toEqual(['DU0118471']);
  });

  it('HandshakeTimeout when START_API is swallowed, naming the gateway and the id', async () => {
    env = await make();
    env.faults.apply({ kind: 'ignore', match: { message: 'START_API' }, times: 1 });
    const t0 = env.now();
    const err = await env.run(env.connector.connect({ clientId: 28, timeoutMs: 2_000 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandshakeTimeout);
    expect((err as Error).message).toContain(`gateway ${env.connector.address}`);
    expect((err as Error).message).toContain('client id 28');
    expect(env.now() - t0).toBeGreaterThanOrEqual(2_000);
  });

  it('currentTime answers with the model time; 1100/1102 notices reach notice listeners', async () => {
    env = await make();
    const conn = await connect(29);
    const t = await env.run(conn.currentTime().result);
    expect(Math.abs(t - env.now() / 1000)).toBeLessThan(5); // model time (Nov 2025), not the wall clock
    const notices: number[] = [];
    conn.onNotice((code) => notices.push(code));
    env.gateway.loseConnectivity();
    env.gateway.restoreConnectivity(false);
    await env.pause(500);
    expect(notices).toEqual(expect.arrayContaining([1100, 1102]));
    expect(notices.indexOf(1100)).toBeLessThan(notices.indexOf(1102));
  });
});
