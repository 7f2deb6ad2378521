import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.ts';
import type { Log } from './log.ts';
import { RateLimitedLog } from './rate-limited-log.ts';

function setup() {
  const clock = new VirtualClock(0);
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string | undefined }> = [];
  const capture = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj: obj as Record<string, unknown>, msg });
  const inner: Log = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };
  const log = new RateLimitedLog(inner, {
    keyOf: (o) => (o as { session?: number }).session,
    keyField: 'session',
    limit: { burst: 3, perSecond: 2 },
    now: () => clock.now(),
    setTimer: (ms, fn) => clock.setTimer(ms, fn),
  });
  return { clock, lines, log };
}

describe('log lines rate-limited per session', () => {
  it('lets a burst through, holds the rest back, and says how many once there is room', async () => {
    const { clock, lines, log } = setup();
    for (let i = 0; i < 100; i++) log.warn({ session: 1, i }, 'malformed request');
    expect(lines.map((l) => l.obj.i)).toEqual([0, 1, 2]);
    // One token comes back after 500 ms: the summary takes it, written by itself.
    await clock.advance(500);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toEqual({ level: 'warn', obj: { session: 1, suppressed: 97 }, msg: '97 log lines suppressed (more than 3 at once, 2/s after)' });
    await clock.advance(10_000);
    expect(lines).toHaveLength(4);
  });

  it('one flooding session does not silence another, nor lines without a session', async () => {
    const { lines, log } = setup();
    for (let i = 0; i < 50; i++) log.info({ session: 1 }, 'flood');
    log.info({ session: 2 }, 'session started');
    log.error({ err: 'x' }, 'server error');
    expect(lines.map((l) => l.msg)).toEqual(['flood', 'flood', 'flood', 'session started', 'server error']);
  });

  it('refills at the configured rate: a steady 2 lines/s passes whole', async () => {
    const { clock, lines, log } = setup();
    for (let s = 0; s < 20; s++) {
      log.info({ session: 7 }, 'a');
      log.info({ session: 7 }, 'b');
      await clock.advance(1000);
    }
    expect(lines).toHaveLength(40);
    expect(lines.some((l) => 'suppressed' in l.obj)).toBe(false);
  });

  it('keys that went quiet are forgotten, so sessions that come and go cost nothing', async () => {
    const { clock, log } = setup();
    for (let id = 0; id < 5000; id++) log.info({ session: id }, 'session started');
    await clock.advance(10_000);
    log.info({ session: 99_999 }, 'one more');
    expect(log.trackedKeys).toBe(1);
  });
});
