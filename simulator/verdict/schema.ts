/**
 * The verdict's file format, `ibkr-harness/verdict@1`: one zod schema that gives both the
 * TypeScript type and the validator (`parseVerdict`). A change that breaks readers of `@1` gets a
 * new version; adding an optional field does not.
 *
 * Times are model time: `at` as an ISO string, `tMs` as model ms since the first entry the verdict
 * saw. Lists of evidence keep their first `maxEvidence` items; `omitted` counts the rest.
 */
import { z } from 'zod';
import { parseWith } from '../../common/schema.ts';

export const VERDICT_SCHEMA = 'ibkr-harness/verdict@1';

/** The checks, by the id `--fail-on` takes, in report order. */
export const CHECK_IDS = ['326', 'churn', 'concurrency', 'abandoned', 'duplicate', 'secdef-wait', 'rate', 'pacing', 'unanswered', 'open-orders'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export const CHECK_TITLES: Record<CheckId, string> = {
  '326': 'client id already in use (326)',
  churn: 'connection churn',
  concurrency: 'more concurrent connections than remote processes',
  abandoned: 'abandoned requests the gateway still served',
  duplicate: 'duplicate in-flight requests across connections',
  'secdef-wait': 'sec-def queue waits',
  rate: 'message-rate violations (100) and warnings',
  pacing: 'historical pacing violations (162)',
  unanswered: 'requests still unanswered',
  'open-orders': 'orders still open',
};

const count = z.number().int().min(0);
const ms = z.number().min(0);
const time = { at: z.string(), tMs: z.number() };

/**
 * The thresholds a verdict was judged by (the effective configuration, defaults filled in; the
 * file a user writes is validated by simulator/verdict/config.ts, every field optional there).
 */
export const verdictConfigSchema = z.strictObject({
  /**
   * How remote processes are counted: `"host"` counts distinct remote hosts (in-process clients:
   * their process name); a number declares how many processes the app runs, for when they share a
   * host (several processes on one CI machine all connect from 127.0.0.1).
   */
  remoteProcesses: z.union([z.literal('host'), count.min(1)]),
  /** Evidence items kept per check (the rest are counted as `omitted`). */
  maxEvidence: count.min(1),
  /** More connects than this from one remote process within any 60 s is churn. */
  churn: z.strictObject({ maxConnectsPerMinute: count }),
  /** More API connections at once per remote process than this is flagged. */
  concurrency: z.strictObject({ maxConnectionsPerProcess: count.min(1) }),
  /** Model ms: a 99th percentile of sec-def queue waits above `p99Ms`, or any wait above `maxMs`, is flagged. */
  secdefWait: z.strictObject({ p99Ms: count, maxMs: count }),
  /** `failOnWarnings`: rate warnings count too (by default only 100s and closes do); `warningCodes`: more codes that are warnings. */
  rate: z.strictObject({ failOnWarnings: z.boolean(), warningCodes: z.array(z.number().int()) }),
  /** Requests younger than `minAgeMs` (model ms) when the verdict is taken are not counted as unanswered. */
  unanswered: z.strictObject({ minAgeMs: count }),
  /** Checks that fail the verdict when `--fail-on` is not given. */
  failOn: z.array(z.enum(CHECK_IDS)),
  /** Bars kept for the HTML timeline, and connections (rows) drawn. */
  timeline: z.strictObject({ maxBars: count.min(1), maxConnections: count.min(1) }),
});

/** A client connection as evidence names it. */
export const connRefSchema = z.strictObject({ sessionId: count, clientId: z.number().int().nullable(), remote: z.string() });
export type ConnRef = z.infer<typeof connRefSchema>;

/** A request as evidence names it: its connection, reqId, what it asked, when it arrived. */
export const requestRefSchema = z.strictObject({
  type: z.string(),
  reqId: z.number().int(),
  contract: z.string().nullable(),
  conn: connRefSchema,
  seq: count,
  ...time,
});
export type RequestRef = z.infer<typeof requestRefSchema>;

const base = <E extends z.ZodType>(id: CheckId, evidence: E) => ({
  id: z.literal(id),
  title: z.string(),
  status: z.enum(['found', 'clean']),
  /** In `--fail-on`: a `found` here fails the verdict. */
  gating: z.boolean(),
  count: count,
  headline: z.string(),
  evidence: z.array(evidence),
  omitted: count,
});

const clash = z.strictObject({
  ...time,
  seq: count,
  refused: connRefSchema,
  holder: connRefSchema.nullable(),
  holderState: z.enum(['connected', 'held-after-disconnect', 'unknown']),
  holderSince: z.string().nullable(),
});

const churnHost = z.strictObject({
  host: z.string(),
  connects: count,
  peakPerMinute: count,
  windowStart: z.string(),
  windowEnd: z.string(),
  tMs: z.number(),
  sample: z.array(connRefSchema),
});

const concurrencyPeak = z.strictObject({ process: z.string(), peak: count, ...time, connections: z.array(connRefSchema) });

const abandonedRequest = z.strictObject({
  how: z.enum(['re-sent', 'cancelled', 'disconnected']),
  request: requestRefSchema,
  abandonedAt: z.string(),
  abandonedTMs: z.number(),
  resentAs: z.number().int().nullable(),
  /** When the gateway served it anyway; null: still queued when the verdict was taken. */
  servedAt: z.string().nullable(),
  servedTMs: z.number().nullable(),
  /** Model ms of sec-def service it took (contract details only). */
  serviceMs: ms.nullable(),
});

const duplicateRequest = z.strictObject({ key: z.string(), request: requestRefSchema, other: requestRefSchema, otherConnectionClosed: z.boolean() });

const longWait = z.strictObject({ request: requestRefSchema.nullable(), waitMs: ms, serviceMs: ms, servedAt: z.string(), servedTMs: z.number() });
const culprit = z.strictObject({
  host: z.string(),
  clientId: z.number().int().nullable(),
  /** Its requests served while requests of other connections waited. */
  served: count,
  /** Of those, requests whose client had already given up (disconnected, re-sent or cancelled). */
  servedForNobody: count,
  /** Model ms other connections' requests spent waiting behind its requests. */
  imposedWaitMs: ms,
});

const rateEvent = z.strictObject({
  kind: z.enum(['violation', 'warning', 'closed']),
  conn: connRefSchema,
  ...time,
  code: z.number().int().nullable(),
  message: z.string(),
});
const pacingEvent = z.strictObject({ conn: connRefSchema, reqId: z.number().int(), request: requestRefSchema.nullable(), ...time, message: z.string() });
const unansweredRequest = z.strictObject({ request: requestRefSchema, ageMs: ms, droppedBy: z.string().nullable() });
const openOrder = z.strictObject({
  clientId: z.number().int().nullable(),
  orderId: z.number().int(),
  status: z.string(),
  contract: z.string(),
  action: z.string(),
  quantity: z.string(),
  orderType: z.string(),
  placedAt: z.string().nullable(),
  lastStatusAt: z.string().nullable(),
  conn: connRefSchema.nullable(),
});

export const checksSchema = z.strictObject({
  '326': z.strictObject(base('326', clash)),
  churn: z.strictObject({ ...base('churn', churnHost), maxConnectsPerMinute: count }),
  concurrency: z.strictObject({
    ...base('concurrency', concurrencyPeak),
    peakConnections: count,
    remoteProcesses: count,
    maxConnectionsPerProcess: count,
  }),
  abandoned: z.strictObject({
    ...base('abandoned', abandonedRequest),
    byHow: z.strictObject({ 're-sent': count, cancelled: count, disconnected: count }),
    stillQueued: count,
    /** Cancels the gateway honoured (nothing served): counted, not a finding. */
    cancelsHonoured: count,
    /** Requests lost with their connection that the gateway did not serve (history timers end with it). */
    droppedWithConnection: count,
    wastedServiceMs: ms,
  }),
  duplicate: z.strictObject(base('duplicate', duplicateRequest)),
  'secdef-wait': z.strictObject({
    ...base('secdef-wait', longWait),
    served: count,
    p50Ms: ms,
    p99Ms: ms,
    maxMs: ms,
    meanMs: ms,
    thresholds: z.strictObject({ p99Ms: ms, maxMs: ms }),
    culprits: z.array(culprit),
    culpritsOmitted: count,
  }),
  rate: z.strictObject({ ...base('rate', rateEvent), violations: count, warnings: count, closed: count }),
  pacing: z.strictObject(base('pacing', pacingEvent)),
  unanswered: z.strictObject(base('unanswered', unansweredRequest)),
  'open-orders': z.strictObject({ ...base('open-orders', openOrder), ordersSeen: count }),
});

export const verdictSchema = z.strictObject({
  schema: z.literal(VERDICT_SCHEMA),
  /** Taken when the simulator stopped (true), or a look at what happened so far (`GET /verdict`). */
  final: z.boolean(),
  pass: z.boolean(),
  failOn: z.array(z.enum(CHECK_IDS)),
  /** Gating checks that found something. */
  failed: z.array(z.enum(CHECK_IDS)),
  /** Every check that found something, gating or not. */
  found: z.array(z.enum(CHECK_IDS)),
  window: z.strictObject({ from: z.string().nullable(), to: z.string(), durationMs: ms }),
  remoteProcess: z.strictObject({ by: z.enum(['host', 'declared']), count: count, note: z.string() }),
  summary: z.strictObject({
    framesIn: count,
    framesOut: count,
    connections: count,
    apiSessions: count,
    clientIds: count,
    hosts: count,
    requests: count,
    answered: count,
    resets: count,
    restarts: count,
  }),
  config: verdictConfigSchema,
  analyser: z.strictObject({
    errors: count,
    firstError: z.string().nullable(),
    /** State dropped to stay within its bounds (open requests, orders, hosts, client ids): 0 in any ordinary run. */
    evicted: count,
  }),
  checks: checksSchema,
});

export type Verdict = z.infer<typeof verdictSchema>;
export type Checks = Verdict['checks'];

/**
 * The fields every check shares: `found` decides the status; the title comes from CHECK_TITLES.
 * `evidence` is what was kept, `count` what was found, `omitted` how much evidence was left out.
 */
export function checkFields<K extends CheckId, E>(
  id: K,
  gating: boolean,
  o: { found: boolean; count: number; headline: string; evidence: E[]; omitted: number },
): { id: K; title: string; status: 'found' | 'clean'; gating: boolean; count: number; headline: string; evidence: E[]; omitted: number } {
  return {
    id,
    title: CHECK_TITLES[id],
    status: o.found ? 'found' : 'clean',
    gating,
    count: o.count,
    headline: o.headline,
    evidence: o.evidence,
    omitted: o.omitted,
  };
}

/** `checkFields` for evidence kept in a BoundedList-like list: found when anything was pushed. */
export function listCheck<K extends CheckId, E>(id: K, gating: boolean, list: { items: E[]; omitted: number; total: number }, headline: string) {
  return checkFields(id, gating, { found: list.total > 0, count: list.total, headline, evidence: list.items, omitted: list.omitted });
}

/** Validate a verdict read from a file or an HTTP answer; throws a SchemaError naming the first bad field. */
export function parseVerdict(input: unknown): Verdict {
  return parseWith(verdictSchema, input, 'verdict');
}
