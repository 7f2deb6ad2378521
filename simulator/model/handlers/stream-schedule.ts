/**
 * The streaming top-of-book lines of one session on one timer. Each line keeps its own phase
 * (its updates are due at its request instant + k × interval, docs/wire-facts/market-data.md#tick-rates);
 * the schedule wakes at the earliest due instant and runs every line due by then, in (due,
 * scheduling order) — in virtual time exactly the instants and order one timer per line gave.
 * In real time a late wake serves every line that fell due meanwhile in one pass, so a session's
 * 100 lines cost one timer and one socket write per step instead of 100 of each.
 */
import type { TimerHandle } from '../../../common/clock.ts';
import type { Session } from '../session.ts';
import type { HandlerContext } from './context.ts';

/** A scheduled run, and its own handle: a line reschedules every 250 ms, so no closure is made per step. */
class Entry implements TimerHandle {
  cancelled = false;

  constructor(
    /** Model epoch ms. */
    readonly due: number,
    readonly seq: number,
    readonly run: (due: number) => void,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }
}

const before = (a: Entry, b: Entry) => a.due < b.due || (a.due === b.due && a.seq < b.seq);

export class StreamSchedule {
  /** Binary min-heap on (due, seq). Cancelled entries leave when they reach the top. */
  private readonly heap: Entry[] = [];
  private seq = 0;
  /** Due instants of the wake timers set and not yet fired (one, or two after an earlier entry arrived). */
  private readonly wakes = new Set<number>();
  /** Inside `wake`: entries scheduled by the lines it runs wait for its own `arm` at the end. */
  private waking = false;

  /** `ctx`: any handler context of the session (timers are the session's, cancelled with it). */
  constructor(private readonly ctx: HandlerContext) {}

  /** Run `run(due)` at model instant `due`, unless the handle is cancelled first. */
  at(due: number, run: (due: number) => void): TimerHandle {
    const entry = new Entry(due, this.seq++, run);
    this.push(entry);
    if (!this.waking) this.arm(this.ctx.now());
    return entry;
  }

  private arm(now: number): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    const top = this.heap[0];
    if (!top) return;
    for (const w of this.wakes) if (w <= top.due) return;
    const due = top.due;
    this.wakes.add(due);
    this.ctx.timer(due - now, () => {
      this.wakes.delete(due);
      this.wake();
    });
  }

  private wake(): void {
    const now = this.ctx.now();
    this.waking = true;
    try {
      while (this.heap.length > 0 && this.heap[0]!.due <= now) {
        const e = this.pop();
        if (!e.cancelled) e.run(e.due);
      }
    } finally {
      this.waking = false;
    }
    this.arm(now);
  }

  private push(e: Entry): void {
    const h = this.heap;
    let i = h.push(e) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = e;
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

const schedules = new WeakMap<Session, StreamSchedule>();

/** The stream schedule of `ctx`'s session (created on first use). */
export function streamScheduleOf(ctx: HandlerContext): StreamSchedule {
  let s = schedules.get(ctx.session);
  if (!s) schedules.set(ctx.session, (s = new StreamSchedule(ctx)));
  return s;
}
