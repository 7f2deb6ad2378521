/**
 * REQ_HISTORICAL_DATA → the body of one HISTORICAL_DATA message, or the error TWS would send.
 * Pure: the same request, instrument, seed and `nowMs` always give the same reply, and a bar
 * depends only on (seed, conId, bar start, bar size), so overlapping requests agree.
 */
import type { ClientMessageOf } from '../protocol/client-messages.ts';
import type { ServerMessageOf } from '../protocol/server-messages.ts';
import { barSlots, windowStart } from './bar-slots.ts';
import {
  checkDurationAndBarSize,
  IMPLIED_ZONE_WARNING,
  isHistError,
  parseBarSize,
  parseDuration,
  parseEndDateTime,
  parseWhatToShow,
  validationError,
  whatToShowLabel,
  type HistError,
} from './history-request.ts';
import { IbError } from '../../common/ib/errors.ts';
import type { Instrument } from './instrument.ts';
import { synthesizeBar, type PriceModel, type PriceSeries } from './price-path.ts';
import { formatYmd, formatZoned } from './time.ts';

export type HistoricalBar = ServerMessageOf<'HISTORICAL_DATA'>['bars'][number];

/** The request fields history looks at; a decoded REQ_HISTORICAL_DATA message fits as is. */
export type HistoricalRequest = Pick<
  ClientMessageOf<'REQ_HISTORICAL_DATA'>,
  'endDateTime' | 'barSize' | 'duration' | 'useRTH' | 'whatToShow' | 'formatDate'
> & {
  keepUpToDate?: boolean;
  exchange?: string;
};

export interface HistoryOptions {
  /** Run seed: with the instrument's conId it fixes every simulated price. */
  seed: number;
  /** Gateway clock (epoch ms): the default end, and no bar starts at or after it. */
  nowMs: number;
  /** Exchange named in "no data" texts; defaults to the request's, else the primary exchange. */
  exchange?: string;
}

/** A notice to send (as an error message with the request id) before the reply. */
export type HistoryNotice = HistError;

export type HistoricalReply =
  | { ok: true; startDate: string; endDate: string; bars: HistoricalBar[]; warning?: HistoryNotice }
  | { ok: false; code: number; message: string; warning?: HistoryNotice };

const stamp = (ms: number, tz: string) => `${formatZoned(ms, tz)} ${tz}`;

function failure(e: HistError, warning?: HistoryNotice): HistoricalReply {
  return warning ? { ok: false, code: e.code, message: e.message, warning } : { ok: false, code: e.code, message: e.message };
}

export function buildHistoricalReply(req: HistoricalRequest, instrument: Instrument, opts: HistoryOptions): HistoricalReply {
  const tz = instrument.timeZoneId;
  const bar = parseBarSize(req.barSize);
  if (isHistError(bar)) return failure(bar);
  const duration = parseDuration(req.duration);
  if (isHistError(duration)) return failure(duration);
  const what = parseWhatToShow(req.whatToShow);
  if (isHistError(what)) return failure(what);
  if (req.formatDate !== 1 && req.formatDate !== 2) {
    return failure(validationError('bT', `Date formatting selection of ${req.formatDate} rejected`)); // seen for 0
  }
  if (req.keepUpToDate) {
    if (req.endDateTime.trim() !== '') return failure(validationError('bX', 'End date not supported with live updates'));
    return failure(validationError('bX', 'Live updates (keepUpToDate=1) are not supported by the simulator; request with keepUpToDate=0'));
  }
  const end = parseEndDateTime(req.endDateTime, tz, opts.nowMs);
  if (isHistError(end)) return failure(end);
  const warning = end.impliedZone ? IMPLIED_ZONE_WARNING : undefined;
  const step = checkDurationAndBarSize(duration, bar);
  if (step) return failure(step, warning);

  const kind = req.useRTH ? 'liquid' : 'trading';
  // History cannot reach past the gateway clock: a future end date means "now".
  const endMs = Math.min(end.ms, opts.nowMs);
  const start = windowStart(instrument, kind, duration, endMs);
  const slots = barSlots(instrument, kind, bar, start, endMs);
  if (slots.length === 0) {
    const exchange = opts.exchange || req.exchange || instrument.primaryExchange;
    return failure(IbError.noData(`${instrument.localSymbol}@${exchange} ${whatToShowLabel(what)}`), warning);
  }

  const model: PriceModel = {
    seed: opts.seed,
    conId: instrument.conId,
    basePrice: instrument.basePrice,
    dailyVolatility: instrument.dailyVolatility,
    minTick: instrument.minTick,
    avgDailyVolume: instrument.avgDailyVolume,
  };
  const series: PriceSeries = what === 'ADJUSTED_LAST' ? 'TRADES' : what;
  const bars = slots.map((slot): HistoricalBar => {
    // The bar still forming at nowMs is cut there, as a live TWS reports it.
    const b = synthesizeBar(
      model,
      { start: slot.start, end: Math.min(slot.end, opts.nowMs), sizeSeconds: bar.seconds, days: slot.days, liquid: slot.liquid },
      series,
    );
    const date = bar.unit !== 'sec' ? formatYmd(slot.day) : req.formatDate === 2 ? String(Math.floor(slot.start / 1000)) : stamp(slot.start, tz);
    return { date, ...b, hasGaps: 'false' };
  });
  const reply: HistoricalReply = { ok: true, startDate: stamp(start, tz), endDate: stamp(endMs, tz), bars };
  if (warning) reply.warning = warning;
  return reply;
}
