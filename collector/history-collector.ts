/**
 * Historical bars for qualified contracts, into the store, complete: the store records which
 * [start, end) windows of each series it holds (collector/history/coverage.ts), and a collection
 * asks for exactly the parts of its window that are missing, split into requests that each fit
 * IB's limits for the bar size (common/ib/durations.ts, `splitWindow`), through the pacing
 * scheduler. So any sequence of overlapping collections ends with the bars a fresh database gets
 * for their union. Three things only the gateway knows are left to it:
 *  - where `n D` begins (n trading days need the exchange's calendar): such a window is asked for
 *    as `n D` (chained `k D` requests, each ending where the gateway said the previous began),
 *    unless what is held certainly contains its beginning;
 *  - ADJUSTED_LAST, which IB rewrites on every dividend and serves only up to now: one request,
 *    replacing the series;
 *  - a bar still forming: stored, asked for again once it has ended.
 * Facts: docs/wire-facts/history.md#durations, #longest-request-per-unit, #no-data-162.
 */
import { wallTimeOf, type Clock } from '../common/clock.ts';
import { findBarSize } from '../common/ib/bar-sizes.ts';
import { durationStart, fitsOneRequest, longestRequest, notADuration, parseDuration, windowPieces, type Duration } from '../common/ib/durations.ts';
import { sameTradingDayStart, tradingDaysBounds } from './history/trading-days.ts';
import { silentLog, type Log } from '../common/log.ts';
import { noRecorder, type OpContext, type Recorder } from '../common/op-history.ts';
import { CollectorError } from './errors.ts';
import type { ContractInfo } from './gateway-client.ts';
import { describeCoverage, type SeriesCoverage } from './history/coverage.ts';
import { SeriesFetch, seriesOf } from './history/series-fetch.ts';
import { coversWindow, subtractWindows, type Window } from './history/windows.ts';
import type { PacingScheduler } from './pacing/index.ts';
import type { GatewaySession } from './session.ts';
import { waitBounded } from './wait-bounded.ts';
import type { CollectorStore } from './store/index.ts';

export type { SeriesCoverage } from './history/coverage.ts';

export interface HistorySpec {
  duration: string;
  barSize: string;
  whatToShow?: string;
  useRTH?: boolean;
  /** End of the window, market-time epoch ms (the clock bar times are on); default now. Later than now means now. */
  endMs?: number;
}

export interface HistoryOutcome {
  symbol: string;
  conId: number;
  /** Bars the gateway sent for this collection (0 when nothing was missing). */
  received: number;
  /** Bars that were not in the store before. */
  added: number;
  /** Bars of this series now in the store. */
  stored: number;
  /** Requests sent (re-sends after a lost connection included). */
  requests: number;
  /** Nothing was missing: no request was sent. */
  skipped: boolean;
  /** What the store holds of the window asked for: held, "no data" (with IB's reason), gaps. */
  coverage: SeriesCoverage;
}

export interface HistoryCollectorOptions {
  session: GatewaySession;
  store: CollectorStore;
  pacing: PacingScheduler;
  clock: Clock;
  log?: Log;
  recorder?: Recorder;
  context?: OpContext;
  /** Re-sends of one request after lost connections or pacing errors before giving up. Default 5. */
  maxAttempts?: number;
}

export class HistoryCollector {
  private readonly o: Required<HistoryCollectorOptions>;
  private readonly inFlight = new Map<string, { run: Promise<HistoryOutcome>; stop: AbortController; callers: number }>();
  /** The gateway's clock minus ours, as last measured (ms); 0 until a collection has asked. */
  private marketOffsetMs = 0;

  constructor(opts: HistoryCollectorOptions) {
    this.o = { log: silentLog, recorder: noRecorder, context: { actor: 'collector' }, maxAttempts: 5, ...opts };
  }

  /**
   * Collect one series. A caller asking for a series that is being fetched right now joins that
   * fetch: the gateway would call a second, identical request a pacing violation anyway. When every
   * caller of a fetch has aborted, the fetch stops (its request at the gateway is cancelled).
   * Throws CollectorError BAD_BAR_SIZE, BAD_DURATION, BAD_REQUEST (a request IB would refuse, e.g.
   * an end date with ADJUSTED_LAST) or NO_TIME_ZONE, and whatever the gateway fails it with.
   */
  async collect(contract: ContractInfo, spec: HistorySpec, signal?: AbortSignal, context?: OpContext): Promise<HistoryOutcome> {
    const key = [contract.conId, contract.exchange, spec.barSize, spec.whatToShow ?? 'TRADES', spec.useRTH ?? true, spec.duration, spec.endMs ?? ''].join('|');
    let f = this.inFlight.get(key);
    const joined = f !== undefined;
    if (!f) {
      const stop = new AbortController();
      const run = this.fetch(contract, spec, stop.signal, context);
      const entry = { run, stop, callers: 0 };
      f = entry;
      this.inFlight.set(key, entry);
      run.finally(() => this.inFlight.get(key) === entry && this.inFlight.delete(key)).catch(() => {});
    }
    const fetch = f;
    fetch.callers++;
    const op = joined
      ? this.o.recorder.invoke(context ?? this.o.context, 'history', {
          symbol: contract.symbol,
          conId: contract.conId,
          duration: spec.duration,
          barSize: spec.barSize,
          joined: true,
        })
      : undefined;
    try {
      const r = await waitBounded(fetch.run, this.o.clock, Number.POSITIVE_INFINITY, signal, `history of ${contract.symbol}`);
      fetch.callers--;
      if (!joined) return r;
      op?.ok({ received: r.received, added: 0, stored: r.stored, requests: 0, joined: true });
      return { ...r, added: 0, requests: 0 };
    } catch (err) {
      fetch.callers--;
      if (signal?.aborted && fetch.callers === 0) fetch.stop.abort(signal.reason);
      op?.fail(err);
      throw err;
    }
  }

  private async fetch(contract: ContractInfo, spec: HistorySpec, signal?: AbortSignal, context?: OpContext): Promise<HistoryOutcome> {
    const { store, clock } = this.o;
    const whatToShow = spec.whatToShow ?? 'TRADES';
    const bar = findBarSize(spec.barSize);
    if (!bar) throw new CollectorError('BAD_BAR_SIZE', `unknown bar size "${spec.barSize}" (e.g. "1 min", "1 hour", "1 day")`, { retryable: false });
    const asked = parseDuration(spec.duration);
    if (!asked) throw new CollectorError('BAD_DURATION', notADuration(spec.duration), { retryable: false });
    const series = seriesOf(contract, { barSize: bar.text, whatToShow, useRTH: spec.useRTH ?? true });
    const op = this.o.recorder.invoke(context ?? this.o.context, 'history', {
      symbol: contract.symbol,
      conId: contract.conId,
      duration: spec.duration,
      barSize: spec.barSize,
    });
    try {
      ensureContract(store, contract, wallTimeOf(clock).now());
      const f = new SeriesFetch({ ...this.o, wall: wallTimeOf(clock) }, contract, series, bar, signal);
      // The gateway's clock, in whole seconds as requests name them
      // (docs/wire-facts/history.md#enddatetime-formats): the window ends at its last whole second,
      // so a bar that began less than a second ago waits for the next collection.
      const nowMs = await f.syncClock();
      this.marketOffsetMs = f.now() - clock.now();
      const endMs = spec.endMs === undefined ? nowMs : Math.min(nowMs, Math.floor(spec.endMs / 1000) * 1000);
      let placed: { window: SeriesCoverage['window']; span: Window };
      if (whatToShow === 'ADJUSTED_LAST') placed = await this.adjusted(f, asked, spec.endMs === undefined || spec.endMs >= nowMs, endMs);
      else if (asked.unit === 'D') placed = await this.tradingDays(f, asked, endMs);
      else placed = await this.calendarWindow(f, asked, endMs);
      const coverage = describeCoverage(store.windows(series), store.barRange(series).last, f.now() / 1000, placed.window, placed.span, f.unplaced);
      const stored = store.countBars(series);
      const outcome: HistoryOutcome = {
        symbol: contract.symbol,
        conId: contract.conId,
        received: f.received,
        added: f.added,
        stored,
        requests: f.requests,
        skipped: f.requests === 0,
        coverage,
      };
      if (f.requests > 0) {
        this.o.log.info(
          { symbol: contract.symbol, received: f.received, added: f.added, stored, gaps: coverage.gaps.length, noData: coverage.noData.length },
          `stored ${f.added} new ${bar.text} bars for ${contract.symbol}`,
        );
      }
      op.ok({
        received: f.received,
        added: f.added,
        stored,
        requests: f.requests,
        skipped: outcome.skipped,
        gaps: coverage.gaps.length,
        noData: coverage.noData.length,
      });
      return outcome;
    } catch (err) {
      op.fail(err);
      throw err;
    }
  }

  /**
   * What the store holds of the window `spec` asks for, on the gateway's clock as last measured:
   * for reporting a collection that failed or ran out of time (see coverageOf).
   */
  coverage(contract: ContractInfo, spec: HistorySpec): SeriesCoverage {
    const { clock } = this.o;
    return coverageOf(this.o.store, contract, spec, { now: () => clock.now() + this.marketOffsetMs });
  }

  /** S, W, M, Y: the window is reckoned exactly (in the exchange's zone); ask for what is missing of it. */
  private async calendarWindow(f: SeriesFetch, asked: Duration, endMs: number): Promise<{ window: SeriesCoverage['window']; span: Window }> {
    if (asked.unit !== 'S' && !f.timeZone) {
      throw new CollectorError(
        'NO_TIME_ZONE',
        `the time zone of ${f.contract.symbol} (conId ${f.contract.conId}) is unknown, so where "${asked.text}" begins cannot be reckoned; qualify it again, or ask in S or D`,
        { retryable: false },
      );
    }
    const span = { start: durationStart(asked, endMs, f.timeZone ?? 'UTC') / 1000, end: endMs / 1000 };
    if (span.start < 0)
      throw new CollectorError(
        'BAD_REQUEST',
        `"${asked.text}" ending ${new Date(endMs).toISOString()} reaches before 1970, where no bars exist; ask for a shorter duration`,
        {
          retryable: false,
        },
      );
    await this.fetchMissing(f, span);
    return { window: span, span };
  }

  /**
   * n D: n trading days, which only the gateway's calendar can place. The window surely begins
   * between `reach` (n trading days never span more than 7n + 30 calendar days, the search limit
   * of durationStart) and `upper` (the n-th most recent trading date is at most n − 1 dates before
   * tomorrow's, and its first session starts by the end of that date). When what is held covers
   * all of [reach, upper), only the missing rest after `upper` is asked for, exactly; otherwise
   * the window is asked for as a fresh database would ask: `n D`, or `k D` requests chained back
   * from the end when one request may hold fewer days for this bar size.
   */
  private async tradingDays(f: SeriesFetch, asked: Duration, endMs: number): Promise<{ window: SeriesCoverage['window']; span: Window }> {
    const end = endMs / 1000;
    const { reach, upper } = tradingDaysBounds(asked, endMs, f.timeZone);
    const sameDay = asked.n === 1 ? sameTradingDayStart(f.records(), end) : undefined;
    if (sameDay !== undefined) {
      const span = { start: sameDay, end };
      await this.fetchMissing(f, span);
      return { window: span, span };
    }
    if (upper < end && coversWindow(f.covered(), { start: reach, end: upper })) {
      const span = { start: upper, end };
      await this.fetchMissing(f, span);
      return { window: { start: null, end }, span };
    }
    const perRequest = longestRequest('D', f.bar.seconds);
    if (perRequest === 0) {
      throw new CollectorError('BAD_REQUEST', `IB serves "${asked.text}" in bars of at least 1 min (its step sizes); ask in S for ${f.bar.text} bars`, {
        retryable: false,
      });
    }
    let chainEnd = endMs;
    for (let left = asked.n; left > 0; ) {
      const step = Math.min(perRequest, left);
      const r = await f.piece({ duration: `${step} D`, endMs: chainEnd });
      if (r.kind === 'no-data') return { window: { start: null, end }, span: { start: chainEnd / 1000, end } };
      if (r.kind !== 'bars' || r.start === undefined) {
        throw new CollectorError(
          'NO_WINDOW',
          `the gateway did not say where "${step} D" of ${f.contract.symbol} began, so the rest of "${asked.text}" cannot be chained; ask in S, W, M or Y`,
          {
            retryable: false,
          },
        );
      }
      chainEnd = r.start * 1000;
      left -= step;
    }
    return { window: { start: chainEnd / 1000, end }, span: { start: chainEnd / 1000, end } };
  }

  /**
   * ADJUSTED_LAST is rewritten by every dividend and served only up to now (docs/wire-facts/history.md#adjusted_last):
   * it is never pieced together; each collection asks for the whole window in one request and
   * replaces the series with the answer. A "no data" answer leaves what was held as it was.
   */
  private async adjusted(f: SeriesFetch, asked: Duration, endIsNow: boolean, endMs: number): Promise<{ window: SeriesCoverage['window']; span: Window }> {
    if (!endIsNow) throw new CollectorError('BAD_REQUEST', 'ADJUSTED_LAST bars are served only up to now: ask without an end date', { retryable: false });
    if (!fitsOneRequest(asked, f.bar.seconds)) {
      throw new CollectorError(
        'BAD_REQUEST',
        `"${asked.text}" of ${f.bar.text} bars does not fit one request, and ADJUSTED_LAST cannot be split (IB serves it only up to now); ask for a shorter duration or larger bars`,
        { retryable: false },
      );
    }
    const known = asked.unit === 'S' || (asked.unit !== 'D' && f.timeZone) ? durationStart(asked, endMs, f.timeZone ?? 'UTC') / 1000 : undefined;
    const r = await f.piece({ duration: asked.text, ...(known !== undefined ? { start: known } : {}) }, { replace: true });
    const start = r.kind === 'bars' ? (known ?? r.start ?? null) : (known ?? null);
    return { window: { start, end: endMs / 1000 }, span: { start: start ?? endMs / 1000, end: endMs / 1000 } };
  }

  /**
   * Ask for every missing part of `span`, newest first, each split into requests that fit IB's
   * limits; a part's last request may reach back before it when that saves requests (six
   * missing days of daily bars: one `1 W` instead of six `86400 S`).
   */
  private async fetchMissing(f: SeriesFetch, span: Window): Promise<void> {
    const covered = f.covered();
    const missing = subtractWindows([span], covered).reverse();
    for (const m of missing) {
      // Intraday bars carry their start, so bars from before the window can be left out of what
      // is stored: the last piece may reach back as far as saves requests. Longer bars carry only
      // their date: a piece may reach back only into what is held already.
      const heldBefore = covered.find((c) => c.end === m.start)?.start ?? m.start;
      const earliest = f.bar.unit === 'sec' ? Number.NEGATIVE_INFINITY : heldBefore * 1000;
      // Lazily: each piece is computed only after the previous one was answered, so a long window
      // never blocks the event loop while it is split.
      let sent = 0;
      for (const p of windowPieces(m.start * 1000, m.end * 1000, f.bar.seconds, f.timeZone, earliest)) {
        sent++;
        await f.piece({ duration: p.duration.text, endMs: p.endMs, start: Math.max(m.start, p.startMs / 1000) });
      }
      if (sent === 0) throw new CollectorError('BAD_REQUEST', `IB serves no request of ${f.bar.text} bars`, { retryable: false });
    }
  }
}

/**
 * The coverage report of a collection's window from what the store holds now, without asking
 * the gateway: for a collection that failed part-way. A `D` window's start is unknown here, so
 * only the part surely inside it is reported.
 */
export function coverageOf(store: CollectorStore, contract: ContractInfo, spec: HistorySpec, clock: Pick<Clock, 'now'>): SeriesCoverage {
  const bar = findBarSize(spec.barSize);
  const asked = parseDuration(spec.duration);
  if (!bar || !asked) throw new CollectorError('BAD_REQUEST', `cannot report coverage of "${spec.duration}" of "${spec.barSize}"`, { retryable: false });
  const series = seriesOf(contract, { barSize: bar.text, whatToShow: spec.whatToShow ?? 'TRADES', useRTH: spec.useRTH ?? true });
  const zone = contract.timeZoneId || undefined;
  const now = Math.floor(clock.now() / 1000);
  const end = spec.endMs === undefined ? now : Math.min(now, Math.floor(spec.endMs / 1000));
  let window: SeriesCoverage['window'];
  let span: Window;
  if (asked.unit === 'S' || (asked.unit !== 'D' && zone)) {
    const start = durationStart(asked, end * 1000, zone ?? 'UTC') / 1000;
    window = { start, end };
    span = window as Window;
  } else {
    window = { start: null, end };
    span = { start: Math.min(end, tradingDaysBounds(asked, end * 1000, zone).upper), end };
  }
  return describeCoverage(store.windows(series), store.barRange(series).last, clock.now() / 1000, window, span);
}

/** Bars reference their contract: make sure it is in the store (callers may qualify elsewhere). `nowMs` is wall-clock. */
export function ensureContract(store: CollectorStore, c: ContractInfo, nowMs: number): void {
  const stored = store.getContract(c.conId);
  if (stored && (stored.timeZoneId || !c.timeZoneId)) return;
  store.upsertContract({
    conId: c.conId,
    symbol: c.symbol,
    secType: c.secType,
    exchange: c.exchange,
    primaryExchange: c.primaryExchange,
    currency: c.currency,
    localSymbol: c.localSymbol,
    longName: c.longName,
    qualifiedAt: nowMs,
    timeZoneId: c.timeZoneId || null,
  });
}
