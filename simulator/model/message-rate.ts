/**
 * Per-client message-rate rule: at most `maxPerSecond` messages in any one-second window.
 * Excess messages are rejected with error 100 (once per violating second, not once per message,
 * so a flood does not turn into a flood of errors); a client that keeps violating for
 * `closeAfterViolatingSeconds` consecutive seconds is disconnected. A client that connected with
 * `+PACEAPI` is never rejected: its messages wait until the window has room.
 */
export interface RateDecision {
  kind: 'accept' | 'reject' | 'defer';
  /** For `reject`: send error 100 (first rejection in this second). */
  notify?: { received: number; count: number };
  /** For `reject`: the client has violated for too long and must be disconnected. */
  close?: boolean;
  /** For `defer`: model time at which the message may be processed. */
  at?: number;
}

export class MessageRateMeter {
  /** Timestamps of messages counted in the current window (ring kept sorted by arrival). */
  private readonly window: number[] = [];
  private violations = 0;
  private lastViolationSecond = Number.NaN;
  private consecutiveSeconds = 0;
  /** For paced clients: the time the last deferred message was scheduled at. */
  private pacedUntil = 0;

  constructor(
    private maxPerSecond: number,
    private closeAfterViolatingSeconds: number,
    private readonly paced: boolean,
  ) {}

  setLimits(maxPerSecond: number, closeAfterViolatingSeconds: number): void {
    this.maxPerSecond = maxPerSecond;
    this.closeAfterViolatingSeconds = closeAfterViolatingSeconds;
  }

  get violationCount(): number {
    return this.violations;
  }

  offer(now: number): RateDecision {
    if (this.paced) return this.offerPaced(now);
    this.trim(now);
    this.window.push(now);
    if (this.window.length <= this.maxPerSecond) return { kind: 'accept' };

    const second = Math.floor(now / 1000);
    if (second === this.lastViolationSecond) return { kind: 'reject' };
    this.consecutiveSeconds = second === this.lastViolationSecond + 1 ? this.consecutiveSeconds + 1 : 1;
    this.lastViolationSecond = second;
    this.violations++;
    return {
      kind: 'reject',
      notify: { received: this.window.length, count: this.violations },
      close: this.consecutiveSeconds >= this.closeAfterViolatingSeconds,
    };
  }

  private offerPaced(now: number): RateDecision {
    // Each message is slotted at the earliest time the one-second window has room for it.
    const earliest = Math.max(now, this.pacedUntil);
    this.trim(earliest);
    let at = earliest;
    if (this.window.length >= this.maxPerSecond) {
      at = Math.max(at, this.window[this.window.length - this.maxPerSecond]! + 1000);
    }
    this.window.push(at);
    this.pacedUntil = at;
    return at <= now ? { kind: 'accept' } : { kind: 'defer', at };
  }

  private trim(now: number): void {
    let i = 0;
    while (i < this.window.length && this.window[i]! <= now - 1000) i++;
    if (i > 0) this.window.splice(0, i);
  }
}
