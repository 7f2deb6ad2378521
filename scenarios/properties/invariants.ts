/**
 * What must hold for a correct collector on any workload, checked on a recorded run and the
 * store it wrote to. Each check returns the first violation found, or undefined.
 */
import { normalizeBarTime, type CollectorStore } from '../../collector/store/index.ts';
import { IbCode } from '../../common/ib/errors.ts';
import { isPacingViolation } from '../../common/ib/request-errors.ts';
import { spans } from '../../common/spans.ts';
import { expectThat } from '../expect.ts';
import type { JournalEntry } from '../../simulator/model/journal.ts';
import { RunView, type RunRecord } from '../view.ts';
import { QUALIFY_DEADLINE_MS } from './workload.ts';

export type Invariant = (record: RunRecord, store: CollectorStore) => string | undefined;

export const noClientIdClash: Invariant = (r) => {
  const n = new RunView(r).gatewayErrors(326).length;
  return n ? `${n} connection(s) refused with 326` : undefined;
};

export const oneConnectionPerProcess: Invariant = (r) => {
  // An invariant holds vacuously on a run without connections (unlike a scenario's claim).
  const v = expectThat.atMostOneConnectionPerProcess().check(new RunView(r)).holds;
  return v === true ? undefined : v;
};

export const qualifyEndsByDeadline: Invariant = (r) => {
  // In virtual time a deadline is exact; over TCP a timer may fire a little late in real time,
  // which a scaled clock magnifies (50 ms real at scale 0.05 is 1 s of model time).
  const slack = r.target === 'virtual' ? 1 : 50 / r.timeScale;
  for (const c of new RunView(r).qualifications()) {
    if (!c.end) return `${c.invoke.actor}: qualify ${String(c.invoke.args?.symbol)} never ended`;
    if (c.ms! > QUALIFY_DEADLINE_MS + slack)
      return `${c.invoke.actor}: qualify ${String(c.invoke.args?.symbol)} ended after ${c.ms} ms (deadline ${QUALIFY_DEADLINE_MS})`;
    if (c.end.type === 'fail' && !c.end.error?.code) return `${c.invoke.actor}: qualify failed with an untyped error: ${c.end.error?.message}`;
  }
  return undefined;
};

export const noPacingViolation: Invariant = (r) => {
  const n = new RunView(r).gatewayErrors(IbCode.HMDS_ERROR).filter((e) => isPacingViolation(IbCode.HMDS_ERROR, String(e.message.message))).length;
  return n ? `${n} pacing violation(s) (162)` : undefined;
};

/**
 * Every bar the gateway served is stored, with the values it was last served with, and nothing
 * else is stored: nothing lost, nothing duplicated, nothing invented.
 *
 * "Last" is the order the answers were sent in (journal order), not the order of the requests: a
 * bar still forming is cut at the moment it is served (simulator/market/README.md, "Values"), so
 * two answers carrying it differ, and the one served later is the fresher. Requests on two connections may be answered in either order; the collector keeps the
 * answer it received last, as it promises (README, "Coverage": a forming bar is stored as of its
 * collection and asked for again once it has ended). Judging by request order took an older cut
 * as the expected value when a later request was answered first.
 *
 * "Served" means received by the client: an answer the journal marks `withheld` (a stalled
 * session, a slow consumer closed before it read) was sent by the gateway and never reached the
 * collector, which cannot store it. Counting it said "served but not stored" for bars the
 * collector never saw (seed -542667462, before the collector fixed its windows' end dates).
 */
export const storedBarsMatchServed: Invariant = (r, store) => {
  const answers: Array<{ series: string; entry: JournalEntry }> = [];
  for (const span of spans(r.journal, 'REQ_HISTORICAL_DATA')) {
    const req = span.request.message;
    const series = `${Number(req.conId)}|${String(req.exchange || 'SMART')}|${String(req.barSize)}|${String(req.whatToShow)}|${Number(req.useRTH) ? 1 : 0}`;
    for (const entry of span.data) if (entry.withheld === undefined) answers.push({ series, entry });
  }
  answers.sort((a, b) => a.entry.seq - b.entry.seq);
  const served = new Map<string, Map<number, number>>(); // series → time → close
  for (const { series, entry } of answers) {
    if (!served.has(series)) served.set(series, new Map());
    for (const b of entry.message.bars as Array<{ date: string; close: number }>) served.get(series)!.set(normalizeBarTime(b.date), b.close);
  }
  for (const [series, bars] of served) {
    const [conId, exchange, barSize, whatToShow, useRTH] = series.split('|');
    const key = { conId: Number(conId), exchange: exchange!, barSize: barSize!, whatToShow: whatToShow!, useRTH: useRTH === '1' };
    const stored = new Map(store.getBars(key).map((b) => [b.time, b.close]));
    for (const [time, close] of bars) {
      if (!stored.has(time)) return `${series}: bar ${time} was served but not stored`;
      if (stored.get(time) !== close) return `${series}: bar ${time} stored with close ${stored.get(time)}, served ${close}`;
    }
    if (stored.size !== bars.size) return `${series}: ${stored.size} bars stored, ${bars.size} served`;
  }
  return undefined;
};

export const ALL_INVARIANTS: Record<string, Invariant> = {
  'no 326': noClientIdClash,
  'at most one connection per process': oneConnectionPerProcess,
  'every qualify ends (ok or typed error) by its deadline': qualifyEndsByDeadline,
  'no pacing violation (162)': noPacingViolation,
  'stored bars match the bars served': storedBarsMatchServed,
};

/** The first broken invariant, as "name: detail", or undefined when all hold. */
export function firstViolation(record: RunRecord, store: CollectorStore, names = Object.keys(ALL_INVARIANTS)): string | undefined {
  for (const name of names) {
    const v = ALL_INVARIANTS[name]!(record, store);
    if (v) return `${name}: ${v}`;
  }
  return undefined;
}
