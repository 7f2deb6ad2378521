/**
 * Timing claims over TCP are judged on the gateway's modeled durations, and the clients' figures
 * must agree with them within the stated host noise: hand-built runs (no sockets, no waiting).
 */
import { describe, expect, it } from 'vitest';
import { OpRecorder } from '../common/op-history.ts';
import type { ModeledTimes } from '../simulator/control/api-types.ts';
import { expectThat } from './expect.ts';
import { HOST_NOISE_REAL_MS, modeledDurations } from './modeled.ts';
import { RunView, type RunRecord } from './view.ts';

const SCALE = 0.02;
/** One step of host noise at this scale, model ms. */
const NOISE = HOST_NOISE_REAL_MS / SCALE;

/**
 * A task as the incident's workers ran it, over TCP: starts at 450, connects (client id 7),
 * qualifies TTE, collects its history, disconnects; each operation took `extra` model ms longer at
 * the client than the gateway modeled (the host's noise).
 */
function taskRun(modeled: ModeledTimes, extra: number, strategy = 'task-random-id'): RunRecord {
  let now = 0;
  const rec = new OpRecorder(() => now);
  const ctx = { actor: 'worker/task', process: 'worker' };
  const step = (op: string, ms: number, args: Record<string, unknown>, value?: unknown) => {
    const h = rec.invoke(ctx, op, args, op === 'connect' ? { clientId: 7 } : {});
    now += ms + extra;
    h.ok(value, { clientId: 7 });
  };
  now = 450 + extra;
  step('connect', modeled.logins[0]!.ms, { attempt: 1 });
  step('qualify', modeled.secdef[0]!.ms, { symbol: 'TTE' }, { kind: 'qualified' });
  step('history', modeled.history[0]!.ms, { symbol: 'TTE' }, { stored: 7 });
  step('disconnect', 0, {});
  return {
    schema: 'ibkr-harness/run@1',
    scenario: 'hand-built',
    title: 'hand-built',
    seed: 1,
    target: 'sim',
    timeScale: SCALE,
    startedAt: new Date(0).toISOString(),
    modelMs: now,
    wallMs: now * SCALE,
    strategies: { worker: strategy },
    history: [...rec.events()],
    journal: [],
    modeled,
    plannedStarts: { 'worker/task': 450 },
    connectionsOpened: 1,
    expectations: [],
  };
}

const MODELED: ModeledTimes = { logins: [{ clientId: 7, ms: 1_100 }], secdef: [{ clientId: 7, ms: 1_000 }], history: [{ clientId: 7, ms: 2_000 }] };
const judge = (e: ReturnType<typeof expectThat.makespanBetween>, r: RunRecord) => e.check(new RunView(r));

describe('timing claims over TCP on the modeled path', () => {
  it('matches each operation to its client id’s modeled login, contract-details and history durations', () => {
    const d = modeledDurations(new RunView(taskRun(MODELED, 0)));
    expect(d instanceof Map && [...d.values()]).toEqual([1_100, 1_000, 2_000]);
  });

  it('the makespan is the modeled path (start 0.45 s + 4.1 s) when the host adds noise within the allowance', () => {
    // 5 steps (start, connect, qualify, history, disconnect), each 0.9 of the allowance late.
    const noisy = taskRun(MODELED, 0.9 * NOISE);
    expect(noisy.modelMs).toBeGreaterThan(6_500);
    expect(judge(expectThat.makespanBetween(3_500, 6_500), noisy)).toEqual({ judged: 2, holds: true });
  });

  it('fails when the modeled path itself is out of bounds, however quiet the host', () => {
    const slow = { ...MODELED, history: [{ clientId: 7, ms: 5_000 }] };
    expect(judge(expectThat.makespanBetween(3_500, 6_500), taskRun(slow, 0)).holds).toMatch(/^took 7\.\d s on the gateway's modeled path/);
  });

  it('fails when the clients saw more than the modeled path plus host noise per step (a client-side delay)', () => {
    const held = taskRun(MODELED, 1.1 * NOISE);
    expect(judge(expectThat.makespanBetween(3_500, 6_500), held).holds).toMatch(
      /^the clients saw 10\.\d s, the gateway's modeled path 4\.\d s \(with host noise at most 9\.\d s\)$/,
    );
    expect(judge(expectThat.qualifiedWithin([{ symbol: 'TTE' }], 2_000), held).holds).toMatch(/the client saw 2\.1 s, the gateway modeled 1\.0 s/);
  });

  it('qualification time is judged on the modeled request, the client within one step of noise', () => {
    expect(judge(expectThat.qualifiedWithin([{ symbol: 'TTE' }], 2_000), taskRun(MODELED, 0.9 * NOISE))).toEqual({ judged: 1, holds: true });
    const slow = { ...MODELED, secdef: [{ clientId: 7, ms: 2_500 }] };
    expect(judge(expectThat.qualifiedWithin([{ symbol: 'TTE' }], 2_000), taskRun(slow, 0)).holds).toBe('worker/task: 2.5 s at the gateway (modeled)');
  });

  it('refuses to judge a strategy whose operations are not one gateway request each', () => {
    expect(judge(expectThat.makespanBetween(3_500, 6_500), taskRun(MODELED, 0, 'pooled')).holds).toMatch(
      /^cannot judge on the gateway's modeled times: process worker uses pooled/,
    );
  });

  it('in virtual time the clients’ figures are judged as they are', () => {
    const virtual = { ...taskRun(MODELED, 0.9 * NOISE), target: 'virtual' as const };
    expect(modeledDurations(new RunView(virtual))).toBeUndefined();
    expect(judge(expectThat.makespanBetween(3_500, 6_500), virtual).holds).toMatch(/^took 9\.\d s$/);
  });
});
