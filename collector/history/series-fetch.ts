/**
 * Asking the gateway for one piece of a series and recording what it established: the bars, the
 * market-time window they cover, the span of a bar still forming, or a "no data" answer with
 * IB's text. Every request goes through the pacing scheduler, and one lost with its connection,
 * or refused for pacing, is sent again (a bounded number of times); one nobody waits for any more
 * (the fetch's signal aborted) is cancelled at the gateway. Any other error IB ends it with
 * (GatewayRejected, collector/gateway-errors.ts) fails the fetch at once.
 */
import { toModelMs, type Clock } from '../../common/clock.ts';
import type { WallTime } from '../../common/clock.ts';
import type { BarSize } from '../../common/ib/bar-sizes.ts';
import { IB_HISTORICAL_PACING } from '../../common/ib/pacing.ts';
import type { Log } from '../../common/log.ts';
import { ConnectionLost, NoHistoricalData, NotConnected, PacingViolation, RequestsLost, RequestTimeout, describeError } from '../errors.ts';
import type { ContractInfo, GatewayConnection, HistoricalReply, PendingRequest } from '../gateway-client.ts';
import { pacedRequest, type PacingScheduler } from '../pacing/index.ts';
import type { GatewaySession } from '../session.ts';
import { waitBounded } from '../wait-bounded.ts';
import { normalizeBarTime, type CollectorStore, type HistoryWindow, type NewHistoryWindow, type SeriesKey } from '../store/index.ts';
import { barEnd, formingCutoff } from './bar-span.ts';
import { coveredWindows, type NoDataWindow } from './coverage.ts';
import { coversWindow, type Window } from './windows.ts';

export interface SeriesFetchDeps {
  session: GatewaySession;
  pacing: PacingScheduler;
  store: CollectorStore;
  clock: Clock;
  wall: WallTime;
  log: Log;
  /** Sends of one request (re-sends after a lost connection or a pacing error included). */
  maxAttempts: number;
}

/** One piece to ask for: `duration` ending at `endMs` (market epoch ms; undefined: "now", sent as ""). */
export interface PieceRequest {
  duration: string;
  endMs?: number;
  /**
   * Where the wanted window begins (epoch s) when the collector can reckon it; undefined for `D`,
   * which the gateway places. The duration may reach further back: intraday bars that begin
   * before `start` are then left out, the window recorded begins at `start`.
   */
  start?: number;
}

export type PieceResult =
  | { kind: 'bars'; start: number | undefined; received: number; added: number }
  | { kind: 'no-data'; error: NoHistoricalData }
  | { kind: 'held' };

/** `yyyyMMdd-HH:mm:ss`, the UTC form of endDateTime (docs/wire-facts/history.md#enddatetime-formats). */
export function utcEndDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19)}`;
}

/** The series a request for `contract` asks for: everything IB's answer depends on. */
export function seriesOf(contract: ContractInfo, spec: { barSize: string; whatToShow: string; useRTH: boolean }): SeriesKey {
  return { conId: contract.conId, exchange: contract.exchange || 'SMART', barSize: spec.barSize, whatToShow: spec.whatToShow, useRTH: spec.useRTH };
}

interface OffsetState {
  clock: Clock;
  /** The best (largest) lower bound measured so far. */
  best: number;
  inFlight: Promise<number> | undefined;
}
const offsets = new WeakMap<GatewayConnection, OffsetState>();

/**
 * The gateway's clock minus `clock`, in ms, from REQ_CURRENT_TIME. The answer is a whole second
 * no later than the gateway's clock when it answered, and it arrives after that, so each
 * measurement is a lower bound of the offset; the largest one measured on the connection is
 * kept. Collections starting while a measurement is under way share it: sixty at once send one
 * request, not sixty messages queued ahead of their history requests.
 */
async function gatewayOffset(conn: GatewayConnection, clock: Clock, signal?: AbortSignal): Promise<number> {
  let state = offsets.get(conn);
  if (!state || state.clock !== clock) offsets.set(conn, (state = { clock, best: Number.NEGATIVE_INFINITY, inFlight: undefined }));
  const s = state;
  // Shared, so bounded but not tied to one caller's signal; each caller stops waiting on its own.
  const what = "the gateway's current time";
  // 30 model s, but never less than 5 real seconds: at a small time scale (0.004 in the fleet
  // tests) 30 model s are 120 real ms, less than a loaded host takes to read the answer.
  const limitMs = Math.max(30_000, toModelMs(clock, 5_000));
  s.inFlight ??= waitBounded(conn.currentTime().result, clock, limitMs, undefined, what, () => new RequestTimeout(what, limitMs))
    .then((seconds) => {
      s.best = Math.max(s.best, seconds * 1000 - clock.now());
      return s.best;
    })
    .finally(() => {
      s.inFlight = undefined;
    });
  return waitBounded(s.inFlight, clock, limitMs, signal, what, () => new RequestTimeout(what, limitMs));
}

/** The pieces of one collection of one series, and what they brought. */
export class SeriesFetch {
  requests = 0;
  received = 0;
  added = 0;
  /** "No data" answers to `D` pieces, whose window the gateway did not place. */
  readonly unplaced: NoDataWindow[] = [];

  constructor(
    private readonly deps: SeriesFetchDeps,
    readonly contract: ContractInfo,
    readonly series: SeriesKey,
    readonly bar: BarSize,
    private readonly signal?: AbortSignal,
  ) {}

  get timeZone(): string | undefined {
    return this.contract.timeZoneId || undefined;
  }

  /** Gateway time minus the collector's clock, ms (see syncClock). */
  private offsetMs = 0;

  /**
   * Market time, epoch ms: the collector's clock set to the gateway's by the last syncClock. The
   * windows of a series are the gateway's time, and the collector's clock may differ from it (a
   * skewed host clock; a simulator started at another moment).
   */
  now(): number {
    return this.deps.clock.now() + this.offsetMs;
  }

  /**
   * Reckon market time by the gateway's clock from now on (see `gatewayOffset`) and return the
   * gateway's time, epoch ms, a whole second never later than the gateway's clock.
   */
  async syncClock(): Promise<number> {
    const { session, clock, maxAttempts } = this.deps;
    for (let attempt = 1; ; attempt++) {
      try {
        const conn = await session.connection(this.signal);
        this.offsetMs = await gatewayOffset(conn, clock, this.signal);
        return Math.floor(this.now() / 1000) * 1000;
      } catch (err) {
        const retryable = err instanceof ConnectionLost || err instanceof NotConnected || err instanceof RequestsLost;
        if (!retryable || attempt >= maxAttempts) throw err;
      }
    }
  }

  /** Every window recorded for the series. */
  records(): HistoryWindow[] {
    return this.deps.store.windows(this.series);
  }

  /** What the series need not ask for again now (see coveredWindows). */
  covered(): Window[] {
    const { store } = this.deps;
    return coveredWindows(store.windows(this.series), store.barRange(this.series).last, this.now() / 1000);
  }

  /** Ask for one piece and record its answer. `replace` replaces the whole series with it (ADJUSTED_LAST). */
  async piece(q: PieceRequest, opts: { replace?: boolean } = {}): Promise<PieceResult> {
    const endDateTime = q.endMs === undefined ? '' : utcEndDateTime(q.endMs);
    const answer = await this.send(endDateTime, q, opts.replace ?? false);
    if (answer === 'held') return { kind: 'held' };
    const { store, wall } = this.deps;
    const base = { endDateTime, duration: q.duration, fetchedAt: wall.now(), reason: null };
    const askedEnd = (q.endMs ?? this.now()) / 1000;
    if (answer instanceof NoHistoricalData) {
      this.deps.log.warn({ symbol: this.contract.symbol, duration: q.duration, endDateTime, reason: answer.ibText }, answer.message);
      if (q.start !== undefined && askedEnd > q.start) {
        store.recordWindows(this.series, [{ ...base, start: q.start, end: Math.floor(askedEnd), outcome: 'no-data', reason: answer.ibText }], []);
      } else {
        this.unplaced.push({ start: null, end: Math.floor(askedEnd), reason: answer.ibText, final: false });
      }
      return { kind: 'no-data', error: answer };
    }
    const served = this.servedWindow(answer);
    const zone = { defaultTimeZone: this.timeZone ?? 'UTC' };
    const wanted = answer.bars
      .map((b) => ({ b, time: normalizeBarTime(b.time, zone) }))
      .filter(({ time }) => this.bar.unit !== 'sec' || q.start === undefined || time >= q.start);
    const times = wanted.map((w) => w.time);
    const start = q.start ?? served.start ?? (times.length > 0 ? Math.min(...times) : undefined);
    const end = Math.floor(Math.min(askedEnd, served.end ?? Infinity));
    const windows = start === undefined ? [] : this.windowsOf(base, start, end, times);
    const bars = wanted.map(({ b }) => ({
      time: b.time,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      volume: b.volume,
      wap: b.wap,
      barCount: b.count,
    }));
    const added = opts.replace ? store.replaceSeries(this.series, windows, bars, zone) : store.recordWindows(this.series, windows, bars, zone);
    this.received += answer.bars.length;
    this.added += added;
    return { kind: 'bars', start: served.start ?? q.start, received: answer.bars.length, added };
  }

  /**
   * The windows one answer establishes: [start, end) held, except that a last bar still forming
   * (its end after now) is not held yet — its span is recorded as forming, to be asked again once
   * it has ended.
   */
  private windowsOf(base: Omit<NewHistoryWindow, 'start' | 'end' | 'outcome'>, start: number, end: number, times: number[]): NewHistoryWindow[] {
    const last = times.length > 0 ? Math.max(...times) : undefined;
    const lastEnd = last === undefined ? undefined : barEnd(last, this.bar, this.timeZone);
    if (last === undefined || lastEnd === undefined || lastEnd <= this.now() / 1000) {
      return end > start ? [{ ...base, start, end, outcome: 'bars' }] : [];
    }
    const cut = Math.min(end, Math.max(start, formingCutoff(last, this.bar, this.timeZone)));
    const out: NewHistoryWindow[] = [];
    if (cut > start) out.push({ ...base, start, end: cut, outcome: 'bars' });
    out.push({ ...base, start: cut, end: Math.ceil(lastEnd), outcome: 'forming' });
    return out;
  }

  /** The window the gateway says it served, in epoch seconds, where it said so readably. */
  private servedWindow(reply: HistoricalReply): { start?: number; end?: number } {
    const read = (text: string | undefined) => {
      if (!text) return undefined;
      try {
        return normalizeBarTime(text, { defaultTimeZone: this.timeZone ?? 'UTC' });
      } catch {
        return undefined;
      }
    };
    return { start: read(reply.start), end: read(reply.end) };
  }

  /** Send through the pacing scheduler, again after a lost connection or a pacing error; 'held' if another caller fetched it meanwhile. */
  private async send(endDateTime: string, q: PieceRequest, replace: boolean): Promise<HistoricalReply | NoHistoricalData | 'held'> {
    const { session, pacing, clock, log, maxAttempts } = this.deps;
    const { contract, series } = this;
    for (let attempt = 1; ; attempt++) {
      const req = pacedRequest({ ...series, endDateTime, duration: q.duration });
      // Connect before taking a pacing slot: the scheduler counts a request from the moment it
      // grants the slot, so the request must go out right then, not after a (re)connection.
      const ready = await session.connection(this.signal).then(
        (conn) => ({ conn }),
        (error: unknown) => ({ error }),
      );
      const grant = await pacing.acquireToSend(req, this.signal);
      const release = grant.release;
      let sent = false;
      try {
        // While this request waited for its slot another caller sharing the store may have fetched it.
        if (!replace && q.start !== undefined && q.endMs !== undefined && coversWindow(this.covered(), { start: q.start, end: q.endMs / 1000 })) return 'held';
        if ('error' in ready) throw ready.error;
        // The link died while we waited for the slot: start over (a new slot, on the new link).
        if (!ready.conn.isOpen) throw new NotConnected('send a historical-data request');
        const conn = ready.conn;
        const { barSize, whatToShow, useRTH } = series;
        let written: PendingRequest<HistoricalReply> | undefined;
        // The budget re-stamps the charge with this instant; a grant past its deadline is not used.
        if (!grant.send(() => (written = conn.historicalData({ contract, endDateTime, duration: q.duration, barSize, whatToShow, useRTH })))) {
          attempt--; // the process stalled: not the gateway's doing, and nothing was sent
          continue;
        }
        const pending = written!;
        this.requests++;
        sent = true;
        // Nobody waits for it any more: cancel it at the gateway (it ends with Aborted).
        const cancel = () => conn.cancelHistoricalData(pending.reqId);
        this.signal?.addEventListener('abort', cancel, { once: true });
        try {
          return await pending.result;
        } finally {
          this.signal?.removeEventListener('abort', cancel);
        }
      } catch (err) {
        if (err instanceof NoHistoricalData) return err;
        const retryable = err instanceof ConnectionLost || err instanceof NotConnected || err instanceof PacingViolation || err instanceof RequestsLost;
        if (err instanceof PacingViolation) pacing.pauseUntil(clock.now() + (err.retryAfterMs ?? IB_HISTORICAL_PACING.identicalWindowMs));
        if (!retryable || attempt >= maxAttempts) throw err;
        if (sent && !(err instanceof PacingViolation)) session.noteResend();
        log.warn({ symbol: contract.symbol, attempt, err: describeError(err) }, 'historical request failed; sending again');
      } finally {
        release();
      }
    }
  }
}
