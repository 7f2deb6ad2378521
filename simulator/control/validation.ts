/**
 * Input checks for the control plane. Validation is manual rather than by fastify schemas because
 * fastify's Ajv defaults coerce types and silently strip unknown properties: a typo such as
 * `{"time": 1}` for `times` must be refused, not ignored, and every refusal must name the field.
 */
import { validateRule, type FaultRuleSpec } from '../model/fault-rules.ts';
import type { JournalQuery } from '../model/journal.ts';
import type { Profile, ProfileOverrides } from '../model/profile.ts';
import { ClientMessages } from '../protocol/index.ts';
import type { JournalSettings, SessionSelector } from './api-types.ts';

export class HttpError extends Error {
  constructor(
    readonly statusCode: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const notFound = (message: string) => new HttpError(404, message);

/** Upper bound on the journal ring: each entry holds a decoded message, so a huge ring is gigabytes. */
export const MAX_JOURNAL_CAPACITY = 1_000_000;

type Fields = Record<string, unknown>;

/** The body as a plain object with only the allowed keys; a missing body counts as `{}`. */
export function objectBody(body: unknown, what: string, allowed: readonly string[]): Fields {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest(`${what} must be a JSON object`);
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw badRequest(`${what} has unknown field "${key}"; allowed: ${allowed.join(', ') || 'none'}`);
  }
  return body as Fields;
}

function optInteger(obj: Fields, key: string, what: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = min === Number.MIN_SAFE_INTEGER ? 'an integer' : max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in ${min}..${max}`;
    throw badRequest(`${what} "${key}" must be ${range}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function optBoolean(obj: Fields, key: string, what: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`${what} "${key}" must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * A session selector. An empty selector is refused rather than meaning "every session": dropping
 * all clients should be a deliberate `POST /faults/restart`, not a forgotten body.
 */
export function parseSelector(body: unknown): SessionSelector {
  const obj = objectBody(body, 'session selector', ['sessionId', 'clientId']);
  const sessionId = optInteger(obj, 'sessionId', 'session selector', 1);
  const clientId = optInteger(obj, 'clientId', 'session selector');
  if (sessionId === undefined && clientId === undefined) {
    throw badRequest('session selector needs "sessionId" or "clientId" (see GET /sessions); to hit every client use POST /faults/restart');
  }
  return { ...(sessionId !== undefined ? { sessionId } : {}), ...(clientId !== undefined ? { clientId } : {}) };
}

export function describeSelector(sel: SessionSelector): string {
  const parts = [];
  if (sel.sessionId !== undefined) parts.push(`sessionId ${sel.sessionId}`);
  if (sel.clientId !== undefined) parts.push(`clientId ${sel.clientId}`);
  return parts.join(' and ');
}

export function parseConnectivity(body: unknown): { state: 'lost' } | { state: 'restored'; dataLost: boolean } {
  const obj = objectBody(body, 'connectivity body', ['state', 'dataLost']);
  const dataLost = optBoolean(obj, 'dataLost', 'connectivity body');
  if (obj.state === 'lost') {
    if (dataLost !== undefined) throw badRequest('connectivity body "dataLost" only applies to {"state": "restored"}');
    return { state: 'lost' };
  }
  if (obj.state === 'restored') return { state: 'restored', dataLost: dataLost ?? false };
  throw badRequest(`connectivity body "state" must be "lost" or "restored", got ${JSON.stringify(obj.state)}`);
}

export function parseJournalSettings(body: unknown): Partial<JournalSettings> {
  const obj = objectBody(body, 'journal settings', ['enabled', 'capacity']);
  const enabled = optBoolean(obj, 'enabled', 'journal settings');
  const capacity = optInteger(obj, 'capacity', 'journal settings', 1, MAX_JOURNAL_CAPACITY);
  return { ...(enabled !== undefined ? { enabled } : {}), ...(capacity !== undefined ? { capacity } : {}) };
}

const JOURNAL_PARAMS = ['sinceSeq', 'sessionId', 'clientId', 'type', 'dir', 'limit'] as const;

/** Query-string values arrive as text (or as arrays when repeated). */
export function parseJournalQuery(query: unknown): JournalQuery {
  const q = objectBody(query ?? {}, 'journal query', JOURNAL_PARAMS);
  const text = (key: string): string | undefined => {
    const v = q[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw badRequest(`journal query "${key}" must be given once`);
    return v;
  };
  const int = (key: string, min: number): number | undefined => {
    const v = text(key);
    if (v === undefined) return undefined;
    const n = /^-?\d{1,15}$/.test(v) ? Number(v) : NaN;
    if (!(n >= min)) throw badRequest(`journal query "${key}" must be an integer >= ${min}, got "${v}"`);
    return n;
  };
  const out: JournalQuery = {};
  const sinceSeq = int('sinceSeq', 0);
  const sessionId = int('sessionId', 1);
  const clientId = int('clientId', Number.MIN_SAFE_INTEGER);
  const limit = int('limit', 1);
  const type = text('type');
  const dir = text('dir');
  if (dir !== undefined && dir !== 'in' && dir !== 'out') throw badRequest(`journal query "dir" must be "in" or "out", got "${dir}"`);
  if (sinceSeq !== undefined) out.sinceSeq = sinceSeq;
  if (sessionId !== undefined) out.sessionId = sessionId;
  if (clientId !== undefined) out.clientId = clientId;
  if (limit !== undefined) out.limit = limit;
  if (type !== undefined) out.type = type;
  if (dir !== undefined) out.dir = dir;
  return out;
}

const RULE_FIELDS = ['match', 'action', 'after', 'times'];
const ACTION_FIELDS: Record<string, readonly string[]> = {
  ignore: ['kind'],
  error: ['kind', 'code', 'message'],
  delay: ['kind', 'ms'],
  disconnect: ['kind'],
  stall: ['kind'],
};
/** Longest delay a rule may ask for: Node timers overflow past 2^31-1 ms and then fire at once. */
const MAX_DELAY_MS = 2_147_483_647;

/**
 * `validateRule` checks types; on top of that, refuse what it lets through but can never work:
 * unknown fields (typos), a match on a message type that does not exist, a non-text error message.
 */
export function parseRule(body: unknown, timeScale: number): FaultRuleSpec {
  const obj = objectBody(body, 'fault rule', RULE_FIELDS);
  const action = obj.action;
  if (action && typeof action === 'object' && !Array.isArray(action)) {
    const a = action as Fields;
    const allowed = typeof a.kind === 'string' ? ACTION_FIELDS[a.kind] : undefined;
    if (allowed) objectBody(a, `fault rule action "${a.kind}"`, allowed);
    if (a.kind === 'error' && a.message !== undefined && typeof a.message !== 'string') throw badRequest('fault rule "action.message" must be a string');
    if (a.kind === 'delay' && typeof a.ms === 'number' && a.ms * (timeScale || 1) > MAX_DELAY_MS) {
      throw badRequest(`fault rule "action.ms" is too long: at most ${Math.floor(MAX_DELAY_MS / (timeScale || 1))} model ms`);
    }
  }
  const match = obj.match;
  if (match && typeof match === 'object' && typeof (match as Fields).message === 'string') {
    const type = (match as Fields).message as string;
    if (!Object.hasOwn(ClientMessages, type) && type !== 'UNKNOWN') {
      throw badRequest(`fault rule "match.message" "${type}" is not a client message type; known: ${Object.keys(ClientMessages).join(', ')}, UNKNOWN`);
    }
  }
  try {
    return validateRule(obj);
  } catch (err) {
    throw badRequest((err as Error).message);
  }
}

/**
 * Profile overrides, checked against the live profile before `applyOverrides` sees them. That
 * function looks fields up with `in`, so inherited names ("constructor", "toString") pass as
 * fields, and once a field is null it accepts any value; both are closed here.
 */
export function parseProfileOverrides(body: unknown, profile: Profile): ProfileOverrides {
  const obj = objectBody(body, 'profile overrides', Object.keys(profile));
  if (Object.keys(obj).length === 0) throw badRequest('profile overrides are empty: send the fields to change, e.g. {"connections": {"idGraceMs": 30000}}');
  checkOverrides(profile as unknown as Fields, obj, '');
  return obj as ProfileOverrides;
}

function checkOverrides(current: Fields, overrides: Fields, path: string): void {
  for (const [key, value] of Object.entries(overrides)) {
    const where = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(current, key)) throw badRequest(`unknown profile field "${where}"; known here: ${Object.keys(current).join(', ')}`);
    const cur = current[key];
    if (isPlainObject(cur) && isPlainObject(value)) checkOverrides(cur, value, where);
    // The profile's nullable fields are all numbers (null = "no limit").
    else if (cur === null && value !== null && typeof value !== 'number') {
      throw badRequest(`profile field "${where}" must be a number or null, got ${JSON.stringify(value)}`);
    }
  }
}

function isPlainObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON.parse keeps "__proto__" as a plain key, but code that assigns it later would swap a prototype. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') throw badRequest('request body may not contain the key "__proto__"');
      return value;
    });
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw badRequest(`request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Path parameter of `/faults/rules/:id`. */
export function parseRuleId(raw: unknown): number {
  const s = String(raw);
  if (!/^\d{1,15}$/.test(s)) throw badRequest(`fault rule id must be a positive integer, got "${s}"`);
  return Number(s);
}
