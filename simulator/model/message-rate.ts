/**
 * The per-client message-rate rule (docs/wire-facts/pacing.md#the-rule-the-simulator-applies).
 *
 * Every frame a client sends after START_API is offered to its meter — decoded requests and
 * malformed frames alike — and the meter says what happens to it:
 *  - **budget**: a token bucket. It holds at most `capacity(limits)` messages
 *    (`maxPerSecond` plus what `toleranceMs` of delivery jitter adds) and refills at `maxPerSecond`
 *    per second, continuously. A message that finds a whole token takes it and is accepted; one
 *    that finds none is a violation: it is rejected (dropped) and takes nothing. So a client that
 *    keeps to 50 per second in any of the usual ways — bursts of 45 once a second, 4–5 messages
 *    every 100 ms, a token bucket of its own — is never rejected, while a flood is at once.
 *  - **error 100**: the first violation of a calendar second reports error 100 with the messages
 *    received in the last 1,000 ms (`rec`, rejected ones too) and the number of violating seconds
 *    so far, which is also the id of the error (docs/wire-facts/errors.md#100-message-rate-exceeded).
 *  - **close**: violations in `closeAfterViolatingSeconds` consecutive calendar seconds close the
 *    connection.
 *  - **warning**: the first accepted message of a calendar second (without a violation so far)
 *    that finds more than `warnAbove` messages received in the last 1,000 ms earns the notice
 *    `Warning: Approaching max rate of 50 messages per second (<rec>)`, code 0, id −1.
 *  - **+PACEAPI**: a client that asked the gateway to pace it is never rejected or warned: each
 *    message waits until the bucket holds a token (and never overtakes the one before it).
 *
 * Model time in ms (integers in virtual time; the arithmetic is exact for them). The bucket's
 * level is kept in thousandths of a message, so the refill of `maxPerSecond` per 1,000 ms is
 * `maxPerSecond` thousandths per ms.
 */
export interface MessageRateLimits {
  /** Messages per second the bucket refills; also its base capacity. [IB: 50] */
  maxPerSecond: number;
  /** Delivery jitter forgiven: the bucket holds `maxPerSecond × toleranceMs / 1000` more (rounded down). [choice] */
  toleranceMs: number;
  /** Violating calendar seconds in a row after which the connection is closed. [choice] */
  closeAfterViolatingSeconds: number;
  /** More messages than this in the last 1,000 ms earns the approaching-the-limit warning. [choice] */
  warnAbove: number;
}

export interface RateDecision {
  kind: 'accept' | 'reject' | 'defer';
  /** For `reject`: send error 100 (first violation in this calendar second). */
  notify?: { received: number; count: number };
  /** For `reject`: the client has violated for too long and must be disconnected. */
  close?: boolean;
  /** For `accept`: send the approaching-the-limit warning (code 0) with this count. */
  warn?: { received: number };
  /** For `defer`: model time at which the message may be processed. */
  at?: number;
}

/** Messages the bucket holds when full: `maxPerSecond + ⌊maxPerSecond × toleranceMs / 1000⌋`. */
export function bucketCapacity(l: Pick<MessageRateLimits, 'maxPerSecond' | 'toleranceMs'>): number {
  return l.maxPerSecond + Math.floor((l.maxPerSecond * l.toleranceMs) / 1000);
}

/** One message in thousandths. */
const ONE = 1000;

export class MessageRateMeter {
  /** Tokens in thousandths of a message, as of `last`. */
  private level: number;
  private last = Number.NEGATIVE_INFINITY;
  /** Arrivals in the last 1,000 ms, run-length encoded: [time, count] (for `rec` and the warning). */
  private readonly arrivals: Array<[number, number]> = [];
  private head = 0;
  private inWindow = 0;
  private violations = 0;
  private lastViolationSecond = Number.NaN;
  private consecutiveSeconds = 0;
  private lastWarningSecond = Number.NaN;
  /** For +PACEAPI clients: the slot of the latest deferred message. */
  private pacedUntil = Number.NEGATIVE_INFINITY;

  constructor(
    private limits: MessageRateLimits,
    private readonly paced: boolean,
  ) {
    this.level = bucketCapacity(limits) * ONE;
  }

  /**
   * New limits for a connected client (`PATCH /profile`) from `now` on: the bucket refills at the
   * old rate until then (or until a +PACEAPI client's last slot, if later), keeps its level and is
   * cut down to the new capacity.
   */
  setLimits(limits: MessageRateLimits, now: number): void {
    this.refill(now);
    this.limits = limits;
    this.level = Math.min(this.level, bucketCapacity(limits) * ONE);
  }

  /** Violating calendar seconds so far. */
  get violationCount(): number {
    return this.violations;
  }

  /** A frame arrived at `now`: what happens to it. */
  offer(now: number): RateDecision {
    // A bucket that never refills cannot pace: such a client is treated like any other.
    if (this.paced && this.limits.maxPerSecond > 0) return this.offerPaced(now);
    this.refill(now);
    const received = this.count(now);
    const second = Math.floor(now / 1000);
    if (this.level >= ONE) {
      this.level -= ONE;
      if (received > this.limits.warnAbove && second !== this.lastWarningSecond && second !== this.lastViolationSecond) {
        this.lastWarningSecond = second;
        return { kind: 'accept', warn: { received } };
      }
      return { kind: 'accept' };
    }
    if (second === this.lastViolationSecond) return { kind: 'reject' };
    this.consecutiveSeconds = second === this.lastViolationSecond + 1 ? this.consecutiveSeconds + 1 : 1;
    this.lastViolationSecond = second;
    this.violations++;
    return {
      kind: 'reject',
      notify: { received, count: this.violations },
      close: this.consecutiveSeconds >= this.limits.closeAfterViolatingSeconds,
    };
  }

  private offerPaced(now: number): RateDecision {
    const from = Math.max(now, this.pacedUntil);
    this.refill(from);
    const at = this.level >= ONE ? from : from + Math.ceil((ONE - this.level) / this.limits.maxPerSecond);
    this.refill(at);
    this.level -= ONE;
    this.pacedUntil = at;
    return at <= now ? { kind: 'accept' } : { kind: 'defer', at };
  }

  private refill(t: number): void {
    const full = bucketCapacity(this.limits) * ONE;
    if (t > this.last) this.level = Math.min(full, this.level + (t - this.last) * this.limits.maxPerSecond);
    this.last = Math.max(this.last, t);
  }

  /** Record an arrival at `now` and return how many arrived in (now − 1000, now]. */
  private count(now: number): number {
    const a = this.arrivals;
    while (this.head < a.length && a[this.head]![0] <= now - 1000) this.inWindow -= a[this.head++]![1];
    if (this.head > 64 && this.head * 2 > a.length) {
      a.splice(0, this.head);
      this.head = 0;
    }
    const tail = a[a.length - 1];
    if (tail && this.head < a.length && tail[0] === now) tail[1]++;
    else a.push([now, 1]);
    return ++this.inWindow;
  }
}
