/**
 * The quote at an instant: the one place the simulator's live prices come from. Ticks
 * (REQ_MKT_DATA), real-time bars, tick-by-tick data, historical ticks and keepUpToDate updates all
 * read it, and order fills are to be built on it, so that everything a client sees agrees with
 * the historical bars. Design and units: simulator/market/README.md#quotes-at-an-instant.
 *
 * Units: instants are epoch ms of model time; prices are in the instrument's currency on its tick
 * grid (`mid` on half ticks); sizes and volumes are in the unit of the bars' volume (shares in the
 * bundled universe). Pure: a function of (seed, instrument, instant), whatever was asked before.
 */
import type { Instrument } from './instrument.ts';
import { buildMinute, GRID_MS, MINUTE_MS, minuteOf, STEPS, stepOf, type MinutePath } from './minute-path.ts';
import { priceModelOf, synthesizeBar, type PriceModel, type RawBar } from './price-path.ts';
import { SessionIndex } from './session-index.ts';
import { formatYmd } from './time.ts';
import { hashInts } from '../../common/rng.ts';
import type { Session } from './trading-hours.ts';

export { GRID_MS } from './minute-path.ts';

/** One trade of the deterministic trade sequence: at most one per 250 ms step. */
export interface Trade {
  /** The step's instant, epoch ms. */
  time: number;
  price: number;
  /** Volume units traded in the step (≥ 1). */
  size: number;
  /** Exchange trades the step stands for (≥ 1). */
  count: number;
}

/** Best bid and offer at one step. */
export interface QuoteStep {
  time: number;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  /** The MIDPOINT series: within half a tick of (bid + ask) / 2. */
  mid: number;
}

/** Everything a market-data line shows at an instant. */
export interface Quote extends QuoteStep {
  /** The instant asked about. */
  at: number;
  /** A trading session (regular or extended hours) holds `at`; when false the fields are the last values before the close. */
  open: boolean;
  /** Regular trading hours hold `at`. */
  liquid: boolean;
  last: number;
  lastSize: number;
  /** When the last trade happened (epoch ms). */
  lastTime: number;
  /** The trading date the day fields describe, `yyyyMMdd` in the exchange's zone (the current one, or the last one when shut). */
  day: string;
  /** The day's first regular-hours price; undefined before the regular open (and on a later date than the last session, while shut). */
  dayOpen: number | undefined;
  /** Highest and lowest trade of the day, and its volume, up to `time`. */
  dayHigh: number;
  dayLow: number;
  dayVolume: number;
  /**
   * The previous trading date's regular-hours close (undefined if none within 30 days); while shut
   * on a later local date than the last session, that session's close.
   */
  prevClose: number | undefined;
}

const BID_SIZE_SALT = 21;
const ASK_SIZE_SALT = 22;
/** Minutes kept per instrument (about 8 kB each); beyond it the cache starts over. */
const MAX_MINUTES = 512;

/** The cumulative volume, high and low of a trading date's minutes, filled as far as asked. */
interface DayStats {
  day: number;
  sessions: Session[];
  liquid: Session[];
  /** minute index → its TRADES bar (from synthesizeBar, exactly the historical 1-minute bar). */
  bars: RawBar[];
  /** Before minute i: volume, high, low of minutes 0..i-1. */
  cumVolume: number[];
  cumHigh: number[];
  cumLow: number[];
}

/**
 * The quote model of one instrument. Create it through `QuoteBook.of(instrument)` so that every
 * caller shares its caches.
 */
export class InstrumentQuotes {
  readonly model: PriceModel;
  readonly sessions: SessionIndex;
  /** Minute start → the minute, or null when no trading session holds its start. */
  private readonly minutes = new Map<number, MinutePath | null>();
  private readonly days = new Map<number, DayStats>();
  /** Trading date → the previous date's close (undefined: none), as `previousClose` computes it. */
  private readonly prevCloses = new Map<number, number | undefined>();

  constructor(
    readonly instrument: Instrument,
    seed: number,
  ) {
    this.model = priceModelOf(instrument, seed);
    this.sessions = new SessionIndex(instrument);
  }

  /** The minute holding `ms` with its 240 steps, or undefined when the market is shut then. */
  minute(ms: number): MinutePath | undefined {
    const start = minuteOf(ms);
    let m = this.minutes.get(start);
    if (m === undefined) {
      if (this.minutes.size >= MAX_MINUTES) this.minutes.clear();
      const open = this.sessions.at(start, 'trading') !== undefined;
      m = open ? buildMinute(this.model, start, this.sessions.at(start, 'liquid') !== undefined) : null;
      this.minutes.set(start, m);
    }
    return m ?? undefined;
  }

  /**
   * The quote at `at`. Open market: the state of the 250 ms step holding `at`. Shut market: the
   * state at the last step of the last session (a frozen quote) with `open: false`. Throws when the
   * instrument had no session in the 30 days before `at`.
   */
  quoteAt(at: number): Quote {
    let m = this.minute(at);
    let k = stepOf(at);
    let session: Session | undefined;
    if (m) session = this.sessions.at(at, 'trading')!;
    else {
      session = this.sessions.latest(at, 'trading');
      if (!session) throw new Error(`${this.instrument.symbol} has no trading session in the 30 days before ${new Date(at).toISOString()}`);
      m = this.minute(session.end - MINUTE_MS)!;
      k = STEPS - 1;
    }
    const open = m.start === minuteOf(at);
    let t = k;
    while (m.size[t] === 0) t--; // step 0 always trades
    const time = m.start + k * GRID_MS;
    const stats = this.dayStats(session.day);
    const i = this.minuteIndex(stats, m.start);
    const liquidStart = stats.liquid[0]?.start;
    // Shut, on a later local date than its last session (a weekend, the night before an option
    // market opens): the close TWS shows is the previous day's, i.e. that session's, and the new
    // day has no open yet. docs/wire-facts/market-data.md#tick-types
    const today = open ? session.day : this.sessions.dayOf(at);
    const newDay = today > session.day;
    return {
      at,
      open,
      liquid: open && this.sessions.at(at, 'liquid') !== undefined,
      ...this.stepQuote(m, k),
      last: m.last[t]!,
      lastSize: m.size[t]!,
      lastTime: m.start + t * GRID_MS,
      day: formatYmd(session.day),
      dayOpen: !newDay && liquidStart !== undefined && time >= liquidStart ? stats.bars[this.minuteIndex(stats, liquidStart)]!.open : undefined,
      dayHigh: Math.max(stats.cumHigh[i]!, m.cumHigh[k]!),
      dayLow: Math.min(stats.cumLow[i]!, m.cumLow[k]!),
      dayVolume: stats.cumVolume[i]! + m.cumSize[k]!,
      prevClose: this.previousClose(newDay ? today : session.day),
    };
  }

  /** Trades with from ≤ time < to, in time order (at most `limit`). */
  tradesBetween(from: number, to: number, limit = Number.POSITIVE_INFINITY): Trade[] {
    const out: Trade[] = [];
    this.eachStep(from, to, (m, k) => {
      if (m.size[k]! > 0) out.push({ time: m.start + k * GRID_MS, price: m.last[k]!, size: m.size[k]!, count: m.count[k]! });
      return out.length < limit;
    });
    return out;
  }

  /** Best bid and offer at every open step with from ≤ time < to (at most `limit`). */
  quotesBetween(from: number, to: number, limit = Number.POSITIVE_INFINITY): QuoteStep[] {
    const out: QuoteStep[] = [];
    this.eachStep(from, to, (m, k) => {
      out.push(this.stepQuote(m, k));
      return out.length < limit;
    });
    return out;
  }

  /** Visit the open steps in [from, to) in time order until `visit` returns false. */
  eachStep(from: number, to: number, visit: (m: MinutePath, step: number) => boolean): void {
    let t = Math.ceil(from / GRID_MS) * GRID_MS;
    while (t < to) {
      const m = this.minute(t);
      if (!m) {
        // Jump over the closed stretch to the next session.
        const next = this.sessions.next(t, 'trading');
        if (!next || next.start >= to) return;
        t = Math.ceil(next.start / GRID_MS) * GRID_MS;
        continue;
      }
      const end = Math.min(to, m.start + MINUTE_MS);
      for (let k = stepOf(t); m.start + k * GRID_MS < end; k++) if (!visit(m, k)) return;
      t = m.start + MINUTE_MS;
    }
  }

  private stepQuote(m: MinutePath, k: number): QuoteStep {
    const time = m.start + k * GRID_MS;
    const second = Math.floor(time / 1000);
    const { seed, conId } = this.model;
    return {
      time,
      bid: m.bidPrice[k]!,
      ask: m.askPrice[k]!,
      // Round lots that change once a second.
      bidSize: 100 * (1 + (hashInts(seed, conId, BID_SIZE_SALT, second) % 9)),
      askSize: 100 * (1 + (hashInts(seed, conId, ASK_SIZE_SALT, second) % 9)),
      mid: m.midpoint[k]!,
    };
  }

  private dayStats(day: number): DayStats {
    let s = this.days.get(day);
    if (!s) {
      if (this.days.size >= 64) this.days.clear();
      s = {
        day,
        sessions: this.sessions.on(day, 'trading'),
        liquid: this.sessions.on(day, 'liquid'),
        bars: [],
        cumVolume: [0],
        cumHigh: [-Infinity],
        cumLow: [Infinity],
      };
      this.days.set(day, s);
    }
    return s;
  }

  /** Index of a minute among its trading date's minutes, the cumulative arrays filled up to it. */
  private minuteIndex(s: DayStats, minuteStart: number): number {
    let index = 0;
    for (const session of s.sessions) {
      if (minuteStart >= session.start && minuteStart < session.end) {
        index += (minuteStart - session.start) / MINUTE_MS;
        break;
      }
      index += Math.ceil((session.end - session.start) / MINUTE_MS);
    }
    while (s.bars.length <= index) {
      const i = s.bars.length;
      const start = this.minuteStartAt(s, i);
      const bar = synthesizeBar(
        this.model,
        { start, end: start + MINUTE_MS, sizeSeconds: 60, days: 0, liquid: s.liquid.some((l) => start >= l.start && start < l.end) },
        'TRADES',
      );
      s.bars.push(bar);
      s.cumVolume.push(s.cumVolume[i]! + bar.volume);
      s.cumHigh.push(Math.max(s.cumHigh[i]!, bar.high));
      s.cumLow.push(Math.min(s.cumLow[i]!, bar.low));
    }
    return index;
  }

  private minuteStartAt(s: DayStats, index: number): number {
    let i = index;
    for (const session of s.sessions) {
      const n = Math.ceil((session.end - session.start) / MINUTE_MS);
      if (i < n) return session.start + i * MINUTE_MS;
      i -= n;
    }
    throw new Error(`minute ${index} lies beyond the sessions of ${formatYmd(s.day)}`);
  }

  /** Built once per trading date: every quote of the day asks for it (each line, every 250 ms). */
  private previousClose(day: number): number | undefined {
    if (this.prevCloses.has(day)) return this.prevCloses.get(day);
    if (this.prevCloses.size >= 64) this.prevCloses.clear();
    const close = this.computePreviousClose(day);
    this.prevCloses.set(day, close);
    return close;
  }

  private computePreviousClose(day: number): number | undefined {
    const prev = this.sessions.previousTradingDay(day, 'liquid');
    if (prev === undefined) return undefined;
    const sessions = this.sessions.on(prev, 'liquid');
    const close = sessions[sessions.length - 1]!.end;
    return synthesizeBar(this.model, { start: close - MINUTE_MS, end: close, sizeSeconds: 60, days: 0, liquid: true }, 'TRADES').close;
  }
}

/** The quote models of a contract universe under one seed, created on first use. */
export class QuoteBook {
  private readonly byConId = new Map<number, InstrumentQuotes>();

  constructor(readonly seed: number) {}

  of(instrument: Instrument): InstrumentQuotes {
    let q = this.byConId.get(instrument.conId);
    if (!q || q.instrument !== instrument) {
      q = new InstrumentQuotes(instrument, this.seed);
      this.byConId.set(instrument.conId, q);
    }
    return q;
  }
}
