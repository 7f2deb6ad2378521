/**
 * No request hangs (issue #9): the unmodified @stoqey/ib 1.6.10 IBApi, over real TCP, sends every
 * request it can send (protocol/testing/stoqey-drivers.ts, driven with the reference frames'
 * contents), one at a time, and each must end within 5 s: with one of the events that answer it,
 * or with an error bearing its own id whose code neither @stoqey/ib nor ib_async takes for a
 * warning (docs/wire-facts/errors.md#which-codes-end-a-request). Requests nobody waits on
 * (cancels, subscriptions that only stream when something happens, settings) are listed with the
 * reason; for them, and for every request, no error with id -1 may answer a request that had an id.
 * Answers and their sources: docs/wire-facts/unmodelled.md, docs/simulated.md.
 */
import { EventName, IBApi } from '@stoqey/ib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_FRAMES } from './protocol/testing/frames.ts';
import { drivers } from './protocol/testing/stoqey-drivers.ts';
import { startSimulator, type Simulator } from './simulator.ts';

type Driven = keyof typeof drivers;
/** The events that answer a request, or why nobody waits for an answer. */
type Ending = { answer: readonly string[] } | { noWait: string };

const CANCEL = { noWait: 'a cancel: nobody waits on it (docs/wire-facts/unmodelled.md#cancels)' } as const;
const a = (...events: string[]): Ending => ({ answer: events });

/** Every request @stoqey/ib can send, with what ends it. The type makes the table complete. */
const ENDINGS: Record<Driven, Ending> = {
  REQ_CONTRACT_DATA: a(EventName.contractDetailsEnd),
  REQ_MATCHING_SYMBOLS: a(EventName.symbolSamples),
  REQ_SEC_DEF_OPT_PARAMS: a(EventName.securityDefinitionOptionParameterEnd),
  REQ_MARKET_RULE: a(EventName.marketRule),
  REQ_FAMILY_CODES: a(EventName.familyCodes),
  REQ_SMART_COMPONENTS: a(EventName.smartComponents),
  REQ_FUNDAMENTAL_DATA: a(EventName.fundamentalData),
  CANCEL_FUNDAMENTAL_DATA: CANCEL,
  REQ_SCANNER_PARAMETERS: a(EventName.scannerParameters),
  REQ_SCANNER_SUBSCRIPTION: a(EventName.scannerDataEnd),
  CANCEL_SCANNER_SUBSCRIPTION: CANCEL,
  REQ_HISTORICAL_DATA: a(EventName.historicalData),
  CANCEL_HISTORICAL_DATA: CANCEL,
  REQ_HEAD_TIMESTAMP: a(EventName.headTimestamp),
  CANCEL_HEAD_TIMESTAMP: CANCEL,
  REQ_HISTOGRAM_DATA: a(EventName.histogramData),
  CANCEL_HISTOGRAM_DATA: CANCEL,
  REQ_HISTORICAL_TICKS: a(EventName.historicalTicks, EventName.historicalTicksBidAsk, EventName.historicalTicksLast),
  REQ_MKT_DATA: a(EventName.tickPrice, EventName.tickSize, EventName.tickString, EventName.tickGeneric, EventName.tickSnapshotEnd),
  CANCEL_MKT_DATA: CANCEL,
  REQ_MARKET_DATA_TYPE: { noWait: 'a setting: IB answers nothing; the type arrives with the next market data' },
  REQ_REAL_TIME_BARS: a(EventName.realtimeBar),
  CANCEL_REAL_TIME_BARS: CANCEL,
  REQ_TICK_BY_TICK_DATA: a(EventName.tickByTickAllLast, EventName.tickByTickBidAsk, EventName.tickByTickMidPoint),
  CANCEL_TICK_BY_TICK_DATA: CANCEL,
  REQ_MKT_DEPTH: a(EventName.updateMktDepth, EventName.updateMktDepthL2),
  CANCEL_MKT_DEPTH: CANCEL,
  REQ_MKT_DEPTH_EXCHANGES: a(EventName.mktDepthExchanges),
  REQ_CALC_IMPLIED_VOLAT: a(EventName.tickOptionComputation),
  REQ_CALC_OPTION_PRICE: a(EventName.tickOptionComputation),
  CANCEL_CALC_IMPLIED_VOLAT: CANCEL,
  CANCEL_CALC_OPTION_PRICE: CANCEL,
  PLACE_ORDER: a(EventName.openOrder, EventName.orderStatus),
  CANCEL_ORDER: CANCEL,
  REQ_GLOBAL_CANCEL: CANCEL,
  REQ_IDS: a(EventName.nextValidId),
  REQ_OPEN_ORDERS: a(EventName.openOrderEnd),
  REQ_ALL_OPEN_ORDERS: a(EventName.openOrderEnd),
  REQ_AUTO_OPEN_ORDERS: { noWait: 'a setting; a client id other than 0 gets 327 with id -1, as from IB' },
  REQ_COMPLETED_ORDERS: a(EventName.completedOrdersEnd),
  REQ_EXECUTIONS: a(EventName.execDetailsEnd),
  EXERCISE_OPTIONS: a(EventName.openOrder, EventName.orderStatus),
  REQ_ACCOUNT_DATA: a(EventName.accountDownloadEnd),
  REQ_ACCOUNT_SUMMARY: a(EventName.accountSummaryEnd),
  CANCEL_ACCOUNT_SUMMARY: CANCEL,
  REQ_ACCOUNT_UPDATES_MULTI: a(EventName.accountUpdateMultiEnd),
  CANCEL_ACCOUNT_UPDATES_MULTI: CANCEL,
  REQ_POSITIONS: a(EventName.positionEnd),
  CANCEL_POSITIONS: CANCEL,
  REQ_POSITIONS_MULTI: a(EventName.positionMultiEnd),
  CANCEL_POSITIONS_MULTI: CANCEL,
  REQ_PNL: a(EventName.pnl),
  CANCEL_PNL: CANCEL,
  REQ_PNL_SINGLE: a(EventName.pnlSingle),
  CANCEL_PNL_SINGLE: CANCEL,
  REQ_FA: { noWait: 'no request id; a non-FA login gets 321 with id -1, as from IB (docs/wire-facts/unmodelled.md#financial-advisor-requests)' },
  REPLACE_FA: { noWait: 'fire-and-forget in the clients; a non-FA login gets 321 with its id, as from IB' },
  REQ_SOFT_DOLLAR_TIERS: a(EventName.softDollarTiers),
  REQ_NEWS_BULLETINS: { noWait: 'a subscription: bulletins arrive only when IB publishes one' },
  CANCEL_NEWS_BULLETINS: CANCEL,
  REQ_NEWS_PROVIDERS: a(EventName.newsProviders),
  REQ_NEWS_ARTICLE: a(EventName.newsArticle),
  REQ_HISTORICAL_NEWS: a(EventName.historicalNewsEnd),
  REQ_WSH_META_DATA: a(EventName.wshMetaData),
  CANCEL_WSH_META_DATA: CANCEL,
  REQ_WSH_EVENT_DATA: a(EventName.wshEventData),
  CANCEL_WSH_EVENT_DATA: CANCEL,
  REQ_CURRENT_TIME: a(EventName.currentTime),
  REQ_MANAGED_ACCTS: a(EventName.managedAccounts),
  SET_SERVER_LOGLEVEL: { noWait: "a setting of the gateway's own log; no client expects a reply" },
  REQ_USER_INFO: a(EventName.userInfo),
  QUERY_DISPLAY_GROUPS: a(EventName.displayGroupList),
  SUBSCRIBE_TO_GROUP_EVENTS: a(EventName.displayGroupUpdated),
  UPDATE_DISPLAY_GROUP: a(EventName.displayGroupUpdated),
  UNSUBSCRIBE_FROM_GROUP_EVENTS: CANCEL,
};

/** Codes @stoqey/ib 1.6.10 or ib_async 2.0.1 treat as warnings: they do not end a request (docs/wire-facts/errors.md#which-codes-end-a-request). */
function isWarningInSomeClient(code: number): boolean {
  return (code >= 2100 && code < 3000) || [105, 110, 165, 321, 329, 399, 404, 434, 492, 10090, 10167].includes(code);
}

/** The id a request's answer carries (reqId, or orderId), or undefined for requests without one. */
function idOf(m: Record<string, unknown>): number | undefined {
  for (const k of ['reqId', 'orderId']) if (typeof m[k] === 'number') return m[k] as number;
  return undefined;
}

const BOUND_MS = 5_000;

let sim: Simulator;
let api: IBApi;
/** Every event IBApi emitted, in order, with its arguments. */
const events: Array<{ name: string; args: unknown[] }> = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, profile: 'instant', seed: 7 });
  api = new IBApi({ host: '127.0.0.1', port: sim.port });
  const emit = api.emit.bind(api);
  api.emit = (name: string | symbol, ...args: unknown[]) => {
    events.push({ name: String(name), args });
    return emit(name, ...args);
  };
  api.on(EventName.error, () => {});
  const ready = new Promise((resolve) => api.once(EventName.nextValidId, resolve));
  api.connect(9);
  await ready;
});
afterAll(async () => {
  api?.disconnect();
  await sim?.close();
});

/** Wait until `done` holds for the events after `from`, or `ms` pass; true when it held. */
async function until(from: number, done: (e: { name: string; args: unknown[] }) => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (events.slice(from).some(done)) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

describe('every request @stoqey/ib 1.6.10 can send ends', () => {
  it('with its answer or a final error bearing its id, within 5 s; never with an id -1 error', async () => {
    const problems: string[] = [];
    const driven: string[] = [];
    for (const type of Object.keys(ENDINGS) as Driven[]) {
      const frame = CLIENT_FRAMES.find((f) => f.side === 'client' && f.type === type);
      if (!frame) {
        problems.push(`${type}: no reference frame to drive it with`);
        continue;
      }
      const msg = frame.message as Record<string, unknown>;
      const id = idOf(msg);
      const from = events.length;
      const reason = (drivers[type] as (api: IBApi, m: unknown) => unknown)(api, msg);
      if (typeof reason === 'string') {
        problems.push(`${type}: not driven (${reason})`);
        continue;
      }
      driven.push(type);
      const ending = ENDINGS[type];
      const ownError = (e: { name: string; args: unknown[] }) => e.name === EventName.error && id !== undefined && e.args[2] === id;
      if ('answer' in ending) {
        const answered = (e: { name: string; args: unknown[] }) =>
          ownError(e) ||
          (ending.answer.includes(e.name) && (id === undefined || typeof e.args[0] !== 'number' || e.args[0] === id || Number(e.args[0]) === id));
        if (!(await until(from, answered, BOUND_MS))) problems.push(`${type}: no answer within ${BOUND_MS} ms`);
        const err = events.slice(from).find(ownError);
        if (err && isWarningInSomeClient(err.args[1] as number)) problems.push(`${type}: ended by ${String(err.args[1])}, a warning in some client`);
      } else {
        // Nothing to wait for: a current-time round trip shows the request was read and the session goes on.
        const mark = events.length;
        api.reqCurrentTime();
        if (!(await until(mark, (e) => e.name === EventName.currentTime, BOUND_MS))) problems.push(`${type}: the session stopped answering`);
      }
      // An id -1 error (stoqey's `info` or `error` without a request id) must not answer a request that had an id.
      if (id !== undefined) {
        const anonymous = events.slice(from).find((e) => e.name === EventName.info || (e.name === EventName.error && e.args[2] === -1));
        if (anonymous) problems.push(`${type}: answered with id -1 (${String(anonymous.args[0])})`);
      }
    }
    expect(problems).toEqual([]);
    expect(driven).toHaveLength(Object.keys(drivers).length);
  });
});
