/**
 * Timing claims over TCP, judged on the gateway model's own durations. On a scaled clock one real
 * millisecond the host is late (a busy core, GC, JIT) reads as 1/scale model ms at the client: 50 at
 * the incident scenarios' 0.02. A claim such as "the whole run takes 3.5–6.5 s" is therefore asserted
 * on the durations the model chose (RunRecord.modeled: logins, contract-details and historical-data
 * requests), and what the clients saw must agree with them within a stated host-noise allowance per
 * sequential step. In virtual time the clients' figures are exact and are judged as they are.
 */
import type { Completed, RunRecord, RunView } from './view.ts';

/**
 * Real ms of host noise allowed per sequential step of a client's path over TCP (a timer that fires
 * late, a frame decoded after a GC pause): the allowance simulator/calibration.test.ts uses. At
 * scale 0.02 it is 1 s of model time per step, still below what a client artifact such as Nagle's
 * delayed ACK (≈40 real ms per request) would add.
 */
export const HOST_NOISE_REAL_MS = 20;

/** The host-noise allowance of one sequential step of this run, model ms (0 when nothing was scaled). */
export const hostNoiseMs = (record: RunRecord): number => (record.target === 'sim' && record.timeScale > 0 ? HOST_NOISE_REAL_MS / record.timeScale : 0);

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
 * (the start timer and each group of operations), at each of which the host can add noise.
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
