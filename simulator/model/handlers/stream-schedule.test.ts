import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../common/clock.ts';
import type { HandlerContext } from './context.ts';
import { StreamSchedule } from './stream-schedule.ts';

/** The two things the schedule uses of a handler context: the clock and session timers. */
function setup() {
  const clock = new VirtualClock(1_000);
  let timers = 0;
  const ctx = {
    now: () => clock.now(),
    timer: (ms: number, fn: () => void) => {
      timers++;
      return clock.setTimer(ms, fn);
    },
  } as unknown as HandlerContext;
  return { clock, schedule: new StreamSchedule(ctx), timers: () => timers };
}

describe('StreamSchedule', () => {
  it('runs each entry at its due instant, in (due, scheduling) order, on one timer per instant', async () => {
    const { clock, schedule, timers } = setup();
    const ran: Array<[string, number, number]> = [];
    const every = (name: string, first: number, interval: number) => {
      const run = (due: number) => {
        ran.push([name, due, clock.now()]);
        schedule.at(due + interval, run);
      };
      schedule.at(first, run);
    };
    every('a', 1_250, 250);
    every('b', 1_100, 250);
    every('c', 1_250, 250);
    await clock.advance(600);
    expect(ran).toEqual([
      ['b', 1_100, 1_100],
      ['a', 1_250, 1_250],
      ['c', 1_250, 1_250],
      ['b', 1_350, 1_350],
      ['a', 1_500, 1_500],
      ['c', 1_500, 1_500],
      ['b', 1_600, 1_600],
    ]);
    // 1100, 1250, 1350, 1500, 1600 and the next one armed (1750): one timer per distinct instant.
    expect(timers()).toBe(6);
  });

  it('skips a cancelled entry and keeps the others', async () => {
    const { clock, schedule } = setup();
    const ran: number[] = [];
    const h = schedule.at(1_200, () => ran.push(1));
    schedule.at(1_300, () => ran.push(2));
    h.cancel();
    await clock.advance(500);
    expect(ran).toEqual([2]);
  });

  it('wakes for an entry due before the one it is armed for', async () => {
    const { clock, schedule } = setup();
    const ran: number[] = [];
    schedule.at(1_500, (due) => ran.push(due));
    schedule.at(1_200, (due) => ran.push(due));
    await clock.advance(300);
    expect(ran).toEqual([1_200]);
    await clock.advance(300);
    expect(ran).toEqual([1_200, 1_500]);
  });
});
