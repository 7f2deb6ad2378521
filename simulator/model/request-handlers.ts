/**
 * How the gateway answers each request, one handler per client message type. Handlers only decide
 * *what* to send; timing (the sec-def queue, HMDS latency) and session bookkeeping stay in the
 * model. Minimal account/order replies follow docs/wire-facts/requests.md#minimal-replies so ib_async's
 * startup sync completes (docs/wire-facts/clients.md#ib_async-startup-requests).
 */
import { quote, withSharedBody, type ClientMessageOf, type ClientMessageType, type UnknownClientMessage } from '../protocol/index.ts';
import type { GatewayModel } from './gateway.ts';
import { barSizeSeconds } from '../protocol/bar-sizes.ts';
import { IbError, NO_ID } from './ib-errors.ts';
import type { Session } from './session.ts';

export interface HandlerContext {
  gateway: GatewayModel;
  session: Session;
  now: number;
}

type Handlers = { [T in ClientMessageType]?: (ctx: HandlerContext, msg: ClientMessageOf<T>) => void };

const NET_LIQUIDATION = '100000.00';

function contractData(ctx: HandlerContext, msg: ClientMessageOf<'REQ_CONTRACT_DATA'>): void {
  const { gateway, session } = ctx;
  gateway.secdef.enqueue({
    sessionId: session.id,
    reqId: msg.reqId,
    enqueuedAt: ctx.now,
    // Served even if the client has long given up: there is no cancel for contract details.
    complete: ({ waitMs, serviceMs }) => {
      gateway.observer.secdefServed?.(waitMs, serviceMs);
      if (!session.isOpen) return;
      gateway.guard(session, 'answering a contract-details request', () => answerContractData(ctx, msg));
    },
  });
}

function answerContractData({ gateway, session }: HandlerContext, msg: ClientMessageOf<'REQ_CONTRACT_DATA'>): void {
  // The request itself is the query (its type and reqId are simply not looked at).
  const matches = gateway.market.matchContracts(msg, gateway.clock.now());
  if (matches.length === 0) {
    gateway.sendError(session, msg.reqId, IbError.noSecurityDefinition());
    return;
  }
  // The details are cached by the market; their encoding is cached with them.
  for (const m of matches) gateway.send(session, withSharedBody({ type: 'CONTRACT_DATA', reqId: msg.reqId, ...m }, m));
  gateway.send(session, { type: 'CONTRACT_DATA_END', reqId: msg.reqId });
}

function historicalData(ctx: HandlerContext, msg: ClientMessageOf<'REQ_HISTORICAL_DATA'>): void {
  const { gateway, session, now } = ctx;
  if (session.openHistory.has(msg.reqId)) {
    gateway.sendError(session, msg.reqId, IbError.processing('bH', 'Duplicate ticker ID for API historical data query'));
    return;
  }
  const resolved = gateway.market.resolveInstrument(msg, now);
  if (!resolved.ok) {
    gateway.sendError(session, msg.reqId, resolved);
    return;
  }
  const instrument = resolved.instrument;
  const exchange = msg.exchange || 'SMART';
  const verdict = gateway.pacing.admit(
    {
      identityKey: [instrument.conId, exchange, msg.endDateTime, msg.duration, msg.barSize, msg.whatToShow, msg.useRTH].join('|'),
      contractKey: [instrument.conId, exchange, msg.whatToShow].join('|'),
      whatToShow: msg.whatToShow,
      barSeconds: barSizeSeconds(msg.barSize),
    },
    now,
    openHistoryCount(gateway),
  );
  if (!verdict.ok) {
    gateway.logger.info({ session: session.id, clientId: session.clientId, reqId: msg.reqId, rule: verdict.rule }, 'historical pacing violation');
    gateway.sendError(session, msg.reqId, IbError.pacingViolation());
    return;
  }
  const h = gateway.profile.history.service;
  const latency = gateway.rng.lognormal(h.median, h.sigma);
  const timer = gateway.sessionTimer(session, latency, () => {
    // While connectivity is lost the answer is held; the request stays open (cancellable, and
    // counted against the open-request limit) until it is actually answered.
    gateway.whenConnected(session, () => {
      if (session.openHistory.get(msg.reqId) !== timer) return; // cancelled meanwhile
      session.openHistory.delete(msg.reqId);
      const result = gateway.market.historical(msg, instrument, gateway.clock.now());
      gateway.observer.historyServed?.(latency);
      if (!result.ok) {
        gateway.sendError(session, msg.reqId, result);
        return;
      }
      if (result.warning) gateway.sendError(session, msg.reqId, result.warning);
      gateway.send(session, { type: 'HISTORICAL_DATA', reqId: msg.reqId, startDate: result.startDate, endDate: result.endDate, bars: result.bars });
    });
  });
  session.openHistory.set(msg.reqId, timer);
}

function openHistoryCount(gateway: GatewayModel): number {
  let n = 0;
  for (const s of gateway.findSessions({})) n += s.openHistory.size;
  return n;
}

export const requestHandlers = {
  byType: {
    REQ_CONTRACT_DATA: contractData,
    REQ_HISTORICAL_DATA: historicalData,

    CANCEL_HISTORICAL_DATA({ gateway, session }, msg) {
      const timer = session.openHistory.get(msg.reqId);
      if (!timer) {
        gateway.sendError(session, msg.reqId, IbError.noHistoricalQuery(msg.reqId));
        return;
      }
      timer.cancel();
      session.openHistory.delete(msg.reqId);
      gateway.sendError(session, msg.reqId, IbError.historicalCancelled(msg.reqId));
    },

    REQ_CURRENT_TIME({ gateway, session, now }) {
      gateway.send(session, { type: 'CURRENT_TIME', time: Math.floor(now / 1000) });
    },
    REQ_IDS({ gateway, session }) {
      gateway.send(session, { type: 'NEXT_VALID_ID', orderId: gateway.nextOrderId(session.clientId ?? 0, 0) });
    },
    REQ_MANAGED_ACCTS({ gateway, session }) {
      gateway.send(session, { type: 'MANAGED_ACCTS', accounts: gateway.profile.accounts.join(',') });
    },
    REQ_MARKET_DATA_TYPE() {
      // TWS acknowledges nothing here; it reports the type with each market-data request later.
    },
    REQ_MATCHING_SYMBOLS({ gateway, session }, msg) {
      gateway.send(session, { type: 'SYMBOL_SAMPLES', reqId: msg.reqId, descriptions: gateway.market.searchSymbols(msg.pattern) });
    },

    REQ_POSITIONS({ gateway, session }) {
      gateway.send(session, { type: 'POSITION_END' });
    },
    CANCEL_POSITIONS() {},
    REQ_OPEN_ORDERS({ gateway, session }) {
      gateway.send(session, { type: 'OPEN_ORDER_END' });
    },
    REQ_ALL_OPEN_ORDERS({ gateway, session }) {
      gateway.send(session, { type: 'OPEN_ORDER_END' });
    },
    REQ_AUTO_OPEN_ORDERS({ gateway, session }) {
      if (session.clientId !== 0) gateway.sendError(session, NO_ID, IbError.autoBindNotAllowed());
    },
    REQ_COMPLETED_ORDERS({ gateway, session }) {
      gateway.send(session, { type: 'COMPLETED_ORDERS_END' });
    },
    REQ_EXECUTIONS({ gateway, session }, msg) {
      gateway.send(session, { type: 'EXECUTION_DATA_END', reqId: msg.reqId });
    },

    REQ_ACCOUNT_DATA({ gateway, session, now }, msg) {
      if (!msg.subscribe) return;
      const account = msg.acctCode || gateway.profile.accounts[0]!;
      gateway.send(session, { type: 'ACCT_VALUE', key: 'NetLiquidation', value: NET_LIQUIDATION, currency: 'USD', accountName: account });
      gateway.send(session, { type: 'ACCT_UPDATE_TIME', time: new Date(now).toISOString().slice(11, 16) });
      gateway.send(session, { type: 'ACCT_DOWNLOAD_END', account });
    },
    REQ_ACCOUNT_SUMMARY({ gateway, session }, msg) {
      if (session.accountSummaries.size >= 2 && !session.accountSummaries.has(msg.reqId)) {
        gateway.sendError(
          session,
          msg.reqId,
          IbError.processing('bB', 'Maximum number of account summary requests exceeded; desubscribe to previous request first'),
        );
        return;
      }
      session.accountSummaries.add(msg.reqId);
      for (const account of gateway.profile.accounts) {
        gateway.send(session, { type: 'ACCOUNT_SUMMARY', reqId: msg.reqId, account, tag: 'NetLiquidation', value: NET_LIQUIDATION, currency: 'USD' });
      }
      gateway.send(session, { type: 'ACCOUNT_SUMMARY_END', reqId: msg.reqId });
    },
    CANCEL_ACCOUNT_SUMMARY({ session }, msg) {
      session.accountSummaries.delete(msg.reqId);
    },
    REQ_ACCOUNT_UPDATES_MULTI({ gateway, session }, msg) {
      const account = msg.account || gateway.profile.accounts[0]!;
      gateway.send(session, {
        type: 'ACCOUNT_UPDATE_MULTI',
        reqId: msg.reqId,
        account,
        modelCode: msg.modelCode,
        key: 'NetLiquidation',
        value: NET_LIQUIDATION,
        currency: 'USD',
      });
      gateway.send(session, { type: 'ACCOUNT_UPDATE_MULTI_END', reqId: msg.reqId });
    },
    CANCEL_ACCOUNT_UPDATES_MULTI() {},
    REQ_POSITIONS_MULTI({ gateway, session }, msg) {
      gateway.send(session, { type: 'POSITION_MULTI_END', reqId: msg.reqId });
    },
    CANCEL_POSITIONS_MULTI() {},
  } satisfies Handlers,

  /** A declared request this simulator does not serve (e.g. head timestamps). */
  unsupported({ gateway, session }: HandlerContext, msg: { type: string; reqId?: unknown }): void {
    const id = typeof msg.reqId === 'number' ? msg.reqId : NO_ID;
    gateway.logger.warn({ session: session.id, clientId: session.clientId, type: msg.type }, 'unsupported request');
    gateway.sendError(session, id, IbError.validation('bA', `${msg.type} is not supported by the simulator`));
  },

  /** A message id with no declaration: answered with an error, the session carries on. */
  unknown({ gateway, session }: HandlerContext, msg: UnknownClientMessage): void {
    gateway.logger.warn({ session: session.id, clientId: session.clientId, id: msg.id }, 'unknown message id');
    gateway.sendError(session, NO_ID, IbError.readError(`unsupported message id ${quote(String(msg.id))}`));
  },
};
