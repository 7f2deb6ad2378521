import { describe, expect, it } from 'vitest';
import { ScaledClock } from './clock.ts';

describe('ScaledClock', () => {
  it('never runs a timer from inside setTimer, even when its due time has passed by the first check', async () => {
    for (const scale of [1, 0.02]) {
      const clock = new ScaledClock(scale);
      let returned = false;
      const fired = await new Promise<boolean>((resolve) => {
        clock.setTimer(1e-9, () => resolve(returned));
        returned = true;
      });
      expect(fired).toBe(true);
    }
  });

  it('at scale 1 fires a timer at or after its due time', async () => {
    const clock = new ScaledClock(1);
    const due = clock.now() + 3.5;
    const at = await new Promise<number>((resolve) => clock.setTimer(3.5, () => resolve(clock.now())));
    expect(at).toBeGreaterThanOrEqual(due);
  });
});
