/**
 * Live market data: REQ_MARKET_DATA_TYPE, top of book (REQ_MKT_DATA snapshot and streaming,
 * CANCEL_MKT_DATA) and 5-second real-time bars. Every value comes from the instrument's quote
 * model (simulator/market/quotes.ts), so ticks and bars agree with historical bars.
 * Facts: docs/wire-facts/market-data.md (sections named at each rule).
 */
import { IbError, NO_ID } from '../../../common/ib/errors.ts';
import { parseGenericTicks } from '../../../common/ib/generic-ticks.ts';
import { MarketDataError } from '../../../common/ib/market-data-errors.ts';
import { isMarketDataType, MarketDataType } from '../../../common/ib/tick-types.ts';
import { entitlementOf } from '../../market/permissions.ts';
import type { InstrumentQuotes } from '../../market/quotes.ts';
import { homeExchange } from '../../market/instrument.ts';
import { noTradeBars, tradesMissing } from '../../market/no-trades.ts';
import { LineSteps } from '../../market/line-steps.ts';
import { type OptionLineState, type OptionTick, optionSourceOf, optionTicksBetween } from '../../market/option-computations.ts';
import { aggregateSteps } from '../../market/tick-bars.ts';
import type { LineFields, Tick } from '../../market/top-of-book.ts';
import type { ClientMessageOf } from '../../protocol/index.ts';
import type { MarketData } from '../ports.ts';
import type { MarketLine } from '../session.ts';
import type { HandlerContext, Handlers } from './context.ts';
import { genericTickLine } from './generic-tick-line.ts';
import { streamScheduleOf } from './stream-schedule.ts';

/** Ended snapshots remembered per session, so that cancelling one stays silent (bounded). */
const ENDED_SNAPSHOTS_KEPT = 1_000;
const endedSnapshots = new WeakMap<object, Set<number>>();

/** REAL_TIME_BARS' only bar size. docs/wire-facts/market-data.md#real-time-bars */
const REAL_TIME_BAR_MS = 5_000;
/** The one size of a real-time bar, as a bar size (for texts that name it). */
const REAL_TIME_BAR_SIZE = { unit: 'sec', seconds: REAL_TIME_BAR_MS / 1000 } as const;
const REAL_TIME_SERIES = new Set(['TRADES', 'MIDPOINT', 'BID', 'ASK']);
/** New real-time bar requests per session, for the 60-in-10-minutes rule. */
const realTimeRequests = new WeakMap<object, number[]>();

function sendTick(ctx: HandlerContext, reqId: number, t: Tick): void {
  if (t.kind === 'price') ctx.send({ type: 'TICK_PRICE', reqId, tickType: t.tickType, price: t.price, size: t.size, attrMask: 0 });
  else if (t.kind === 'size') ctx.send({ type: 'TICK_SIZE', reqId, tickType: t.tickType, size: t.size });
  else if (t.kind === 'string') ctx.send({ type: 'TICK_STRING', reqId, tickType: t.tickType, value: t.value });
  else ctx.send({ type: 'TICK_GENERIC', reqId, tickType: t.tickType, value: t.value });
}

/**
 * tickAttrib 0: a return-based (Black–Scholes) volatility; 1 is IB's price-based volatility of
 * Bachelier-priced futures options, which the simulator does not list.
 * docs/wire-facts/market-data.md#option-computations
 */
export function sendOptionComputation(ctx: HandlerContext, reqId: number, t: OptionTick): void {
  ctx.send({ type: 'TICK_OPTION_COMPUTATION', reqId, tickType: t.tickType, tickAttrib: 0, ...t.computation });
}

/** Line fields per instrument and step, shared by every line of a gateway's market data. */
const lineSteps = new WeakMap<MarketData, LineSteps>();
function lineStepsOf(market: MarketData): LineSteps {
  let steps = lineSteps.get(market);
  if (!steps) lineSteps.set(market, (steps = new LineSteps()));
  return steps;
}

/** Refuse a line beyond the limit. docs/wire-facts/market-data.md#100-lines-101 */
function overLineLimit(ctx: HandlerContext, reqId: number): boolean {
  if (ctx.openLineCount('lines') < ctx.profile.marketData.lines) return false;
  ctx.error(reqId, MarketDataError.maxTickers());
  return true;
}

/**
 * The quote model of a new line's instrument, or undefined after answering why there is none: an
 * id already open on this session (322, docs/wire-facts/market-data.md#duplicate-ticker-id) or no
 * such contract (200).
 */
export function lineInstrument(
  ctx: HandlerContext,
  msg: ClientMessageOf<'REQ_MKT_DATA'> | ClientMessageOf<'REQ_REAL_TIME_BARS'> | ClientMessageOf<'REQ_TICK_BY_TICK_DATA'> | ClientMessageOf<'REQ_MKT_DEPTH'>,
): InstrumentQuotes | undefined {
  if (ctx.session.marketLines.has(msg.reqId)) {
    ctx.error(msg.reqId, MarketDataError.duplicateTicker());
    return undefined;
  }
  const resolved = ctx.market.resolveInstrument(msg, ctx.now());
  if (!resolved.ok) {
    ctx.error(msg.reqId, resolved);
    return undefined;
  }
  return ctx.market.quotes(resolved.instrument);
}

function marketDataRequest(ctx: HandlerContext, msg: ClientMessageOf<'REQ_MKT_DATA'>): void {
  const { session, profile } = ctx;
  const reqId = msg.reqId;
  const quotes = lineInstrument(ctx, msg);
  if (!quotes) return;
  const instrument = quotes.instrument;
  const generic = parseGenericTicks(msg.genericTickList, instrument.secType);
  if (!generic.ok) {
    ctx.error(reqId, generic.error);
    return;
  }
  const snapshot = msg.snapshot || msg.regulatorySnapshot;
  if (snapshot && generic.ids.length > 0) {
    ctx.error(reqId, MarketDataError.snapshotGenericTicks());
    return;
  }

  // Which data the line delivers. docs/wire-facts/market-data.md#permissions-354-and-10167
  const entitled = entitlementOf(profile.marketData.permissions, instrument);
  const wanted = session.marketDataType;
  const wantsDelayed = wanted === MarketDataType.DELAYED || wanted === MarketDataType.DELAYED_FROZEN;
  const frozen = wanted === MarketDataType.FROZEN || wanted === MarketDataType.DELAYED_FROZEN;
  if (entitled === 'none' || (entitled === 'delayed' && !wantsDelayed)) {
    ctx.error(reqId, MarketDataError.notSubscribed(entitled === 'delayed', msg.exchange, instrument.secType));
    return;
  }
  const delayed = entitled === 'delayed';
  if (overLineLimit(ctx, reqId)) return;

  const line: MarketLine = { kind: snapshot ? 'snapshot' : 'top', timer: undefined };
  session.marketLines.set(reqId, line);
  const delayMs = delayed ? profile.marketData.delayMs : 0;
  const steps = lineStepsOf(ctx.market);
  const fieldsAt = (now: number): LineFields => steps.fieldsAt(quotes, now - delayMs, frozen);
  // An option line also carries its analytics. docs/wire-facts/market-data.md#option-computations
  const option = optionSourceOf(quotes, (underlying) => ctx.market.quotes(underlying));
  let optionSent: OptionLineState | undefined;
  const sendAnalytics = (fields: LineFields, now: number) => {
    if (!option) return;
    const at = now - delayMs;
    const { ticks, state } = optionTicksBetween(option, optionSent, fields, at, delayed, steps.openAt(quotes, at));
    for (const t of ticks) sendOptionComputation(ctx, reqId, t);
    optionSent = state;
  };
  if (delayed) ctx.error(reqId, MarketDataError.displayingDelayed());
  // The type the line's data is of: a frozen request gets frozen data while the market is shut and
  // live (or delayed) data while it is open, and is told of each switch.
  // docs/wire-facts/market-data.md#market-data-types-1-to-4
  const typeAt = (open: boolean) =>
    delayed ? (frozen && !open ? MarketDataType.DELAYED_FROZEN : MarketDataType.DELAYED) : frozen && !open ? MarketDataType.FROZEN : MarketDataType.LIVE;
  let type = typeAt(steps.openAt(quotes, ctx.now() - delayMs));
  ctx.send({ type: 'MARKET_DATA_TYPE', reqId, marketDataType: type });
  ctx.send({ type: 'TICK_REQ_PARAMS', reqId, minTick: instrument.minTick, bboExchange: '', snapshotPermissions: delayed ? 0 : 3 });

  if (snapshot) {
    // docs/wire-facts/market-data.md#snapshots
    const { median, sigma } = profile.marketData.snapshotLatency;
    line.timer = ctx.timer(ctx.rng.lognormal(median, sigma), () => {
      if (session.marketLines.get(reqId) !== line) return;
      const fields = fieldsAt(ctx.now());
      for (const t of steps.ticksBetween(undefined, fields, delayed)) sendTick(ctx, reqId, t);
      sendAnalytics(fields, ctx.now());
      ctx.send({ type: 'TICK_SNAPSHOT_END', reqId });
      session.marketLines.delete(reqId);
      rememberEnded(session, reqId);
    });
    return;
  }

  // Streaming: everything now, then each interval what changed. docs/wire-facts/market-data.md#tick-rates
  // The session's lines share one timer (stream-schedule.ts) and, per instrument and step, the
  // fields and the ticks between steps (line-steps.ts); each line keeps its own phase.
  const start = ctx.now();
  let sent = fieldsAt(start);
  for (const t of steps.ticksBetween(undefined, sent, delayed)) sendTick(ctx, reqId, t);
  sendAnalytics(sent, start);
  // docs/wire-facts/market-data.md#generic-tick-values
  const genericLine = genericTickLine(ctx, msg, quotes, generic.ids);
  const sendGeneric = (due: number) => {
    if (genericLine) for (const t of genericLine.ticksAt(due - delayMs)) sendTick(ctx, reqId, t);
  };
  sendGeneric(start);
  const interval = profile.marketData.tickIntervalMs;
  const schedule = streamScheduleOf(ctx);
  const next = (due: number) => {
    if (session.marketLines.get(reqId) !== line) return;
    if (frozen) {
      const nowType = typeAt(steps.openAt(quotes, due - delayMs));
      if (nowType !== type) ctx.send({ type: 'MARKET_DATA_TYPE', reqId, marketDataType: (type = nowType) });
    }
    const now = fieldsAt(due);
    for (const t of steps.ticksBetween(sent, now, delayed)) sendTick(ctx, reqId, t);
    sendAnalytics(now, due);
    sendGeneric(due);
    sent = now;
    line.timer = schedule.at(due + interval, next);
  };
  line.timer = schedule.at(start + interval, next);
}

function rememberEnded(session: object, reqId: number): void {
  let ended = endedSnapshots.get(session);
  if (!ended) endedSnapshots.set(session, (ended = new Set()));
  if (ended.size >= ENDED_SNAPSHOTS_KEPT) ended.clear();
  ended.add(reqId);
}

/** Silent for an open line or an ended snapshot, 300 otherwise. docs/wire-facts/market-data.md#cancels */
function cancelMarketData(ctx: HandlerContext, msg: ClientMessageOf<'CANCEL_MKT_DATA'>): void {
  const line = ctx.session.marketLines.get(msg.reqId);
  if (line && line.kind !== 'realTimeBars') {
    line.timer?.cancel();
    ctx.session.marketLines.delete(msg.reqId);
    return;
  }
  if (endedSnapshots.get(ctx.session)?.has(msg.reqId)) return;
  ctx.error(msg.reqId, MarketDataError.noTicker(msg.reqId));
}

/** 5-second bars, each sent when its 5 seconds have passed. docs/wire-facts/market-data.md#real-time-bars */
function realTimeBars(ctx: HandlerContext, msg: ClientMessageOf<'REQ_REAL_TIME_BARS'>): void {
  const { session, profile } = ctx;
  const reqId = msg.reqId;
  const quotes = lineInstrument(ctx, msg);
  if (!quotes) return;
  const instrument = quotes.instrument;
  const what = msg.whatToShow.trim().toUpperCase();
  if (!REAL_TIME_SERIES.has(what)) {
    ctx.error(reqId, IbError.validation('bR', `Invalid whatToShow "${msg.whatToShow}" for real-time bars. Legal ones are: TRADES, MIDPOINT, BID, ASK`));
    return;
  }
  if (entitlementOf(profile.marketData.permissions, instrument) !== 'live') {
    ctx.error(reqId, MarketDataError.realTimeNoPermission(homeExchange(instrument), instrument.secType));
    return;
  }
  // TRADES of a market without trades (forex). docs/wire-facts/market-data.md#forex-has-no-trades
  if (tradesMissing(instrument, what)) {
    ctx.error(reqId, noTradeBars(instrument, REAL_TIME_BAR_SIZE));
    return;
  }
  // docs/wire-facts/pacing.md#real-time-pacing-420
  const now = ctx.now();
  const { windowMs, max } = profile.marketData.realTimeBarPacing;
  const recent = (realTimeRequests.get(session) ?? []).filter((t) => t > now - windowMs);
  realTimeRequests.set(session, recent);
  if (recent.length >= max) {
    ctx.error(reqId, MarketDataError.realTimePacing());
    return;
  }
  if (overLineLimit(ctx, reqId)) return;
  recent.push(now);

  const line: MarketLine = { kind: 'realTimeBars', timer: undefined };
  session.marketLines.set(reqId, line);
  const series = what as 'TRADES' | 'MIDPOINT' | 'BID' | 'ASK';
  let barStart = Math.ceil(now / REAL_TIME_BAR_MS) * REAL_TIME_BAR_MS;
  const send = () => {
    if (session.marketLines.get(reqId) !== line) return;
    const inSession = msg.useRTH ? quotes.sessions.at(barStart, 'liquid') !== undefined : true;
    const bar = inSession ? aggregateSteps(quotes, barStart, barStart + REAL_TIME_BAR_MS, series) : undefined;
    if (bar) {
      const time = Math.floor(barStart / 1000);
      ctx.send({
        type: 'REAL_TIME_BARS',
        reqId,
        time,
        open: bar.open,
        high: bar.high,
        low: bar.low,
        close: bar.close,
        volume: bar.volume,
        wap: bar.wap,
        count: bar.barCount,
      });
    }
    barStart += REAL_TIME_BAR_MS;
    line.timer = ctx.timer(barStart + REAL_TIME_BAR_MS - ctx.now(), send);
  };
  line.timer = ctx.timer(barStart + REAL_TIME_BAR_MS - now, send);
}

/** Close this session's subscription `reqId` if it is of `kind`; silent either way. */
export function cancelLine(ctx: HandlerContext, reqId: number, kind: MarketLine['kind']): void {
  const line = ctx.session.marketLines.get(reqId);
  if (line?.kind !== kind) return;
  line.timer?.cancel();
  ctx.session.marketLines.delete(reqId);
}

export const marketDataHandlers = {
  /** No reply; later lines use the type. docs/wire-facts/market-data.md#market-data-types-1-to-4 */
  REQ_MARKET_DATA_TYPE(ctx, msg) {
    if (!isMarketDataType(msg.marketDataType)) {
      ctx.error(NO_ID, IbError.validation('bT', `Invalid market data type ${msg.marketDataType}; use 1 (live), 2 (frozen), 3 (delayed) or 4 (delayed frozen)`));
      return;
    }
    ctx.session.marketDataType = msg.marketDataType;
  },
  REQ_MKT_DATA: marketDataRequest,
  CANCEL_MKT_DATA: cancelMarketData,
  REQ_REAL_TIME_BARS: realTimeBars,
  /** Silent, as IB is. docs/wire-facts/market-data.md#real-time-bars */
  CANCEL_REAL_TIME_BARS(ctx, msg) {
    cancelLine(ctx, msg.reqId, 'realTimeBars');
  },
} satisfies Handlers;
