/**
 * The fault stage: per-session faults between the transport adapter and the gateway model, the way
 * Toxiproxy's toxics sit between a client and its upstream. Adapters talk to the stage exactly as
 * they would to the model (it is a GatewayPort); with no fault in force every call goes straight
 * through. Gateway-wide faults (connectivity, restart) are the model's own behaviour, invoked here
 * so that every fault is applied the same way, from the same JSON spec.
 */
import type { TimerHandle } from '../../common/clock.ts';
import type { ServerMessage } from '../protocol/index.ts';
import type { GatewayModel } from '../model/gateway.ts';
import type { GatewayPort, IncomingMessage } from '../model/gateway-port.ts';
import type { SessionTransport } from '../model/ports.ts';
import type { Session } from '../model/session.ts';
import type { FillCap } from '../orders/order-types.ts';
import { isMessageLevel, type FaultedSession, type SessionFaultKind } from './kind.ts';
import { matchesMessage, matchesSession } from './match.ts';
import { describeFault, faultKind, type FaultSpec } from './registry.ts';
import type { FaultedSessionInfo, FaultRecord, FaultResult, FaultTarget } from './target.ts';

export type { FaultedSessionInfo } from './target.ts';

interface Entry {
  record: FaultRecord;
  /** The rule is in the rule list (message-level, or a request kind). */
  rule: boolean;
  timer?: TimerHandle;
  /** Ends a gateway fault's lasting effect early (a timed connectivity loss). */
  end?: () => void;
}

export class FaultStage implements GatewayPort, FaultTarget {
  private readonly entries: Entry[] = [];
  /** Armed rules, in the order they were applied (the first due one wins). */
  private rules: Entry[] = [];
  private readonly sessions = new Map<number, StageSession>();
  private nextId = 1;

  constructor(readonly model: GatewayModel) {}

  // ---- GatewayPort: the adapter side ------------------------------------------------------------

  open(transport: SessionTransport, remote: string): Session {
    const st = new StageSession(this, transport);
    const session = this.model.open(st.transport, remote);
    st.session = session;
    if (session.isOpen) this.sessions.set(session.id, st);
    return session;
  }

  handshake(session: Session, text: string): void {
    this.model.handshake(session, text);
  }

  receive(session: Session, msg: IncomingMessage): void {
    // The journal sees every message as it arrived, whatever a fault then does with it.
    this.model.capture(session, msg);
    if (this.rules.length > 0 && session.isOpen) {
      const st = this.sessions.get(session.id);
      if (st && this.applyRules(st, msg) === 'consumed') return;
    }
    this.model.process(session, msg);
  }

  protocolError(session: Session, err: Error): void {
    this.model.protocolError(session, err);
  }

  disconnected(session: Session, clean: boolean): void {
    this.model.disconnected(session, clean);
    this.sessions.get(session.id)?.forget();
  }

  guard(session: Session, what: string, fn: () => void): void {
    this.model.guard(session, what, fn);
  }

  // ---- FaultTarget -------------------------------------------------------------------------------

  apply(spec: FaultSpec): FaultResult {
    const entry = this.newEntry(spec);
    const sessions = this.activate(entry);
    return { ...this.snapshot(entry), sessions };
  }

  applyAt(atMs: number, spec: FaultSpec): FaultRecord {
    const entry = this.newEntry(spec);
    entry.record.state = 'scheduled';
    entry.record.at = atMs;
    entry.timer = this.model.clock.setTimer(Math.max(0, atMs - this.model.clock.now()), () => {
      entry.timer = undefined;
      this.activate(entry);
    });
    return this.snapshot(entry);
  }

  list(): FaultRecord[] {
    return this.entries.map((e) => this.snapshot(e));
  }

  remove(id: number): boolean {
    const i = this.entries.findIndex((e) => e.record.id === id);
    if (i < 0) return false;
    const [entry] = this.entries.splice(i, 1);
    this.retire(entry!);
    return true;
  }

  clear(): number {
    const n = this.entries.length;
    for (const e of this.entries.splice(0)) this.retire(e);
    return n;
  }

  /** The model's sessions, with the faults held on each. */
  listSessions(): FaultedSessionInfo[] {
    return this.model.listSessions().map((i) => ({ ...i, stalled: this.sessions.get(i.sessionId)?.stalledBy !== undefined }));
  }

  // ---- internals ---------------------------------------------------------------------------------

  private newEntry(spec: FaultSpec): Entry {
    const entry: Entry = { record: { id: this.nextId++, spec, state: 'armed', matched: 0, applied: 0 }, rule: false };
    this.entries.push(entry);
    return entry;
  }

  /** Put a fault in force; returns the sessions an at-once fault hit (as they were just before). */
  private activate(entry: Entry): FaultedSessionInfo[] {
    const spec = entry.record.spec;
    const kind = faultKind(spec);
    entry.record.state = 'armed';
    this.model.logger.info({ fault: entry.record.id, kind: spec.kind }, `fault: ${describeFault(spec)}`);
    if (kind.scope === 'gateway') {
      entry.record.applied++;
      const lasting = kind.apply(spec, this.model);
      if (lasting) entry.end = () => lasting.cancel();
      return [];
    }
    const match = 'match' in spec ? spec.match : undefined;
    if (isMessageLevel(match) || !kind.onSession) {
      entry.rule = true;
      this.rules.push(entry);
      return [];
    }
    return this.hitSessions(entry, kind as SessionFaultKind<FaultSpec>);
  }

  private hitSessions(entry: Entry, kind: SessionFaultKind<FaultSpec>): FaultedSessionInfo[] {
    const spec = entry.record.spec as Extract<FaultSpec, { match?: unknown }>;
    const matching = [...this.sessions.values()].filter((st) => matchesSession(spec.match, st.session));
    entry.record.matched += matching.length;
    let hit = spec.match?.pick !== undefined ? matching.slice(spec.match.pick % Math.max(1, matching.length)).slice(0, 1) : matching;
    hit = hit.slice(spec.after ?? 0);
    if (spec.times !== undefined) hit = hit.slice(0, spec.times);
    const ids = new Set(hit.map((st) => st.session.id));
    const before = this.listSessions().filter((i) => ids.has(i.sessionId));
    for (const st of hit) {
      entry.record.applied++;
      kind.onSession!(spec, st, entry.record.id);
    }
    return before;
  }

  private applyRules(st: StageSession, msg: IncomingMessage): 'pass' | 'consumed' {
    for (const entry of this.rules) {
      const spec = entry.record.spec as Extract<FaultSpec, { match?: unknown }>;
      if (!matchesMessage(spec.match, st.session, msg)) continue;
      const r = entry.record;
      r.matched++;
      if (r.matched <= (spec.after ?? 0)) continue;
      if (spec.times !== undefined && r.applied >= spec.times) continue;
      r.applied++;
      const kind = faultKind(spec) as SessionFaultKind<FaultSpec>;
      this.model.logger.info({ fault: r.id, session: st.session.id, clientId: st.session.clientId, type: msg.type }, `fault applied: ${kind.describe(spec)}`);
      return kind.onMessage(spec, st, msg, r.id);
    }
    return 'pass';
  }

  private retire(entry: Entry): void {
    entry.timer?.cancel();
    entry.end?.();
    if (entry.rule) this.rules = this.rules.filter((e) => e !== entry);
    for (const st of this.sessions.values()) st.lift(entry.record.id);
  }

  private snapshot(entry: Entry): FaultRecord {
    const r = entry.record;
    let state = r.state;
    if (state === 'armed' && !this.inForce(entry)) state = 'done';
    return { ...r, state };
  }

  private inForce(entry: Entry): boolean {
    const spec = entry.record.spec;
    if (entry.rule) return !('times' in spec && spec.times !== undefined && entry.record.applied >= spec.times);
    for (const st of this.sessions.values()) if (st.holds(entry.record.id)) return true;
    return false;
  }

  /** @internal a session closed or went away: forget its fault state. */
  forget(st: StageSession): void {
    if (st.session && this.sessions.get(st.session.id) === st) this.sessions.delete(st.session.id);
  }
}

/** A message a slow consumer has not read yet, and its journal seq to mark it lost by. */
interface HeldMessage {
  msg: ServerMessage;
  journalSeq: number;
}

/** Rough size of a message on the wire: enough to pace a slow consumer and count its backlog. */
function approximateBytes(msg: ServerMessage): number {
  return JSON.stringify(msg).length;
}

/** One session as the stage sees it: the transport in front of the client, and the faults on it. */
class StageSession implements FaultedSession {
  session!: Session;
  stalledBy: number | undefined;
  private slow: { id: number; bytesPerSecond: number; queue: HeldMessage[]; heldBytes: number; draining: boolean } | undefined;
  /** What the model sends through: the client's transport behind this session's faults. */
  readonly transport: SessionTransport;

  constructor(
    private readonly stage: FaultStage,
    private readonly inner: SessionTransport,
  ) {
    this.transport = {
      send: (msg, journalSeq) => {
        if (this.stalledBy !== undefined) this.model.journal.markWithheld(journalSeq, `stall (fault ${this.stalledBy})`);
        else if (this.slow) this.hold({ msg, journalSeq });
        else inner.send(msg, journalSeq);
      },
      close: () => {
        this.forget();
        inner.close();
      },
      backlog: () => (inner.backlog?.() ?? 0) + (this.slow?.heldBytes ?? 0),
    };
  }

  private get model(): GatewayModel {
    return this.stage.model;
  }

  forget(): void {
    this.stage.forget(this);
    // The connection is gone: what a slow consumer had not read yet never reaches it.
    if (this.slow) this.lose(this.slow.queue.splice(0), `slow-consumer (fault ${this.slow.id}): the connection closed before the client read it`);
  }

  private lose(held: HeldMessage[], reason: string): void {
    for (const h of held) this.model.journal.markWithheld(h.journalSeq, reason);
  }

  holds(faultId: number): boolean {
    return this.stalledBy === faultId || this.slow?.id === faultId;
  }

  /** End the effects of fault `faultId` on this session. */
  lift(faultId: number): void {
    if (this.stalledBy === faultId) this.stalledBy = undefined;
    if (this.slow?.id === faultId) {
      const { queue: queued, id } = this.slow;
      this.slow = undefined;
      if (this.session.isOpen) for (const h of queued) this.inner.send(h.msg, h.journalSeq);
      else this.lose(queued, `slow-consumer (fault ${id}): the connection closed before the client read it`);
    }
  }

  // ---- FaultedSession ----

  deliverLater(msg: IncomingMessage, ms: number): void {
    this.model.sessionTimer(this.session, ms, () => this.model.process(this.session, msg));
  }

  deliverNow(msg: IncomingMessage): void {
    this.model.process(this.session, msg);
  }

  answerError(id: number, code: number, text: string): void {
    this.model.sendError(this.session, id, { code, message: text });
  }

  close(clean: boolean, reason: string): void {
    if (!this.session.isOpen) return;
    this.model.disconnected(this.session, clean, reason);
    this.forget();
    this.inner.close();
  }

  capOrderFills(orderId: number, cap: FillCap): boolean {
    return this.model.trading.capFills(this.session.clientId ?? 0, orderId, cap);
  }

  stall(faultId: number): void {
    this.stalledBy ??= faultId;
    this.model.logger.info({ session: this.session.id, clientId: this.session.clientId }, 'session stalled');
  }

  throttle(faultId: number, bytesPerSecond: number): void {
    this.slow ??= { id: faultId, bytesPerSecond, queue: [], heldBytes: 0, draining: false };
  }

  private hold(held: HeldMessage): void {
    const slow = this.slow!;
    slow.queue.push(held);
    slow.heldBytes += approximateBytes(held.msg);
    if (!slow.draining) this.drainNext();
  }

  /** Hand the oldest held message over once the client has had time to read it. */
  private drainNext(): void {
    const slow = this.slow;
    if (!slow || slow.queue.length === 0) {
      if (slow) slow.draining = false;
      return;
    }
    slow.draining = true;
    const size = approximateBytes(slow.queue[0]!.msg);
    this.model.sessionTimer(this.session, (size / slow.bytesPerSecond) * 1000, () => {
      if (this.slow !== slow) return;
      const held = slow.queue.shift()!;
      slow.heldBytes -= size;
      this.inner.send(held.msg, held.journalSeq);
      this.drainNext();
    });
  }
}
