/**
 * Historical bars for qualified contracts, into the store. Every request goes through the pacing
 * scheduler, so IB's pacing rules are kept on the client side and error 162 does not happen. Bars
 * are upserted by (conId, bar size, whatToShow, time), so nothing is stored twice; a request lost
 * with its connection is sent again once the session has reconnected, so nothing is lost. A run
 * after a previous one fetches only what can have appeared since: nothing at all if the last
 * fetch of the same series is younger than one bar, otherwise just the bars since the last one.
 */
import type { Clock } from '../common/clock.ts';
import { silentLog, type Log } from '../common/log.ts';
import { noRecorder, type OpContext, type Recorder } from '../common/op-history.ts';
import { barSizeSeconds } from '../common/ib/bar-sizes.ts';
import { durationCovering, durationStart, parseDuration, type Duration } from '../common/ib/durations.ts';
import { IB_HISTORICAL_PACING } from '../common/ib/pacing.ts';
import { CollectorError, ConnectionLost, NotConnected, PacingViolation, RequestsLost, describeError } from './errors.ts';
import type { ContractInfo, RawBar } from './gateway-client.ts';
import { pacedRequest, type PacingScheduler } from './pacing/index.ts';
import type { GatewaySession } from './session.ts';
import { waitBounded } from './wait-bounded.ts';
import type { CollectorStore } from './store/index.ts';

export interface HistorySpec {
  duration: string;
  barSize: string;
  whatToShow?: string;
  useRTH?: boolean;
}

export interface HistoryOutcome {
  symbol: string;
  conId: number;
  /** Bars the gateway sent for this collection (0 when nothing could be new). */
  received: number;
  /** Bars that were not in the store before. */
  added: number;
  /** Bars of this series now in the store. */
  stored: number;
  /** Requests sent (re-sends after a lost connection included). */
  requests: number;
  skipped: boolean;
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

  constructor(opts: HistoryCollectorOptions) {
    this.o = { log: silentLog, recorder: noRecorder, context: { actor: 'collector' }, maxAttempts: 5, ...opts };
  }

  /**
   * Collect one series. A caller asking for a series that is being fetched right now joins that
   * fetch: the gateway would call a second, identical request a pacing violation anyway. When every
   * caller of a fetch has aborted, the fetch stops (its request at the gateway is cancelled).
   */
  async collect(contract: ContractInfo, spec: HistorySpec, signal?: AbortSignal, context?: OpContext): Promise<HistoryOutcome> {
    const key = [contract.conId, spec.barSize, spec.whatToShow ?? 'TRADES', spec.useRTH ?? true, spec.duration].join('|');
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
    const useRTH = spec.useRTH ?? true;
    const barSeconds = barSizeSeconds(spec.barSize);
    if (!Number.isFinite(barSeconds))
      throw new CollectorError('BAD_BAR_SIZE', `unknown bar size "${spec.barSize}" (e.g. "1 min", "1 hour", "1 day")`, { retryable: false });
    const asked = parseDuration(spec.duration);
    if (!asked) throw new CollectorError('BAD_DURATION', `"${spec.duration}" is not a duration; use "<integer> <S|D|W|M|Y>", e.g. "1 D"`, { retryable: false });
    const op = this.o.recorder.invoke(context ?? this.o.context, 'history', {
      symbol: contract.symbol,
      conId: contract.conId,
      duration: spec.duration,
      barSize: spec.barSize,
    });

    ensureContract(store, contract, clock.now());
    const base = { symbol: contract.symbol, conId: contract.conId };
    /** Nothing new can exist if the same series was fetched less than one bar ago (by anyone sharing the store). */
    const freshEnough = () => {
      const last = store.lastHistoryFetch(contract.conId, spec.barSize, whatToShow, useRTH);
      return last !== null && clock.now() - last.fetchedAt < barSeconds * 1000 && last.duration === spec.duration;
    };
    const skip = (): HistoryOutcome => {
      const stored = store.countBars(contract.conId, spec.barSize, whatToShow);
      op.ok({ skipped: true, stored });
      return { ...base, received: 0, added: 0, stored, requests: 0, skipped: true };
    };
    if (freshEnough()) return skip();

    let requests = 0;
    try {
      for (let attempt = 1; ; attempt++) {
        const last = store.lastHistoryFetch(contract.conId, spec.barSize, whatToShow, useRTH);
        const duration = last ? this.durationSinceLastBar(contract, spec.barSize, whatToShow, asked, clock.now()) : asked.text;
        const req = pacedRequest({
          conId: contract.conId,
          exchange: contract.exchange,
          endDateTime: '',
          duration,
          barSize: spec.barSize,
          whatToShow,
          useRTH,
        });
        // Connect before taking a pacing slot: the scheduler counts a request from the moment it
        // grants the slot, so the request must go out right then, not after a (re)connection.
        const ready = await this.o.session.connection(signal).then(
          (conn) => ({ conn }),
          (error: unknown) => ({ error }),
        );
        const release = await this.o.pacing.acquire(req, signal);
        // While this request waited for its pacing slot another process may have fetched the series.
        if (freshEnough()) {
          release();
          return skip();
        }
        let bars: RawBar[];
        let sent = false;
        try {
          if ('error' in ready) throw ready.error;
          // The link died while we waited for the slot: start over (a new slot, on the new link).
          if (!ready.conn.isOpen) throw new NotConnected('send a historical-data request');
          const conn = ready.conn;
          requests++;
          sent = true;
          const pending = conn.historicalData({ contract, endDateTime: '', duration, barSize: spec.barSize, whatToShow, useRTH });
          // Nobody waits for it any more: cancel it at the gateway (it ends with Aborted).
          const cancel = () => conn.cancelHistoricalData(pending.reqId);
          signal?.addEventListener('abort', cancel, { once: true });
          try {
            bars = await pending.result;
          } finally {
            signal?.removeEventListener('abort', cancel);
          }
        } catch (err) {
          const retryable = err instanceof ConnectionLost || err instanceof NotConnected || err instanceof PacingViolation || err instanceof RequestsLost;
          if (err instanceof PacingViolation) this.o.pacing.pauseUntil(clock.now() + (err.retryAfterMs ?? IB_HISTORICAL_PACING.identicalWindowMs));
          if (!retryable || attempt >= this.o.maxAttempts) throw err;
          if (sent && !(err instanceof PacingViolation)) this.o.session.noteResend();
          this.o.log.warn({ symbol: contract.symbol, attempt, err: describeError(err) }, 'historical request failed; sending again');
          continue;
        } finally {
          release();
        }
        const { added, stored } = storeFetched(store, contract, { ...spec, whatToShow, useRTH }, bars, clock.now());
        this.o.log.info({ symbol: contract.symbol, received: bars.length, added, stored }, `stored ${added} new ${spec.barSize} bars for ${contract.symbol}`);
        op.ok({ received: bars.length, added, stored, requests });
        return { ...base, received: bars.length, added, stored, requests, skipped: false };
      }
    } catch (err) {
      op.fail(err);
      throw err;
    }
  }

  /**
   * The duration that covers everything since the last stored bar (plus one bar of overlap, since
   * the last bar may have been incomplete), or the one asked for when that reaches back no
   * further. Both are reckoned by IB's duration rule (docs/wire-facts/history.md#durations) in the
   * exchange's zone; "n D" counts trading days, which the collector cannot see, so it is compared
   * as n calendar days: the catch-up may reach back a little further than asked, never less than
   * needed.
   */
  private durationSinceLastBar(contract: ContractInfo, barSize: string, whatToShow: string, asked: Duration, now: number): string {
    const cov = this.o.store.coverage(contract.conId, barSize, whatToShow);
    if (cov.last === null) return asked.text;
    const zone = contract.timeZoneId || 'UTC';
    const catchUp = durationCovering((cov.last - barSizeSeconds(barSize)) * 1000, now, zone);
    return durationStart(catchUp, now, zone) > durationStart(asked, now, zone) ? catchUp.text : asked.text;
  }
}

/**
 * Store the bars of one fetch with its ledger entry (one transaction) and count the series. The
 * ledger keeps the series as asked for (its duration, not the shorter one sent to catch up), so a
 * later run recognises it.
 */
export function storeFetched(
  store: CollectorStore,
  contract: ContractInfo,
  spec: Required<Pick<HistorySpec, 'duration' | 'barSize' | 'whatToShow' | 'useRTH'>>,
  bars: readonly RawBar[],
  fetchedAt: number,
): { added: number; stored: number } {
  const added = store.recordHistoryFetch(
    { conId: contract.conId, barSize: spec.barSize, whatToShow: spec.whatToShow, useRTH: spec.useRTH, endDateTime: '', duration: spec.duration, fetchedAt },
    bars.map((b) => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, wap: b.wap, barCount: b.count })),
    { defaultTimeZone: contract.timeZoneId || 'UTC' },
  );
  return { added, stored: store.countBars(contract.conId, spec.barSize, spec.whatToShow) };
}

/** Bars reference their contract: make sure it is in the store (callers may qualify elsewhere). */
export function ensureContract(store: CollectorStore, c: ContractInfo, nowMs: number): void {
  if (store.getContract(c.conId)) return;
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
  });
}
