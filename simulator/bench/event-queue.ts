/**
 * Events in model time for the benchmark's synthetic journal (verdict-journal.ts): a binary
 * min-heap by time, ties in the order they were scheduled, so a seed gives one order of events.
 */
export interface TimedEvent {
  /** Model time, epoch ms. */
  at: number;
  /** Scheduling order, to break ties. */
  order: number;
  run: () => void;
}

/** A min-heap of events by time, ties in scheduling order. */
export class EventQueue {
  private readonly heap: TimedEvent[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(e: TimedEvent): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  pop(): TimedEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: TimedEvent, b: TimedEvent) => a.at < b.at || (a.at === b.at && a.order < b.order);
