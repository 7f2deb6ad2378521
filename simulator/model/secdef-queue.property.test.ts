/**
 * Model-based test of the gateway's sec-def queue (simulator/model/secdef-queue.ts) in virtual time.
 *
 * The rule it models is the simulator's account of the incident (README, "Gateway behaviour":
 * serialized qualification): one FIFO queue for every client, one request in service at a time.
 * The reference model, a few lines in `Reference` below:
 *  - a request joins the back of the queue; when nothing is in service and the queue is not
 *    paused, the front request starts now, is in service for max(0, its service time) and then
 *    completes, and the next starts at that moment;
 *  - pause stops starting requests (the one in service still completes); resume starts the next
 *    at once; dropping waiting requests removes them unserved; clear forgets everything, the
 *    request in service included.
 *
 * After every command the queue must agree with the model on what was served, when, with which
 * wait and service time, on what the service-time function was shown, on its depth and per-session
 * counts, and on the arrivals counted for the throttle. At the end, once resumed and idle, every
 * request that was neither dropped nor cleared has been served exactly once, in arrival order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../common/clock.ts';
import { always, checkedBy, expectAgreement, timeCommands } from '../../common/testing/model-commands.ts';
import { commandsConstraints, propertyParams } from '../../common/testing/property-params.ts';
import { SecdefQueue, type SecdefJob } from './secdef-queue.ts';

const FILE = 'simulator/model/secdef-queue.property.test.ts';
const SESSIONS = [1, 2, 3] as const;

interface Job {
  reqId: number;
  sessionId: number;
  serviceMs: number;
  enqueuedAt: number;
}

/** A completion as the queue reports it: which request, when, after how long a wait, served how long. */
type Served = [reqId: number, at: number, waitMs: number, serviceMs: number];

interface Model {
  now: number;
  waiting: Job[];
  current: { job: Job; startedAt: number; dueAt: number } | undefined;
  paused: boolean;
  served: Served[];
  /** Each start: the request and the reqIds still waiting behind it (what serviceTime is shown). */
  starts: Array<[number, number[]]>;
  arrivals: number[];
  nextReqId: number;
  /** Requests that left unserved (dropped or cleared). */
  gone: Set<number>;
}

interface Real {
  clock: VirtualClock;
  queue: SecdefQueue;
  served: Served[];
  starts: Array<[number, number[]]>;
  serviceMs: Map<number, number>;
}

const Reference = {
  /** Start and complete requests as the rule says, up to model time `until`. */
  run(m: Model, until: number): void {
    for (;;) {
      if (!m.current && !m.paused && m.waiting.length > 0) {
        const job = m.waiting.shift()!;
        m.starts.push([job.reqId, m.waiting.map((j) => j.reqId)]);
        m.current = { job, startedAt: m.now, dueAt: m.now + Math.max(0, job.serviceMs) };
      } else if (m.current && m.current.dueAt <= until) {
        const { job, startedAt, dueAt } = m.current;
        m.now = dueAt;
        m.served.push([job.reqId, dueAt, startedAt - job.enqueuedAt, dueAt - startedAt]);
        m.current = undefined;
      } else break;
    }
    m.now = until;
  },
  enqueue(m: Model, job: Job): void {
    m.waiting.push(job);
    m.arrivals.push(job.enqueuedAt);
    Reference.run(m, m.now);
  },
  dropWaiting(m: Model, which: (j: Job) => boolean): number {
    const dropped = m.waiting.filter(which);
    for (const j of dropped) m.gone.add(j.reqId);
    m.waiting = m.waiting.filter((j) => !which(j));
    return dropped.length;
  },
  clear(m: Model): void {
    for (const j of [...m.waiting, ...(m.current ? [m.current.job] : [])]) m.gone.add(j.reqId);
    Object.assign(m, { waiting: [], current: undefined, paused: false, arrivals: [] });
  },
  jobs: (m: Model) => [...(m.current ? [m.current.job] : []), ...m.waiting],
};

/** What the queue shows; the model predicts the same record. */
function observed(r: Real) {
  return {
    now: r.clock.now(),
    served: r.served,
    starts: r.starts,
    depth: r.queue.depth,
    perSession: SESSIONS.map((s) => r.queue.countFor(s)),
    waitingSessions: [...r.queue.waitingSessions()].sort(),
  };
}

function predicted(m: Model): ReturnType<typeof observed> {
  const jobs = Reference.jobs(m);
  return {
    now: m.now,
    served: m.served,
    starts: m.starts,
    depth: jobs.length,
    perSession: SESSIONS.map((s) => jobs.filter((j) => j.sessionId === s).length),
    waitingSessions: [...new Set(m.waiting.map((j) => j.sessionId))].sort(),
  };
}

/** Let due timers at this instant fire, then compare. */
async function agree(m: Model, r: Real): Promise<void> {
  await r.clock.advance(0);
  expectAgreement(observed(r), predicted(m));
}

const cmd = checkedBy(agree);

async function passTime(m: Model, r: Real, ms: number): Promise<void> {
  Reference.run(m, m.now + ms);
  await r.clock.advance(ms);
}

const session = fc.constantFrom(...SESSIONS);
const commands = fc.commands<Model, Real, false>(
  [
    fc.tuple(session, fc.constantFrom(0, 0, 1, 30, 250, 1_000, -5)).map(([s, serviceMs]) =>
      cmd(`enqueue(session ${s}, service ${serviceMs} ms)`, always, (m, r) => {
        const job = { reqId: m.nextReqId++, sessionId: s, serviceMs, enqueuedAt: m.now };
        r.serviceMs.set(job.reqId, serviceMs);
        Reference.enqueue(m, job);
        r.queue.enqueue({
          sessionId: s,
          reqId: job.reqId,
          enqueuedAt: job.enqueuedAt,
          complete: ({ waitMs, serviceMs }) => r.served.push([job.reqId, r.clock.now(), waitMs, serviceMs]),
        });
      }),
    ),
    fc.constant(
      cmd('pause', always, (m, r) => {
        m.paused = true;
        r.queue.pause();
      }),
    ),
    fc.constant(
      cmd('resume', always, (m, r) => {
        m.paused = false;
        Reference.run(m, m.now);
        r.queue.resume();
      }),
    ),
    fc.option(session, { nil: undefined }).map((s) =>
      cmd(`dropWaiting(${s === undefined ? 'all' : `session ${s}`})`, always, (m, r) => {
        const expected = Reference.dropWaiting(m, (j) => s === undefined || j.sessionId === s);
        expectAgreement(s === undefined ? r.queue.dropWaiting() : r.queue.dropWaiting((j) => j.sessionId === s), expected);
      }),
    ),
    fc.constant(
      cmd('clear', always, (m, r) => {
        Reference.clear(m);
        r.queue.clear();
      }),
    ),
    // The throttle counts requests that arrived within a window, served or not.
    fc.constantFrom(0, 1, 30, 1_000, 10_000).map((w) =>
      cmd(`arrivalsWithin(${w} ms)`, always, (m, r) => {
        expectAgreement(r.queue.arrivalsWithin(w), m.arrivals.filter((t) => t >= m.now - w).length);
      }),
    ),
    ...timeCommands(cmd, [0, 1, 29, 30, 31, 250, 1_000, 5_000], passTime, { name: 'Completion', next: (m) => m.current?.dueAt }),
  ],
  commandsConstraints(60),
);

describe('sec-def queue (model-based)', () => {
  it('serves in arrival order, one at a time, at the model’s times; nothing served twice or lost', async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const clock = new VirtualClock();
        const starts: Real['starts'] = [];
        const serviceMs = new Map<number, number>();
        const serviceTime = (job: SecdefJob, waiting: readonly SecdefJob[]) => {
          starts.push([job.reqId, waiting.map((j) => j.reqId)]);
          return serviceMs.get(job.reqId)!;
        };
        const real: Real = { clock, queue: new SecdefQueue({ clock, serviceTime }), served: [], starts, serviceMs };
        const model: Model = {
          now: clock.now(),
          waiting: [],
          current: undefined,
          paused: false,
          served: [],
          starts: [],
          arrivals: [],
          nextReqId: 1,
          gone: new Set(),
        };
        await fc.asyncModelRun(() => ({ model, real }), cmds);

        // Resumed and left alone, the queue serves everything still in it.
        real.queue.resume();
        await clock.runUntilIdle();
        const servedIds = real.served.map(([reqId]) => reqId);
        const kept = Array.from({ length: model.nextReqId - 1 }, (_, i) => i + 1).filter((id) => !model.gone.has(id));
        expect(servedIds).toEqual(kept);
        expect(real.queue.depth).toBe(0);
      }),
      propertyParams(FILE, 150),
    );
  });
});
