import { toModelMs, toWallMs, wallPerModel, type Clock, type TimerHandle } from '../../common/clock.ts';
import { silentLog, type Log } from '../../common/log.ts';
import { budgetRulesInWallMs, impossibleCharge } from '../coordination/budget-judge.ts';
import { MemoryPacingBudget } from '../coordination/memory.ts';
import type { BudgetRules, ChargeResult, PacingBudget } from '../coordination/port.ts';
import { Aborted, CoordinationUnavailable, describeError } from '../errors.ts';
import { DEFAULT_PACING_RULES, type PacedRequest, type PacingRules } from './rules.ts';

/** Call when the answer (or error) for the request has arrived; frees its in-flight slot. Idempotent. */
export type ReleasePacingSlot = () => void;

/**
 * A slot granted by `acquireToSend`: the request is charged as "possibly sent at any moment until
 * its deadline" until `send` writes it, and then re-stamped with the instant it really went out.
 */
export interface PacingGrant {
  /**
   * Write the request now (`write` must put it on the wire synchronously) and tell the budget
   * when it went out. Returns false without calling `write` when the grant is older than its
   * send deadline (the process stalled): the charge stands, and the caller must acquire again.
   */
  send(write: () => void): boolean;
  release: ReleasePacingSlot;
}

export interface PacingSchedulerOptions {
  /** The process's model clock: pacing windows are the gateway's model durations, kept in wall ms. */
  clock: Clock;
  rules?: Partial<PacingRules>;
  /**
   * Where the login's budget is kept: in this process (the default), or shared by every process
   * of the login through a coordination store (collector/coordination/).
   */
  budget?: PacingBudget;
  /** Told whenever the head of the queue has to wait, and until when (model ms). */
  onWait?: (req: PacedRequest, untilMs: number) => void;
  log?: Log;
  /** How soon to ask an unreachable budget again, wall ms (it is a wall-clock outage). Default 250 ms. */
  unavailableRetryWallMs?: number;
  /**
   * `acquireToSend`'s send deadline in wall ms, counted from asking the budget: a grant not used
   * by then is given up. Until it is used the budget counts the request as possibly sent at any
   * instant up to the deadline, so a longer one holds budget longer only while a send is late.
   * Wall ms because it guards against event-loop and store latency, which do not scale with a
   * model clock. Default 2,000.
   */
  sendWithinWallMs?: number;
}

interface Waiter {
  req: PacedRequest;
  /** Sent by the caller after the grant (acquireToSend), not at once. */
  later: boolean;
  resolve: (grant: PacingGrant) => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Lets historical-data requests out no faster than IB's pacing rules (common/ib/pacing.ts) allow,
 * strictly in arrival order. Strict FIFO means a request waiting for its identical twin's 15 s to
 * pass holds up the ones behind it; that is accepted because the 60-per-10-minutes budget
 * dominates any longer collection anyway, and it keeps the order of requests (and so of data)
 * predictable.
 *
 * The windows are checked and charged by the budget in one atomic step, so every process that
 * shares the budget (one login, any host) stays within IB's limits together. The open-request
 * limit (50) is counted here, per process. While the budget cannot be reached no request goes
 * out: waiters wait (bounded by their signal) and the scheduler asks again every
 * `unavailableRetryWallMs`.
 */
export class PacingScheduler {
  readonly rules: PacingRules;
  private readonly clock: Clock;
  private readonly budget: PacingBudget;
  private readonly wallRules: BudgetRules;
  private readonly o: { onWait: PacingSchedulerOptions['onWait']; log: Log; unavailableRetryMs: number; sendWithinWallMs: number };
  private readonly queue: Waiter[] = [];
  private open = 0;
  private pausedUntil = -Infinity;
  private waitingUntil: number | undefined;
  private timer: TimerHandle | undefined;
  /** A charge for the head is out at the budget; pumps meanwhile are remembered, not run. */
  private charging = false;
  private pumpAgain = false;
  /** The budget's last failure while it is unreachable; undefined when it answers. */
  private unavailable: CoordinationUnavailable | undefined;

  constructor(opts: PacingSchedulerOptions) {
    this.clock = opts.clock;
    this.rules = { ...DEFAULT_PACING_RULES, ...opts.rules };
    this.budget = opts.budget ?? new MemoryPacingBudget(opts.clock);
    this.wallRules = budgetRulesInWallMs(this.rules, wallPerModel(opts.clock));
    this.o = {
      onWait: opts.onWait,
      log: opts.log ?? silentLog,
      unavailableRetryMs: toModelMs(opts.clock, opts.unavailableRetryWallMs ?? 250),
      sendWithinWallMs: opts.sendWithinWallMs ?? 2_000,
    };
  }

  /**
   * Resolves when `req` may be sent; the caller must send it at once (in the same turn), and call
   * the returned release when it is answered. A caller that cannot send at once uses acquireToSend.
   */
  acquire(req: PacedRequest, signal?: AbortSignal): Promise<ReleasePacingSlot> {
    return this.enqueue(req, signal, false).then((grant) => grant.release);
  }

  /**
   * Resolves when `req` may be sent, with a grant whose `send` writes it and tells the budget when
   * it really went out: the budget judges by send instants, so a send delayed past the margin
   * (event-loop lag, a store round trip) cannot let a later request through early
   * (docs/wire-facts/pacing.md#60-requests-in-10-minutes). Call `release` when it is answered.
   */
  acquireToSend(req: PacedRequest, signal?: AbortSignal): Promise<PacingGrant> {
    return this.enqueue(req, signal, true);
  }

  private enqueue(req: PacedRequest, signal: AbortSignal | undefined, later: boolean): Promise<PacingGrant> {
    const impossible = impossibleCharge({ req, messages: 1 }, this.wallRules);
    if (impossible) return Promise.reject(new RangeError(`request ${req.identityKey} can never be sent: ${impossible}`));
    if (signal?.aborted) return Promise.reject(new Aborted(`waiting to send ${req.identityKey}`, signal.reason));
    return new Promise<PacingGrant>((resolve, reject) => {
      const waiter: Waiter = { req, later, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => this.abandon(waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      if (this.queue.length === 1) this.pump();
    });
  }

  /**
   * Charge `n` messages of something other than a historical request (a contract-details
   * request) to the login's message rate, waiting as long as it takes. Not queued behind
   * historical requests, which may wait minutes for their windows.
   */
  async acquireMessages(n: number, signal?: AbortSignal, what = 'a request'): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new Aborted(`waiting to send ${what}`, signal.reason);
      let verdict: ChargeResult;
      try {
        verdict = await this.budget.tryCharge({ req: null, messages: n }, this.wallRules);
        this.noteAvailable();
      } catch (err) {
        this.noteUnavailable(err);
        await this.clock.sleep(this.o.unavailableRetryMs, signal).catch(() => {});
        continue;
      }
      if (verdict.granted) return;
      await this.clock.sleep(toModelMs(this.clock, verdict.retryInMs), signal).catch(() => {});
    }
  }

  /**
   * After an unexpected 162 (e.g. another client on the same login): send nothing before `untilMs`
   * (model ms), and tell every process sharing the budget to hold back as long.
   */
  pauseUntil(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
    const forWallMs = toWallMs(this.clock, untilMs - this.clock.now());
    this.budget.pause(forWallMs).catch((err: unknown) => this.noteUnavailable(err));
    this.pump();
  }

  get inFlight(): number {
    return this.open;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Why no request can go out right now, if the budget is unreachable (for error messages and health). */
  get unavailableError(): CoordinationUnavailable | undefined {
    return this.unavailable;
  }

  /** Until when (model ms) the head of the queue was last told to wait; undefined when idle or not waiting. */
  nextSendAt(): number | undefined {
    return this.queue.length > 0 ? this.waitingUntil : undefined;
  }

  /**
   * Decide about the head of the queue: what can be decided at once (idle, in-flight limit, a
   * pause) is decided synchronously; the budget is then asked, one charge at a time.
   */
  private pump(): void {
    if (this.charging) {
      this.pumpAgain = true;
      return;
    }
    this.timer?.cancel();
    this.timer = undefined;
    this.waitingUntil = undefined;
    const head = this.queue[0];
    if (!head || this.open >= this.rules.maxOpen) return; // a release or an acquire will pump again
    if (this.pausedUntil > this.clock.now()) {
      this.waitUntil(head, this.pausedUntil);
      return;
    }
    this.charging = true;
    this.pumpAgain = false;
    void this.chargeHead(head).then((next) => {
      this.charging = false;
      if (next === 'again' || this.pumpAgain) this.pump();
    });
  }

  /** Ask the budget for the head's charge: grant it, or wait as long as the budget says. */
  private async chargeHead(head: Waiter): Promise<'again' | 'wait'> {
    let verdict: ChargeResult;
    const askedAt = this.clock.now();
    try {
      const sendWithin = head.later ? { sendWithinMs: this.o.sendWithinWallMs } : {};
      verdict = await this.budget.tryCharge({ req: head.req, messages: 1, ...sendWithin }, this.wallRules);
      this.noteAvailable();
    } catch (err) {
      this.noteUnavailable(err);
      if (this.queue[0] !== head) return 'again';
      this.waitUntil(head, this.clock.now() + this.o.unavailableRetryMs);
      return 'wait';
    }
    // The head gave up while its charge was out. A granted charge is spent either way: the budget
    // only ever counts more than was sent, never less.
    if (this.queue[0] !== head) return 'again';
    if (!verdict.granted) {
      this.waitUntil(head, this.clock.now() + toModelMs(this.clock, verdict.retryInMs));
      return 'wait';
    }
    this.queue.shift();
    this.grant(head, askedAt, verdict.chargeId);
    return 'again';
  }

  private waitUntil(head: Waiter, at: number): void {
    this.waitingUntil = at;
    this.o.onWait?.(head.req, at);
    this.timer = this.clock.setTimer(at - this.clock.now(), () => {
      this.timer = undefined;
      this.pump();
    });
  }

  /** `askedAt`: when the charge was asked for (model ms), from which the send deadline counts. */
  private grant(waiter: Waiter, askedAt: number, chargeId: string | undefined): void {
    if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
    this.open++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.open--;
      this.pump();
    };
    const deadline = askedAt + toModelMs(this.clock, this.o.sendWithinWallMs);
    let used = false;
    const send = (write: () => void): boolean => {
      if (used) throw new Error(`the pacing grant for ${waiter.req.identityKey} was already used`);
      used = true;
      // The budget counts the request as sent no later than the deadline: past it, it must not go.
      if (this.clock.now() >= deadline) {
        this.o.log.warn({ request: waiter.req.identityKey }, 'a pacing grant went unused past its send deadline (the process stalled); asking again');
        return false;
      }
      write();
      if (chargeId !== undefined) this.budget.markSent(chargeId).catch((err: unknown) => this.noteUnavailable(err));
      return true;
    };
    waiter.resolve({ send, release });
  }

  private abandon(waiter: Waiter): void {
    const index = this.queue.indexOf(waiter);
    if (index < 0) return;
    this.queue.splice(index, 1);
    waiter.reject(new Aborted(`waiting to send ${waiter.req.identityKey}`, waiter.signal?.reason));
    if (index === 0) this.pump(); // the new head may be allowed sooner
  }

  private noteUnavailable(err: unknown): void {
    const e =
      err instanceof CoordinationUnavailable ? err : new CoordinationUnavailable('the pacing budget', 'take pacing budget', 'unreachable', { cause: err });
    if (!this.unavailable) this.o.log.error({ err: describeError(e) }, `${e.message}; historical requests wait until it is back`);
    this.unavailable = e;
  }

  private noteAvailable(): void {
    if (!this.unavailable) return;
    this.unavailable = undefined;
    this.o.log.warn({}, 'the pacing budget is reachable again; historical requests resume');
  }
}
