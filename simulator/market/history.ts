/**
 * REQ_HISTORICAL_DATA → the body of one HISTORICAL_DATA message, or the error TWS would send.
 * Pure: the same request, instrument, seed and `nowMs` always give the same reply, and a bar
 * depends only on (seed, conId, bar start, bar size), so overlapping requests agree.
 */
import type { ClientMessageOf } from '../protocol/client-messages.ts';
import type { ServerMessageOf } from '../protocol/server-messages.ts';
import { barSlots, windowStart, type BarSlot } from './bar-slots.ts';
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
import type { BarSize } from '../../common/ib/bar-sizes.ts';
import { IbError } from '../../common/ib/errors.ts';
import { homeExchange, type Instrument } from './instrument.ts';
import { noTradeBars, tradesMissing } from './no-trades.ts';
import { synthesizeBar, type PriceSeries } from './price-path.ts';
import { InstrumentQuotes } from './quotes.ts';
import { formingPeriodBar } from './forming-period.ts';
import { aggregateSteps, formingBar } from './tick-bars.ts';
import type { SessionKind } from './trading-hours.ts';
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
  /** Gateway clock (epoch ms): the default end; no bar starts after it (one starting exactly then holds the step at it). */
  nowMs: number;
  /** Exchange named in "no data" texts; defaults to the request's, else the primary exchange. */
  exchange?: string;
  /** The instrument's quote model (quotes.ts), shared for its caches; one is made when absent. */
  quotes?: InstrumentQuotes;
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
  // keepUpToDate: the bars now, then updates (historyUpdate). docs/wire-facts/market-data.md#keepuptodate-updates
  if (req.keepUpToDate && req.endDateTime.trim() !== '') return failure(validationError('bX', 'End date not supported with live updates'));
  const end = parseEndDateTime(req.endDateTime, tz, opts.nowMs);
  if (isHistError(end)) return failure(end);
  const warning = end.impliedZone ? IMPLIED_ZONE_WARNING : undefined;
  const step = checkDurationAndBarSize(duration, bar);
  if (step) return failure(step, warning);
  if (tradesMissing(instrument, what)) return failure(noTradeBars(instrument, bar), warning);

  const kind: SessionKind = req.useRTH ? 'liquid' : 'trading';
  // History cannot reach past the gateway clock: a future end date means "now".
  const endMs = Math.min(end.ms, opts.nowMs);
  const start = windowStart(instrument, kind, duration, endMs);
  // Ending now, the step at `now` has happened (barOf counts it): a bar starting exactly then is
  // forming, as the day bar holding it is. An earlier end date excludes a bar starting at it.
  const slots = barSlots(instrument, kind, bar, start, end.ms >= opts.nowMs ? opts.nowMs + 1 : endMs);
  const noData = () =>
    failure(IbError.noData(`${instrument.localSymbol}@${opts.exchange || req.exchange || homeExchange(instrument)} ${whatToShowLabel(what)}`), warning);
  if (slots.length === 0) return noData();

  const quotes = opts.quotes ?? new InstrumentQuotes(instrument, opts.seed);
  // A future or an option has no data before its listing (its head timestamp): bars that end
  // before its first session are not served. docs/wire-facts/market-data.md#head-timestamp
  const listed = instrument.listingDay === undefined ? undefined : quotes.sessions.firstFrom(instrument.listingDay, 'trading')?.start;
  const served = listed === undefined ? slots : slots.filter((s) => s.end > listed);
  const series: PriceSeries = what === 'ADJUSTED_LAST' ? 'TRADES' : what;
  const bars: HistoricalBar[] = [];
  for (const slot of served) {
    const b = barOf(quotes, slot, bar.seconds, series, opts.nowMs, kind);
    if (!b) continue; // a bar of a shut market (a TRADES bar without trades is sent: flat, volume 0)
    bars.push({ date: barDate(req, bar, slot, tz), ...b, hasGaps: 'false' });
  }
  if (bars.length === 0) return noData();
  const reply: HistoricalReply = { ok: true, startDate: stamp(start, tz), endDate: stamp(endMs, tz), bars };
  if (warning) reply.warning = warning;
  return reply;
}

const barDate = (req: HistoricalRequest, bar: BarSize, slot: BarSlot, tz: string) =>
  bar.unit !== 'sec' ? formatYmd(slot.day) : req.formatDate === 2 ? String(Math.floor(slot.start / 1000)) : stamp(slot.start, tz);

/**
 * A keepUpToDate update: the bar holding `nowMs`, as it stands then (the aggregate of the steps so
 * far), dated as the request's bars are; undefined when no session holds `nowMs` (no update is
 * sent while the market is shut) or the request is one buildHistoricalReply refuses.
 * docs/wire-facts/market-data.md#keepuptodate-updates
 */
export function historyUpdate(req: HistoricalRequest, instrument: Instrument, quotes: InstrumentQuotes, nowMs: number): HistoricalBar | undefined {
  const bar = parseBarSize(req.barSize);
  const duration = parseDuration(req.duration);
  const what = parseWhatToShow(req.whatToShow);
  if (isHistError(bar) || isHistError(duration) || isHistError(what)) return undefined;
  const kind: SessionKind = req.useRTH ? 'liquid' : 'trading';
  if (!quotes.sessions.at(nowMs, kind)) return undefined;
  const from = bar.unit === 'sec' ? nowMs - bar.seconds * 1000 + 1 : windowStart(instrument, kind, duration, nowMs);
  const slot = barSlots(instrument, kind, bar, from, nowMs + 1).at(-1);
  if (!slot || slot.end <= nowMs) return undefined;
  const b = barOf(quotes, slot, bar.seconds, what === 'ADJUSTED_LAST' ? 'TRADES' : what, nowMs, kind);
  return b && { date: barDate(req, bar, slot, instrument.timeZoneId), ...b, hasGaps: 'false' };
}

/**
 * One bar. Bars shorter than a minute, and a bar that `nowMs` cuts short, are aggregated from the
 * quote model's 250 ms steps and 1-minute bars (tick-bars.ts), so they agree with the ticks and
 * real-time bars of the same instants; every completed bar comes from price-path.ts, as it always
 * has (a complete minute is the same either way). docs/wire-facts/market-data.md#one-price-path
 */
function barOf(quotes: InstrumentQuotes, slot: BarSlot, seconds: number, series: PriceSeries, nowMs: number, kind: SessionKind) {
  // Steps at or before now have happened: the one at `now` belongs to the bar.
  if (seconds < 60) return aggregateSteps(quotes, slot.start, Math.min(slot.end, nowMs + 1), series);
  if (slot.end > nowMs) return slot.days === 0 ? formingBar(quotes, slot.start, nowMs, series) : formingPeriodBar(quotes, slot, kind, nowMs, series);
  return synthesizeBar(quotes.model, { start: slot.start, end: slot.end, sizeSeconds: seconds, days: slot.days, liquid: slot.liquid }, series);
}
