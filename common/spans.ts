/**
 * Request → answer pairing over a recorded exchange of wire messages (the simulator's journal, or
 * a run record's copy of it): the one definition of "answered" for tests, run views and
 * invariants. docs/wire-facts/history.md#what-answers-a-request
 *
 *  - A request is answered by its end marker: the data messages, then the message that ends them
 *    (CONTRACT_DATA… then CONTRACT_DATA_END), or one message that is both (below server version
 *    196 a HISTORICAL_DATA message carries all bars and the end; from 196 HISTORICAL_DATA_END
 *    follows).
 *  - Or by an error bearing its request id that ends it (common/ib/request-errors.ts `endsRequest`):
 *    warnings such as 2174, sent before the data, do not; 100 carries no request id at all.
 *  - A timeout is not an answer: the recording holds only what crossed the wire, and a request
 *    the client gave up on stays unanswered until the gateway answers it.
 */
import { endsRequest } from './ib/request-errors.ts';

/** One recorded frame; the simulator's JournalEntry is one. */
export interface WireEntry {
  seq: number;
  /** Model time, epoch ms. */
  at: number;
  sessionId: number;
  dir: 'in' | 'out';
  message: { type: string; [field: string]: unknown };
}

export interface Span<E extends WireEntry = WireEntry> {
  sessionId: number;
  reqId: number;
  request: E;
  /** The data messages that arrived for it, in order. */
  data: E[];
  /** The frame that answered it (end marker or error); undefined while unanswered. */
  end: E | undefined;
  /** How it was answered: 'data' (its end marker) or 'error'; undefined while unanswered. */
  outcome: 'data' | 'error' | undefined;
}

interface AnswerShape {
  /** Message types carrying data for the request. */
  data: readonly string[];
  /** Whether an outgoing message (already known to carry the request's id) ends it. */
  ends(message: WireEntry['message']): boolean;
}

const endsWith =
  (type: string) =>
  (m: WireEntry['message']): boolean =>
    m.type === type;

/** What answers each request that has a reqId and an answer (docs/wire-facts/history.md#what-answers-a-request). */
export const ANSWERS: Readonly<Record<string, AnswerShape>> = {
  REQ_CONTRACT_DATA: { data: ['CONTRACT_DATA'], ends: endsWith('CONTRACT_DATA_END') },
  REQ_HISTORICAL_DATA: {
    data: ['HISTORICAL_DATA'],
    // Below server version 196 the data message carries the start and end dates and is the end itself.
    ends: (m) => m.type === 'HISTORICAL_DATA_END' || (m.type === 'HISTORICAL_DATA' && m.endDate !== undefined),
  },
  REQ_HEAD_TIMESTAMP: { data: [], ends: endsWith('HEAD_TIMESTAMP') },
  REQ_MATCHING_SYMBOLS: { data: [], ends: endsWith('SYMBOL_SAMPLES') },
  REQ_ACCOUNT_SUMMARY: { data: ['ACCOUNT_SUMMARY'], ends: endsWith('ACCOUNT_SUMMARY_END') },
  REQ_ACCOUNT_UPDATES_MULTI: { data: ['ACCOUNT_UPDATE_MULTI'], ends: endsWith('ACCOUNT_UPDATE_MULTI_END') },
  REQ_POSITIONS_MULTI: { data: ['POSITION_MULTI'], ends: endsWith('POSITION_MULTI_END') },
  REQ_EXECUTIONS: { data: ['EXECUTION_DATA'], ends: endsWith('EXECUTION_DATA_END') },
};

const NO_ANSWER: AnswerShape = { data: [], ends: () => false };

/**
 * Every request of the given types (default: every type in ANSWERS) paired with its answer, in
 * arrival order. Frames are matched by session and request id; when a session has several open
 * requests with one id, the oldest takes the frame.
 */
export function spans<E extends WireEntry>(entries: readonly E[], requestTypes: string | readonly string[] = Object.keys(ANSWERS)): Span<E>[] {
  const wanted = new Set(typeof requestTypes === 'string' ? [requestTypes] : requestTypes);
  const all: Span<E>[] = [];
  const open = new Map<string, Span<E>[]>();
  for (const e of entries) {
    const m = e.message;
    if (e.dir === 'in') {
      if (!wanted.has(m.type) || typeof m.reqId !== 'number') continue;
      const span: Span<E> = { sessionId: e.sessionId, reqId: m.reqId, request: e, data: [], end: undefined, outcome: undefined };
      all.push(span);
      const key = `${e.sessionId}/${m.reqId}`;
      open.set(key, [...(open.get(key) ?? []), span]);
      continue;
    }
    if (m.type === 'ERR_MSG') {
      const id = Number(m.id);
      if (!endsRequest(id, Number(m.code))) continue;
      close(open, `${e.sessionId}/${id}`, () => true, e, 'error');
      continue;
    }
    if (typeof m.reqId !== 'number') continue;
    const key = `${e.sessionId}/${m.reqId}`;
    const span = open.get(key)?.find((s) => shapeOf(s).data.includes(m.type) || shapeOf(s).ends(m));
    if (!span) continue;
    if (shapeOf(span).data.includes(m.type)) span.data.push(e);
    if (shapeOf(span).ends(m)) close(open, key, (s) => s === span, e, 'data');
  }
  return all;
}

const shapeOf = (s: Span<WireEntry>): AnswerShape => ANSWERS[s.request.message.type] ?? NO_ANSWER;

function close<E extends WireEntry>(open: Map<string, Span<E>[]>, key: string, which: (s: Span<E>) => boolean, end: E, outcome: 'data' | 'error'): void {
  const list = open.get(key);
  const i = list?.findIndex(which) ?? -1;
  if (!list || i < 0) return;
  const [span] = list.splice(i, 1);
  span!.end = end;
  span!.outcome = outcome;
  if (list.length === 0) open.delete(key);
}
