import { afterEach, describe, expect, it } from 'vitest';
import { LatenessSampler, realEpochMs } from './host-lateness.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const covered = (spans: ReadonlyArray<{ from: number; to: number }>, from: number, to: number) =>
  spans.reduce((n, s) => n + Math.max(0, Math.min(s.to, to) - Math.max(s.from, from)), 0);

describe('LatenessSampler', () => {
  let sampler: LatenessSampler | undefined;
  afterEach(() => sampler?.stop());

  it('measures a 40 ms block of the event loop where it happened', async () => {
    sampler = new LatenessSampler().start();
    await sleep(10);
    const from = realEpochMs();
    while (realEpochMs() < from + 40) {
      // busy: the sampler's tick cannot run
    }
    const to = realEpochMs();
    await sleep(10);
    sampler.stop();
    const m = sampler.measured();
    // The tick before the block ran before it began, the next one after it ended: all of it is measured.
    expect(covered(m.spans, from, to)).toBeGreaterThanOrEqual(to - from);
    // A span ends when the loop ran again: never later than the next tick after the block.
    expect(Math.max(...m.spans.map((s) => s.to))).toBeLessThan(realEpochMs());
    expect(m).toMatchObject({ everyMs: 2 });
    expect(m.to).toBeGreaterThanOrEqual(to);
  });

  it('stops measuring when stopped, and starts afresh', async () => {
    sampler = new LatenessSampler().start();
    const until = realEpochMs() + 20;
    while (realEpochMs() < until) {
      // busy
    }
    await sleep(5);
    sampler.stop();
    const stopped = sampler.measured();
    expect(stopped.spans.length).toBeGreaterThan(0);
    await sleep(10);
    expect(sampler.measured()).toEqual(stopped);
    sampler.start();
    expect(sampler.measured().spans).toEqual([]);
  });

  it('keeps at most maxSpans and says the measurement was truncated, never widening a span', async () => {
    // A clock that moves 10 ms per reading: every tick looks 10 ms late.
    let now = 0;
    let reads = 0;
    const clock = () => {
      reads++;
      return (now += 10);
    };
    sampler = new LatenessSampler({ maxSpans: 2, now: clock }).start();
    // The start and three ticks (however late this loaded host runs them).
    while (reads < 4) await sleep(5);
    sampler.stop();
    const m = sampler.measured();
    expect(m.truncated).toBe(true);
    expect(m.spans).toHaveLength(2);
    for (const s of m.spans) expect(s.to - s.from).toBeLessThanOrEqual(10);
  });
});
