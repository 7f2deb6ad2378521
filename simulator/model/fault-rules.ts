/**
 * Fault rules: declarative misbehaviour matched against incoming requests, in the spirit of msw
 * handlers and Toxiproxy toxics. A rule matches by message type, client id and/or symbol, can skip
 * its first `after` matches and stops after `times` applications.
 */
export type FaultAction =
  /** Swallow the request: no answer ever comes (a lost request). */
  | { kind: 'ignore' }
  /** Answer with an error for the request's id (or -1 when it has none). */
  | { kind: 'error'; code: number; message?: string }
  /** Process the request only after `ms` model milliseconds. */
  | { kind: 'delay'; ms: number }
  /** Drop the connection uncleanly (the client id stays held for the grace period). */
  | { kind: 'disconnect' }
  /** Turn the session into a zombie: the socket stays open, nothing is answered any more. */
  | { kind: 'stall' };

export interface FaultMatch {
  /** Client message type, e.g. `REQ_CONTRACT_DATA` or `START_API`. */
  message?: string;
  clientId?: number;
  /** Matches the request's `symbol` field (case-insensitive). */
  symbol?: string;
}

export interface FaultRuleSpec {
  match: FaultMatch;
  action: FaultAction;
  /** Let this many matching requests through before acting. */
  after?: number;
  /** Act at most this many times (default: unlimited). */
  times?: number;
}

export interface FaultRule extends FaultRuleSpec {
  id: number;
  matched: number;
  applied: number;
}

export interface FaultSubject {
  type: string;
  clientId: number | null;
  symbol?: string;
}

const ACTIONS = new Set(['ignore', 'error', 'delay', 'disconnect', 'stall']);

/** Validate a rule received from the control plane; throws naming the bad field. */
export function validateRule(spec: unknown): FaultRuleSpec {
  if (typeof spec !== 'object' || spec === null) throw new Error('fault rule must be an object');
  const s = spec as Record<string, unknown>;
  const match = (s.match ?? {}) as Record<string, unknown>;
  if (typeof match !== 'object') throw new Error('fault rule "match" must be an object');
  for (const k of Object.keys(match)) {
    if (!['message', 'clientId', 'symbol'].includes(k)) throw new Error(`fault rule match has unknown field "${k}"`);
  }
  if (match.message !== undefined && typeof match.message !== 'string') throw new Error('match.message must be a string');
  if (match.clientId !== undefined && !Number.isInteger(match.clientId)) throw new Error('match.clientId must be an integer');
  if (match.symbol !== undefined && typeof match.symbol !== 'string') throw new Error('match.symbol must be a string');
  const action = s.action as Record<string, unknown> | undefined;
  if (!action || typeof action !== 'object' || !ACTIONS.has(action.kind as string)) {
    throw new Error(`fault rule "action.kind" must be one of ${[...ACTIONS].join(', ')}`);
  }
  if (action.kind === 'error' && !Number.isInteger(action.code)) throw new Error('error action needs an integer "code"');
  if (action.kind === 'delay' && !(typeof action.ms === 'number' && action.ms >= 0)) throw new Error('delay action needs "ms" >= 0');
  for (const k of ['after', 'times'] as const) {
    if (s[k] !== undefined && !(Number.isInteger(s[k]) && (s[k] as number) >= 0)) throw new Error(`fault rule "${k}" must be a non-negative integer`);
  }
  return {
    match: match as FaultMatch,
    action: action as unknown as FaultAction,
    ...(s.after !== undefined ? { after: s.after as number } : {}),
    ...(s.times !== undefined ? { times: s.times as number } : {}),
  };
}

export class FaultRules {
  private rules: FaultRule[] = [];
  private nextId = 1;

  add(spec: FaultRuleSpec): FaultRule {
    const rule: FaultRule = { ...spec, id: this.nextId++, matched: 0, applied: 0 };
    this.rules.push(rule);
    return rule;
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  list(): readonly FaultRule[] {
    return this.rules;
  }

  clear(): void {
    this.rules = [];
  }

  /** The action of the first rule that matches and is due, if any (counting the match). */
  apply(subject: FaultSubject): { rule: FaultRule; action: FaultAction } | undefined {
    for (const rule of this.rules) {
      if (!matches(rule.match, subject)) continue;
      rule.matched++;
      if (rule.matched <= (rule.after ?? 0)) continue;
      if (rule.times !== undefined && rule.applied >= rule.times) continue;
      rule.applied++;
      return { rule, action: rule.action };
    }
    return undefined;
  }
}

function matches(m: FaultMatch, s: FaultSubject): boolean {
  if (m.message !== undefined && m.message !== s.type) return false;
  if (m.clientId !== undefined && m.clientId !== s.clientId) return false;
  if (m.symbol !== undefined && (s.symbol ?? '').toUpperCase() !== m.symbol.toUpperCase()) return false;
  return true;
}
