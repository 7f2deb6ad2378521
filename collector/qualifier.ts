/**
 * Contract qualification done the way the incident's gateway needs it: one request at a time per
 * gateway (it serializes them anyway), a second caller for the same contract joins the pending
 * request instead of sending another, answers are cached (memory and SQLite), and a caller's
 * deadline never abandons a request whose answer may still come — contract details cannot be
 * cancelled, so a late answer is kept and the next caller gets it from the cache.
 */
import PQueue from 'p-queue';
import { wallTimeOf, type Clock } from '../common/clock.ts';
import { silentLog, type Log } from '../common/log.ts';
import { noRecorder, type OpContext, type Recorder } from '../common/op-history.ts';
import { describeSpec } from './gateway-client.ts';
import { Aborted, ConnectionLost, NoSecurityDefinition, NotConnected, RequestsLost, RequestTimeout, describeError } from './errors.ts';
import type { ContractInfo, ContractSpec } from './gateway-client.ts';
import type { GatewaySession } from './session.ts';
import { waitBounded } from './wait-bounded.ts';
import { qualificationKey, type CollectorStore } from './store/index.ts';
import type { QualificationCache } from './coordination/port.ts';
import type { PacingScheduler } from './pacing/scheduler.ts';

export type QualifyResult =
  /** source: asked the gateway; this process's memory; the local SQLite store; the coordination store's cache shared with other processes and hosts. */
  | { kind: 'qualified'; contract: ContractInfo; source: 'gateway' | 'cache' | 'store' | 'shared'; ms: number }
  | { kind: 'ambiguous'; candidates: ContractInfo[]; ms: number }
  | { kind: 'unknown'; ms: number };

export interface QualifierOptions {
  session: GatewaySession;
  clock: Clock;
  store?: CollectorStore;
  /** How long a qualified contract is trusted. Default 24 h. */
  cacheTtlMs?: number;
  /** Requests in flight at the gateway at once. Default 1: the gateway serializes them anyway. */
  concurrency?: number;
  /** A qualification slower than this logs "gateway may be throttling". Default 5 s. */
  slowThresholdMs?: number;
  /** A caller's default deadline. Default 60 s. */
  deadlineMs?: number;
  /** How long "unknown" and "ambiguous" answers are reused. Default 60 s. */
  negativeTtlMs?: number;
  log?: Log;
  recorder?: Recorder;
  context?: OpContext;
  /**
   * Qualifications shared with the other processes of the login (collector/coordination/): asked
   * before the gateway, told every answer. `cacheTtlMs` is kept there in wall ms.
   */
  shared?: QualificationCache;
  /** Charges each contract-details request to the login's message rate before it is sent. */
  messages?: Pick<PacingScheduler, 'acquireMessages'>;
}

interface Flight {
  startedAt: number;
  result: Promise<ContractInfo[]>;
  /** Callers still waiting for it; when the last one gives up before it was sent, it is dropped. */
  waiters: number;
  sent: boolean;
  /** When the request was last written to a connection (model ms): the wait before it is ours (a connection, a client id, the message budget), the wait after it the gateway's. */
  sentAt?: number;
  cancel: AbortController;
  /** Where the answer came from: the gateway, or the shared cache. */
  source: 'gateway' | 'shared';
}

export class Qualifier {
  private readonly queue: PQueue;
  private readonly flights = new Map<string, Flight>();
  private readonly memory = new Map<string, { contract: ContractInfo; expiresAt: number }>();
  /** Unknown and ambiguous answers, kept briefly so a burst of callers does not re-ask. */
  private readonly negative = new Map<string, { result: Extract<QualifyResult, { kind: 'unknown' | 'ambiguous' }>; expiresAt: number }>();
  private readonly o: Required<Omit<QualifierOptions, 'store' | 'shared' | 'messages'>> & Pick<QualifierOptions, 'store' | 'shared' | 'messages'>;
  /** Requests actually sent to the gateway (re-sends after a lost connection included). */
  requestsSent = 0;

  constructor(opts: QualifierOptions) {
    this.o = {
      cacheTtlMs: 24 * 3600_000,
      concurrency: 1,
      slowThresholdMs: 5_000,
      deadlineMs: 60_000,
      negativeTtlMs: 60_000,
      log: silentLog,
      recorder: noRecorder,
      context: { actor: 'collector' },
      ...opts,
    };
    this.queue = new PQueue({ concurrency: this.o.concurrency });
  }

  /** Requests waiting in the client-side queue or in flight. */
  get pending(): number {
    return this.flights.size;
  }

  async qualify(spec: ContractSpec, opts: { deadlineMs?: number; signal?: AbortSignal; context?: OpContext } = {}): Promise<QualifyResult> {
    const { clock } = this.o;
    const started = clock.now();
    const key = qualificationKey(spec);
    const op = this.o.recorder.invoke(opts.context ?? this.o.context, 'qualify', { symbol: spec.symbol, currency: spec.currency ?? '', key });
    const known = this.negative.get(key);
    if (known && known.expiresAt > started) {
      // Asking again within the TTL would get the same "no such contract" / "several" answer.
      op.ok({ kind: known.result.kind, source: 'cache', ms: 0 });
      return { ...known.result, ms: 0 };
    }
    const cached = this.fromCache(key, started);
    if (cached) {
      const r: QualifyResult = { kind: 'qualified', contract: cached.contract, source: cached.source, ms: 0 };
      op.ok({ kind: r.kind, conId: cached.contract.conId, source: cached.source, ms: 0 });
      return r;
    }
    const flight = this.flights.get(key) ?? this.launch(key, spec);
    const deadlineMs = opts.deadlineMs ?? this.o.deadlineMs;
    let matches: ContractInfo[];
    flight.waiters++;
    try {
      matches = await waitBounded(
        flight.result,
        clock,
        deadlineMs,
        opts.signal,
        `qualification of ${describeSpec(spec)}`,
        () => new RequestTimeout(`qualification of ${describeSpec(spec)}`, deadlineMs),
      );
    } catch (err) {
      this.leave(key, flight);
      const ms = clock.now() - started;
      if (err instanceof NoSecurityDefinition) {
        this.o.log.warn({ symbol: spec.symbol, ms }, `unknown contract ${describeSpec(spec)}: no security definition (error 200)`);
        op.ok({ kind: 'unknown', ms });
        return { kind: 'unknown', ms };
      }
      if (err instanceof RequestTimeout) {
        // The request stays at the gateway and its answer will still be cached; the outcome of
        // this call is unknown rather than failed.
        const why =
          this.o.session.state === 'connected'
            ? 'the request stays pending at the gateway (gateway may be throttling)'
            : `the gateway connection is ${this.o.session.state}`;
        this.o.log.warn({ symbol: spec.symbol, ms }, `${err.message}; ${why}`);
        op.info(err);
        throw err;
      }
      op.fail(err);
      throw err;
    }
    flight.waiters--;
    const ms = clock.now() - started;
    const result = interpret(spec, matches, ms);
    if (result.kind === 'qualified') {
      this.o.log.info({ symbol: spec.symbol, conId: result.contract.conId, ms: Math.round(ms) }, `Contract qualified in ${Math.round(ms)} ms`);
      if (ms > this.o.slowThresholdMs) {
        // Name where the time went: before the request was sent (a connection, a client id, the
        // message budget) is this side's wait; only the time after it points at the gateway.
        const atGateway = flight.sentAt === undefined ? 0 : clock.now() - Math.max(flight.sentAt, started);
        const before = Math.round(ms - atGateway);
        const why =
          atGateway > this.o.slowThresholdMs
            ? `${Math.round(atGateway)} ms of it at the gateway, which may be throttling`
            : `${before} ms of it waiting to send (a gateway connection, a client id or the message budget), ${Math.round(atGateway)} ms at the gateway`;
        this.o.log.warn(
          { symbol: spec.symbol, ms: Math.round(ms), atGatewayMs: Math.round(atGateway), thresholdMs: this.o.slowThresholdMs },
          `qualifying ${spec.symbol} took ${Math.round(ms)} ms: ${why}`,
        );
      }
      if (flight.source === 'shared') result.source = 'shared';
      op.ok({ kind: 'qualified', conId: result.contract.conId, source: result.source, ms });
    } else if (result.kind === 'ambiguous') {
      const list = result.candidates.map((c) => `${c.conId} ${c.primaryExchange}/${c.currency}`).join(', ');
      this.o.log.warn({ symbol: spec.symbol }, `ambiguous contract ${describeSpec(spec)}: candidates ${list}`);
      op.ok({ kind: 'ambiguous', candidates: result.candidates.map((c) => c.conId), ms });
    }
    return result;
  }

  private fromCache(key: string, now: number): { contract: ContractInfo; source: 'cache' | 'store' } | undefined {
    const mem = this.memory.get(key);
    if (mem && mem.expiresAt > now) return { contract: mem.contract, source: 'cache' };
    // The SQLite cache outlives this process and is shared with others: its expiry is wall-clock
    // time (common/clock.ts, wallTimeOf), whatever this process's time scale.
    const stored = this.o.store?.getCachedQualification(key, wallTimeOf(this.o.clock).now());
    // A contract stored before time zones were kept: ask again, the history needs its zone.
    if (!stored?.timeZoneId) return undefined;
    const contract: ContractInfo = {
      conId: stored.conId,
      symbol: stored.symbol,
      secType: stored.secType,
      exchange: stored.exchange,
      primaryExchange: stored.primaryExchange ?? '',
      currency: stored.currency,
      localSymbol: stored.localSymbol ?? '',
      longName: stored.longName ?? '',
      timeZoneId: stored.timeZoneId,
    };
    setBounded(this.memory, key, { contract, expiresAt: now + this.o.cacheTtlMs });
    return { contract, source: 'store' };
  }

  /**
   * A caller stopped waiting (deadline, abort, failure). When nobody waits any more for a request
   * still in the client-side queue, it is dropped there: work a client abandoned does not reach the
   * gateway later. A request already sent stays: its answer cannot be cancelled and will be cached.
   */
  private leave(key: string, flight: Flight): void {
    flight.waiters--;
    if (flight.waiters > 0 || flight.sent) return;
    flight.cancel.abort(new Aborted(`qualification of ${key}`, 'every caller gave up before it was sent'));
    if (this.flights.get(key) === flight) this.flights.delete(key);
  }

  /**
   * Start the one lookup for `key`; every caller for the same contract shares it. The shared
   * cache is asked first (another process or host may have qualified it), then the gateway.
   */
  private launch(key: string, spec: ContractSpec): Flight {
    const { clock, shared } = this.o;
    const cancel = new AbortController();
    const flight: Flight = {
      startedAt: clock.now(),
      result: undefined as unknown as Promise<ContractInfo[]>,
      waiters: 0,
      sent: false,
      cancel,
      source: 'gateway',
    };
    const result = shared
      ? shared.get(key).then((hit) => {
          if (!hit) return this.ask(spec, flight);
          flight.source = 'shared';
          return [hit];
        })
      : this.ask(spec, flight);
    flight.result = result;
    this.flights.set(key, flight);
    result.then(
      (matches) => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
        const r = interpret(spec, matches, 0);
        if (r.kind === 'ambiguous') setBounded(this.negative, key, { result: r, expiresAt: clock.now() + this.o.negativeTtlMs });
        if (r.kind !== 'qualified') return;
        try {
          this.remember(key, r.contract, flight.source === 'gateway');
        } catch (err) {
          // Nobody awaits this branch: a failed cache write (locked or closed store) must not
          // become an unhandled rejection that kills the process. The answer was still delivered.
          this.o.log.warn({ symbol: spec.symbol, err: describeError(err) }, 'could not cache a qualified contract');
        }
      },
      (err: unknown) => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
        if (err instanceof NoSecurityDefinition)
          setBounded(this.negative, key, { result: { kind: 'unknown', ms: 0 }, expiresAt: clock.now() + this.o.negativeTtlMs });
      },
    );
    return flight;
  }

  /**
   * Ask the gateway, one request at a time, charged to the login's message rate. Dropped from the
   * queue (never sent) when every caller of `flight` gave up first (see leave).
   */
  private ask(spec: ContractSpec, flight: Flight): Promise<ContractInfo[]> {
    const { session } = this.o;
    const { signal } = flight.cancel;
    return this.queue.add(
      async () => {
        // A request lost with its connection never reached an answer: sending it again on the new
        // connection is safe. A request still pending is never sent twice.
        for (;;) {
          const conn = await session.connection(signal);
          await this.o.messages?.acquireMessages(1, signal, `contract details for ${describeSpec(spec)}`);
          if (!conn.isOpen) continue;
          flight.sent = true;
          flight.sentAt = this.o.clock.now();
          this.requestsSent++;
          try {
            return await conn.contractDetails(spec).result;
          } catch (err) {
            if (err instanceof ConnectionLost || err instanceof NotConnected || err instanceof RequestsLost) {
              this.o.log.warn({ symbol: spec.symbol, err: describeError(err) }, 'connection lost while qualifying; sending again after reconnect');
              session.noteResend();
              continue;
            }
            throw err;
          }
        }
      },
      { signal },
    ) as Promise<ContractInfo[]>;
  }

  private remember(key: string, contract: ContractInfo, share: boolean): void {
    const now = this.o.clock.now();
    setBounded(this.memory, key, { contract, expiresAt: now + this.o.cacheTtlMs });
    const wall = wallTimeOf(this.o.clock);
    if (share) void this.o.shared?.put(key, contract, wall.span(this.o.cacheTtlMs));
    this.o.store?.putQualification(
      key,
      {
        conId: contract.conId,
        symbol: contract.symbol,
        secType: contract.secType,
        exchange: contract.exchange,
        primaryExchange: contract.primaryExchange,
        currency: contract.currency,
        localSymbol: contract.localSymbol,
        longName: contract.longName,
        timeZoneId: contract.timeZoneId,
        qualifiedAt: wall.now(),
      },
      wall.span(this.o.cacheTtlMs),
      wall.now(),
    );
  }
}

/**
 * What a list of matches means, as ib_async decides it: keep only the asked-for secType; one
 * distinct contract qualifies, several are ambiguous (e.g. TTE on SBF/EUR and NYSE/USD).
 */
export function interpret(spec: ContractSpec, matches: readonly ContractInfo[], ms: number): QualifyResult {
  if (matches.length === 0) return { kind: 'unknown', ms };
  const secType = (spec.secType ?? 'STK').toUpperCase();
  const sameType = matches.filter((m) => m.secType.toUpperCase() === secType);
  const byConId = new Map<number, ContractInfo>();
  for (const m of sameType.length ? sameType : matches) if (!byConId.has(m.conId)) byConId.set(m.conId, m);
  const distinct = [...byConId.values()];
  if (distinct.length === 1) return { kind: 'qualified', contract: distinct[0]!, source: 'gateway', ms };
  return { kind: 'ambiguous', candidates: distinct, ms };
}

/** Caches keyed by what callers ask for must not grow without bound (a service sees any input). */
const MAX_CACHED = 10_000;

function setBounded<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  if (map.size >= MAX_CACHED) map.delete(map.keys().next().value as K);
  map.set(key, value);
}
