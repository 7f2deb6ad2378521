/**
 * The history-side requests besides bars: REQ_HEAD_TIMESTAMP, whatToShow SCHEDULE, and
 * REQ_HISTORICAL_TICKS. Pure functions of the request, the instrument's quote model and "now";
 * facts and texts: docs/wire-facts/market-data.md#head-timestamp,
 * docs/wire-facts/market-data.md#historical-schedule, docs/wire-facts/market-data.md#historical-ticks.
 */
import type { ClientMessageOf } from '../protocol/client-messages.ts';
import type { ServerMessageOf } from '../protocol/server-messages.ts';
import { IbError, type IbErrorBody } from '../../common/ib/errors.ts';
import { windowStart } from './bar-slots.ts';
import { isHistError, parseDuration, parseEndDateTime, parseWhatToShow } from './history-request.ts';
import type { InstrumentQuotes, QuoteStep } from './quotes.ts';
import { homeExchange } from './instrument.ts';
import { noTradesHeadTimestamp, tradesMissing } from './no-trades.ts';
import { formatYmd, formatZoned } from './time.ts';
import { sessionsBetween } from './trading-hours.ts';

/** The simulator has bars for every date its calendars describe: data "begin" with 2000. */
export const DATA_SINCE_MS = Date.UTC(2000, 0, 1);

type Failure = { ok: false } & IbErrorBody;
const fail = (e: IbErrorBody): Failure => ({ ok: false, ...e });

/** `yyyyMMdd-HH:mm:ss` in UTC, the form TWS uses for head timestamps. */
const utcStamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace(/-/g, '').replace('T', '-');

/**
 * REQ_HEAD_TIMESTAMP: the start of the first session (regular hours with useRTH=1) on or after
 * 2000-01-01, or for a generated future or option the first session of a trading date on or after
 * its listing day (Instrument.listingDay); formatDate 1 → `yyyyMMdd-HH:mm:ss` (UTC), 2 → epoch
 * seconds. TRADES of a market without trades (forex): 162 `No head time stamp` (no-trades.ts).
 * docs/wire-facts/market-data.md#head-timestamp
 */
export function headTimestamp(
  q: InstrumentQuotes,
  req: Pick<ClientMessageOf<'REQ_HEAD_TIMESTAMP'>, 'useRTH' | 'whatToShow' | 'formatDate'>,
): { ok: true; text: string } | Failure {
  const what = parseWhatToShow(req.whatToShow);
  if (isHistError(what)) return fail(what);
  if (req.formatDate !== 1 && req.formatDate !== 2) return fail(IbError.validation('bT', `Date formatting selection of ${req.formatDate} rejected`));
  if (tradesMissing(q.instrument, what)) return fail(noTradesHeadTimestamp());
  const kind = req.useRTH ? 'liquid' : 'trading';
  const listed = q.instrument.listingDay;
  const first = listed === undefined ? q.sessions.next(DATA_SINCE_MS - 1, kind) : q.sessions.firstFrom(listed, kind);
  if (!first) return fail(IbError.noData(`${q.instrument.localSymbol} has no session`));
  return { ok: true, text: req.formatDate === 2 ? String(Math.floor(first.start / 1000)) : utcStamp(first.start) };
}

export type ScheduleBody = Omit<ServerMessageOf<'HISTORICAL_SCHEDULE'>, 'type' | 'reqId'>;

/**
 * whatToShow SCHEDULE: the sessions of the request's window (its endDateTime and duration, as for
 * bars), with times in the exchange's zone as `yyyyMMdd-HH:mm:ss` and the trading date as refDate.
 */
export function historicalSchedule(
  q: InstrumentQuotes,
  req: Pick<ClientMessageOf<'REQ_HISTORICAL_DATA'>, 'endDateTime' | 'duration' | 'useRTH'>,
  nowMs: number,
): { ok: true; schedule: ScheduleBody; warning?: IbErrorBody } | Failure {
  const inst = q.instrument;
  const tz = inst.timeZoneId;
  const duration = parseDuration(req.duration);
  if (isHistError(duration)) return fail(duration);
  const end = parseEndDateTime(req.endDateTime, tz, nowMs);
  if (isHistError(end)) return fail(end);
  const kind = req.useRTH ? 'liquid' : 'trading';
  const endMs = Math.min(end.ms, nowMs);
  const start = windowStart(inst, kind, duration, endMs);
  // A session that has begun by the end is listed whole, as TWS lists today's session.
  const sessions = sessionsBetween(inst.schedule, tz, start, endMs + 1, kind);
  const local = (ms: number) => formatZoned(ms, tz).replace(' ', '-');
  const schedule: ScheduleBody = {
    startDateTime: local(sessions[0]?.start ?? start),
    endDateTime: local(sessions.at(-1)?.end ?? endMs),
    timeZone: tz,
    sessions: sessions.map((s) => ({ startDateTime: local(s.start), endDateTime: local(s.end), refDate: formatYmd(s.day) })),
  };
  return end.impliedZone ? { ok: true, schedule, warning: IbError.impliedTimeZone() } : { ok: true, schedule };
}

export type HistoricalTicksRequest = Pick<
  ClientMessageOf<'REQ_HISTORICAL_TICKS'>,
  'startDateTime' | 'endDateTime' | 'numberOfTicks' | 'whatToShow' | 'useRTH' | 'ignoreSize'
>;
export type HistoricalTicksReply =
  | { ok: true; type: 'HISTORICAL_TICKS'; ticks: ServerMessageOf<'HISTORICAL_TICKS'>['ticks'] }
  | { ok: true; type: 'HISTORICAL_TICKS_BID_ASK'; ticks: ServerMessageOf<'HISTORICAL_TICKS_BID_ASK'>['ticks'] }
  | { ok: true; type: 'HISTORICAL_TICKS_LAST'; ticks: ServerMessageOf<'HISTORICAL_TICKS_LAST'>['ticks'] }
  | Failure;

/** IB's cap per request. */
export const MAX_HISTORICAL_TICKS = 1000;

/**
 * REQ_HISTORICAL_TICKS: exactly one of start and end; at most 1000 ticks (more are capped), plus
 * those completing the last second; never across two sessions. TRADES gives every trade of the
 * quote model (none for forex, no-trades.ts), BID_ASK and MIDPOINT each change of the quote
 * (ignoreSize: of the prices only).
 */
export function historicalTicks(q: InstrumentQuotes, req: HistoricalTicksRequest, nowMs: number): HistoricalTicksReply {
  const tz = q.instrument.timeZoneId;
  const what = req.whatToShow.trim().toUpperCase();
  if (what !== 'TRADES' && what !== 'BID_ASK' && what !== 'MIDPOINT') {
    return fail(IbError.validation('bM', `Invalid whatToShow "${req.whatToShow}" for historical ticks. Legal ones are: TRADES, BID_ASK, MIDPOINT`));
  }
  const hasStart = req.startDateTime.trim() !== '';
  const hasEnd = req.endDateTime.trim() !== '';
  if (hasStart === hasEnd) return fail(IbError.validation('bL', 'Exactly one of start date/time and end date/time must be set for historical ticks'));
  const at = parseEndDateTime(hasStart ? req.startDateTime : req.endDateTime, tz, nowMs);
  if (isHistError(at)) return fail(at);
  const wanted = Math.max(1, Math.min(MAX_HISTORICAL_TICKS, req.numberOfTicks));
  const kind = req.useRTH ? 'liquid' : 'trading';
  // One session per request: the one holding the instant, else the next (start) or the last (end).
  const inside = q.sessions.at(at.ms, kind);
  const session = inside ?? (hasStart ? q.sessions.next(at.ms, kind) : q.sessions.latest(at.ms, kind));
  // A market without trades (forex) has none to list: an empty answer, as for a window without trades.
  if (!session || tradesMissing(q.instrument, what)) return empty(what);
  const from = hasStart ? Math.max(at.ms, session.start) : session.start;
  const to = Math.min(hasStart ? session.end : Math.min(at.ms + 1, session.end), nowMs + 1);
  if (from >= to) return empty(what);
  const seconds = (ms: number) => Math.floor(ms / 1000);

  if (what === 'TRADES') {
    const trades = hasStart
      ? completeSecond(q.tradesBetween(from, to, wanted + 4), wanted)
      : lastOnes(
          backwards(from, to, (a, b) => q.tradesBetween(a, b), wanted),
          wanted,
        );
    const exchange = homeExchange(q.instrument);
    return {
      ok: true,
      type: 'HISTORICAL_TICKS_LAST',
      ticks: trades.map((t) => ({ time: seconds(t.time), attribMask: 0, price: t.price, size: t.size, exchange, specialConditions: '' })),
    };
  }
  const changes = (a: number, b: number, limit?: number) => quoteChanges(q, a, b, what, req.ignoreSize, limit);
  const picked = hasStart ? completeSecond(changes(from, to, wanted + 4), wanted) : lastOnes(backwards(from, to, changes, wanted), wanted);
  if (what === 'MIDPOINT') return { ok: true, type: 'HISTORICAL_TICKS', ticks: picked.map((s) => ({ time: seconds(s.time), price: s.mid, size: 0 })) };
  return {
    ok: true,
    type: 'HISTORICAL_TICKS_BID_ASK',
    ticks: picked.map((s) => ({ time: seconds(s.time), attribMask: 0, priceBid: s.bid, priceAsk: s.ask, sizeBid: s.bidSize, sizeAsk: s.askSize })),
  };
}

function empty(what: string): HistoricalTicksReply {
  if (what === 'TRADES') return { ok: true, type: 'HISTORICAL_TICKS_LAST', ticks: [] };
  if (what === 'BID_ASK') return { ok: true, type: 'HISTORICAL_TICKS_BID_ASK', ticks: [] };
  return { ok: true, type: 'HISTORICAL_TICKS', ticks: [] };
}

/** The first `n` items and any following ones in the same second as the n-th ("to complete a full second"); `items` holds a few more than `n`. */
function completeSecond<T extends { time: number }>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const second = Math.floor(items[n - 1]!.time / 1000);
  return items.filter((x, i) => i < n || Math.floor(x.time / 1000) === second);
}

/** A step that repeats its predecessor's quote is not a tick (MIDPOINT: the midpoint; BID_ASK: prices, and sizes unless ignored). */
function quoteChanges(q: InstrumentQuotes, from: number, to: number, what: string, ignoreSize: boolean, limit = Number.POSITIVE_INFINITY): QuoteStep[] {
  const out: QuoteStep[] = [];
  let p: QuoteStep | undefined;
  // A minute at a time (the caller's range lies within one session), so a small limit stops early.
  for (let a = from; a < to && out.length < limit; a += 60_000) {
    for (const s of q.quotesBetween(a, Math.min(a + 60_000, to))) {
      const changed =
        !p ||
        (what === 'MIDPOINT' ? s.mid !== p.mid : s.bid !== p.bid || s.ask !== p.ask || (!ignoreSize && (s.bidSize !== p.bidSize || s.askSize !== p.askSize)));
      p = s;
      if (!changed) continue;
      out.push(s);
      if (out.length >= limit) break;
    }
  }
  return out;
}

/**
 * The items of [from, to) needed for the last `n`: looked for in a window before `to` that doubles
 * until it holds more than `n` items or reaches `from` (so a request ending late in a long session
 * does not walk the whole session).
 */
function backwards<T>(from: number, to: number, between: (a: number, b: number) => T[], n: number): T[] {
  for (let span = 60_000; ; span *= 2) {
    const a = Math.max(from, to - span);
    const items = between(a, to);
    if (items.length > n || a === from) return items;
  }
}

/** The last `n` items, and earlier ones in the same second as the first of them. */
function lastOnes<T extends { time: number }>(all: T[], n: number): T[] {
  if (all.length <= n) return all;
  let from = all.length - n;
  const second = Math.floor(all[from]!.time / 1000);
  while (from > 0 && Math.floor(all[from - 1]!.time / 1000) === second) from--;
  return all.slice(from);
}
