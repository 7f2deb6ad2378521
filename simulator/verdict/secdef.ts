/**
 * The gateway's sec-def queue as the journal shows it: contract-details requests wait in one FIFO
 * across every client and are served one at a time (docs/wire-facts/pacing.md#contract-details-throttling;
 * the model: simulator/model/secdef-queue.ts). Each SECDEF_SERVED note gives the gateway's own
 * account of a request's queue wait and service time; from the requests still waiting while one
 * was served, the verdict says whose requests made the others wait.
 */
import { LogHistogram, TopK } from './bounded.ts';
import type { VerdictConfig } from './config.ts';
import { modelDuration as formatMs } from '../../reports/render/format.ts';
import { checkFields, type Checks, type RequestRef } from './schema.ts';
import type { Conn, Limits, Req, Timebase } from './state.ts';

interface Culprit {
  host: string;
  clientId: number | null;
  served: number;
  servedForNobody: number;
  imposedWaitMs: number;
}

interface LongWait {
  request: RequestRef | null;
  waitMs: number;
  serviceMs: number;
  servedAt: string;
  servedTMs: number;
}

const OTHERS = '(other clients)';

export class SecdefView {
  /** The waiting list, in arrival order. */
  private head: Req | undefined;
  private tail: Req | undefined;
  private waitingCount = 0;
  private readonly waits = new LogHistogram();
  private readonly longest: TopK<LongWait>;
  private readonly culprits = new Map<string, Culprit>();
  private overMax = 0;
  /** Requests of connections that had closed or moved on, served anyway: model ms of service. */
  wastedServiceMs = 0;

  constructor(
    private readonly cfg: VerdictConfig,
    private readonly time: Timebase,
    private readonly limits: Limits,
  ) {
    this.longest = new TopK(cfg.maxEvidence);
  }

  get waiting(): number {
    return this.waitingCount;
  }

  enqueue(r: Req): void {
    r.inQueue = true;
    r.qPrev = this.tail;
    r.qNext = undefined;
    if (this.tail) this.tail.qNext = r;
    else this.head = r;
    this.tail = r;
    r.conn.waitingSecdef++;
    this.waitingCount++;
  }

  remove(r: Req): void {
    if (!r.inQueue) return;
    if (r.qPrev) r.qPrev.qNext = r.qNext;
    else this.head = r.qNext;
    if (r.qNext) r.qNext.qPrev = r.qPrev;
    else this.tail = r.qPrev;
    r.qPrev = r.qNext = undefined;
    r.inQueue = false;
    r.conn.waitingSecdef--;
    this.waitingCount--;
  }

  /** Every request still waiting, oldest first (for gateway events that drop the queue). */
  *queued(): Generator<Req> {
    for (let r = this.head; r; r = r.qNext) yield r;
  }

  /**
   * The gateway finished serving a request (`r` undefined: one the journal never showed arriving).
   * Every request of another connection still waiting and already there when its service began
   * waited `serviceMs` behind it; one that arrived during the service waited for the rest of it.
   */
  served(r: Req | undefined, waitMs: number, serviceMs: number, at: number): void {
    if (r) this.remove(r);
    this.waits.add(waitMs);
    if (waitMs > this.cfg.secdefWait.maxMs) this.overMax++;
    if (this.longest.admits(waitMs)) {
      this.longest.offer(waitMs, () => ({
        request: r ? this.time.requestRef(r) : null,
        waitMs,
        serviceMs,
        servedAt: this.time.iso(at),
        servedTMs: this.time.tMs(at),
      }));
    }
    if (!r) return;
    if (r.abandoned) this.wastedServiceMs += serviceMs;
    const others = this.waitingCount - r.conn.waitingSecdef;
    if (others <= 0) return;
    const start = at - serviceMs;
    let imposed = serviceMs * others;
    for (let q = this.tail; q && q.at > start; q = q.qPrev) if (q.conn !== r.conn) imposed -= q.at - start;
    const c = this.culprit(r.conn);
    c.served++;
    if (r.abandoned) c.servedForNobody++;
    c.imposedWaitMs += Math.max(0, imposed);
  }

  private culprit(conn: Conn): Culprit {
    const key = `${conn.host}#${conn.clientId}`;
    let c = this.culprits.get(key);
    if (c) return c;
    if (this.culprits.size >= this.limits.maxClientIds) {
      this.limits.evicted++;
      c = this.culprits.get(OTHERS);
      if (!c) this.culprits.set(OTHERS, (c = { host: OTHERS, clientId: null, served: 0, servedForNobody: 0, imposedWaitMs: 0 }));
      return c;
    }
    c = { host: conn.host, clientId: conn.clientId, served: 0, servedForNobody: 0, imposedWaitMs: 0 };
    this.culprits.set(key, c);
    return c;
  }

  report(gating: boolean): Checks['secdef-wait'] {
    const { p99Ms, maxMs } = this.cfg.secdefWait;
    const w = this.waits;
    const p50 = w.quantile(0.5);
    const p99 = w.quantile(0.99);
    const found = p99 > p99Ms || this.overMax > 0;
    const ranked = [...this.culprits.values()].filter((c) => c.imposedWaitMs > 0).sort((a, b) => b.imposedWaitMs - a.imposedWaitMs);
    const culprits = ranked.slice(0, this.cfg.maxEvidence);
    const top = culprits[0];
    const evidence = this.longest.items();
    const headline =
      w.count === 0
        ? 'no contract-details request was served'
        : `p50 ${formatMs(p50)}, p99 ${formatMs(p99)}, max ${formatMs(w.max)} over ${w.count} request(s) (limits: p99 ${formatMs(p99Ms)}, max ${formatMs(maxMs)})${
            top ? `; most waiting caused by client ${top.clientId} from ${top.host} (${formatMs(top.imposedWaitMs)} imposed on others)` : ''
          }`;
    return {
      ...checkFields('secdef-wait', gating, { found: found, count: this.overMax, headline, evidence, omitted: w.count - evidence.length }),
      served: w.count,
      p50Ms: p50,
      p99Ms: p99,
      maxMs: w.max,
      meanMs: w.mean,
      thresholds: { p99Ms, maxMs },
      culprits,
      culpritsOmitted: ranked.length - culprits.length,
    };
  }
}
