/**
 * A caller talking straight to its connection, as the incident's collector did: no client-side
 * queue, no de-duplication, no cache, no pacing. Qualification either waits for the answer with
 * the fix's retry (0.5 s, 1 s, 2 s on transient failures) or, in the legacy `timeout-wrapper`
 * mode, gives up after an escalating timeout and sends the request again.
 */
import type { OpContext } from '../../common/op-history.ts';
import { describeSpec } from '../gateway-client.ts';
import { CollectorError, ConnectionLost, NoSecurityDefinition, NotConnected, RequestTimeout, describeError } from '../errors.ts';
import type { ContractInfo, ContractSpec, GatewayConnection } from '../gateway-client.ts';
import { wallTimeOf, type Clock } from '../../common/clock.ts';
import { findBarSize } from '../../common/ib/bar-sizes.ts';
import { durationStart, parseDuration } from '../../common/ib/durations.ts';
import { ensureContract, type HistoryOutcome, type HistorySpec } from '../history-collector.ts';
import { describeCoverage } from '../history/coverage.ts';
import { SeriesFetch, seriesOf } from '../history/series-fetch.ts';
import { PacingScheduler } from '../pacing/index.ts';
import { interpret, type QualifyResult } from '../qualifier.ts';
import { retry } from '../retry/index.ts';
import type { GatewaySession } from '../session.ts';
import { waitBounded } from '../wait-bounded.ts';
import type { CollectorClient, StrategyDeps } from './types.ts';

export const LEGACY_TIMEOUTS_MS = [3_000, 15_000, 20_000, 30_000, 60_000];

/** A scheduler that lets everything through at once: the legacy designs do not pace. */
const UNPACED = (clock: Clock) =>
  new PacingScheduler({ clock, rules: { sameContractMax: 1e9, windowMax: 1e9, identicalWindowMs: 0, maxOpen: 1e9, marginMs: 0 } });

export interface DirectClientOptions {
  mode: 'direct' | 'timeout-wrapper';
  /** Close the session when the caller closes (per-page, per-task); false when it is shared. */
  ownsSession: boolean;
}

export class DirectClient implements CollectorClient {
  constructor(
    private readonly session: GatewaySession,
    private readonly deps: StrategyDeps,
    private readonly ctx: OpContext,
    private readonly opts: DirectClientOptions,
  ) {}

  get clientId(): number | undefined {
    return this.session.clientId;
  }

  async connect(): Promise<void> {
    await this.session.connection();
  }

  async qualify(spec: ContractSpec, opts: { deadlineMs?: number; signal?: AbortSignal } = {}): Promise<QualifyResult> {
    const { clock, recorder } = this.deps;
    const started = clock.now();
    const deadlineMs = opts.deadlineMs ?? this.deps.options?.qualifyDeadlineMs ?? 120_000;
    const op = recorder.invoke(this.ctx, 'qualify', { symbol: spec.symbol, currency: spec.currency ?? '' });
    try {
      const matches =
        this.opts.mode === 'timeout-wrapper'
          ? await this.withEscalatingTimeouts(spec, opts.signal)
          : await retry(({ signal }) => this.ask(spec, deadlineMs, signal), {
              clock,
              maxAttempts: 3,
              what: `qualification of ${describeSpec(spec)}`,
              // Only a request that died with its connection is sent again.
              isRetryable: (err) => err instanceof ConnectionLost || err instanceof NotConnected,
              ...(opts.signal ? { signal: opts.signal } : {}),
            });
      const r = interpret(spec, matches, clock.now() - started);
      op.ok(r.kind === 'qualified' ? { kind: r.kind, conId: r.contract.conId, ms: r.ms } : { kind: r.kind, ms: r.ms }, { clientId: this.session.clientId });
      if (r.kind === 'qualified') this.deps.log.info({ symbol: spec.symbol, ms: Math.round(r.ms) }, `Contract qualified in ${Math.round(r.ms)} ms`);
      return r;
    } catch (err) {
      const ms = clock.now() - started;
      if (err instanceof NoSecurityDefinition) {
        op.ok({ kind: 'unknown', ms });
        return { kind: 'unknown', ms };
      }
      if (err instanceof RequestTimeout) op.info(err, { clientId: this.session.clientId });
      else op.fail(err, { clientId: this.session.clientId });
      throw err;
    }
  }

  /**
   * The incident's history: the request as asked, ending now, sent straight away (no pacing, no
   * coverage planning, no re-send); what came back is recorded like any answer.
   */
  async collectHistory(contract: ContractInfo, spec: HistorySpec, signal?: AbortSignal): Promise<HistoryOutcome> {
    const { clock, store, recorder } = this.deps;
    const bar = findBarSize(spec.barSize);
    if (!bar) throw new CollectorError('BAD_BAR_SIZE', `unknown bar size "${spec.barSize}"`, { retryable: false });
    const series = seriesOf(contract, { barSize: bar.text, whatToShow: spec.whatToShow ?? 'TRADES', useRTH: spec.useRTH ?? true });
    const op = recorder.invoke(this.ctx, 'history', { symbol: contract.symbol, conId: contract.conId, duration: spec.duration, barSize: spec.barSize });
    try {
      const wall = wallTimeOf(clock);
      ensureContract(store, contract, wall.now());
      const deps = { session: this.session, pacing: UNPACED(clock), store, clock, wall, log: this.deps.log, maxAttempts: 1 };
      const f = new SeriesFetch(deps, contract, series, bar, signal);
      const asked = parseDuration(spec.duration);
      const end = clock.now() / 1000;
      const start =
        asked && (asked.unit === 'S' || (asked.unit !== 'D' && f.timeZone)) ? durationStart(asked, clock.now(), f.timeZone ?? 'UTC') / 1000 : undefined;
      const r = await f.piece({ duration: spec.duration, ...(start !== undefined ? { start } : {}) });
      const placed = start ?? (r.kind === 'bars' ? r.start : undefined) ?? null;
      const coverage = describeCoverage(
        store.windows(series),
        store.barRange(series).last,
        end,
        { start: placed, end },
        { start: placed ?? end, end },
        f.unplaced,
      );
      const stored = store.countBars(series);
      op.ok({ received: f.received, added: f.added, stored, requests: f.requests }, { clientId: this.session.clientId });
      return { symbol: contract.symbol, conId: contract.conId, received: f.received, added: f.added, stored, requests: f.requests, skipped: false, coverage };
    } catch (err) {
      op.fail(err);
      throw err;
    }
  }

  probe(signal?: AbortSignal): Promise<{ clientId: number; gatewayTime: number }> {
    return this.session.probe(signal);
  }

  async close(): Promise<void> {
    if (this.opts.ownsSession) await this.session.close();
  }

  /** One request on the current connection, waited for up to `deadlineMs`. */
  private async ask(spec: ContractSpec, deadlineMs: number, signal?: AbortSignal): Promise<ContractInfo[]> {
    const conn: GatewayConnection = await this.session.connection(signal);
    const pending = conn.contractDetails(spec);
    return waitBounded(
      pending.result,
      this.deps.clock,
      deadlineMs,
      signal,
      `qualification of ${describeSpec(spec)}`,
      () => new RequestTimeout(`qualification of ${describeSpec(spec)}`, deadlineMs),
    );
  }

  /**
   * The incident's thread-join wrapper in promise form: wait `timeout`, then abandon the request
   * (its answer, if it ever comes, is ignored) and send a fresh one with the next, longer timeout.
   */
  private async withEscalatingTimeouts(spec: ContractSpec, signal?: AbortSignal): Promise<ContractInfo[]> {
    const timeouts = this.deps.options?.wrapperTimeoutsMs ?? LEGACY_TIMEOUTS_MS;
    let last: unknown;
    for (const timeout of timeouts) {
      const attempt = this.deps.recorder.invoke(this.ctx, 'qualify-attempt', { symbol: spec.symbol, timeoutMs: timeout });
      try {
        const matches = await this.ask(spec, timeout, signal);
        attempt.ok({ results: matches.length }, { clientId: this.session.clientId });
        return matches;
      } catch (err) {
        last = err;
        if (err instanceof RequestTimeout) {
          attempt.info(err, { clientId: this.session.clientId });
          this.deps.log.warn(
            { symbol: spec.symbol, timeoutMs: timeout },
            `qualification of ${spec.symbol} timed out after ${timeout / 1000} s; retrying with a longer timeout`,
          );
          continue;
        }
        attempt.fail(err, { clientId: this.session.clientId });
        throw err;
      }
    }
    throw new RequestTimeout(
      `qualification of ${describeSpec(spec)} (every timeout up to ${timeouts.at(-1)! / 1000} s; last: ${describeError(last)})`,
      timeouts.at(-1)!,
    );
  }
}
