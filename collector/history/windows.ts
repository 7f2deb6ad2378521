/**
 * Sets of half-open time windows [start, end) in epoch seconds: what a series holds, what a
 * request asks for, what is missing. Pure functions over sorted, non-overlapping lists.
 */
export interface Window {
  /** Epoch seconds, inclusive. */
  start: number;
  /** Epoch seconds, exclusive; greater than start. */
  end: number;
}

/** Sorted, with overlapping and touching windows joined, empty ones dropped. */
export function mergeWindows(windows: readonly Window[]): Window[] {
  const sorted = windows.filter((w) => w.end > w.start).sort((a, b) => a.start - b.start);
  const out: Window[] = [];
  for (const w of sorted) {
    const last = out.at(-1);
    if (last && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else out.push({ start: w.start, end: w.end });
  }
  return out;
}

/** The parts of `from` that no window of `minus` covers. */
export function subtractWindows(from: readonly Window[], minus: readonly Window[]): Window[] {
  const cut = mergeWindows(minus);
  const out: Window[] = [];
  for (const w of mergeWindows(from)) {
    let start = w.start;
    for (const c of cut) {
      if (c.end <= start || c.start >= w.end) continue;
      if (c.start > start) out.push({ start, end: c.start });
      start = Math.max(start, c.end);
      if (start >= w.end) break;
    }
    if (start < w.end) out.push({ start, end: w.end });
  }
  return out;
}

/** The parts of `a` that `b` also covers. */
export function intersectWindows(a: readonly Window[], b: readonly Window[]): Window[] {
  return subtractWindows(a, subtractWindows(a, b));
}

/** Whether `windows` cover all of `w`. */
export function coversWindow(windows: readonly Window[], w: Window): boolean {
  return subtractWindows([w], windows).length === 0;
}
