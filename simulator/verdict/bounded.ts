/**
 * Fixed-size summaries, so the verdict's memory does not grow with the number of frames: a list
 * that keeps its first items and counts the rest, a top-k, and a log-bucketed histogram for
 * percentiles.
 */

/** The first `limit` items pushed, and how many more were left out. */
export class BoundedList<T> {
  readonly items: T[] = [];
  omitted = 0;

  constructor(readonly limit: number) {}

  /** Keep `make()` if there is room (it is not even built otherwise); count it either way. */
  push(make: () => T): void {
    if (this.items.length < this.limit) this.items.push(make());
    else this.omitted++;
  }

  get total(): number {
    return this.items.length + this.omitted;
  }
}

/** The `k` items with the largest score seen so far (ties: the earlier stays). */
export class TopK<T> {
  private readonly kept: Array<{ score: number; item: T }> = [];

  constructor(readonly k: number) {}

  /** Whether an item with this score would be kept (check before building it). */
  admits(score: number): boolean {
    return this.kept.length < this.k || score > this.kept[this.kept.length - 1]!.score;
  }

  offer(score: number, make: () => T): void {
    if (!this.admits(score)) return;
    let i = this.kept.length;
    while (i > 0 && this.kept[i - 1]!.score < score) i--;
    this.kept.splice(i, 0, { score, item: make() });
    if (this.kept.length > this.k) this.kept.pop();
  }

  /** Largest first. */
  items(): T[] {
    return this.kept.map((k) => k.item);
  }
}

/**
 * A histogram of non-negative values in logarithmic buckets, each 1% wider than the last, from
 * 1 up to 10^12 (about 2,800 counters, whatever the number of values): a percentile read from it
 * is at most 1% above the true one. Values below 1 share the first bucket; count, sum and max are
 * exact.
 */
export class LogHistogram {
  static readonly GROWTH = 1.01;
  private static readonly LOG_GROWTH = Math.log(LogHistogram.GROWTH);
  private readonly buckets = new Float64Array(Math.ceil(Math.log(1e12) / LogHistogram.LOG_GROWTH) + 2);
  count = 0;
  sum = 0;
  max = 0;

  add(value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    const i = value < 1 ? 0 : Math.min(this.buckets.length - 1, 1 + Math.floor(Math.log(value) / LogHistogram.LOG_GROWTH));
    this.buckets[i]!++;
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  /**
   * The `q` quantile (0..1): the upper edge of the bucket holding it, never above the exact max;
   * 0 with no values.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return Math.min(this.max, i === 0 ? 1 : LogHistogram.GROWTH ** i);
    }
    return this.max;
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
}
