/**
 * The pacing budget's decision, for the adapters that hold their records in this process's hands
 * (in memory, SQLite): given what the login already sent, may this charge go now, and if not, how
 * long must it wait and why. The window rules are pacing/rules.ts's (one implementation); the
 * Redis adapter runs the same decision as a Lua script (redis/scripts.ts), checked against this
 * one by the same tests.
 */
import { IB_MESSAGE_RATE } from '../../common/ib/pacing.ts';
import {
  DEFAULT_PACING_RULES,
  bindingRule,
  earliestWithinBudget,
  historyHorizonMs,
  isPaced,
  weightOf,
  type PacingRules,
  type SentRecord,
} from '../pacing/rules.ts';
import type { BudgetRules, ChargeResult, PacingCharge } from './port.ts';

/** One charge as kept: a paced request (weight > 0, its keys) and/or messages. */
export interface ChargedRecord extends SentRecord {
  messages: number;
  /** Set for a charge granted with `sendWithinMs`: what `markSent` names it by. */
  chargeId?: string;
}

/**
 * Model-ms pacing rules and IB's message rate in wall ms, for a process whose model ms last
 * `wallPerModel` wall ms. The windows are the gateway's model durations and scale with it; the
 * margin guards against jitter, which does not, and stays as it is. (At time scale 0.004 one
 * wall ms of a loaded host is 250 model ms: a scaled margin of 1 wall ms let requests charged
 * 15 model s apart arrive 2 model s apart.)
 */
export function budgetRulesInWallMs(rules: PacingRules, wallPerModel: number): BudgetRules {
  const f = wallPerModel;
  return {
    ...rules,
    identicalWindowMs: rules.identicalWindowMs * f,
    sameContractWindowMs: rules.sameContractWindowMs * f,
    windowMs: rules.windowMs * f,
    maxMessages: IB_MESSAGE_RATE.maxPerSecond,
    messageWindowMs: IB_MESSAGE_RATE.windowMs * f,
  };
}

/** The collector's budget rules in model ms (IB's values with the collector's margin). */
export const DEFAULT_BUDGET_RULES: BudgetRules = budgetRulesInWallMs(DEFAULT_PACING_RULES, 1);

/** How long a record can still matter under `rules`; older ones can be forgotten. */
export function budgetHorizonMs(rules: BudgetRules): number {
  return Math.max(historyHorizonMs(rules), rules.messageWindowMs + rules.marginMs);
}

/** A charge that can never fit, whatever the history (its weight or messages exceed a limit alone). */
export function impossibleCharge(charge: PacingCharge, rules: BudgetRules): string | null {
  if (charge.messages > rules.maxMessages) return `${charge.messages} messages exceed the limit of ${rules.maxMessages} per window`;
  if (!charge.req || !isPaced(charge.req, rules)) return null;
  const weight = weightOf(charge.req, rules);
  if (weight > rules.sameContractMax) return `weight ${weight} exceeds sameContractMax ${rules.sameContractMax}`;
  if (weight > rules.windowMax) return `weight ${weight} exceeds windowMax ${rules.windowMax}`;
  return null;
}

/**
 * Decide `charge` at `now` against `history`: records at or before now, and charges not yet
 * marked sent, stamped at the latest instant they may go out (so until then they count as
 * possibly sent right now, and a send delayed past the margin cannot let the window overflow). `pausedUntil`: no
 * historical request before then (after an unexpected 162). Message-only charges are not paused.
 */
export function judgeCharge(history: readonly ChargedRecord[], charge: PacingCharge, rules: BudgetRules, now: number, pausedUntil: number): ChargeResult {
  let at = now;
  let reason: Exclude<ChargeResult, { granted: true }>['reason'] | null = null;
  const later = (t: number, why: typeof reason) => {
    if (t > at) {
      at = t;
      reason = why;
    }
  };
  if (charge.req) {
    later(pausedUntil, 'paused');
    const binding = bindingRule(history, charge.req, now, rules);
    later(binding.at, binding.rule);
  }
  if (charge.messages > 0) {
    const messages = history.filter((r) => r.messages > 0).map((r) => ({ ...r, weight: r.messages }));
    later(earliestWithinBudget(messages, rules.messageWindowMs + rules.marginMs, rules.maxMessages - charge.messages), 'messages');
  }
  if (reason === null) return { granted: true };
  return { granted: false, retryInMs: at - now, reason };
}

/**
 * The record a granted charge leaves, judged at `now`: stamped `now`, or — for a charge sent after
 * the grant (`sendWithinMs`) — at the latest instant it may be sent, until `markSent` says when it was.
 */
export function recordOf(charge: PacingCharge, rules: BudgetRules, now: number, chargeId?: string): ChargedRecord {
  const paced = charge.req !== null && isPaced(charge.req, rules);
  const pending = charge.sendWithinMs !== undefined;
  return {
    at: pending ? now + charge.sendWithinMs! : now,
    ...(pending && chargeId !== undefined ? { chargeId } : {}),
    identityKey: paced ? charge.req!.identityKey : '',
    contractKey: paced ? charge.req!.contractKey : '',
    weight: paced ? weightOf(charge.req!, rules) : 0,
    messages: charge.messages,
  };
}
