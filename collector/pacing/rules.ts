/**
 * IB's historical-data pacing rules (docs/wire-facts/pacing.md#historical-pacing-162), as data, and the pure function that says
 * when a request may go out given what was already sent. Breaking any of them earns error 162
 * "Historical data request pacing violation".
 */
export interface PacingRules {
  /** No identical request within this window. IB: 15 s. */
  identicalWindowMs: number;
  /** At most `perContractMax` requests for one contract+exchange+whatToShow within this window. IB: 2 s. */
  perContractWindowMs: number;
  /** IB: "6 or more ... within 2 seconds" is a violation, so 5. */
  perContractMax: number;
  /** At most `globalMax` requests within this window. IB: 60 per 10 minutes. */
  globalWindowMs: number;
  globalMax: number;
  /** Simultaneously open historical requests. IB: 50. */
  maxInFlight: number;
  /** How much a request counts toward the window limits, by whatToShow. IB: BID_ASK counts twice. */
  weights: Readonly<Record<string, number>>;
  /**
   * Added to every window: IB measures arrival at its server, and transit jitter can bring two
   * requests closer together than we sent them.
   */
  marginMs: number;
  /**
   * Bar sizes the window rules apply to. IB documents them for bars of 30 secs and less and says
   * they "have been lifted" above, with soft throttling still possible; 'all' is the safe default.
   * The in-flight limit applies to every request regardless.
   */
  barSizes: 'all' | readonly string[];
}

/** Bar sizes IB's documented pacing rules are written for. */
export const SMALL_BAR_SIZES: readonly string[] = ['1 secs', '5 secs', '10 secs', '15 secs', '30 secs'];

export const IB_PACING_RULES: PacingRules = {
  identicalWindowMs: 15_000,
  perContractWindowMs: 2_000,
  perContractMax: 5,
  globalWindowMs: 600_000,
  globalMax: 60,
  maxInFlight: 50,
  weights: { BID_ASK: 2 },
  marginMs: 250,
  barSizes: 'all',
};

export interface PacedRequest {
  /** Equal keys = "identical request" (same contract, end, duration, bar size, whatToShow, RTH). */
  key: string;
  /** Contract + exchange, e.g. "29612193@SMART". */
  contractKey: string;
  whatToShow: string;
  /** Used only to decide whether the window rules apply; absent = they apply. */
  barSize?: string;
}

export interface SentRecord {
  at: number;
  key: string;
  contractKey: string;
  whatToShow: string;
  weight: number;
}

export function weightOf(req: PacedRequest, rules: PacingRules): number {
  return rules.weights[req.whatToShow] ?? 1;
}

export function windowRulesApply(req: PacedRequest, rules: PacingRules): boolean {
  return rules.barSizes === 'all' || req.barSize === undefined || rules.barSizes.includes(req.barSize);
}

/** The longest any record can still matter; older history can be dropped. */
export function historyHorizonMs(rules: PacingRules): number {
  return Math.max(rules.identicalWindowMs, rules.perContractWindowMs, rules.globalWindowMs) + rules.marginMs;
}

/**
 * Earliest time ≥ `now` at which `req` may be sent without breaking a window rule, given the
 * requests already sent (`history`, all at or before `now`). The in-flight limit is not a
 * function of time and is left to the scheduler. Infinity if `req` alone exceeds a limit.
 */
export function earliestAllowed(history: readonly SentRecord[], req: PacedRequest, now: number, rules: PacingRules): number {
  if (!windowRulesApply(req, rules)) return now;
  const weight = weightOf(req, rules);
  let t = now;
  const sameContract: SentRecord[] = [];
  for (const rec of history) {
    if (rec.key === req.key) t = Math.max(t, rec.at + rules.identicalWindowMs + rules.marginMs);
    if (rec.contractKey === req.contractKey && rec.whatToShow === req.whatToShow) sameContract.push(rec);
  }
  t = Math.max(t, earliestWithinBudget(sameContract, rules.perContractWindowMs + rules.marginMs, rules.perContractMax - weight));
  t = Math.max(t, earliestWithinBudget(history, rules.globalWindowMs + rules.marginMs, rules.globalMax - weight));
  return t;
}

/**
 * Earliest t at which the weight of records inside (t - windowMs, t] is at most `budget`: walking
 * from the newest record back, the first one that would overflow the budget must have left the
 * window, and so must everything older.
 */
function earliestWithinBudget(records: readonly SentRecord[], windowMs: number, budget: number): number {
  if (budget < 0) return Infinity;
  const newestFirst = [...records].sort((a, b) => b.at - a.at);
  let used = 0;
  for (const rec of newestFirst) {
    used += rec.weight;
    if (used > budget) return rec.at + windowMs;
  }
  return -Infinity;
}

/** Which limit a request alone can never satisfy, if any. */
export function impossibleRequest(req: PacedRequest, rules: PacingRules): string | null {
  if (!windowRulesApply(req, rules)) return null;
  const weight = weightOf(req, rules);
  if (weight > rules.perContractMax) return `weight ${weight} exceeds perContractMax ${rules.perContractMax}`;
  if (weight > rules.globalMax) return `weight ${weight} exceeds globalMax ${rules.globalMax}`;
  return null;
}
