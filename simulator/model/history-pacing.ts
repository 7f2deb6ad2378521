import { pacingWeight, windowRulesApply, type PacedRequest } from '../../common/ib/pacing.ts';
import type { Profile } from './profile.ts';

/**
 * The gateway's own verdicts on IB's historical-data pacing rules (rule definitions and sources:
 * common/ib/pacing.ts): a request that breaks one is answered with error 162 and not served. The
 * counting here is the simulator's own, separate from the collector's scheduler, so a collector
 * that paces wrongly is still caught. The rules apply gateway-wide (all clients of one login
 * share the HMDS budget) — a deliberate choice, since several connections must not be a way
 * around pacing.
 */
export type PacingRules = Profile['history']['pacing'];

export type { PacedRequest };

interface Record_ {
  at: number;
  identityKey: string;
  contractKey: string;
  weight: number;
}

export type PacingVerdict = { ok: true } | { ok: false; rule: 'identical' | 'same-contract' | 'window' | 'open' };

export class HistoryPacing {
  private readonly accepted: Record_[] = [];

  constructor(private rules: PacingRules) {}

  setRules(rules: PacingRules): void {
    this.rules = rules;
  }

  appliesTo(req: PacedRequest): boolean {
    return this.rules.enabled && windowRulesApply(req.barSeconds, this.rules);
  }

  /** Check a new request; if it passes it is recorded against the budget. */
  admit(req: PacedRequest, now: number, openRequests: number): PacingVerdict {
    const r = this.rules;
    // The open-request limit holds for every bar size; only the three window rules are
    // documented for small bars.
    if (r.enabled && openRequests >= r.maxOpen) return { ok: false, rule: 'open' };
    if (!this.appliesTo(req)) return { ok: true };
    this.forget(now - Math.max(r.windowMs, r.identicalWindowMs, r.sameContractWindowMs));
    const weight = pacingWeight(req.whatToShow, r);

    let sameContract = 0;
    let inWindow = 0;
    for (const a of this.accepted) {
      if (a.identityKey === req.identityKey && now - a.at < r.identicalWindowMs) return { ok: false, rule: 'identical' };
      if (a.contractKey === req.contractKey && now - a.at < r.sameContractWindowMs) sameContract += a.weight;
      if (now - a.at < r.windowMs) inWindow += a.weight;
    }
    if (sameContract + weight > r.sameContractMax) return { ok: false, rule: 'same-contract' };
    if (inWindow + weight > r.windowMax) return { ok: false, rule: 'window' };
    this.accepted.push({ at: now, identityKey: req.identityKey, contractKey: req.contractKey, weight });
    return { ok: true };
  }

  clear(): void {
    this.accepted.length = 0;
  }

  private forget(before: number): void {
    let i = 0;
    while (i < this.accepted.length && this.accepted[i]!.at < before) i++;
    if (i > 0) this.accepted.splice(0, i);
  }
}
