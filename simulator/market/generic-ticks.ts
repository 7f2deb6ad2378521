/**
 * The values a top-of-book line sends for the generic ticks it asked for (REQ_MKT_DATA's
 * genericTickList): 233 RTVolume / 375 RTTrdVolume on each trade, 165 Misc. Stats (13/26/52-week
 * lows and highs, average volume), 236 Shortable, 106 implied and 411 historical volatility. Each
 * value is sent when it changes, not every interval. Pure: the handler sends the `Tick`s.
 *
 * Every value comes from the one price path: trades and day volume from the quote model
 * (quotes.ts), weekly extremes, average volume and historical volatility from the same 1-day
 * TRADES bars a REQ_HISTORICAL_DATA gets. Facts and choices:
 * docs/wire-facts/market-data.md#generic-tick-values.
 *
 * Units: instants in model epoch ms (RTVolume's time too), prices in the instrument's currency,
 * sizes and volumes in the bars' unit, volatilities as fractions a year.
 */
import { TickType } from '../../common/ib/tick-types.ts';
import { hashInts } from '../../common/rng.ts';
import { TRADING_DAYS_PER_YEAR } from './derived-price.ts';
import type { InstrumentQuotes, Trade } from './quotes.ts';
import { minuteOf } from './minute-path.ts';
import { formingAccumulator } from './tick-bars.ts';
import { lineShapeOf, type Tick } from './top-of-book.ts';

/** The generic tick ids this module sends values for; other legal ids stay silent. */
export const GENERIC_TICKS_WITH_VALUES = { RT_VOLUME: 233, RT_TRD_VOLUME: 375, MISC_STATS: 165, SHORTABLE: 236, IMPLIED_VOL: 106, RT_HIST_VOL: 411 } as const;

/** One 1-day TRADES bar as REQ_HISTORICAL_DATA sends it (formatDate 1: `date` is yyyyMMdd). */
export interface DailyBar {
  date: string;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** What a line's generic ticks are computed from. */
export interface GenericTickSource {
  quotes: InstrumentQuotes;
  /** The ids the line asked for (already checked against the legal list). */
  ids: readonly number[];
  /**
   * The 1-day TRADES bars (useRTH 1, ending now) that REQ_HISTORICAL_DATA with `duration` (`13 W`,
   * `26 W`, `52 W`, `90 D`, `30 D`) gets at `at`, or undefined when it is refused (no trades).
   */
  dailyBars(duration: string, at: number): readonly DailyBar[] | undefined;
  /** The annual σ the simulator prices options on this stock with; undefined when none are listed. */
  impliedVolatility: number | undefined;
}

/** (instrument, duration) replies kept before starting over. */
const MEMO_KEPT = 1_000;

/**
 * The daily bars generic ticks read, shared by every line of a gateway, so that lines on one
 * instrument cost what one line does: each (instrument, duration) reply is fetched once per model
 * minute (a `52 W` reply costs about 8 ms; misc stats and the historical volatility read five
 * durations, about 15 ms an instrument a model minute). Not cheaper by design: the window of an
 * `N W` request moves with the time of day, so a reply from earlier in the day may hold a day more.
 */
export class DailyBarsMemo {
  private readonly replies = new Map<string, { minute: number; bars: readonly DailyBar[] | undefined }>();

  /** `fetch(duration, at)`: the reply's bars for the instrument `conId`, or undefined when refused. */
  bars(conId: number, duration: string, at: number, fetch: (duration: string, at: number) => readonly DailyBar[] | undefined): readonly DailyBar[] | undefined {
    const minute = minuteOf(at);
    const key = `${conId}|${duration}`;
    let reply = this.replies.get(key);
    if (reply?.minute !== minute) {
      if (this.replies.size >= MEMO_KEPT) this.replies.clear();
      reply = { minute, bars: fetch(duration, minute) };
      this.replies.set(key, reply);
    }
    return reply.bars;
  }
}

/** Shortable indicator sent for every stock: above IB's 2.5, "at least 1,000 shares available" (our choice). */
export const SHORTABLE_EASY = 3;
const SHORTABLE_SALT = 46;
/** Trading days a historical volatility is taken over (IB: "30-day"), and the average volume's window. */
const HIST_VOL_DURATION = '30 D';
const AVG_VOLUME_DURATION = '90 D';

/** RTVolume's VWAP keeps 8 decimals, as IB's documented example does. */
const formatVwap = (notional: number, volume: number) => String(Number((notional / volume).toFixed(8)));

/**
 * The generic ticks of one line: `ticksAt(at)` gives what changed since the last call (all values
 * on the first). `at` is the instant the line shows (a delayed line's lagged one); calls come in
 * time order. Throws as `quoteAt` does (no session in the 30 days before `at`).
 */
export class GenericTickLine {
  private readonly rt: number[];
  private readonly shown = new Map<number, number>();
  /** RTVolume: the last trade sent, and the trading day's running volume and Σ price × size. */
  private lastTrade: number | undefined;
  private day: { end: number; volume: number; notional: number } | undefined;
  private statsMinute: number | undefined;

  constructor(private readonly source: GenericTickSource) {
    const shape = lineShapeOf(source.quotes.instrument);
    const want = (id: number) => source.ids.includes(id);
    // No trades (forex) or no traded size (an index): no RTVolume. docs/wire-facts/market-data.md#forex-has-no-trades
    const traded = shape.trades && !shape.index;
    const rt: number[] = [];
    if (traded && want(GENERIC_TICKS_WITH_VALUES.RT_VOLUME)) rt.push(TickType.RT_VOLUME);
    if (traded && want(GENERIC_TICKS_WITH_VALUES.RT_TRD_VOLUME)) rt.push(TickType.RT_TRD_VOLUME);
    this.rt = rt;
  }

  ticksAt(at: number): Tick[] {
    const out: Tick[] = [];
    if (this.rt.length > 0) this.rtVolume(at, out);
    const minute = minuteOf(at);
    if (minute !== this.statsMinute) {
      this.statsMinute = minute;
      this.slowValues(at, out);
    }
    return out;
  }

  /** One RTVolume (and RTTrdVolume) per trade since the last one sent; the first call sends the last trade. */
  private rtVolume(at: number, out: Tick[]): void {
    const q = this.source.quotes;
    const trades: Trade[] = this.lastTrade === undefined ? [lastTradeOf(q, at)] : q.tradesBetween(this.lastTrade + 1, at + 1);
    for (const trade of trades) {
      if (!this.day || trade.time >= this.day.end) this.day = dayThrough(q, trade.time);
      else {
        this.day.volume += trade.size;
        this.day.notional += trade.price * trade.size;
      }
      const value = `${trade.price};${trade.size};${trade.time};${this.day.volume};${formatVwap(this.day.notional, this.day.volume)};${trade.count === 1}`;
      for (const tickType of this.rt) out.push({ kind: 'string', tickType, value });
      this.lastTrade = trade.time;
    }
  }

  /** The values that move at most once a minute: misc stats, volatilities, shortable. */
  private slowValues(at: number, out: Tick[]): void {
    const { ids, quotes, impliedVolatility } = this.source;
    // IB: misc stats, shortable and the implied volatility are for stocks only.
    const stock = quotes.instrument.secType === 'STK';
    const send = (kind: 'price' | 'size' | 'generic', tickType: number, value: number | undefined) => {
      if (value === undefined || !Number.isFinite(value) || this.shown.get(tickType) === value) return;
      this.shown.set(tickType, value);
      if (kind === 'price') out.push({ kind, tickType, price: value, size: undefined });
      else if (kind === 'size') out.push({ kind, tickType, size: value });
      else out.push({ kind, tickType, value });
    };
    if (stock && ids.includes(GENERIC_TICKS_WITH_VALUES.MISC_STATS)) {
      for (const [weeks, lowType, highType] of [
        [13, TickType.LOW_13_WEEK, TickType.HIGH_13_WEEK],
        [26, TickType.LOW_26_WEEK, TickType.HIGH_26_WEEK],
        [52, TickType.LOW_52_WEEK, TickType.HIGH_52_WEEK],
      ] as const) {
        const bars = this.source.dailyBars(`${weeks} W`, at);
        if (!bars?.length) continue;
        send('price', lowType, Math.min(...bars.map((b) => b.low)));
        send('price', highType, Math.max(...bars.map((b) => b.high)));
      }
      const q = quotes.quoteAt(at);
      // While the market is shut every bar of the request is complete, the last session's too.
      send('size', TickType.AVG_VOLUME, averageVolume(this.source.dailyBars(AVG_VOLUME_DURATION, at), q.open ? q.day : undefined));
    }
    if (stock && ids.includes(GENERIC_TICKS_WITH_VALUES.IMPLIED_VOL)) send('generic', TickType.OPTION_IMPLIED_VOL, impliedVolatility);
    if (stock && ids.includes(GENERIC_TICKS_WITH_VALUES.RT_HIST_VOL))
      send('generic', TickType.RT_HISTORICAL_VOL, historicalVolatility(this.source.dailyBars(HIST_VOL_DURATION, at)));
    if (stock && ids.includes(GENERIC_TICKS_WITH_VALUES.SHORTABLE)) {
      send('generic', TickType.SHORTABLE, SHORTABLE_EASY);
      send('size', TickType.SHORTABLE_SHARES, shortableShares(quotes));
    }
  }
}

/** The last trade at or before `at` as a Trade (its step's count from the step list). */
function lastTradeOf(q: InstrumentQuotes, at: number): Trade {
  const quote = q.quoteAt(at);
  const [step] = q.tradesBetween(quote.lastTime, quote.lastTime + 1);
  return step ?? { time: quote.lastTime, price: quote.last, size: quote.lastSize, count: 1 };
}

/** The trading day holding `time`: when it ends, and its volume and Σ price × size through `time`. */
function dayThrough(q: InstrumentQuotes, time: number): { end: number; volume: number; notional: number } {
  const session = q.sessions.latest(time, 'trading')!;
  const sessions = q.sessions.on(session.day, 'trading');
  const acc = formingAccumulator(q, sessions[0]!.start, time, 'TRADES');
  return { end: sessions.at(-1)!.end, volume: acc.volume, notional: acc.notional };
}

/**
 * Tick 21: the mean volume of the complete days among `bars` (a `90 D` request's): `forming` (the
 * `yyyyMMdd` of a trading day still in session, whose bar is left out; our choice) or undefined when
 * the market is shut and every bar is complete. Units: the bars' (shares in the bundled universe).
 */
export function averageVolume(bars: readonly DailyBar[] | undefined, forming: string | undefined): number | undefined {
  const days = (bars ?? []).filter((b) => forming === undefined || b.date < forming);
  if (days.length === 0) return undefined;
  return Math.round(days.reduce((sum, b) => sum + b.volume, 0) / days.length);
}

/**
 * Ticks 23/58: the annualised standard deviation of the daily log returns of `bars`' closes
 * (σ_daily × √252), rounded to 6 decimals; undefined with fewer than three bars.
 */
export function historicalVolatility(bars: readonly DailyBar[] | undefined): number | undefined {
  if (!bars || bars.length < 3) return undefined;
  const r = bars.slice(1).map((b, i) => Math.log(b.close / bars[i]!.close));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const variance = r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1);
  return Number(Math.sqrt(variance * TRADING_DAYS_PER_YEAR).toFixed(6));
}

/**
 * Tick 89: shares available to short, fixed per (seed, conId): between 0.2 and 2 days of the
 * stock's average volume, in round lots (our choice; IB reports its own inventory).
 */
export function shortableShares(q: InstrumentQuotes): number {
  const { seed, conId, avgDailyVolume } = q.model;
  const f = 0.2 + (hashInts(seed, conId, SHORTABLE_SALT) % 1800) / 1000;
  return Math.max(1, Math.round((avgDailyVolume * f) / 100)) * 100;
}
