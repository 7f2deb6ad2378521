/**
 * By how much a scenario's client-side timeouts hold, in virtual time (exact): for each
 * qualify-attempt, how long the gateway held its contract-details request (queue wait + service, the
 * model's own figures) minus the attempt's timeout. Positive: the attempt timed out with that much
 * to spare. Over TCP the client's own margin is at least this (its timer starts before the request
 * reaches the gateway), so a host that delays the clients' re-sends by less than the margin
 * (at scale s, real ms × 1/s model ms) cannot turn a timeout into an answer.
 *
 * Requests still queued when the run ends are timed by running the scenario again with an idle actor
 * that starts after the run's last event and keeps model time going until the queue has drained;
 * the clients stay connected meanwhile (a real run closes them). The first part of that run must be
 * the run itself, event for event, or this throws.
 */
import type { OpEvent } from '../../common/op-history.ts';
import type { JournalEntry } from '../../simulator/model/journal.ts';
import { actor } from '../dsl.ts';
import { runScenario } from '../runner.ts';
import type { Scenario } from '../types.ts';
import { RunView, type RunRecord } from '../view.ts';

/** One qualify-attempt's margin: model ms the gateway held its request beyond `timeoutMs` (Infinity: never served). */
export interface AttemptMargin {
  actor: string;
  symbol: string;
  timeoutMs: number;
  marginMs: number;
}

/** Model ms the drain actor keeps time running after the run's end (far more than any queue here holds). */
const DRAIN_MS = 600_000;

/** The run of `scenario` with `seed` in virtual time, and the margin of each of its qualify-attempts. */
export async function timeoutMargins(scenario: Scenario, seed: number): Promise<{ record: RunRecord; margins: AttemptMargin[] }> {
  const record = await runScenario(scenario, { target: 'virtual', seed });
  const journal: JournalEntry[] = [];
  const drained = await runScenario(
    {
      ...scenario,
      maxModelMs: record.modelMs + DRAIN_MS + 1_000,
      processes: [
        ...scenario.processes,
        { name: 'drain', strategy: 'singleton', actors: [actor('drain', 'ui', (ctx) => ctx.sleep(DRAIN_MS), { at: record.modelMs + 1 })] },
      ],
    },
    { target: 'virtual', seed, journalSink: (e) => journal.push(e) },
  );
  // The same run up to its end: every event but the disconnects (a real run closes the pages when it
  // ends, the drained one only after the drain).
  const key = (e: OpEvent) => `${e.at - record.history[0]!.at} ${e.type} ${e.op} ${e.actor} ${e.clientId}`;
  const events = (r: RunRecord) => r.history.filter((e) => e.process !== 'drain' && e.op !== 'disconnect').map(key);
  const [ran, withDrain] = [events(record), events(drained)];
  const differs = ran.findIndex((k, i) => k !== withDrain[i]);
  if (differs >= 0)
    throw new Error(`${scenario.name}, seed ${seed}: the drain actor changed the run (event ${differs}: ${ran[differs]} | ${withDrain[differs]})`);

  // Each request's modeled duration; an attempt's request is the one of its client id and symbol
  // that arrived between its invoke and its end (one virtual clock: exact).
  const held = new Map<string, number>();
  for (const e of journal)
    if (e.message.type === 'SECDEF_SERVED') held.set(`${e.sessionId}/${e.message.reqId}`, Number(e.message.waitMs) + Number(e.message.serviceMs));
  const requests = journal.filter((e) => e.dir === 'in' && e.message.type === 'REQ_CONTRACT_DATA');
  const margins: AttemptMargin[] = [];
  for (const c of new RunView(record).ops('qualify-attempt')) {
    const symbol = String(c.invoke.args?.symbol);
    const timeoutMs = Number(c.invoke.args?.timeoutMs);
    const end = c.end?.at ?? Infinity;
    const i = requests.findIndex((e) => e.clientId === c.end?.clientId && e.message.symbol === symbol && e.at >= c.invoke.at && e.at <= end);
    // An attempt whose connection was refused or lost before it sent anything has no request.
    if (i < 0) continue;
    const [req] = requests.splice(i, 1) as [JournalEntry];
    margins.push({ actor: c.invoke.actor, symbol, timeoutMs, marginMs: (held.get(`${req.sessionId}/${req.message.reqId}`) ?? Infinity) - timeoutMs });
  }
  return { record, margins };
}

/** The widest margin among the attempts of `symbol` with `timeoutMs`: what a claim that one of them times out rests on. */
export function widestMargin(margins: readonly AttemptMargin[], symbol: string, timeoutMs: number): number {
  return Math.max(...margins.filter((m) => m.symbol === symbol && m.timeoutMs === timeoutMs).map((m) => m.marginMs));
}
