/**
 * Timing claims over TCP, judged on the gateway model's own durations. On a scaled clock one real
 * millisecond the host is late (a busy core, GC, JIT) reads as 1/scale model ms at the client: 50 at
 * the incident scenarios' 0.02. A claim such as "the whole run takes 3.5–6.5 s" is therefore asserted
 * on the durations the model chose (RunRecord.modeled: logins, contract-details and historical-data
 * requests), and what the clients saw must agree with them within the host lateness measured during
 * the run plus a small floor per sequential step (`agreementAllowance`). In virtual time the
 * clients' figures are exact and are judged as they are.
 */
import type { MeasuredLateness } from '../common/host-lateness.ts';
import { seconds, type Completed, type HostLateness, type RunRecord, type RunView } from './view.ts';

/**
 * Real ms allowed per sequential step of a client's path in a record that carries no measured
 * lateness (made before it was measured): the fixed allowance simulator/calibration.test.ts uses.
 * At scale 0.02 it is 1 s of model time per step.
 */
export const HOST_NOISE_REAL_MS = 20;

/**
 * Real ms allowed per sequential step on top of the lateness measured during the run: what a step
 * costs that no sampler sees — loopback round trips, the client's own decoding and the model's
 * work, timer jitter and lateness under the sampler's 1 ms threshold (common/host-lateness.ts),
 * and that work running slower on a loaded host (a busy sibling core; cache). Measured with
 * `npm run bench:agreement` (scenarios/bench/agreement-margin.ts) on the project's 2-core host,
 * 2026-12-01, tte-wln-after-fix at 0.02 in process, load 9–20 from other users, 22 runs, 8 of them
 * beside two busy loops: the clients saw up to 475 real ms more than the modeled path over a run,
 * all of it within the measured spans, and at most 3.2 real ms per operation beyond them. About
 * three times that, so a quiet host's client may still be 10 ms (0.5 model s) late per step.
 */
export const AGREEMENT_FLOOR_REAL_MS = 10;

/** How far the clients' figure may exceed the modeled one (model ms), and why. */
export interface Allowance {
  /** The whole allowance, model ms. */
  ms: number;
  /** The part that is measured host lateness, model ms; undefined when the run measured none (fixed allowance). */
  measuredMs: number | undefined;
}

/**
 * The agreement allowance of `steps` sequential steps of a run over TCP, for a figure the clients
 * took over `window` (model ms on the run's clock; the whole run when not given).
 *
 * Why this bound: between two events of a client's path, the host can add time only while an event
 * loop on the path could not run; every stretch in which the clients' (or the simulator's) loop was
 * measured unavailable inside the window can have added at most its own length, and stretches that
 * overlap (two processes descheduled at once) add at most their union. So the allowance is the
 * union of the measured spans within the window plus `AGREEMENT_FLOOR_REAL_MS` per step for what
 * no sampler sees. It is bounded by what was measured: on a quiet host it is the floor alone, and a
 * client that waits without blocking a loop (a slow hop, a sleep in its path) is forgiven only as
 * much of that wait as some loop was measured late meanwhile. Spans are not attributed to the path
 * (a stall while the client waited on the gateway counts too), so the bound is generous on a
 * loaded host, never beyond what was measured; the failure message prints the measured part.
 * A record without `hostLateness` gets `HOST_NOISE_REAL_MS` per step instead.
 */
export function agreementAllowance(record: RunRecord, steps: number, window?: { from: number; to: number }): Allowance {
  if (record.target !== 'sim' || !(record.timeScale > 0)) return { ms: 0, measuredMs: 0 };
  const lateness = record.hostLateness;
  if (!lateness) return { ms: (steps * HOST_NOISE_REAL_MS) / record.timeScale, measuredMs: undefined };
  const measuredMs = coveredMs(lateness.spans, window?.from ?? -Infinity, window?.to ?? Infinity);
  return { ms: (steps * AGREEMENT_FLOOR_REAL_MS) / record.timeScale + measuredMs, measuredMs };
}

/** An allowance as a failure message says it, e.g. "allowance 1.4 s, of which measured host lateness 1.2 s = 24 real ms". */
export function describeAllowance(a: Allowance, record: RunRecord): string {
  if (a.measuredMs === undefined) return `allowance ${seconds(a.ms)} of fixed host noise: the run measured no lateness`;
  return `allowance ${seconds(a.ms)}, of which measured host lateness ${seconds(a.measuredMs)} = ${(a.measuredMs * record.timeScale).toFixed(0)} real ms`;
}

/** Model ms of [from, to] covered by at least one span (overlapping spans count once). */
export function coveredMs(spans: ReadonlyArray<{ from: number; to: number }>, from: number, to: number): number {
  const clipped = spans
    .map((s) => ({ from: Math.max(s.from, from), to: Math.min(s.to, to) }))
    .filter((s) => s.to > s.from)
    .sort((a, b) => a.from - b.from);
  let total = 0;
  let end = -Infinity;
  for (const s of clipped) {
    const start = Math.max(s.from, end);
    if (s.to > start) total += s.to - start;
    end = Math.max(end, s.to);
  }
  return total;
}

/**
 * The lateness the samplers measured (real epoch ms), as the run record keeps it: the spans within
 * the run (`run`, real epoch ms; the simulator's sampler ran from its reset on), on the run's model
 * clock via `toModel`.
 */
export function recordedLateness(
  measured: Partial<Record<'clients' | 'simulator', MeasuredLateness>>,
  run: { from: number; to: number },
  toModel: (realEpochMs: number) => number,
): HostLateness {
  const entries = Object.entries(measured) as Array<['clients' | 'simulator', MeasuredLateness]>;
  const within = (spans: MeasuredLateness['spans']) =>
    spans.map((s) => ({ from: Math.max(s.from, run.from), to: Math.min(s.to, run.to) })).filter((s) => s.to > s.from);
  return {
    everyRealMs: Math.max(...entries.map(([, m]) => m.everyMs)),
    measured: entries.map(([p]) => p),
    spans: entries.flatMap(([process, m]) => within(m.spans).map((s) => ({ from: toModel(s.from), to: toModel(s.to), process }))),
    ...(entries.some(([, m]) => m.truncated) ? { truncated: true as const } : {}),
  };
}

/**
 * Strategies whose operations send exactly one gateway request each (no de-duplication, cache or
 * re-sent attempts), so that an operation's modeled duration is that of its request.
 */
const ONE_REQUEST_PER_OPERATION = new Set(['singleton', 'task-random-id']);

/**
 * The gateway's modeled duration (model ms) of each operation, by opId: a connect or reconnect is
 * its client id's login, a qualify its contract-details request, a history its historical-data
 * request, matched per client id in the order they ended (one TCP connection delivers answers in
 * order). Operations the gateway spends no modeled time on (disconnect) count 0.
 * Returns `undefined` when the run is not over TCP to a simulator (in virtual time the clients'
 * figures are the model's; a live gateway has no model), or a reason when its operations cannot be
 * matched to the gateway's requests.
 */
export function modeledDurations(run: RunView): Map<number, number> | string | undefined {
  const { record } = run;
  if (!record.modeled || record.target !== 'sim') return undefined;
  const other = Object.entries(record.strategies).find(([, s]) => !ONE_REQUEST_PER_OPERATION.has(s));
  if (other) return `process ${other[0]} uses ${other[1]}, whose operations are not one gateway request each`;
  const queues = {
    login: byClient(record.modeled.logins),
    qualify: byClient(record.modeled.secdef),
    history: byClient(record.modeled.history),
  };
  const out = new Map<number, number>();
  const ends = [...run.ops('connect'), ...run.ops('reconnect'), ...run.ops('qualify'), ...run.ops('history')]
    .filter((c): c is Completed & { end: NonNullable<Completed['end']> } => c.end !== undefined)
    .sort((a, b) => a.end.seq - b.end.seq);
  for (const c of ends) {
    const kind = c.invoke.op === 'qualify' ? 'qualify' : c.invoke.op === 'history' ? 'history' : 'login';
    // Only what reached the gateway and ended there: a refused connect holds no login, a timed-out
    // or paced-out request no answer.
    const served = kind === 'qualify' ? c.end.type === 'ok' || (c.end.type === 'fail' && c.end.error?.ibCode !== undefined) : c.end.type === 'ok';
    if (!served) continue;
    const ms = queues[kind].get(c.end.clientId ?? -1)?.shift();
    if (ms === undefined) return `no modeled ${kind} time for ${c.invoke.actor}'s ${c.invoke.op} on client id ${c.end.clientId}`;
    out.set(c.invoke.opId, ms);
  }
  return out;
}

function byClient(list: ReadonlyArray<{ clientId: number | null; ms: number }>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const { clientId, ms } of list) {
    const key = clientId ?? -1;
    if (!out.has(key)) out.set(key, []);
    out.get(key)!.push(ms);
  }
  return out;
}

/**
 * One actor's path on the model: its planned start plus the modeled durations of its operations
 * (operations that overlap count once, by the longest), and how many sequential steps it took
 * (the start timer and each group of operations), at each of which the host can add time.
 */
export function modeledPath(run: RunView, durations: ReadonlyMap<number, number>, actor: string): { ms: number; steps: number } {
  const start = run.record.plannedStarts?.[actor] ?? 0;
  let ms = start;
  let steps = start > 0 ? 1 : 0;
  let group = { endSeq: -1, ms: 0 };
  for (const c of run.completions((e) => e.actor === actor)) {
    const d = durations.get(c.invoke.opId) ?? 0;
    if (c.invoke.seq < group.endSeq) {
      // Invoked before the previous operations ended: concurrent with them.
      group = { endSeq: Math.max(group.endSeq, c.end?.seq ?? Infinity), ms: Math.max(group.ms, d) };
      continue;
    }
    ms += group.ms;
    steps++;
    group = { endSeq: c.end?.seq ?? Infinity, ms: d };
  }
  return { ms: ms + group.ms, steps };
}
