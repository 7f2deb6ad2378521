/**
 * A simulator started at a fixed model time (`start`, `sim --start`): the gateway's clock reads it
 * over TCP, so what a run meets (market hours, bars, fills) does not depend on when it is run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './simulator.ts';
import { RawClient, SERVER_ID } from './testing/raw-client.ts';

const sims: Simulator[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.close();
});

describe('start', () => {
  it("sets the model clock: REQ_CURRENT_TIME answers the start instant (real pace), not the host's now", async () => {
    // Friday 2026-11-27, 12:59:50 New York: ten seconds before that day's early close.
    const start = Date.UTC(2026, 10, 27, 17, 59, 50);
    const sim = await startSimulator({ port: 0, profile: 'instant', start });
    sims.push(sim);
    const client = await RawClient.ready(sim.port, 1);
    try {
      client.send({ type: 'REQ_CURRENT_TIME' });
      const reply = await client.waitFor((f) => f[0] === SERVER_ID.CURRENT_TIME, 5000); // id, version, seconds
      const seconds = Number(reply?.[2]);
      expect(seconds).toBeGreaterThanOrEqual(start / 1000);
      expect(seconds).toBeLessThan(start / 1000 + 5);
    } finally {
      client.destroy();
    }
  });
});
