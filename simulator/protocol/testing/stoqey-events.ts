/**
 * For the long server messages, "@stoqey/ib decoded it without error" is not enough: a field
 * shifted by one still decodes. These checks look at the event @stoqey/ib 1.6.10 emits for a
 * reference frame and compare fields from the start, the middle and the end of the message with
 * the frame's object, so a misaligned layout fails. Event argument orders: @stoqey/ib 1.6.10
 * dist/core/io/decoder.js (read 2026-11-30).
 */
import { EventName } from '@stoqey/ib';
import { expect } from 'vitest';

type Msg = Record<string, unknown>;
type Obj = Record<string, unknown>;

export interface EventCheck {
  event: EventName;
  /** `events`: the arguments of every `event` emitted while the frame was decoded. */
  verify(events: unknown[][], m: Msg, version: number): void;
}

const one = (events: unknown[][]) => {
  expect(events).toHaveLength(1);
  return events[0]!;
};

/** Fields the order carries from 170 on, compared where present. */
function expectTail(order: Obj, m: Msg, version: number): void {
  if (version >= 170) expect(order.minCompeteSize).toBe(m.minCompeteSize);
  if (version >= 183) expect(order.customerAccount).toBe(m.customerAccount);
  if (version >= 184) expect(order.professionalCustomer).toBe(m.professionalCustomer);
}

export const STOQEY_EVENT_CHECKS: Record<string, EventCheck> = {
  OPEN_ORDER: {
    event: EventName.openOrder,
    verify(events, m, version) {
      const [orderId, contract, order, state] = one(events) as [number, Obj, Obj, Obj];
      expect(orderId).toBe(m.orderId);
      expect(contract.tradingClass).toBe(m.tradingClass);
      expect([order.totalQuantity, order.lmtPrice, order.clientId, order.permId]).toEqual([m.totalQuantity, m.lmtPrice, m.clientId, m.permId]);
      expect([order.algoStrategy, order.notHeld, order.whatIf, state.status]).toEqual([m.algoStrategy, m.notHeld, m.whatIf, m.status]);
      expect([state.commissionCurrency, state.warningText]).toEqual([m.commissionCurrency, m.warningText]);
      expect(((order.conditions as unknown[]) ?? []).length).toBe((m.conditions as unknown[]).length);
      expect(order.cashQty).toBe(m.cashQty);
      expectTail(order, m, version);
      if (version >= 185) expect(order.bondAccruedInterest).toBe(m.bondAccruedInterest);
      if (version >= 193) expect([order.extOperator, order.manualOrderIndicator]).toEqual([m.extOperator, m.manualOrderIndicator]);
    },
  },
  COMPLETED_ORDER: {
    event: EventName.completedOrder,
    verify(events, m, version) {
      const [contract, order, state] = one(events) as [Obj, Obj, Obj];
      expect(contract.conId).toBe(m.conId);
      expect([order.totalQuantity, order.permId, order.algoStrategy, state.status]).toEqual([m.totalQuantity, m.permId, m.algoStrategy, m.status]);
      expect([order.filledQuantity, order.parentPermId, state.completedTime, state.completedStatus]).toEqual([
        m.filledQuantity,
        m.parentPermId,
        m.completedTime,
        m.completedStatus,
      ]);
      expectTail(order, m, version);
    },
  },
  EXECUTION_DATA: {
    event: EventName.execDetails,
    verify(events, m) {
      const [reqId, contract, exec] = one(events) as [number, Obj, Obj];
      expect([reqId, contract.conId, contract.tradingClass]).toEqual([m.reqId, m.conId, m.tradingClass]);
      expect([exec.execId, exec.exchange, exec.shares, exec.cumQty, exec.orderRef]).toEqual([m.execId, m.execExchange, m.shares, m.cumQty, m.orderRef]);
      expect([exec.modelCode ?? '', exec.lastLiquidity ?? 0, exec.pendingPriceRevision ?? false]).toEqual([
        m.modelCode,
        m.lastLiquidity,
        m.pendingPriceRevision,
      ]);
    },
  },
  ORDER_STATUS: {
    event: EventName.orderStatus,
    verify(events, m, version) {
      const args = one(events);
      expect(args.slice(0, 10)).toEqual([
        m.orderId,
        m.status,
        m.filled,
        m.remaining,
        m.avgFillPrice,
        m.permId,
        m.parentId,
        m.lastFillPrice,
        m.clientId,
        m.whyHeld,
      ]);
      if (version >= 131) expect(args[10]).toBe(m.mktCapPrice);
    },
  },
  PORTFOLIO_VALUE: {
    event: EventName.updatePortfolio,
    verify(events, m) {
      const [contract, ...rest] = one(events) as [Obj, ...unknown[]];
      expect([contract.conId, contract.primaryExch, contract.tradingClass]).toEqual([m.conId, m.primaryExchange, m.tradingClass]);
      expect(rest).toEqual([m.position, m.marketPrice, m.marketValue, m.averageCost, m.unrealizedPNL, m.realizedPNL, m.accountName]);
    },
  },
  POSITION_MULTI: {
    event: EventName.positionMulti,
    verify(events, m) {
      const args = one(events);
      expect(args).toContain(m.modelCode);
      expect(args).toContain(m.avgCost);
    },
  },
  BOND_CONTRACT_DATA: {
    event: EventName.bondContractDetails,
    verify(events, m, version) {
      const [reqId, details] = one(events) as [number, Obj];
      expect([reqId, details.cusip, details.longName, details.evRule]).toEqual([m.reqId, m.cusip, m.longName, m.evRule]);
      if (version >= 126) expect(details.marketRuleIds).toBe(m.marketRuleIds);
      if (version >= 164) expect(details.suggestedSizeIncrement).toBe(Number(m.suggestedSizeIncrement));
      if (version >= 188) expect(details.liquidHours).toBe(m.liquidHours);
    },
  },
  TICK_OPTION_COMPUTATION: {
    event: EventName.tickOptionComputation,
    verify(events, m) {
      const args = one(events);
      expect([args[0], args[1], args.at(-1)]).toEqual([m.reqId, m.tickType, m.undPrice]);
    },
  },
  TICK_EFP: {
    event: EventName.tickEFP,
    verify(events, m) {
      expect(one(events)).toEqual([
        m.reqId,
        m.tickType,
        m.basisPoints,
        m.formattedBasisPoints,
        m.impliedFuturesPrice,
        m.holdDays,
        m.futureLastTradeDate,
        m.dividendImpact,
        m.dividendsToLastTradeDate,
      ]);
    },
  },
  REAL_TIME_BARS: {
    event: EventName.realtimeBar,
    verify(events, m) {
      expect(one(events)).toEqual([m.reqId, m.time, m.open, m.high, m.low, m.close, m.volume, m.wap, m.count]);
    },
  },
  HISTORICAL_DATA_UPDATE: {
    event: EventName.historicalDataUpdate,
    verify(events, m) {
      expect(one(events)).toEqual([m.reqId, m.date, m.open, m.high, m.low, m.close, m.volume, m.barCount, m.wap]);
    },
  },
  PNL_SINGLE: {
    event: EventName.pnlSingle,
    verify(events, m) {
      expect(one(events)).toEqual([m.reqId, m.position, m.dailyPnL, m.unrealizedPnL, m.realizedPnL, m.value]);
    },
  },
  SCANNER_DATA: {
    event: EventName.scannerData,
    verify(events, m) {
      const items = m.items as Obj[];
      expect(events.map((e) => [e[1], e[6]])).toEqual(items.map((it) => [it.rank, it.legsStr]));
    },
  },
};
