/**
 * The recorded history of a run: every collector operation as `invoke` followed by `ok`, `fail`
 * or `info` (an `info` completion means the outcome is unknown — a timeout, for instance, after
 * which the gateway may still have acted). One format for tests, `npm start` and the reports.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

export interface OpError {
  code: string;
  message: string;
  ibCode?: number;
}

export interface OpEvent {
  seq: number;
  /** Model time, epoch ms. */
  at: number;
  type: OpType;
  /** Pairs an invoke with its completion. */
  opId: number;
  /** What was done: connect, qualify, history, disconnect, reconnect, … */
  op: string;
  /** Who did it, e.g. `ui/page-2` or `worker-1/task-3`. */
  actor: string;
  /** The OS-process-like unit the actor belongs to (`ui`, `worker-1`): one connection per process is an invariant. */
  process?: string;
  strategy?: string;
  clientId?: number;
  reqId?: number;
  args?: Record<string, unknown>;
  value?: unknown;
  error?: OpError;
}

export interface OpContext {
  actor: string;
  process?: string;
  strategy?: string;
}

export interface OpHandle {
  readonly opId: number;
  ok(value?: unknown, extra?: Partial<Pick<OpEvent, 'clientId' | 'reqId'>>): void;
  fail(error: unknown, extra?: Partial<Pick<OpEvent, 'clientId' | 'reqId'>>): void;
  info(note: unknown, extra?: Partial<Pick<OpEvent, 'clientId' | 'reqId'>>): void;
}

export function toOpError(err: unknown): OpError {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; ibCode?: unknown; name?: unknown };
    return {
      code: typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'ERROR',
      message: typeof e.message === 'string' ? e.message : String(err),
      ...(typeof e.ibCode === 'number' ? { ibCode: e.ibCode } : {}),
    };
  }
  return { code: 'ERROR', message: String(err) };
}

/** Collects OpEvents in memory; `now` is the run's clock. */
export class OpRecorder {
  private readonly list: OpEvent[] = [];
  private seq = 0;
  private nextOpId = 1;

  constructor(private readonly now: () => number) {}

  invoke(ctx: OpContext, op: string, args?: Record<string, unknown>, extra: Partial<Pick<OpEvent, 'clientId' | 'reqId'>> = {}): OpHandle {
    const opId = this.nextOpId++;
    const base = { opId, op, actor: ctx.actor, ...(ctx.process ? { process: ctx.process } : {}), ...(ctx.strategy ? { strategy: ctx.strategy } : {}) };
    this.push({ ...base, type: 'invoke', ...(args ? { args } : {}), ...extra });
    let done = false;
    const finish = (type: Exclude<OpType, 'invoke'>, payload: Partial<OpEvent>) => {
      if (done) return;
      done = true;
      this.push({ ...base, type, ...payload });
    };
    return {
      opId,
      ok: (value, x = {}) => finish('ok', { ...(value === undefined ? {} : { value }), ...x }),
      fail: (error, x = {}) => finish('fail', { error: toOpError(error), ...x }),
      info: (note, x = {}) => finish('info', { error: toOpError(note), ...x }),
    };
  }

  events(): readonly OpEvent[] {
    return this.list;
  }

  private push(e: Omit<OpEvent, 'seq' | 'at'>): void {
    this.list.push({ seq: ++this.seq, at: this.now(), ...e } as OpEvent);
  }
}

/** A recorder that keeps nothing, for library users who do not record. */
export const noRecorder = {
  invoke: (): OpHandle => ({ opId: 0, ok() {}, fail() {}, info() {} }),
};

export type Recorder = Pick<OpRecorder, 'invoke'>;
