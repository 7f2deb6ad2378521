/**
 * When a historical request may go out, given what was already sent: the collector's side of
 * IB's pacing rules. The rules themselves (values, identity, weight, which bar sizes) are defined
 * once in common/ib/pacing.ts (docs/wire-facts/pacing.md#historical-pacing-162); this module
 * turns them into a send time. Breaking one earns error 162 "Historical data request pacing
 * violation".
 */
import { IB_HISTORICAL_PACING, pacingWeight, windowRulesApply, type HistoricalPacingRules, type PacedRequest } from '../../common/ib/pacing.ts';

export type { PacedRequest };

export interface PacingRules extends HistoricalPacingRules {
  /**
   * Added to every window: IB measures arrival at its server, and transit and scheduling jitter
   * can bring two requests closer together than we sent them. Jitter is physical, so when the
   * rules are turned into wall time (a scaled clock) the margin stays this many wall ms
   * (collector/coordination/budget-judge.ts budgetRulesInWallMs).
   */
  marginMs: number;
}

/**
 * The collector's defaults: IB's rules, applied to every bar size (IB says soft throttling may
 * still meet bars above 30 secs, so pacing them costs little and risks nothing), with a margin.
 */
export const DEFAULT_PACING_RULES: PacingRules = { ...IB_HISTORICAL_PACING, maxBarSeconds: null, marginMs: 250 };

export interface SentRecord {
  at: number;
  identityKey: string;
  contractKey: string;
  weight: number;
}

export function weightOf(req: PacedRequest, rules: PacingRules): number {
  return pacingWeight(req.whatToShow, rules);
}

/** Whether the window rules count this request (the open-request limit counts every one). */
export function isPaced(req: PacedRequest, rules: PacingRules): boolean {
  return windowRulesApply(req.barSeconds, rules);
}

/** The longest any record can still matter; older history can be dropped. */
export function historyHorizonMs(rules: PacingRules): number {
  return Math.max(rules.identicalWindowMs, rules.sameContractWindowMs, rules.windowMs) + rules.marginMs;
}

/** The window rules, by the names the budget reports them under. */
export type WindowRule = 'identical' | 'same-contract' | 'window';

/**
 * Earliest time ≥ `now` at which `req` may be sent without breaking a window rule, given the
 * requests already sent (`history`, all at or before `now`). The in-flight limit is not a
 * function of time and is left to the scheduler. Infinity if `req` alone exceeds a limit.
 */
export function earliestAllowed(history: readonly SentRecord[], req: PacedRequest, now: number, rules: PacingRules): number {
  return bindingRule(history, req, now, rules).at;
}

/** `earliestAllowed`, and which rule decides it (null when nothing holds the request back). */
export function bindingRule(history: readonly SentRecord[], req: PacedRequest, now: number, rules: PacingRules): { at: number; rule: WindowRule | null } {
  if (!isPaced(req, rules)) return { at: now, rule: null };
  const weight = weightOf(req, rules);
  let identical = -Infinity;
  const sameContract: SentRecord[] = [];
  for (const rec of history) {
    if (rec.identityKey === req.identityKey) identical = Math.max(identical, rec.at + rules.identicalWindowMs + rules.marginMs);
    if (rec.contractKey === req.contractKey) sameContract.push(rec);
  }
  const candidates: Array<[number, WindowRule]> = [
    [identical, 'identical'],
    [earliestWithinBudget(sameContract, rules.sameContractWindowMs + rules.marginMs, rules.sameContractMax - weight), 'same-contract'],
    [earliestWithinBudget(history, rules.windowMs + rules.marginMs, rules.windowMax - weight), 'window'],
  ];
  let best: { at: number; rule: WindowRule | null } = { at: now, rule: null };
  for (const [at, rule] of candidates) if (at > best.at) best = { at, rule };
  return best;
}

/**
 * Earliest t at which the weight of records inside (t - windowMs, t] is at most `budget`: walking
 * from the newest record back, the first one that would overflow the budget must have left the
 * window, and so must everything older.
 */
export function earliestWithinBudget(records: readonly SentRecord[], windowMs: number, budget: number): number {
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
  if (!isPaced(req, rules)) return null;
  const weight = weightOf(req, rules);
  if (weight > rules.sameContractMax) return `weight ${weight} exceeds sameContractMax ${rules.sameContractMax}`;
  if (weight > rules.windowMax) return `weight ${weight} exceeds windowMax ${rules.windowMax}`;
  return null;
}
