/**
 * The bars of the verdict's HTML timeline, kept within a fixed budget while the journal streams by:
 * one row per connection (the first `maxConnections`), a lifeline from connect to close, one bar
 * per request from arrival to answer (the first `maxBars`), and markers for 326, 162 and 100.
 * What did not fit is counted, and the caption says so.
 */
import type { VerdictConfig } from './config.ts';
import type { Conn, Req } from './state.ts';

export const VERDICT_BAR_KINDS = ['connection', 'answered', 'served after the client gave up', 'error', 'unanswered'] as const;
export const VERDICT_BAR_COLORS = ['#d0d7de', '#0969da', '#fb8f44', '#cf222e', '#8c959f'];
export const VERDICT_MARK_KINDS = ['326 refused', 'pacing 162', 'rate 100', 'closed by the gateway'] as const;
export const VERDICT_MARK_SHAPES = ['triangle-down', 'square', 'diamond', 'cross'];
export const VERDICT_MARK_COLORS = ['#cf222e', '#8250df', '#bf8700', '#1f2328'];

export type BarKind = (typeof VERDICT_BAR_KINDS)[number];
export type MarkKind = (typeof VERDICT_MARK_KINDS)[number];

export interface TimelineBar {
  conn: Conn;
  /** Model time, epoch ms. */
  start: number;
  /** Undefined while open (drawn to the end of the window). */
  end: number | undefined;
  kind: BarKind;
  mark?: MarkKind;
  label: string;
}

export interface TimelineData {
  rows: Conn[];
  bars: TimelineBar[];
  omittedBars: number;
  omittedConnections: number;
}

export class TimelineRecorder {
  private readonly rows: Conn[] = [];
  private readonly drawn = new Set<Conn>();
  private readonly lifelines = new Map<Conn, TimelineBar>();
  private readonly bars: TimelineBar[] = [];
  private readonly byReq = new Map<Req, TimelineBar>();
  private omittedBars = 0;
  private omittedConnections = 0;

  constructor(private readonly cfg: VerdictConfig['timeline']) {}

  connected(c: Conn): void {
    if (this.rows.length >= this.cfg.maxConnections) {
      this.omittedConnections++;
      return;
    }
    this.rows.push(c);
    this.drawn.add(c);
    const bar = this.add(c, c.connectedAt, 'connection', `connected from ${c.remote}`);
    if (bar) this.lifelines.set(c, bar);
  }

  disconnected(c: Conn, at: number, byGateway: boolean, reason: string): void {
    const bar = this.lifelines.get(c);
    if (!bar) return;
    bar.end = at;
    if (byGateway && reason !== 'client id in use') bar.mark = 'closed by the gateway';
    bar.label += `; closed (${reason})`;
    this.lifelines.delete(c);
  }

  request(r: Req): void {
    if (!this.drawn.has(r.conn)) return;
    const bar = this.add(r.conn, r.at, 'unanswered', `${r.type} reqId ${r.reqId}${r.contract ? ` ${r.contract}` : ''}`);
    if (bar) this.byReq.set(r, bar);
  }

  /** The request ended: answered, an error, or served after its client gave up. */
  finished(r: Req, at: number, kind: BarKind, mark?: MarkKind): void {
    const bar = this.byReq.get(r);
    if (!bar) return;
    this.byReq.delete(r);
    bar.end = at;
    bar.kind = kind;
    if (mark) bar.mark = mark;
  }

  /** A request that will not be drawn further (dropped with its connection). */
  dropped(r: Req): void {
    this.byReq.delete(r);
  }

  /** A marker on a connection's row with no request to hang it on (326, 100). */
  mark(c: Conn, at: number, mark: MarkKind, label: string): void {
    if (!this.drawn.has(c)) return;
    const bar = this.add(c, at, 'connection', label, at);
    if (bar) bar.mark = mark;
  }

  private add(conn: Conn, start: number, kind: BarKind, label: string, end?: number): TimelineBar | undefined {
    if (this.bars.length >= this.cfg.maxBars) {
      this.omittedBars++;
      return undefined;
    }
    const bar: TimelineBar = { conn, start, end, kind, label };
    this.bars.push(bar);
    return bar;
  }

  data(): TimelineData {
    return { rows: [...this.rows], bars: [...this.bars], omittedBars: this.omittedBars, omittedConnections: this.omittedConnections };
  }
}
