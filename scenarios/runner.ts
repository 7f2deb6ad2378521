/**
 * Runs a scenario against a target and returns its recorded history. One runner for tests,
 * `npm start` and the reports:
 *  - `sim`: a simulator over real TCP with the real @stoqey/ib client, time scaled so that minutes
 *    of gateway behaviour take seconds — in this process on an ephemeral port, or (with `remote`)
 *    a simulator in another process, driven through its control plane;
 *  - `virtual`: the gateway model and the collector core on one virtual clock (no sockets, no
 *    waiting) — for property tests and quick checks;
 *  - `live`: a real gateway at IBKR_HOST:IBKR_PORT, behind the live guard (scenarios that need
 *    faults are refused; so are live accounts, and abusive scenarios on them).
 */
import { RealClock, ScaledClock, VirtualClock, type Clock } from '../common/clock.ts';
import { UsageError } from '../common/exit-codes.ts';
import { LatenessSampler, realEpochMs } from '../common/host-lateness.ts';
import { silentLog, type Log } from '../common/log.ts';
import { OpRecorder } from '../common/op-history.ts';
import { Rng } from '../common/rng.ts';
import { ModelConnector } from '../collector/adapters/model-connector.ts';
import { StoqeyConnector } from '../collector/adapters/stoqey-connector.ts';
import type { GatewayConnector } from '../collector/gateway-client.ts';
import { InMemoryLeaseStore } from '../collector/ids/index.ts';
import { ABUSIVE_STRATEGIES, guardConnector, probeGateway } from '../collector/live-guard.ts';
import { PacingScheduler } from '../collector/pacing/index.ts';
import { openStore, type CollectorStore } from '../collector/store/index.ts';
import { createStrategy, type ConnectionStrategy } from '../collector/strategies/index.ts';
import type { SecdefServed } from '../simulator/control/api-types.ts';
import { ControlClient, ControlError } from '../simulator/control/control-client.ts';
import type { GatewayControl } from '../simulator/control/gateway-control.ts';
import { LocalControl } from '../simulator/control/local-control.ts';
import { describeFault } from '../simulator/faults/registry.ts';
import { createGateway, startSimulator, type Simulator } from '../simulator/simulator.ts';
import type { JournalSink } from '../simulator/model/journal.ts';
import { actorContext } from './actor.ts';
import { connectAttemptsOf } from './expect.ts';
import type { Scenario, Target, Verdict } from './types.ts';
import { recordedLateness } from './modeled.ts';
import { RunView, type RunRecord } from './view.ts';

export interface RunOptions {
  target?: Target;
  seed?: number;
  /** Real ms per model ms over TCP; default the scenario's own. */
  timeScale?: number;
  /** Live target address (default IBKR_HOST / IBKR_PORT, else 127.0.0.1:4002). */
  host?: string;
  port?: number;
  /**
   * `sim` target only: run against a simulator already running in another process, at its API
   * address and control plane (reset to the scenario's profile, seed and time scale before the run).
   */
  remote?: RemoteSimulator;
  log?: Log;
  /** Called every `progressEveryMs` real ms while a TCP run is going on. */
  onProgress?: (p: Progress) => void;
  progressEveryMs?: number;
  /** Resolve other scenario names (for baselines). */
  lookup?: (name: string) => Scenario | undefined;
  /**
   * Virtual target only: a fast-check scheduler that decides the order in which actors start and
   * issue their operations when several are ready at the same model instant.
   */
  scheduler?: Interleaver;
  /** Use this store (and leave it open) instead of a private in-memory one, to inspect it after. */
  store?: CollectorStore;
  /** Live target: `--i-know-this-is-live`, accounts that are not paper accounts are allowed (collector/live-guard.ts). */
  allowLive?: boolean;
  /** Live target: how long the probe waits for the gateway's handshake, real ms (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * Virtual and in-process sim targets: fed every journal entry and gateway note as the gateway
   * records it (e.g. a verdict analyser's `sink`); not available for a remote simulator (read its
   * `GET /verdict` instead) or a live gateway.
   */
  journalSink?: JournalSink;
}

/** Default deadline of the live target's probe connection, real ms. */
export const LIVE_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Why a scenario must never run against a live account: its own `abusive` mark, or a process
 * whose strategy is abusive by design (collector/live-guard.ts ABUSIVE_STRATEGIES).
 */
export function abusiveReason(scenario: Scenario): string | undefined {
  if (scenario.abusive) return scenario.abusive;
  const p = scenario.processes.find((x) => ABUSIVE_STRATEGIES[x.strategy]);
  return p ? `its process ${p.name} uses the ${p.strategy} strategy: ${ABUSIVE_STRATEGIES[p.strategy]}` : undefined;
}

/** A simulator in another process: its API address and its control plane's URL. */
export interface RemoteSimulator {
  gateway: { host: string; port: number };
  /** e.g. `http://127.0.0.1:4010` */
  control: string;
}

/** The part of fast-check's Scheduler the runner uses. */
export interface Interleaver {
  schedule<T>(task: Promise<T>, label?: string): Promise<T>;
  count(): number;
  waitOne(): Promise<void>;
}

export interface Progress {
  scenario: string;
  modelMs: number;
  operations: number;
  timeouts: number;
  failures: number;
}

/** Model time virtual runs start at: a Monday afternoon in Europe, morning in New York. */
export const VIRTUAL_START = Date.UTC(2025, 10, 10, 15, 0, 0);

interface Rig {
  clock: Clock;
  /** A connector for one of the scenario's processes. */
  connector(unthrottled: boolean, process: string): GatewayConnector;
  /** The simulator's control facade (undefined against a live gateway). */
  control: GatewayControl | undefined;
  /** A simulator in another process measuring its own event-loop lateness for this run (GET /lateness). */
  simulatorSamples?: boolean;
  close(): Promise<void>;
}

async function rig(scenario: Scenario, target: Target, seed: number, opts: RunOptions): Promise<Rig> {
  const gateway = { profile: scenario.gateway.profile, ...(scenario.gateway.overrides ? { overrides: scenario.gateway.overrides } : {}) };
  if (target === 'virtual') {
    const clock = new VirtualClock(VIRTUAL_START);
    const control = new LocalControl(createGateway({ clock, seed, ...gateway }));
    const unsubscribe = opts.journalSink ? control.model.journal.subscribe(opts.journalSink) : () => {};
    return {
      clock,
      control,
      connector: (unthrottled, process) => new ModelConnector(control.stage, clock, { maxReqPerSec: unthrottled ? Infinity : 40, process }),
      close: async () => {
        unsubscribe();
        control.clear();
        control.model.reset();
      },
    };
  }
  if (target === 'live') {
    if (scenario.needsControl) throw new UsageError(`scenario ${scenario.name} needs the simulator's fault controls and cannot run against a live gateway`);
    const clock = new RealClock();
    const host = opts.host ?? process.env.IBKR_HOST ?? '127.0.0.1';
    const port = opts.port ?? Number(process.env.IBKR_PORT ?? 4002);
    // Every connection goes through the live guard, and one probe connection meets the gateway
    // before any actor starts: an unreachable gateway or a refused account ends the run here,
    // with nothing sent.
    const policy = { allowLive: Boolean(opts.allowLive), abusive: abusiveReason(scenario), what: `scenario ${scenario.name}` };
    const connector = (u: boolean) => guardConnector(new StoqeyConnector({ host, port, clock, ...(u ? { maxReqPerSec: 10_000 } : {}) }), policy);
    await probeGateway(connector(false), { timeoutMs: opts.connectTimeoutMs ?? LIVE_CONNECT_TIMEOUT_MS });
    return { clock, control: undefined, connector, close: async () => {} };
  }
  if (opts.remote) {
    const { gateway: at, control: url } = opts.remote;
    const control = new ControlClient(url);
    // One time scale for both processes, so that a model second lasts as long on either side; the
    // simulator measures its own event loop's lateness, which shows in the clients' figures too.
    const timeScale = opts.timeScale ?? scenario.timeScale ?? 0.05;
    const simulatorSamples = await control.reset({ ...gateway, seed, timeScale, sampleLateness: true }).then(
      () => true,
      async (err: unknown) => {
        // A simulator older than this runner does not know the field: its lateness goes
        // unmeasured, so the agreement check forgives less, never more.
        if (!(err instanceof ControlError && err.status === 400 && err.message.includes('sampleLateness'))) throw err;
        await control.reset({ ...gateway, seed, timeScale });
        return false;
      },
    );
    const clock = new ScaledClock(timeScale);
    return {
      clock,
      control,
      simulatorSamples,
      connector: (u) => new StoqeyConnector({ host: at.host, port: at.port, clock, ...(u ? { maxReqPerSec: 10_000 } : {}) }),
      close: async () => {
        await control.clear();
      },
    };
  }
  const clock = new ScaledClock(opts.timeScale ?? scenario.timeScale ?? 0.05);
  const sim: Simulator = await startSimulator({ port: 0, seed, clock, ...gateway });
  const unsubscribe = opts.journalSink ? sim.gateway.journal.subscribe(opts.journalSink) : () => {};
  return {
    clock,
    control: sim.control,
    connector: (u) => new StoqeyConnector({ host: '127.0.0.1', port: sim.port, clock, ...(u ? { maxReqPerSec: 10_000 } : {}) }),
    close: async () => {
      unsubscribe();
      await sim.close();
    },
  };
}

export async function runScenario(scenario: Scenario, opts: RunOptions = {}): Promise<RunRecord> {
  const target = opts.target ?? 'sim';
  const seed = opts.seed ?? 1;
  let baseline: RunRecord | undefined;
  if (scenario.baseline) {
    const other = opts.lookup?.(scenario.baseline);
    if (!other) throw new Error(`scenario ${scenario.name}: baseline "${scenario.baseline}" not found`);
    // The baseline is a run of its own: its frames are not the judged run's.
    baseline = await runScenario(other, { ...opts, onProgress: undefined, journalSink: undefined });
  }

  const wallStart = performance.now();
  const r = await rig(scenario, target, seed, opts);
  const { clock } = r;
  const log = opts.log ?? silentLog;
  const recorder = new OpRecorder(() => clock.now());
  const store = opts.store ?? openStore(':memory:');
  // What the processes of one host share: the lease directory, and (pooled) one pacing budget.
  const leaseStore = new InMemoryLeaseStore({ clock });
  const pacing = new PacingScheduler({ clock });
  // The collector side gets its own stream from the same seed, so gateway and clients never
  // consume each other's draws.
  const rng = new Rng((seed * 2654435761) % 2 ** 31);
  const strategies = new Map<string, ConnectionStrategy>();
  // Over TCP a late event loop shows in the clients' figures: measure it while the actors run.
  const sampler = target === 'sim' ? new LatenessSampler().start() : undefined;
  const realT0 = realEpochMs();
  let realEnd = realT0;
  const t0 = clock.now();
  const timers: Array<{ cancel(): void }> = [];
  const gate = (label: string): Promise<unknown> =>
    opts.scheduler && target === 'virtual' ? opts.scheduler.schedule(Promise.resolve(), label) : Promise.resolve();
  const faultsApplied: Array<Promise<unknown>> = [];

  try {
    for (const f of scenario.faults ?? []) {
      const control = r.control;
      if (!control) throw new Error(`scenario ${scenario.name} injects faults, which need the simulator`);
      timers.push(
        clock.setTimer(f.atMs, () => {
          const op = recorder.invoke({ actor: 'gateway' }, 'fault', { description: f.description ?? describeFault(f.fault), fault: f.fault });
          // In process the fault is in force before this returns; over HTTP it takes a round trip.
          faultsApplied.push(
            Promise.resolve()
              .then(() => control.apply(f.fault))
              .then(
                () => op.ok(),
                (err: unknown) => op.fail({ code: 'FAULT_NOT_APPLIED', message: (err as Error).message }),
              ),
          );
        }),
      );
    }
    const actors: Array<Promise<void>> = [];
    for (const p of scenario.processes) {
      const strategy = createStrategy(p.strategy, {
        process: p.name,
        connector: r.connector(Boolean(p.unthrottled), p.name),
        clock,
        rng,
        log,
        recorder,
        store,
        leaseStore,
        pacing,
        ...(p.options ? { options: p.options } : {}),
      });
      strategies.set(p.name, strategy);
      for (const a of p.actors) {
        actors.push(
          (async () => {
            const name = `${p.name}/${a.name}`;
            if (a.startAtMs) await clock.sleep(a.startAtMs);
            await gate(`start ${name}`);
            const client = strategy.client({ actor: name, role: a.role, ...(a.clientId !== undefined ? { clientId: a.clientId } : {}) });
            try {
              await a.script(actorContext(name, client, clock, rng, gate));
            } finally {
              if (a.closeWhenDone) await client.close();
            }
          })(),
        );
      }
    }
    await waitForActors(actors, clock, scenario.maxModelMs ?? 600_000, () => report(opts, scenario, recorder, clock.now() - t0), opts.scheduler);
  } finally {
    sampler?.stop();
    realEnd = realEpochMs();
    for (const t of timers) t.cancel();
    await Promise.all(faultsApplied);
  }
  const modelMs = clock.now() - t0;
  const connectionsOpened = [...strategies.values()].reduce((n, s) => n + s.connectionsOpened, 0);
  await Promise.all([...strategies.values()].map((s) => s.close()));
  if (clock instanceof VirtualClock) await clock.advance(1);
  // The gateway's own account of each contract-details request (queue wait + service), free of
  // the client-side and host noise that wall-clock timing picks up on a scaled clock.
  const secdef: SecdefServed[] | undefined = r.control ? await r.control.secdefServed() : undefined;
  const modeled = r.control ? await r.control.modeled() : undefined;
  const journal = r.control ? await r.control.journal() : [];
  // Only a simulator in another process measures its own loop (in process, `sampler` measured it).
  const simulatorLateness = r.simulatorSamples && r.control ? (await r.control.lateness()).measured : null;
  await r.close();
  if (!opts.store) store.close();

  const record: RunRecord = {
    schema: 'ibkr-harness/run@1',
    scenario: scenario.name,
    title: scenario.title,
    seed,
    target,
    timeScale: clock.scale,
    startedAt: new Date(t0).toISOString(),
    modelMs,
    wallMs: performance.now() - wallStart,
    strategies: Object.fromEntries(scenario.processes.map((p) => [p.name, p.strategy])),
    history: [...recorder.events()],
    journal,
    ...(secdef ? { secdef } : {}),
    ...(modeled ? { modeled } : {}),
    ...(sampler
      ? {
          hostLateness: recordedLateness(
            { clients: sampler.measured(), ...(simulatorLateness ? { simulator: simulatorLateness } : {}) },
            { from: realT0, to: realEnd },
            (real) => t0 + (real - realT0) / clock.scale,
          ),
        }
      : {}),
    plannedStarts: Object.fromEntries(scenario.processes.flatMap((p) => p.actors.filter((a) => a.startAtMs).map((a) => [`${p.name}/${a.name}`, a.startAtMs!]))),
    ...(opts.remote && target === 'sim'
      ? { remote: { gateway: `${opts.remote.gateway.host}:${opts.remote.gateway.port}`, control: opts.remote.control } }
      : {}),
    connectionsOpened,
    expectations: [],
    ...(baseline ? { baseline } : {}),
  };
  record.expectations = judge(scenario, record);
  return record;
}

/**
 * Check a scenario's expectations against a recorded run (with its baseline, if attached). A claim
 * judged on no operation fails; a run none of whose processes ever connected fails first of all,
 * with the connection error (also kept as `record.connectionError`).
 */
export function judge(scenario: Scenario, record: RunRecord): RunRecord['expectations'] {
  const view = new RunView(record);
  const verdicts = scenario.expect.map((e): RunRecord['expectations'][number] => {
    let v: Verdict;
    try {
      v = e.check(view);
    } catch (err) {
      v = { judged: 0, holds: `check threw: ${(err as Error).message}` };
    }
    if (v.judged === 0) return { claim: e.claim, ok: false, judged: 0, detail: `nothing to judge: 0 operations${v.holds === true ? '' : ` (${v.holds})`}` };
    return v.holds === true ? { claim: e.claim, ok: true, judged: v.judged } : { claim: e.claim, ok: false, judged: v.judged, detail: v.holds };
  });
  const attempts = connectAttemptsOf(view);
  const error = connectionError(view);
  if (error) record.connectionError = error;
  else delete record.connectionError;
  return error
    ? [{ claim: 'the processes connect to the gateway', ok: false, judged: attempts, detail: `${error.code}: ${error.message}` }, ...verdicts]
    : verdicts;
}

/** The first connect failure of a run in which no connection attempt succeeded; undefined otherwise. */
function connectionError(run: RunView): { code: string; message: string } | undefined {
  const attempts = [...run.ops('connect'), ...run.ops('reconnect')].sort((a, b) => a.invoke.seq - b.invoke.seq);
  if (attempts.length === 0 || attempts.some((c) => c.end?.type === 'ok')) return undefined;
  const first = attempts.find((c) => c.end?.error)?.end?.error;
  return first ? { code: first.code, message: first.message } : { code: 'NEVER_CONNECTED', message: 'no connection attempt completed' };
}

/** Wait until every actor is done, or `maxModelMs` of model time has passed. */
async function waitForActors(actors: Array<Promise<void>>, clock: Clock, maxModelMs: number, progress: () => void, scheduler?: Interleaver): Promise<void> {
  let done = false;
  const all = Promise.allSettled(actors).then(() => {
    done = true;
  });
  if (clock instanceof VirtualClock) {
    if (!scheduler) {
      await clock.runUntil(() => done, maxModelMs);
      return;
    }
    // Let the scheduler release whatever is ready now, in the order it chooses; only when
    // nothing is ready does model time move on to the next timer.
    const until = clock.now() + maxModelMs;
    while (!done) {
      if (scheduler.count() > 0) await scheduler.waitOne();
      else if (!(await clock.step(until))) break;
    }
    return;
  }
  const ticker = setInterval(progress, 250);
  // The cut-off timer is cancelled when the actors finish first, or it would hold the process
  // open for the rest of maxModelMs after the last run.
  const cutOff = new AbortController();
  try {
    await Promise.race([all, clock.sleep(maxModelMs, cutOff.signal).catch(() => {})]);
  } finally {
    cutOff.abort();
    clearInterval(ticker);
  }
}

function report(opts: RunOptions, scenario: Scenario, recorder: OpRecorder, modelMs: number): void {
  if (!opts.onProgress) return;
  const events = recorder.events();
  opts.onProgress({
    scenario: scenario.name,
    modelMs,
    operations: events.filter((e) => e.type === 'invoke').length,
    timeouts: events.filter((e) => e.type === 'info' && e.error?.code === 'REQUEST_TIMEOUT').length,
    failures: events.filter((e) => e.type === 'fail').length,
  });
}

/** The command that replays a run, printed with every failure. */
export function replayCommand(record: Pick<RunRecord, 'scenario' | 'seed' | 'target' | 'timeScale' | 'remote'>): string {
  const scale = record.target === 'sim' ? ` --time-scale ${record.timeScale}` : '';
  const remote = record.remote ? ` --gateway ${record.remote.gateway} --control ${record.remote.control}` : '';
  return `npx ibkr-harness scenario run ${record.scenario} --seed ${record.seed} --target ${record.target}${scale}${remote}`;
}

export function failedExpectations(record: RunRecord): RunRecord['expectations'] {
  return record.expectations.filter((e) => !e.ok);
}
