/**
 * An independent cross-check of the reference frames with a real client: the installed
 * @stoqey/ib 1.6.10 (IBApi) connects to a raw capture gateway (testing/capture-gateway.ts, server
 * version 178), sends every request we declare, and the bytes it writes are compared with our
 * reference frames. Then our v178 server frames are fed to its decoder, which rejects any field
 * left over or missing (error 505).
 *
 * Request ids need no normalising: each request is driven with the reqId of its reference frame.
 *
 * Where @stoqey/ib's bytes differ from ours, the official client decides (KNOWN_DIFFERENCES).
 */
import { EventName, IBApi, type BarSizeSetting, type Contract, type ExecutionFilter, type MarketDataType, type WhatToShow } from '@stoqey/ib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientMessages, decodeClientFrame, FrameDecoder, type ClientMessageOf, type ClientMessageType } from './index.ts';
import { startCaptureGateway, type CaptureGateway } from './testing/capture-gateway.ts';
import { CLIENT_FRAMES, frameBytes, labelOf, SERVER_FRAMES, STOQEY_HANDSHAKE, type ReferenceFrame } from './testing/frames.ts';

const VERSION = 178;

type ContractFields = ClientMessageOf<'REQ_HISTORICAL_DATA'> | ClientMessageOf<'REQ_CONTRACT_DATA'> | ClientMessageOf<'REQ_HEAD_TIMESTAMP'>;

/** Our contract fields as a stoqey Contract (stoqey types multiplier as a number; unset fields stay unset). */
function contractOf(m: ContractFields): Contract {
  return {
    conId: m.conId,
    symbol: m.symbol,
    secType: m.secType as Contract['secType'],
    lastTradeDateOrContractMonth: m.lastTradeDateOrContractMonth,
    strike: m.strike,
    right: m.right as Contract['right'],
    multiplier: m.multiplier === '' ? undefined : Number(m.multiplier),
    exchange: m.exchange,
    primaryExch: m.primaryExchange,
    currency: m.currency,
    localSymbol: m.localSymbol,
    tradingClass: m.tradingClass,
    includeExpired: m.includeExpired,
    ...('secId' in m ? { secIdType: m.secIdType, secId: m.secId, issuerId: m.issuerId } : {}),
    ...('comboLegs' in m && m.secType === 'BAG' ? { comboLegs: m.comboLegs.map((l) => ({ ...l, action: l.action as never })) } : {}),
  };
}

/** How application code makes IBApi send each declared request (START_API goes out on connect). */
const drivers: { [T in Exclude<ClientMessageType, 'START_API'>]: (api: IBApi, m: ClientMessageOf<T>) => void } = {
  REQ_CONTRACT_DATA: (api, m) => api.reqContractDetails(m.reqId, contractOf(m)),
  REQ_HISTORICAL_DATA: (api, m) =>
    api.reqHistoricalData(
      m.reqId,
      contractOf(m),
      m.endDateTime,
      m.duration,
      m.barSize as BarSizeSetting,
      m.whatToShow as WhatToShow,
      m.useRTH,
      m.formatDate,
      m.keepUpToDate,
    ),
  CANCEL_HISTORICAL_DATA: (api, m) => api.cancelHistoricalData(m.reqId),
  REQ_HEAD_TIMESTAMP: (api, m) => api.reqHeadTimestamp(m.reqId, contractOf(m), m.whatToShow as WhatToShow, m.useRTH === 1, m.formatDate),
  CANCEL_HEAD_TIMESTAMP: (api, m) => api.cancelHeadTimestamp(m.reqId),
  REQ_CURRENT_TIME: (api) => api.reqCurrentTime(),
  REQ_IDS: (api, m) => api.reqIds(m.numIds),
  REQ_MANAGED_ACCTS: (api) => api.reqManagedAccts(),
  REQ_MARKET_DATA_TYPE: (api, m) => api.reqMarketDataType(m.marketDataType as MarketDataType),
  REQ_MATCHING_SYMBOLS: (api, m) => api.reqMatchingSymbols(m.reqId, m.pattern),
  REQ_POSITIONS: (api) => api.reqPositions(),
  CANCEL_POSITIONS: (api) => api.cancelPositions(),
  REQ_OPEN_ORDERS: (api) => api.reqOpenOrders(),
  REQ_ALL_OPEN_ORDERS: (api) => api.reqAllOpenOrders(),
  REQ_AUTO_OPEN_ORDERS: (api, m) => api.reqAutoOpenOrders(m.autoBind),
  REQ_COMPLETED_ORDERS: (api, m) => api.reqCompletedOrders(m.apiOnly),
  REQ_ACCOUNT_DATA: (api, m) => api.reqAccountUpdates(m.subscribe, m.acctCode),
  REQ_ACCOUNT_SUMMARY: (api, m) => api.reqAccountSummary(m.reqId, m.group, m.tags),
  CANCEL_ACCOUNT_SUMMARY: (api, m) => api.cancelAccountSummary(m.reqId),
  REQ_ACCOUNT_UPDATES_MULTI: (api, m) => api.reqAccountUpdatesMulti(m.reqId, m.account, m.modelCode, m.ledgerAndNLV),
  CANCEL_ACCOUNT_UPDATES_MULTI: (api, m) => api.cancelAccountUpdatesMulti(m.reqId),
  REQ_POSITIONS_MULTI: (api, m) => api.reqPositionsMulti(m.reqId, m.account, m.modelCode),
  CANCEL_POSITIONS_MULTI: (api, m) => api.cancelPositionsMulti(m.reqId),
  REQ_EXECUTIONS: (api, m) => {
    const filter: ExecutionFilter = {
      clientId: m.filterClientId === undefined ? undefined : String(m.filterClientId),
      acctCode: m.acctCode,
      time: m.time,
      symbol: m.symbol,
      secType: m.secType as ExecutionFilter['secType'],
      exchange: m.exchange,
      side: m.side,
    };
    api.reqExecutions(m.reqId, filter);
  },
};

/**
 * Fields where @stoqey/ib 1.6.10 writes something else than our frame, with who is right. The
 * official EClient.java (TWS API 10.34.02) sends VERSION = 1 in reqAccountUpdatesMulti and
 * cancelAccountUpdatesMulti, as does ib_async 2.0.1; @stoqey/ib's encoder.js sends 2. The gateway
 * reads that field and ignores it, so both work; our frames keep the official 1.
 */
const KNOWN_DIFFERENCES: Partial<Record<ClientMessageType, Record<number, { ours: string; stoqey: string }>>> = {
  REQ_ACCOUNT_UPDATES_MULTI: { 1: { ours: '1', stoqey: '2' } },
  CANCEL_ACCOUNT_UPDATES_MULTI: { 1: { ours: '1', stoqey: '2' } },
};

const fieldsOf = (frame: Buffer) => frame.toString('utf8', 4, frame.length - 1).split('\0');

let gateway: CaptureGateway;
let api: IBApi;
/** The first frame after the handshake (IBApi sends START_API on its own). */
let startApi: Buffer;
const errors: Array<{ message: string; code: number; reqId: number }> = [];

beforeAll(async () => {
  gateway = await startCaptureGateway({ serverVersion: VERSION });
  // No client-side throttle: the requests go out back to back.
  api = new IBApi({ host: '127.0.0.1', port: gateway.port, maxReqPerSec: 10_000 });
  api.on(EventName.error, (err: Error, code: number, reqId: number) => errors.push({ message: err.message, code, reqId }));
  const ready = new Promise<void>((resolve) => api.once(EventName.nextValidId, () => resolve()));
  api.connect(5);
  await ready;
  startApi = await gateway.next();
});

afterAll(async () => {
  api?.disconnect();
  await gateway?.close();
});

describe('@stoqey/ib 1.6.10 writes our reference frames (v178)', () => {
  it('the handshake and START_API', async () => {
    expect((await gateway.handshake).toString('hex')).toBe(STOQEY_HANDSHAKE.hex);
    const start = CLIENT_FRAMES.find((f) => f.type === 'START_API' && f.version === VERSION)!;
    expect(fieldsOf(startApi)).toEqual(start.fields);
  });

  it('every declared client message is sent by a driver here (or by connect)', () => {
    expect(Object.keys(ClientMessages).sort()).toEqual(['START_API', ...Object.keys(drivers)].sort());
  });

  const driven = CLIENT_FRAMES.filter((f) => f.version === VERSION && !f.decodeOnly && f.type !== 'START_API');
  it.each(driven.map((f) => [labelOf(f), f] as const))('%s', async (_label, frame: ReferenceFrame) => {
    const type = frame.type as Exclude<ClientMessageType, 'START_API'>;
    (drivers[type] as (api: IBApi, m: unknown) => void)(api, frame.message);
    const captured = await gateway.next().catch((err: Error) => {
      throw new Error(`${err.message}; stoqey errors: ${JSON.stringify(errors)}`);
    });
    const expected = [...frame.fields];
    for (const [index, diff] of Object.entries(KNOWN_DIFFERENCES[type] ?? {})) {
      expect(expected[Number(index)], `our ${type} field ${index}`).toBe(diff.ours);
      expected[Number(index)] = diff.stoqey;
    }
    expect(fieldsOf(captured)).toEqual(expected);
    expect(captured.equals(frameBytes(expected))).toBe(true);
    // Whatever the difference, the simulator reads stoqey's frame as the same request.
    const [body] = new FrameDecoder().push(captured);
    expect(decodeClientFrame(body!, VERSION)).toStrictEqual(frame.message);
    expect(errors).toEqual([]);
  });
});

/** A CURRENT_TIME sent after a frame marks the point where stoqey has decoded that frame. */
const SENTINEL_TIME = 1762766199;
function decodedUpToSentinel(timeoutMs = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`@stoqey/ib did not decode up to the sentinel; errors: ${JSON.stringify(errors)}`)), timeoutMs);
    const onTime = (time: number) => {
      if (time !== SENTINEL_TIME) return;
      clearTimeout(timer);
      api.off(EventName.currentTime, onTime);
      resolve();
    };
    api.on(EventName.currentTime, onTime);
  });
}

describe("@stoqey/ib 1.6.10's strict decoder accepts our v178 server frames", () => {
  // 108 HISTORICAL_DATA_END has no parser in 1.6.10 (it is only sent from v196); SERVER_VERSION is the handshake reply above.
  const fed = SERVER_FRAMES.filter((f) => f.version === VERSION && f.type !== 'SERVER_VERSION' && f.type !== 'HISTORICAL_DATA_END');

  it.each(fed.map((f) => [labelOf(f), f] as const))('%s', async (_label, frame: ReferenceFrame) => {
    const before = errors.length;
    gateway.send(Buffer.concat([frameBytes(frame.fields), frameBytes(['49', '1', String(SENTINEL_TIME)])]));
    await decodedUpToSentinel();
    expect(errors.slice(before).filter((e) => e.code === 505)).toEqual([]);
  });
});
