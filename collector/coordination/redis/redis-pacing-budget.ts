/**
 * One login's pacing budget in Redis: sorted sets of what was sent (all paced requests, per
 * contract, messages) and one expiring key per request identity, checked and charged by the
 * CHARGE script in one atomic step. This process also keeps what it charged itself, for as long
 * as it can matter, so that after Redis lost its data the charges can be put back (RESTORE) while
 * the namespace recovers.
 */
import { randomUUID } from 'node:crypto';
import { isPaced, weightOf } from '../../pacing/rules.ts';
import { budgetHorizonMs } from '../budget-judge.ts';
import type { BudgetRules, ChargeResult, PacingBudget, PacingCharge } from '../port.ts';
import type { RedisLink } from './redis-link.ts';

interface OwnCharge {
  at: number;
  member: string;
  contractKey: string;
  identityKey: string;
  weight: number;
  messages: number;
  /** Until when (server ms) it can still matter. */
  keepUntil: number;
}

export class RedisPacingBudget implements PacingBudget {
  private readonly id = randomUUID().slice(0, 8);
  private seq = 0;
  private own: OwnCharge[] = [];
  /** The rules of the last charge: what a restore re-applies. */
  private lastRules: BudgetRules | undefined;

  constructor(
    private readonly link: RedisLink,
    private readonly login: string,
    private readonly o: { recoveryMs: number; onEpoch: (login: string, epoch: string) => void },
  ) {}

  tryCharge(charge: PacingCharge, rules: BudgetRules): Promise<ChargeResult> {
    return this.chargeAt(charge, rules, undefined);
  }

  /**
   * `tryCharge`, judged at `atMs` instead of the server's clock when given: for tests that hold
   * this script to the same verdicts as judgeCharge at exact times (scripts.ts CHARGE).
   */
  async chargeAt(charge: PacingCharge, rules: BudgetRules, atMs: number | undefined): Promise<ChargeResult> {
    this.lastRules = rules;
    const m = rules.marginMs;
    const paced = charge.req !== null && isPaced(charge.req, rules);
    const weight = paced ? weightOf(charge.req!, rules) : 0;
    const member = `${this.id}:${this.seq++}`;
    const keys = [
      this.key('born'),
      this.key('pace', 'pause'),
      this.key('pace', 'all'),
      this.key('pace', 'contract', charge.req?.contractKey ?? '-'),
      this.key('pace', 'identical', charge.req?.identityKey ?? '-'),
      this.key('pace', 'messages'),
    ];
    const args = [
      Math.ceil(this.o.recoveryMs),
      charge.req ? 1 : 0,
      paced ? 1 : 0,
      weight,
      charge.messages,
      Math.ceil(rules.identicalWindowMs + m),
      Math.ceil(rules.sameContractWindowMs + m),
      rules.sameContractMax,
      Math.ceil(rules.windowMs + m),
      rules.windowMax,
      Math.ceil(rules.messageWindowMs + m),
      rules.maxMessages,
      member,
      atMs === undefined ? '' : Math.round(atMs),
      charge.sendWithinMs === undefined ? '' : Math.ceil(charge.sendWithinMs),
    ];
    const [granted, value, reason, epoch] = (await this.link.script('CHARGE', keys, args, 'take pacing budget')) as [number, number, string, string];
    this.o.onEpoch(this.login, String(epoch));
    if (granted !== 1) return { granted: false, retryInMs: Number(value), reason: reason as Exclude<ChargeResult, { granted: true }>['reason'] };
    const at = Number(value);
    this.own = this.own.filter((c) => c.keepUntil > at);
    this.own.push({
      at,
      member,
      contractKey: charge.req?.contractKey ?? '-',
      identityKey: charge.req?.identityKey ?? '-',
      weight,
      messages: charge.messages,
      keepUntil: at + budgetHorizonMs(rules),
    });
    return charge.sendWithinMs === undefined ? { granted: true } : { granted: true, chargeId: member };
  }

  markSent(chargeId: string): Promise<void> {
    return this.markSentAt(chargeId, undefined);
  }

  /** `markSent`, at `atMs` instead of the server's clock when given (tests, as chargeAt). */
  async markSentAt(chargeId: string, atMs: number | undefined): Promise<void> {
    const c = this.own.find((o) => o.member === chargeId);
    if (!c) return;
    const keys = [
      this.key('pace', 'all'),
      this.key('pace', 'contract', c.contractKey),
      this.key('pace', 'identical', c.identityKey),
      this.key('pace', 'messages'),
    ];
    const args = [
      c.weight > 0 ? `${c.member}|${c.weight}` : '',
      c.messages > 0 ? `${c.member}|${c.messages}` : '',
      c.at,
      atMs === undefined ? '' : Math.round(atMs),
    ];
    const kept = Number(await this.link.script('MARK_SENT', keys, args, 'mark a charge sent'));
    // What a restore puts back is the instant it was sent.
    c.at = Math.min(c.at, kept);
  }

  async pause(forMs: number): Promise<void> {
    await this.link.script('PAUSE', [this.key('pace', 'pause')], [Math.ceil(forMs)], 'pause the pacing budget');
  }

  /** Put this process's recent charges back after the namespace lost its data. Returns how many. */
  async restore(): Promise<number> {
    const rules = this.lastRules;
    if (!rules || this.own.length === 0) return 0;
    const m = rules.marginMs;
    const own = [...this.own];
    const keys = [this.key('born'), this.key('pace', 'all'), this.key('pace', 'messages')];
    const args: Array<string | number> = [
      Math.ceil(this.o.recoveryMs),
      Math.ceil(rules.identicalWindowMs + m),
      Math.ceil(rules.sameContractWindowMs + m),
      Math.ceil(rules.windowMs + m),
      Math.ceil(rules.messageWindowMs + m),
    ];
    for (const c of own) {
      keys.push(this.key('pace', 'contract', c.contractKey), this.key('pace', 'identical', c.identityKey));
      args.push(c.at, c.member, c.weight, c.messages);
    }
    await this.link.script('RESTORE', keys, args, 'restore the pacing budget');
    return own.length;
  }

  private key(...parts: string[]): string {
    return this.link.key(this.login, ...parts);
  }
}
