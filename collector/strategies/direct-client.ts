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
import { barSizeSeconds } from '../../common/ib/bar-sizes.ts';
import { ensureContract, storeFetched, type HistoryOutcome, type HistorySpec } from '../history-collector.ts';
import { interpret, type QualifyResult } from '../qualifier.ts';
import { retry } from '../retry/index.ts';
import type { GatewaySession } from '../session.ts';
import { waitBounded } from '../wait-bounded.ts';
import type { CollectorClient, StrategyDeps } from './types.ts';

export const LEGACY_TIMEOUTS_MS = [3_000, 15_000, 20_000, 30_000, 60_000];

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

  async collectHistory(contract: ContractInfo, spec: HistorySpec, signal?: AbortSignal): Promise<HistoryOutcome> {
    const { clock, store, recorder } = this.deps;
    const whatToShow = spec.whatToShow ?? 'TRADES';
    const useRTH = spec.useRTH ?? true;
    if (!Number.isFinite(barSizeSeconds(spec.barSize))) {
      throw new CollectorError('BAD_BAR_SIZE', `unknown bar size "${spec.barSize}"`, { retryable: false });
    }
    const op = recorder.invoke(this.ctx, 'history', { symbol: contract.symbol, conId: contract.conId, duration: spec.duration, barSize: spec.barSize });
    try {
      ensureContract(store, contract, clock.now());
      const conn = await this.session.connection(signal);
      const bars = await conn.historicalData({ contract, endDateTime: '', duration: spec.duration, barSize: spec.barSize, whatToShow, useRTH }).result;
      const { added, stored } = storeFetched(store, contract, { ...spec, whatToShow, useRTH }, bars, clock.now());
      op.ok({ received: bars.length, added, stored, requests: 1 }, { clientId: conn.clientId });
      return { symbol: contract.symbol, conId: contract.conId, received: bars.length, added, stored, requests: 1, skipped: false };
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
