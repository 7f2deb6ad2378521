/**
 * Each check's evidence as a table of plain-text cells, shared by the Markdown and HTML renderers
 * (each escapes for its own format).
 */
import { modelDuration } from '../../reports/render/format.ts';
import type { Checks, ConnRef, RequestRef, Verdict } from './schema.ts';
import { CHECK_IDS, type CheckId } from './schema.ts';

export interface Table {
  head: string[];
  rows: string[][];
}

const t = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : `t+${(ms / 1000).toFixed(2)} s`);
const conn = (c: ConnRef | null) => (c ? `session ${c.sessionId} · client ${c.clientId ?? '—'} · ${c.remote}` : '—');
const req = (r: RequestRef | null) => (r ? `${r.type} reqId ${r.reqId}${r.contract ? ` (${r.contract})` : ''}` : '—');

export const EVIDENCE_TABLES: { [K in CheckId]: (c: Checks[K]) => Table } = {
  '326': (c) => ({
    head: ['when', 'refused', 'held by', 'holder', 'since'],
    rows: c.evidence.map((e) => [t(e.tMs), conn(e.refused), conn(e.holder), e.holderState, e.holderSince ?? '—']),
  }),
  churn: (c) => ({
    head: ['remote process', 'connects', 'peak per minute', 'peak window from', 'first connections in it'],
    rows: c.evidence.map((e) => [e.host, String(e.connects), String(e.peakPerMinute), t(e.tMs), e.sample.map(conn).join('; ')]),
  }),
  concurrency: (c) => ({
    head: ['remote process', 'connections at once', 'when', 'connections'],
    rows: c.evidence.map((e) => [e.process, String(e.peak), t(e.tMs), e.connections.map(conn).join('; ')]),
  }),
  abandoned: (c) => ({
    head: ['request', 'connection', 'asked', 'given up', 'how', 'served'],
    rows: c.evidence.map((e) => [
      req(e.request),
      conn(e.request.conn),
      t(e.request.tMs),
      t(e.abandonedTMs),
      e.how === 're-sent' && e.resentAs !== null ? `re-sent as reqId ${e.resentAs}` : e.how,
      e.servedTMs === null ? 'still queued' : `${t(e.servedTMs)}${e.serviceMs !== null ? ` (${modelDuration(e.serviceMs)} of service)` : ''}`,
    ]),
  }),
  duplicate: (c) => ({
    head: ['request', 'connection', 'asked', 'same request open on', 'asked there'],
    rows: c.evidence.map((e) => [
      req(e.request),
      conn(e.request.conn),
      t(e.request.tMs),
      `${conn(e.other.conn)} reqId ${e.other.reqId}${e.otherConnectionClosed ? ' (connection closed)' : ''}`,
      t(e.other.tMs),
    ]),
  }),
  'secdef-wait': (c) => ({
    head: ['request', 'connection', 'queue wait', 'service', 'served'],
    rows: c.evidence.map((e) => [req(e.request), conn(e.request?.conn ?? null), modelDuration(e.waitMs), modelDuration(e.serviceMs), t(e.servedTMs)]),
  }),
  rate: (c) => ({
    head: ['when', 'kind', 'connection', 'message'],
    rows: c.evidence.map((e) => [t(e.tMs), e.kind, conn(e.conn), `${e.code ?? ''} ${e.message}`.trim()]),
  }),
  pacing: (c) => ({
    head: ['when', 'connection', 'request', 'message'],
    rows: c.evidence.map((e) => [t(e.tMs), conn(e.conn), e.request ? req(e.request) : `reqId ${e.reqId}`, e.message]),
  }),
  unanswered: (c) => ({
    head: ['request', 'connection', 'asked', 'waiting for', 'note'],
    rows: c.evidence.map((e) => [req(e.request), conn(e.request.conn), t(e.request.tMs), modelDuration(e.ageMs), e.droppedBy ?? '']),
  }),
  'open-orders': (c) => ({
    head: ['order', 'client', 'status', 'order details', 'placed', 'placed on'],
    rows: c.evidence.map((e) => [
      String(e.orderId),
      String(e.clientId ?? '—'),
      e.status,
      `${e.action} ${e.quantity} ${e.contract} ${e.orderType}`.trim(),
      e.placedAt ?? '—',
      conn(e.conn),
    ]),
  }),
};

/** The evidence table of one check. */
export function evidenceTable<K extends CheckId>(v: Verdict, id: K): Table {
  return (EVIDENCE_TABLES[id] as (c: Checks[K]) => Table)(v.checks[id]);
}

/** The culprits of the sec-def waits as a table. */
export function culpritTable(c: Checks['secdef-wait']): Table {
  return {
    head: ['remote process', 'client id', 'served while others waited', 'of them for nobody', 'wait imposed on others'],
    rows: c.culprits.map((x) => [x.host, String(x.clientId ?? '—'), String(x.served), String(x.servedForNobody), modelDuration(x.imposedWaitMs)]),
  };
}

/** One line per check: mark, id, status, gating, headline. */
export function summaryRows(v: Verdict): Array<{ id: CheckId; mark: string; title: string; result: string; gating: string; headline: string }> {
  return CHECK_IDS.map((id) => {
    const c = v.checks[id];
    const mark = c.status === 'clean' ? '✅' : c.gating ? '❌' : '⚠️';
    return {
      id,
      mark,
      title: c.title,
      result: c.status === 'clean' ? 'clean' : `found (${c.count})`,
      gating: c.gating ? 'fails' : 'reported',
      headline: c.headline,
    };
  });
}

/** The opening line: the outcome and what was judged. */
export function outcomeLine(v: Verdict): string {
  const s = v.summary;
  const what = `${s.connections} connection(s) from ${v.remoteProcess.count} remote process(es), ${s.requests} request(s), ${modelDuration(v.window.durationMs)} of model time`;
  if (v.failOn.length === 0)
    return `${v.found.length === 0 ? 'no anti-pattern found' : `found: ${v.found.join(', ')}`} (nothing gates: no --fail-on) — ${what}`;
  return `${v.pass ? 'passed' : `failed: ${v.failed.join(', ')}`} (fail-on: ${v.failOn.join(', ')}) — ${what}`;
}
