/**
 * Helpers for the virtual-time tests of the gateway model: a gateway on a VirtualClock, in-process
 * clients that record every message with the model time it arrived at, and request builders.
 * Nothing here waits in real time.
 */
import { VirtualClock } from '../../common/clock.ts';
import type { ClientMessage, ClientMessageOf, ServerMessage, ServerMessageOf, ServerMessageType } from '../protocol/index.ts';
import { contractRequest, historyRequest } from '../protocol/requests.ts';
import { InProcessConnection, type InProcessOptions } from '../server/in-process.ts';
import { createMarketData } from '../market/market-data.ts';
import { createGateway } from '../simulator.ts';
import type { GatewayModel } from '../model/gateway.ts';
import { FaultStage } from '../faults/stage.ts';
import type { GatewayPort } from '../model/gateway-port.ts';
import type { MarketData } from '../model/ports.ts';
import type { ProfileOverrides } from '../model/profile.ts';
import type { SessionInfo } from '../model/session.ts';

export { AFTER_CLOSE, CONID } from '../../common/testing/fixtures.ts';
import { AFTER_CLOSE, CONID } from '../../common/testing/fixtures.ts';

let sharedMarket: MarketData | undefined;
/** The bundled market data (seed 1), built once: it does not depend on the gateway's state. */
export function market(): MarketData {
  sharedMarket ??= createMarketData({ seed: 1 });
  return sharedMarket;
}

export interface Harness {
  clock: VirtualClock;
  gw: GatewayModel;
  /** The fault stage in front of `gw`; every client of the harness connects through it. */
  faults: FaultStage;
  /** Open a client connection (handshake done, SERVER_VERSION on its way). */
  connect(opts?: InProcessOptions): TestClient;
  /**
   * Open a connection, send START_API and (by default) let the login complete; the login messages
   * are then cleared (unless `keep`), so the client's inbox holds only what follows.
   */
  login(clientId: number, opts?: InProcessOptions & { wait?: boolean; keep?: boolean }): Promise<TestClient>;
  advance(ms: number): Promise<void>;
  /**
   * Advance in 1 ms steps until `pred` holds (or `limitMs` passed); returns whether it held. Unlike
   * runUntilIdle this never jumps past the moment of interest to some unrelated timer.
   */
  until(pred: () => boolean, limitMs?: number): Promise<boolean>;
  idle(): Promise<number>;
  /** Model ms since the harness was built. */
  elapsed(): number;
  // Control: what an operator or the control plane does (model-based tests use only these and
  // TestClient, so they do not depend on how the model is built inside).
  /** Drop a client's connection from the gateway side, as a network failure would (its id stays held). */
  drop(client: TestClient): void;
  /** Restart the gateway: every session dropped, new connections refused for a while. */
  restart(): void;
  /** Client ids live (held by a session) and held (grace after a session vanished), as of now. */
  clientIds(): { live: number[]; held: Array<{ clientId: number; until: number }> };
  /** Open sessions, as `GET /sessions` lists them. */
  sessions(): SessionInfo[];
}

export function harness(opts: { profile?: string; overrides?: ProfileOverrides; seed?: number; start?: number } = {}): Harness {
  const clock = new VirtualClock(opts.start ?? AFTER_CLOSE);
  const t0 = clock.now();
  const gw = createGateway({
    clock,
    seed: opts.seed ?? 1,
    profile: opts.profile ?? 'ibkr-paper',
    market: market(),
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
  });
  const faults = new FaultStage(gw);
  const h: Harness = {
    clock,
    gw,
    faults,
    connect: (o) => new TestClient(faults, clock, o),
    async login(clientId, o = {}) {
      const c = new TestClient(faults, clock, o);
      c.startApi(clientId);
      if (o.wait !== false) {
        await h.until(() => c.ready || c.closed, 15_000);
        if (!c.ready) throw new Error(`client ${clientId} did not become ready: ${JSON.stringify(c.messages.map((m) => m.msg))}`);
        if (!o.keep) c.clear();
      }
      return c;
    },
    advance: (ms) => clock.advance(ms),
    async until(pred, limitMs = 60_000) {
      const end = clock.now() + limitMs;
      await clock.advance(0);
      while (!pred()) {
        if (clock.now() >= end) return false;
        await clock.advance(1);
      }
      return true;
    },
    idle: () => clock.runUntilIdle(),
    elapsed: () => clock.now() - t0,
    drop: (c) => faults.apply({ kind: 'drop', match: { sessionId: c.session.id } }),
    restart: () => gw.restart(),
    clientIds: () => gw.clientIds.snapshot(clock.now()),
    sessions: () => gw.listSessions(),
  };
  return h;
}

export interface Received {
  /** Model time the message reached the client. */
  at: number;
  msg: ServerMessage;
}

type ErrMsg = ServerMessageOf<'ERR_MSG'>;

export class TestClient {
  readonly conn: InProcessConnection;
  readonly messages: Received[] = [];
  closedAt: number | undefined;
  /** Model time the first NEXT_VALID_ID arrived. */
  readyAt: number | undefined;

  constructor(
    readonly gw: GatewayPort,
    readonly clock: VirtualClock,
    opts: InProcessOptions = {},
  ) {
    this.conn = InProcessConnection.open(gw, opts);
    this.conn.onMessage((msg) => {
      if (msg.type === 'NEXT_VALID_ID' && this.readyAt === undefined) this.readyAt = clock.now();
      this.messages.push({ at: clock.now(), msg });
    });
    this.conn.onClose(() => {
      this.closedAt = clock.now();
    });
  }

  get session() {
    return this.conn.session;
  }

  get closed(): boolean {
    return this.conn.isClosed;
  }

  get ready(): boolean {
    return this.readyAt !== undefined;
  }

  startApi(clientId: number): void {
    this.send({ type: 'START_API', clientId, optionalCapabilities: '' });
  }

  send(msg: ClientMessage): void {
    this.conn.send(msg);
  }

  /** Messages of one type (with arrival times). */
  of<T extends ServerMessageType>(type: T): Array<{ at: number; msg: ServerMessageOf<T> }> {
    return this.messages.filter((m) => m.msg.type === type) as Array<{ at: number; msg: ServerMessageOf<T> }>;
  }

  errors(code?: number): Array<{ at: number; msg: ErrMsg }> {
    return this.of('ERR_MSG').filter((e) => code === undefined || e.msg.code === code);
  }

  /** Everything addressed to one request id (errors and replies carrying `reqId`). */
  forReq(reqId: number): Received[] {
    return this.messages.filter((m) => ('reqId' in m.msg && m.msg.reqId === reqId) || (m.msg.type === 'ERR_MSG' && m.msg.id === reqId));
  }

  types(): string[] {
    return this.messages.map((m) => m.msg.type);
  }

  /** The time the answer to a contract request finished (END or error). */
  contractDone(reqId: number): number | undefined {
    return this.forReq(reqId).find((m) => m.msg.type === 'CONTRACT_DATA_END' || m.msg.type === 'ERR_MSG')?.at;
  }

  clear(): void {
    this.messages.length = 0;
  }
}

export function contractReq(reqId: number, symbol: string, over: Partial<ClientMessageOf<'REQ_CONTRACT_DATA'>> = {}): ClientMessageOf<'REQ_CONTRACT_DATA'> {
  return contractRequest(reqId, { symbol, ...over });
}

/** A request for AAPL 5-second trades of one half hour on the day before AFTER_CLOSE (always has data). */
export function histReq(reqId: number, over: Partial<ClientMessageOf<'REQ_HISTORICAL_DATA'>> = {}): ClientMessageOf<'REQ_HISTORICAL_DATA'> {
  return historyRequest(reqId, {
    conId: CONID.AAPL,
    symbol: '',
    secType: '',
    currency: '',
    endDateTime: '20251112 15:00:00 US/Eastern',
    barSize: '5 secs',
    duration: '1800 S',
    ...over,
  });
}

/** A distinct end time (so requests are not "identical") for the n-th request: 15:00 minus n minutes. */
export function endAt(n: number): string {
  const minutes = 15 * 60 - n;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `20251112 ${hh}:${mm}:00 US/Eastern`;
}

export const currentTime = (): ClientMessageOf<'REQ_CURRENT_TIME'> => ({ type: 'REQ_CURRENT_TIME' });

/** The exact texts clients match on. */
export const TEXT = {
  inUse: 'Unable to connect as the client id is already in use. Retry with a unique client id.',
  pacing: 'Historical Market Data Service error message:Historical data request pacing violation',
};
