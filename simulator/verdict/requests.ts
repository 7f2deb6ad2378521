/**
 * Requests from arrival to answer, streamed: which were answered, which the client gave up on
 * (re-sent, cancelled, or its connection closed) while the gateway went on to serve them — the
 * incident's timeout wrapper — which were asked twice at once from different connections, which
 * broke historical pacing (162), and which are still open.
 *
 * "Answered" is the one definition in common/spans.ts (ANSWERS, endsRequest;
 * docs/wire-facts/history.md#what-answers-a-request). Contract details have no cancel, and the
 * gateway serves a request its client has left (docs/wire-facts/verdicts.md#abandoned-requests).
 */
import { endsRequest, isPacingViolation } from '../../common/ib/request-errors.ts';
import { ANSWERS } from '../../common/spans.ts';
import type { JournalEntry } from '../model/journal.ts';
import { BoundedList } from './bounded.ts';
import type { VerdictConfig } from './config.ts';
import { CANCELS, contractText, isCancelConfirmation, num, requestKey } from './reading.ts';
import type { SecdefView } from './secdef.ts';
import { checkFields, listCheck, type Checks } from './schema.ts';
import { newReq, type AbandonHow, type Conn, type Limits, type Req, type Timebase } from './state.ts';
import type { TimelineRecorder } from './timeline.ts';

type AbandonedEvidence = Checks['abandoned']['evidence'][number];

export class RequestTracker {
  /** Contract-details requests of closed connections still queued at the gateway, by session and reqId. */
  private readonly orphans = new Map<number, Map<number, Req>>();
  /** Open requests by identity (requestKey), to spot re-sends and duplicates. */
  private readonly inflight = new Map<string, Req[]>();
  private open = 0;
  private readonly served: BoundedList<AbandonedEvidence>;
  private readonly byHow: Record<AbandonHow, number> = { 're-sent': 0, cancelled: 0, disconnected: 0 };
  private readonly duplicates: BoundedList<Checks['duplicate']['evidence'][number]>;
  private readonly pacing: BoundedList<Checks['pacing']['evidence'][number]>;
  private cancelsHonoured = 0;
  private droppedWithConnection = 0;
  requests = 0;
  answered = 0;

  constructor(
    private readonly cfg: VerdictConfig,
    private readonly time: Timebase,
    private readonly limits: Limits,
    private readonly secdef: SecdefView,
    private readonly timeline: TimelineRecorder,
  ) {
    this.served = new BoundedList(cfg.maxEvidence);
    this.duplicates = new BoundedList(cfg.maxEvidence);
    this.pacing = new BoundedList(cfg.maxEvidence);
  }

  /** A client frame: a request to follow, or a cancel. */
  incoming(c: Conn, e: JournalEntry): void {
    const m = e.message;
    const reqId = num(m.reqId);
    if (reqId === undefined) return;
    if (ANSWERS[m.type]) this.arrive(c, m, reqId, e);
    else if (CANCELS[m.type]) {
      const r = c.open.get(reqId);
      if (r && r.type === CANCELS[m.type]) r.abandoned ??= { how: 'cancelled', at: e.at, resentAs: null };
    }
  }

  private arrive(c: Conn, m: JournalEntry['message'], reqId: number, e: JournalEntry): void {
    this.requests++;
    if (this.open >= this.limits.maxOpenRequests) {
      this.limits.evicted++;
      return;
    }
    const key = requestKey(m);
    const r = newReq(c, m.type, reqId, key, key === undefined ? null : contractText(m), e.at, e.seq);
    this.open++;
    this.timeline.request(r);
    const older = c.open.get(reqId);
    if (older) {
      let last = older;
      while (last.sameId) last = last.sameId;
      last.sameId = r;
    } else c.open.set(reqId, r);
    if (m.type === 'REQ_CONTRACT_DATA') this.secdef.enqueue(r);
    if (key === undefined) return;
    const same = this.inflight.get(key);
    if (!same) {
      this.inflight.set(key, [r]);
      return;
    }
    let other: Req | undefined;
    for (const s of same) {
      if (s.conn === c) s.abandoned ??= { how: 're-sent', at: e.at, resentAs: reqId };
      else if (!other || (other.conn.closedAt !== undefined && s.conn.closedAt === undefined)) other = s;
    }
    if (other) {
      const o = other;
      this.duplicates.push(() => ({
        key,
        request: this.time.requestRef(r),
        other: this.time.requestRef(o),
        otherConnectionClosed: o.conn.closedAt !== undefined,
      }));
    }
    same.push(r);
  }

  /** A gateway frame on `c`: an answer, an error ending a request, a pacing violation. */
  outgoing(c: Conn, e: JournalEntry): void {
    const m = e.message;
    if (m.type === 'ERR_MSG') {
      const id = num(m.id);
      const code = num(m.code);
      if (id === undefined || code === undefined || !endsRequest(id, code)) return;
      const r = c.open.get(id);
      const text = String(m.message ?? '');
      const pacing = isPacingViolation(code, text);
      if (pacing) {
        this.pacing.push(() => ({
          conn: this.time.connRef(c),
          reqId: id,
          request: r ? this.time.requestRef(r) : null,
          at: this.time.iso(e.at),
          tMs: this.time.tMs(e.at),
          message: text,
        }));
      }
      if (r) this.finish(r, e.at, !isCancelConfirmation(code, text), pacing ? 'pacing 162' : undefined);
      return;
    }
    const reqId = num(m.reqId);
    if (reqId === undefined) return;
    const r = c.open.get(reqId);
    if (r && ANSWERS[r.type]?.ends(m)) this.finish(r, e.at, true);
  }

  /** The answer (or an error ending it: `served` false for a cancel's confirmation) went out. */
  private finish(r: Req, at: number, served: boolean, mark?: 'pacing 162'): void {
    this.answered++;
    this.forget(r);
    const kind = served && r.abandoned ? 'served after the client gave up' : mark || !served ? 'error' : 'answered';
    this.timeline.finished(r, at, kind, mark);
    if (!r.abandoned) return;
    if (served) this.abandonedServed(r, at, r.serviceMs ?? null);
    else if (r.abandoned.how === 'cancelled') this.cancelsHonoured++;
  }

  private abandonedServed(r: Req, at: number, serviceMs: number | null): void {
    const a = r.abandoned!;
    this.byHow[a.how]++;
    this.served.push(() => this.abandonedEvidence(r, at, serviceMs));
  }

  private abandonedEvidence(r: Req, servedAt: number | null, serviceMs: number | null): AbandonedEvidence {
    const a = r.abandoned!;
    return {
      how: a.how,
      request: this.time.requestRef(r),
      abandonedAt: this.time.iso(a.at),
      abandonedTMs: this.time.tMs(a.at),
      resentAs: a.resentAs,
      servedAt: servedAt === null ? null : this.time.iso(servedAt),
      servedTMs: servedAt === null ? null : this.time.tMs(servedAt),
      serviceMs,
    };
  }

  /** Drop every trace of an open request (answered, served for nobody, or dropped). */
  private forget(r: Req): void {
    this.open--;
    this.secdef.remove(r);
    const c = r.conn;
    if (c.closedAt === undefined) {
      if (c.open.get(r.reqId) === r) {
        if (r.sameId) c.open.set(r.reqId, r.sameId);
        else c.open.delete(r.reqId);
      } else {
        for (let p = c.open.get(r.reqId); p; p = p.sameId) if (p.sameId === r) p.sameId = r.sameId;
      }
    } else {
      const byReq = this.orphans.get(c.sessionId);
      if (byReq?.get(r.reqId) === r) byReq.delete(r.reqId);
      if (byReq?.size === 0) this.orphans.delete(c.sessionId);
    }
    this.removeInflight(r);
  }

  /** A SECDEF_SERVED note: the queue finished a request, answered or not. */
  secdefServed(live: Conn | undefined, e: JournalEntry): void {
    const m = e.message;
    const reqId = num(m.reqId) ?? Number.NaN;
    const waitMs = num(m.waitMs) ?? 0;
    const serviceMs = num(m.serviceMs) ?? 0;
    let r = live?.open.get(reqId);
    while (r && (r.type !== 'REQ_CONTRACT_DATA' || !r.inQueue) && r.sameId) r = r.sameId;
    if (r && r.type !== 'REQ_CONTRACT_DATA') r = undefined;
    if (r) r.serviceMs = serviceMs;
    const orphan = live ? undefined : this.orphans.get(e.sessionId)?.get(reqId);
    this.secdef.served(r ?? orphan, waitMs, serviceMs, e.at);
    if (orphan) {
      this.abandonedServed(orphan, e.at, serviceMs);
      this.forget(orphan);
      this.timeline.finished(orphan, e.at, 'served after the client gave up');
    }
  }

  /**
   * The connection closed. Its contract-details requests stay in the gateway's queue and will be
   * served for nobody; every other open request ends with it (the gateway drops its work).
   */
  disconnected(c: Conn, at: number): void {
    for (const first of [...c.open.values()]) {
      for (let r: Req | undefined = first; r; r = r.sameId) {
        if (r.inQueue) {
          r.abandoned ??= { how: 'disconnected', at, resentAs: null };
          let byReq = this.orphans.get(c.sessionId);
          if (!byReq) this.orphans.set(c.sessionId, (byReq = new Map()));
          byReq.set(r.reqId, r);
        } else {
          this.droppedWithConnection++;
          this.open--;
          this.removeInflight(r);
          this.timeline.finished(r, at, 'unanswered');
        }
      }
    }
    c.open.clear();
  }

  private removeInflight(r: Req): void {
    if (r.key === undefined) return;
    const same = this.inflight.get(r.key);
    const i = same?.indexOf(r) ?? -1;
    if (same && i >= 0) same.splice(i, 1);
    if (same?.length === 0) this.inflight.delete(r.key);
  }

  /**
   * A gateway event that drops queued work: a reset or restart empties the sec-def queue (the
   * requests of closed connections will never be served); connectivity restored with data lost
   * drops every open request (docs/wire-facts/gateway.md#connectivity-loss-and-restore-1100-1101-1102).
   */
  gatewayEvent(event: string, dataLost: boolean, live: Iterable<Conn>): void {
    if (event === 'connectivity-restored' && dataLost) {
      for (const c of live)
        for (const first of c.open.values()) for (let r: Req | undefined = first; r; r = r.sameId) r.droppedBy = 'connectivity restored with data lost (1101)';
      for (const r of [...this.secdef.queued()]) this.secdef.remove(r);
    }
    if (event === 'reset' || event === 'restart' || (event === 'connectivity-restored' && dataLost)) {
      for (const byReq of this.orphans.values()) {
        for (const r of byReq.values()) {
          this.forget(r);
          this.timeline.dropped(r);
        }
      }
      this.orphans.clear();
    }
  }

  reportAbandoned(gating: boolean, live: Iterable<Conn>): Checks['abandoned'] {
    const queued: Req[] = [];
    for (const byReq of this.orphans.values()) for (const r of byReq.values()) queued.push(r);
    for (const c of live)
      for (const first of c.open.values()) for (let r: Req | undefined = first; r; r = r.sameId) if (r.abandoned && r.inQueue) queued.push(r);
    const room = Math.max(0, this.cfg.maxEvidence - this.served.items.length);
    const evidence = [...this.served.items, ...queued.slice(0, room).map((r) => this.abandonedEvidence(r, null, null))];
    const total = this.served.total + queued.length;
    const byHow = { ...this.byHow };
    for (const r of queued) byHow[r.abandoned!.how]++;
    const parts = (Object.entries(byHow) as Array<[AbandonHow, number]>).filter(([, n]) => n > 0).map(([how, n]) => `${n} ${how}`);
    const headline =
      total === 0
        ? 'no request was served after its client gave up on it'
        : `${total} request(s) given up by their client and still served (${parts.join(', ')})${queued.length > 0 ? `, ${queued.length} of them still queued` : ''}; ${Math.round(this.secdef.wastedServiceMs)} model ms of sec-def service spent on them`;
    return {
      ...checkFields('abandoned', gating, { found: total > 0, count: total, headline, evidence, omitted: total - evidence.length }),
      byHow,
      stillQueued: queued.length,
      cancelsHonoured: this.cancelsHonoured,
      droppedWithConnection: this.droppedWithConnection,
      wastedServiceMs: this.secdef.wastedServiceMs,
    };
  }

  reportDuplicate(gating: boolean): Checks['duplicate'] {
    const d = this.duplicates;
    const first = d.items[0];
    const headline =
      d.total === 0
        ? 'no request was asked again from another connection while the first was open'
        : `${d.total} request(s) asked while the same request was open on another connection; first: ${first?.key} on session ${first?.request.conn.sessionId} and ${first?.other.conn.sessionId}`;
    return listCheck('duplicate', gating, d, headline);
  }

  reportPacing(gating: boolean): Checks['pacing'] {
    const p = this.pacing;
    const first = p.items[0];
    const headline =
      p.total === 0
        ? 'no historical request was refused for pacing (162)'
        : `${p.total} historical request(s) refused for pacing (162); first: reqId ${first?.reqId} of client ${first?.conn.clientId} from ${first?.conn.remote}`;
    return listCheck('pacing', gating, p, headline);
  }

  /** Requests of open connections still waiting for their answer (and not given up by their client). */
  reportUnanswered(gating: boolean, live: Iterable<Conn>, now: number): Checks['unanswered'] {
    const list = new BoundedList<Checks['unanswered']['evidence'][number]>(this.cfg.maxEvidence);
    for (const c of live) {
      for (const first of c.open.values()) {
        for (let r: Req | undefined = first; r; r = r.sameId) {
          const age = now - r.at;
          if (r.abandoned || age < this.cfg.unanswered.minAgeMs) continue;
          const req = r;
          list.push(() => ({ request: this.time.requestRef(req), ageMs: age, droppedBy: req.droppedBy ?? null }));
        }
      }
    }
    const oldest = list.items.reduce<(typeof list.items)[number] | undefined>((a, b) => (!a || b.ageMs > a.ageMs ? b : a), undefined);
    const headline =
      list.total === 0
        ? 'every request of an open connection was answered'
        : `${list.total} request(s) of open connections unanswered; oldest shown: ${oldest?.request.type} reqId ${oldest?.request.reqId} of client ${oldest?.request.conn.clientId}, ${Math.round((oldest?.ageMs ?? 0) / 1000)} s old`;
    return listCheck('unanswered', gating, list, headline);
  }
}
