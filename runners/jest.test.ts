/**
 * The Jest globalSetup/globalTeardown pair, called as Jest calls them (Jest itself is not a
 * dependency here: the vitest twin is run for real by scripts/package.test.ts). Setup starts a
 * simulator whose API answers at IBKR_HOST:IBKR_PORT; teardown stops it and removes the variables.
 */
import { describe, expect, it } from 'vitest';
import { waitForGateway } from '../tools/wait.ts';
import globalSetup from './jest-global-setup.ts';
import globalTeardown from './jest-global-teardown.ts';
import { optionsFromEnv } from './suite-simulator.ts';

describe('the Jest global setup and teardown', () => {
  it('start a simulator the variables point at, refuse to start twice, and stop it', async () => {
    const before = { IBKR_SIM_PROFILE: process.env.IBKR_SIM_PROFILE, IBKR_PORT: process.env.IBKR_PORT };
    process.env.IBKR_SIM_PROFILE = 'instant';
    try {
      await globalSetup();
      const host = process.env.IBKR_HOST!;
      const port = Number(process.env.IBKR_PORT);
      expect((await waitForGateway({ host, port, timeoutMs: 10_000 })).ready).toBe(true);
      const health = await (await fetch(`${process.env.IBKR_CONTROL_URL}/health`)).json();
      expect(health).toMatchObject({ profile: 'instant', apiPort: port });
      await expect(globalSetup()).rejects.toThrow(/already running/);
      await globalTeardown();
      expect(process.env.IBKR_PORT).toBe(before.IBKR_PORT);
      const after = await waitForGateway({ host, port, timeoutMs: 200, retryIntervalMs: 100 });
      expect(after).toMatchObject({ ready: false, code: 'REFUSED' });
    } finally {
      await globalTeardown();
      if (before.IBKR_SIM_PROFILE === undefined) delete process.env.IBKR_SIM_PROFILE;
      else process.env.IBKR_SIM_PROFILE = before.IBKR_SIM_PROFILE;
    }
  });

  it('read IBKR_SIM_* options, naming a variable that is not a number', () => {
    expect(optionsFromEnv({ IBKR_SIM_PORT: '4100', IBKR_SIM_SEED: '7', IBKR_SIM_PROFILE: 'ibkr-paper' })).toEqual({
      port: 4100,
      seed: 7,
      profile: 'ibkr-paper',
    });
    expect(() => optionsFromEnv({ IBKR_SIM_TIME_SCALE: 'fast' })).toThrow('IBKR_SIM_TIME_SCALE must be a number, got "fast"');
  });

  it('read IBKR_SIM_START as a zoned ISO 8601 time, refusing one without its zone', () => {
    expect(optionsFromEnv({ IBKR_SIM_START: '2026-11-30T10:00:00-05:00' })).toEqual({ start: Date.UTC(2026, 10, 30, 15) });
    expect(() => optionsFromEnv({ IBKR_SIM_START: '2026-11-30T10:00:00' })).toThrow(
      'IBKR_SIM_START must be an ISO 8601 time with its zone, e.g. 2026-11-30T15:00:00Z or 2026-11-30T10:00:00-05:00, got "2026-11-30T10:00:00"',
    );
  });
});
