/** Historical bars: pacing checked at arrival, answered after the HMDS latency, cancellable until then. */
import { IbError } from '../../../common/ib/errors.ts';
import { pacedRequest } from '../../../common/ib/pacing.ts';
import type { ClientMessageOf } from '../../protocol/index.ts';
import type { TimerHandle } from '../../../common/clock.ts';
import { historyUpdate } from '../../market/history.ts';
import type { DataRequestContract, InstrumentRef } from '../ports.ts';
import type { HandlerContext, Handlers } from './context.ts';

function historicalData(ctx: HandlerContext, msg: ClientMessageOf<'REQ_HISTORICAL_DATA'>): void {
  const { session } = ctx;
  const now = ctx.now();
  if (session.openHistory.has(msg.reqId)) {
    ctx.error(msg.reqId, IbError.processing('bH', 'Duplicate ticker ID for API historical data query'));
    return;
  }
  const resolved = ctx.market.resolveInstrument(msg, now);
  if (!resolved.ok) {
    ctx.error(msg.reqId, resolved);
    return;
  }
  const instrument = resolved.instrument;
  const verdict = ctx.pacing.admit(
    pacedRequest({
      conId: instrument.conId,
      exchange: msg.exchange,
      endDateTime: msg.endDateTime,
      duration: msg.duration,
      barSize: msg.barSize,
      whatToShow: msg.whatToShow,
      useRTH: Boolean(msg.useRTH),
    }),
    now,
    ctx.openHistoryCount(),
  );
  if (!verdict.ok) {
    ctx.logger.info({ session: session.id, clientId: session.clientId, reqId: msg.reqId, rule: verdict.rule }, 'historical pacing violation');
    ctx.error(msg.reqId, IbError.pacingViolation());
    return;
  }
  const h = ctx.profile.history.service;
  const latency = ctx.rng.lognormal(h.median, h.sigma);
  const schedule = msg.whatToShow.trim().toUpperCase() === 'SCHEDULE';
  const timer = ctx.timer(latency, () => {
    // While connectivity is lost the answer is held; the request stays open (cancellable, and
    // counted against the open-request limit) until it is actually answered.
    ctx.whenConnected(() => {
      if (session.openHistory.get(msg.reqId) !== timer) return; // cancelled meanwhile
      session.openHistory.delete(msg.reqId);
      if (schedule) {
        sendSchedule(ctx, msg, instrument);
        return;
      }
      const result = ctx.market.historical(msg, instrument, ctx.now());
      ctx.observer.historyServed?.(latency, session.clientId);
      if (!result.ok) {
        ctx.error(msg.reqId, result);
        return;
      }
      if (result.warning) ctx.error(msg.reqId, result.warning);
      ctx.send({ type: 'HISTORICAL_DATA', reqId: msg.reqId, startDate: result.startDate, endDate: result.endDate, bars: result.bars });
      if (msg.keepUpToDate) keepUpToDate(ctx, msg, instrument);
    });
  });
  session.openHistory.set(msg.reqId, timer);
}

/**
 * After the bars of a keepUpToDate request: HISTORICAL_DATA_UPDATE with the bar in progress every
 * `marketData.historyUpdateMs`, until CANCEL_HISTORICAL_DATA (the subscription stays in
 * `openHistory`, so the cancel finds it) or the session ends.
 * docs/wire-facts/market-data.md#keepuptodate-updates
 */
function keepUpToDate(ctx: HandlerContext, msg: ClientMessageOf<'REQ_HISTORICAL_DATA'>, instrument: InstrumentRef): void {
  const { session } = ctx;
  const quotes = ctx.market.quotes(instrument);
  let current: TimerHandle | undefined;
  const subscription: TimerHandle = { cancel: () => current?.cancel() };
  const update = () => {
    if (session.openHistory.get(msg.reqId) !== subscription) return;
    const bar = historyUpdate(msg, quotes.instrument, quotes, ctx.now());
    if (bar) {
      const { date, open, close, high, low, wap, volume, barCount } = bar;
      ctx.send({ type: 'HISTORICAL_DATA_UPDATE', reqId: msg.reqId, barCount, date, open, close, high, low, wap, volume });
    }
    current = ctx.timer(ctx.profile.marketData.historyUpdateMs, update);
  };
  session.openHistory.set(msg.reqId, subscription);
  current = ctx.timer(ctx.profile.marketData.historyUpdateMs, update);
}

/** whatToShow SCHEDULE: the window's sessions. docs/wire-facts/market-data.md#historical-schedule */
function sendSchedule(ctx: HandlerContext, msg: ClientMessageOf<'REQ_HISTORICAL_DATA'>, instrument: InstrumentRef): void {
  const result = ctx.market.historicalSchedule(msg, instrument, ctx.now());
  if (!result.ok) {
    ctx.error(msg.reqId, result);
    return;
  }
  if (result.warning) ctx.error(msg.reqId, result.warning);
  ctx.send({ type: 'HISTORICAL_SCHEDULE', reqId: msg.reqId, ...result.schedule });
}

/**
 * A history-side request answered once after the HMDS latency (head timestamp, historical ticks);
 * `answer` runs at that time unless the session closed. Not counted against historical pacing:
 * the simulator has no source for how IB paces these. docs/wire-facts/market-data.md#head-timestamp
 */
function afterHmds(ctx: HandlerContext, reqId: number, req: DataRequestContract, answer: (instrument: InstrumentRef) => void): void {
  const resolved = ctx.market.resolveInstrument(req, ctx.now());
  if (!resolved.ok) {
    ctx.error(reqId, resolved);
    return;
  }
  const h = ctx.profile.history.service;
  ctx.timer(ctx.rng.lognormal(h.median, h.sigma), () => ctx.whenConnected(() => answer(resolved.instrument)));
}

export const historyHandlers = {
  REQ_HEAD_TIMESTAMP(ctx, msg) {
    afterHmds(ctx, msg.reqId, msg, (instrument) => {
      const result = ctx.market.headTimestamp(msg, instrument);
      if (!result.ok) {
        ctx.error(msg.reqId, result);
        return;
      }
      ctx.send({ type: 'HEAD_TIMESTAMP', reqId: msg.reqId, headTimestamp: result.text });
    });
  },
  /** Silent, as IB is. docs/wire-facts/market-data.md#head-timestamp */
  CANCEL_HEAD_TIMESTAMP() {},

  /** docs/wire-facts/market-data.md#historical-ticks */
  REQ_HISTORICAL_TICKS(ctx, msg) {
    afterHmds(ctx, msg.reqId, msg, (instrument) => {
      const result = ctx.market.historicalTicks(msg, instrument, ctx.now());
      if (!result.ok) {
        ctx.error(msg.reqId, result);
        return;
      }
      if (result.type === 'HISTORICAL_TICKS') ctx.send({ type: result.type, reqId: msg.reqId, ticks: result.ticks, done: true });
      else if (result.type === 'HISTORICAL_TICKS_BID_ASK') ctx.send({ type: result.type, reqId: msg.reqId, ticks: result.ticks, done: true });
      else ctx.send({ type: result.type, reqId: msg.reqId, ticks: result.ticks, done: true });
    });
  },

  REQ_HISTORICAL_DATA: historicalData,

  CANCEL_HISTORICAL_DATA(ctx, msg) {
    const timer = ctx.session.openHistory.get(msg.reqId);
    if (!timer) {
      ctx.error(msg.reqId, IbError.noHistoricalQuery(msg.reqId));
      return;
    }
    timer.cancel();
    ctx.session.openHistory.delete(msg.reqId);
    ctx.error(msg.reqId, IbError.historicalCancelled(msg.reqId));
  },
} satisfies Handlers;
