/**
 * Timing claims over TCP are judged on the gateway's modeled durations, and the clients' figures
 * must agree with them within a floor per step plus the host lateness measured during the run (the
 * fixed host noise for records without it): hand-built runs (no sockets, no waiting).
 */
import { describe, expect, it } from 'vitest';
import { OpRecorder } from '../common/op-history.ts';
import type { ModeledTimes } from '../simulator/control/api-types.ts';
import { expectThat } from './expect.ts';
import { AGREEMENT_FLOOR_REAL_MS, coveredMs, HOST_NOISE_REAL_MS, modeledDurations, recordedLateness } from './modeled.ts';
import { RunView, type RunRecord } from './view.ts';

const SCALE = 0.02;
/** One step of fixed host noise at this scale (a record without measured lateness), model ms. */
const NOISE = HOST_NOISE_REAL_MS / SCALE;
/** Real ms at this scale, in model ms. */
const real = (ms: number) => ms / SCALE;

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
    expect(judge(expectThat.makespanBetween(3_500, 6_500), held).holds).toBe(
      "the clients saw 10.1 s, the gateway's modeled path 4.5 s (at most 9.6 s: allowance 5.0 s of fixed host noise: the run measured no lateness)",
    );
    expect(judge(expectThat.qualifiedWithin([{ symbol: 'TTE' }], 2_000), held).holds).toBe(
      'worker/task: the client saw 2.1 s, the gateway modeled 1.0 s (allowance 1.0 s of fixed host noise: the run measured no lateness)',
    );
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

/** The run with measured lateness: these spans (model ms on the run's clock), from the clients' process. */
function measured(r: RunRecord, spans: Array<{ from: number; to: number }>): RunRecord {
  return { ...r, hostLateness: { everyRealMs: 2, measured: ['clients'], spans: spans.map((s) => ({ ...s, process: 'clients' as const })) } };
}

/** Each operation's invoke time, by op. */
const invokedAt = (r: RunRecord) => Object.fromEntries(r.history.filter((e) => e.type === 'invoke').map((e) => [e.op, e.at]));

describe('the agreement allowance: measured host lateness plus a floor per step', () => {
  const TTE = [{ symbol: 'TTE' }];

  it('on a quiet host (nothing measured) the floor alone: a client 300 real ms late is caught, and the message says why', () => {
    const late = measured(taskRun(MODELED, real(300)), []);
    expect(judge(expectThat.qualifiedWithin(TTE, 2_000), late).holds).toBe(
      'worker/task: the client saw 16.0 s, the gateway modeled 1.0 s (allowance 0.5 s, of which measured host lateness 0.0 s = 0 real ms)',
    );
    expect(judge(expectThat.makespanBetween(3_500, 6_500), late).holds).toBe(
      "the clients saw 79.5 s, the gateway's modeled path 4.5 s (at most 7.0 s: allowance 2.5 s, of which measured host lateness 0.0 s = 0 real ms)",
    );
    // Within the floor it holds (0.9 of it per step).
    expect(judge(expectThat.qualifiedWithin(TTE, 2_000), measured(taskRun(MODELED, 0.9 * real(AGREEMENT_FLOOR_REAL_MS)), [])).holds).toBe(true);
  });

  it('a 60 real ms stall measured inside the qualification is forgiven there, and nowhere else', () => {
    const stalled = taskRun(MODELED, real(60));
    const t = invokedAt(stalled);
    const duringQualify = measured(stalled, [{ from: t.qualify! + 100, to: t.qualify! + 100 + real(60) }]);
    expect(judge(expectThat.qualifiedWithin(TTE, 2_000), duringQualify)).toEqual({ judged: 1, holds: true });
    // The same stall measured during the history request does not excuse the qualification.
    const duringHistory = measured(stalled, [{ from: t.history! + 100, to: t.history! + 100 + real(60) }]);
    expect(judge(expectThat.qualifiedWithin(TTE, 2_000), duringHistory).holds).toBe(
      'worker/task: the client saw 4.0 s, the gateway modeled 1.0 s (allowance 0.5 s, of which measured host lateness 0.0 s = 0 real ms)',
    );
  });

  it('the makespan forgives the stalls measured during the run, counted once when processes stalled together', () => {
    // Five steps, each 60 real ms late: a stall measured at each, in both processes at once.
    const stalled = taskRun(MODELED, real(60));
    const t = invokedAt(stalled);
    const starts = [0, t.connect!, t.qualify!, t.history!, t.disconnect!];
    const spans = starts.map((at) => ({ from: at, to: at + real(60) }));
    const both = measured(stalled, spans);
    both.hostLateness!.spans.push(...spans.map((s) => ({ ...s, process: 'simulator' as const })));
    expect(judge(expectThat.makespanBetween(3_500, 6_500), both)).toEqual({ judged: 2, holds: true });
    // Measured at only four of the five steps, the fifth stall is the clients' own.
    expect(judge(expectThat.makespanBetween(3_500, 6_500), measured(stalled, spans.slice(1))).holds).toBe(
      "the clients saw 19.6 s, the gateway's modeled path 4.5 s (at most 19.1 s: allowance 14.5 s, of which measured host lateness 12.0 s = 240 real ms)",
    );
  });

  it('covers each stretch of time once: overlapping spans, spans outside the window', () => {
    const spans = [
      { from: 0, to: 10 },
      { from: 5, to: 15 },
      { from: 20, to: 30 },
      { from: 40, to: 50 },
    ];
    expect(coveredMs(spans, -Infinity, Infinity)).toBe(35);
    expect(coveredMs(spans, 8, 25)).toBe(12);
    expect(coveredMs(spans, 31, 39)).toBe(0);
    expect(coveredMs([], 0, 100)).toBe(0);
  });

  it('keeps what the samplers measured within the run, on the run’s model clock', () => {
    // Real epoch ms 1,000 is the run's model ms 50,000 at 0.02; the run lasted 100 real ms.
    const toModel = (realMs: number) => 50_000 + (realMs - 1_000) / SCALE;
    const lateness = recordedLateness(
      {
        clients: { everyMs: 2, from: 1_000, to: 1_100, spans: [{ from: 1_010, to: 1_013 }] },
        // The simulator sampled from its reset, before the run: only the part within the run counts.
        simulator: {
          everyMs: 2,
          from: 900,
          to: 1_150,
          spans: [
            { from: 990, to: 1_004 },
            { from: 1_090, to: 1_140 },
          ],
          truncated: true,
        },
      },
      { from: 1_000, to: 1_100 },
      toModel,
    );
    expect(lateness).toEqual({
      everyRealMs: 2,
      measured: ['clients', 'simulator'],
      spans: [
        { from: 50_500, to: 50_650, process: 'clients' },
        { from: 50_000, to: 50_200, process: 'simulator' },
        { from: 54_500, to: 55_000, process: 'simulator' },
      ],
      truncated: true,
    });
  });
});
