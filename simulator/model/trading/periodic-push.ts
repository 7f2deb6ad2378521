/**
 * The reqAccountUpdates cadence: after its first answer a subscription hears again on every fill,
 * and otherwise on a fixed 3-minute beat, then only about account values and portfolio lines that
 * changed since that session last heard them (docs/wire-facts/accounts.md#periodic-account-pushes).
 * The beat is on multiples of 3 model minutes (epoch-aligned), so the same seed and requests give
 * the same pushes whenever the subscription was made. Model time only, through the host's Clock.
 */
import type { Clock, TimerHandle } from '../../../common/clock.ts';

/** IB's account-window interval: 3 minutes of model time. */
export const ACCOUNT_PUSH_INTERVAL_MS = 180_000;

/** What one session was last sent, by key (an account value's tag and currency, or a conId). */
export class LastSent {
  private readonly seen = new Map<string, string>();

  /** Record `value` under `key`; true if it differs from what was last recorded there. */
  changed(key: string, value: string): boolean {
    if (this.seen.get(key) === value) return false;
    this.seen.set(key, value);
    return true;
  }
}

/** Runs `beat(instant)` at each multiple of `intervalMs` while `active()` holds. */
export class PushBeat {
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly active: () => boolean,
    private readonly beat: (at: number) => void,
    private readonly intervalMs = ACCOUNT_PUSH_INTERVAL_MS,
  ) {}

  /** Start beating if something listens and no beat is scheduled. */
  ensure(): void {
    if (this.timer || !this.active()) return;
    const now = this.clock.now();
    const at = (Math.floor(now / this.intervalMs) + 1) * this.intervalMs;
    this.timer = this.clock.setTimer(at - now, () => {
      this.timer = undefined;
      try {
        if (this.active()) this.beat(at);
      } finally {
        this.ensure();
      }
    });
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
