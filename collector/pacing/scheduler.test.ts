import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../common/clock.ts';
import { Aborted } from '../errors.ts';
import { PacingScheduler, type PacedRequest, type PacingRules, type ReleasePacingSlot } from './index.ts';

const req = (key: string, contract = `${key}@SMART`, whatToShow = 'TRADES'): PacedRequest => ({
  identityKey: key,
  contractKey: `${contract}|${whatToShow}`,
  whatToShow,
  barSeconds: 60,
});

function setup(rules: Partial<PacingRules> = {}) {
  const clock = new VirtualClock();
  const t0 = clock.now();
  const scheduler = new PacingScheduler({ clock, rules: { marginMs: 0, ...rules } });
  const sentAt: Record<string, number> = {};
  const send = (r: PacedRequest, signal?: AbortSignal) =>
    scheduler.acquire(r, signal).then((release) => {
      sentAt[r.identityKey] = clock.now() - t0;
      return release;
    });
  return { clock, scheduler, sentAt, send };
}

describe('PacingScheduler', () => {
  it('sends at once when nothing limits', async () => {
    const { scheduler, sentAt, send } = setup();
    const release = await send(req('a'));
    expect(sentAt).toEqual({ a: 0 });
    expect(scheduler.inFlight).toBe(1);
    release();
    release(); // idempotent
    expect(scheduler.inFlight).toBe(0);
  });

  it('spaces an identical request 15 s after the first and keeps FIFO order behind it', async () => {
    const { clock, sentAt, send } = setup();
    const all = [send(req('a')), send(req('a')), send(req('b'))];
    await clock.runUntilIdle();
    for (const release of await Promise.all(all)) release();
    // 'b' could go at once but is behind the second 'a'.
    expect(sentAt).toEqual({ a: 15_000, b: 15_000 });
  });

  it('sends the 61st distinct request 10 minutes after the 1st', async () => {
    const { clock, sentAt, send } = setup();
    // Answered at once, so the in-flight limit (50) does not get in the way.
    const all = Array.from({ length: 61 }, (_, i) => send(req(`r${i}`)).then((release) => release()));
    await clock.runUntilIdle();
    await Promise.all(all);
    // 50 at once, then IB's message rate (50 per second) holds the next ten back one second.
    expect(sentAt.r49).toBe(0);
    expect(sentAt.r50).toBe(1000);
    expect(sentAt.r59).toBe(1000);
    expect(sentAt.r60).toBe(600_000);
  });

  it('keeps at most maxInFlight open and sends the next when one is answered', async () => {
    const { clock, scheduler, sentAt, send } = setup({ maxOpen: 2 });
    const releases: ReleasePacingSlot[] = [];
    for (const k of ['a', 'b', 'c']) void send(req(k)).then((r) => releases.push(r));
    await clock.advance(0);
    expect(Object.keys(sentAt)).toEqual(['a', 'b']);
    expect(scheduler.waiting).toBe(1);
    await clock.advance(3000);
    releases[0]!();
    await clock.advance(0);
    expect(sentAt.c).toBe(3000);
  });

  it('drops an aborted waiter at once and lets the next one go', async () => {
    const { clock, scheduler, sentAt, send } = setup();
    await send(req('a'));
    const controller = new AbortController();
    const waiting = send(req('a'), controller.signal);
    const behind = send(req('b'));
    await clock.advance(1000);
    controller.abort(new Error('collection cancelled'));
    await expect(waiting).rejects.toBeInstanceOf(Aborted);
    await behind;
    expect(sentAt.b).toBe(1000);
    expect(scheduler.waiting).toBe(0);
  });

  it('counts a request granted to be sent later from when it was sent, and drops a grant used past its deadline', async () => {
    const { clock, scheduler, sentAt, send } = setup({ windowMax: 1, windowMs: 1_000 });
    const grant = await scheduler.acquireToSend(req('late'));
    await clock.advance(400); // the process stalled between grant and send
    let written = 0;
    expect(grant.send(() => written++)).toBe(true);
    expect(() => grant.send(() => written++)).toThrow(/already used/);
    expect(written).toBe(1);
    grant.release();
    const next = send(req('next'));
    await clock.runUntilIdle();
    (await next)();
    // 1,000 ms after it was sent (400), not after it was granted (0).
    expect(sentAt.next).toBe(1_400);
    const granted = scheduler.acquireToSend(req('stale'));
    await clock.runUntilIdle();
    const stale = await granted;
    await clock.advance(2_000); // sendWithinWallMs
    expect(stale.send(() => written++)).toBe(false);
    expect(written).toBe(1);
    stale.release();
  });

  it('pauses after an unexpected pacing violation', async () => {
    const { clock, scheduler, sentAt, send } = setup();
    scheduler.pauseUntil(clock.now() + 15_000);
    const p = send(req('a'));
    expect(scheduler.nextSendAt()).toBe(clock.now() + 15_000);
    await clock.runUntilIdle();
    await p;
    expect(sentAt.a).toBe(15_000);
  });

  it('rejects a request that could never fit', async () => {
    const { scheduler } = setup({ sameContractMax: 1 });
    await expect(scheduler.acquire(req('a', 'C@SMART', 'BID_ASK'))).rejects.toThrow(/can never be sent/);
  });
});
