/** Historical bars: pacing checked at arrival, answered after the HMDS latency, cancellable until then. */
import { IbError } from '../../../common/ib/errors.ts';
import { pacedRequest } from '../../../common/ib/pacing.ts';
import type { ClientMessageOf } from '../../protocol/index.ts';
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
  const timer = ctx.timer(latency, () => {
    // While connectivity is lost the answer is held; the request stays open (cancellable, and
    // counted against the open-request limit) until it is actually answered.
    ctx.whenConnected(() => {
      if (session.openHistory.get(msg.reqId) !== timer) return; // cancelled meanwhile
      session.openHistory.delete(msg.reqId);
      const result = ctx.market.historical(msg, instrument, ctx.now());
      ctx.observer.historyServed?.(latency);
      if (!result.ok) {
        ctx.error(msg.reqId, result);
        return;
      }
      if (result.warning) ctx.error(msg.reqId, result.warning);
      ctx.send({ type: 'HISTORICAL_DATA', reqId: msg.reqId, startDate: result.startDate, endDate: result.endDate, bars: result.bars });
    });
  });
  session.openHistory.set(msg.reqId, timer);
}

export const historyHandlers = {
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
