/**
 * Input checks for the control plane: one zod schema per body (common/schema.ts rules: strict
 * objects, no coercion, refusals that name the field). Not fastify's own schema validation, whose
 * Ajv defaults coerce types and strip unknown properties.
 */
import { z } from 'zod';
import { SchemaError, integer, parseWith, strictObject } from '../../common/schema.ts';
import { parseFaultSpec, type FaultSpec } from '../faults/registry.ts';
import { MAX_JOURNAL_BYTES, MAX_JOURNAL_CAPACITY, type JournalQuery, type PageBounds } from '../model/journal.ts';
import { parseProfileOverrides as parseOverrides, PROFILES, type ProfileOverrides } from '../model/profile.ts';
import { ClientMessages } from '../protocol/index.ts';
import { UsageError } from '../../common/exit-codes.ts';
import { parseFailOn } from '../verdict/config.ts';
import type { JournalSettings, ResetOptions, SessionSelector, VerdictQuery } from './api-types.ts';

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

/** Parse with `schema`; a refusal becomes a 400 naming the field. A missing body counts as `{}`. */
function body<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  try {
    return parseWith(schema, input ?? {}, what);
  } catch (err) {
    if (err instanceof SchemaError) throw badRequest(err.message);
    throw err;
  }
}

const selectorSchema = strictObject({ sessionId: integer().min(1).optional(), clientId: integer().optional() });

/**
 * A session selector. An empty selector is refused rather than meaning "every session": dropping
 * all clients should be a deliberate `POST /faults/restart`, not a forgotten body.
 */
export function parseSelector(input: unknown): SessionSelector {
  const sel = body(selectorSchema, input, 'session selector');
  if (sel.sessionId === undefined && sel.clientId === undefined) {
    throw badRequest('session selector needs "sessionId" or "clientId" (see GET /sessions); to hit every client use POST /faults/restart');
  }
  return sel;
}

export function describeSelector(sel: SessionSelector): string {
  const parts = [];
  if (sel.sessionId !== undefined) parts.push(`sessionId ${sel.sessionId}`);
  if (sel.clientId !== undefined) parts.push(`clientId ${sel.clientId}`);
  return parts.join(' and ');
}

const connectivitySchema = z.discriminatedUnion('state', [
  strictObject({ state: z.literal('lost') }),
  strictObject({ state: z.literal('restored'), dataLost: z.boolean().optional() }),
]);

export function parseConnectivity(input: unknown): { state: 'lost' } | { state: 'restored'; dataLost: boolean } {
  const c = body(connectivitySchema, input, 'connectivity body');
  return c.state === 'lost' ? c : { state: 'restored', dataLost: c.dataLost ?? false };
}

const journalSettingsSchema = strictObject({
  enabled: z.boolean().optional(),
  capacity: integer().min(1).max(MAX_JOURNAL_CAPACITY).optional(),
  maxBytes: integer().min(1024).max(MAX_JOURNAL_BYTES).optional(),
});

/**
 * What one `GET /journal` answers at most: a page of entries whose JSON stays in the low
 * megabytes, however large the journal. Clients page on with `sinceSeq` (the `Link` header).
 */
export const JOURNAL_PAGE: PageBounds = { maxEntries: 1000, maxBytes: 4 * 1024 * 1024 };

export function parseJournalSettings(input: unknown): Partial<JournalSettings> {
  return body(journalSettingsSchema, input, 'journal settings');
}

/** A query-string integer: decimal digits only (text, not coerced from anything else). */
const intText = (min: number) =>
  z
    .string('must be given once')
    .regex(/^-?\d{1,15}$/, `must be an integer >= ${min}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be an integer >= ${min}`));
const once = z.string('must be given once');

const journalQuerySchema = strictObject({
  sinceSeq: intText(0).optional(),
  sessionId: intText(1).optional(),
  clientId: intText(Number.MIN_SAFE_INTEGER).optional(),
  limit: intText(1)
    .pipe(z.number().max(JOURNAL_PAGE.maxEntries, `must be at most ${JOURNAL_PAGE.maxEntries} (page with sinceSeq for more)`))
    .optional(),
  type: once.optional(),
  dir: z.enum(['in', 'out'], 'must be "in" or "out"').optional(),
});

/** Query-string values arrive as text (or as arrays when repeated). */
export function parseJournalQuery(query: unknown): JournalQuery {
  return body(journalQuerySchema, query, 'journal query');
}

/**
 * A fault spec for `POST /faults`. On top of its schema, a match on a message type that does not
 * exist is refused: it could never match.
 */
export function parseFault(input: unknown): FaultSpec {
  let spec: FaultSpec;
  try {
    spec = parseFaultSpec(input);
  } catch (err) {
    if (err instanceof SchemaError) throw badRequest(err.message);
    throw err;
  }
  const type = 'match' in spec ? spec.match?.message : undefined;
  if (type !== undefined && !Object.hasOwn(ClientMessages, type) && type !== 'UNKNOWN') {
    throw badRequest(`fault "match.message" "${type}" is not a client message type; known: ${Object.keys(ClientMessages).join(', ')}, UNKNOWN`);
  }
  return spec;
}

/** `?at=` of `POST /faults`: model time, epoch ms. */
export function parseFaultQuery(query: unknown): { at?: number } {
  return body(strictObject({ at: intText(0).optional() }), query, 'fault query');
}

/** Profile overrides for `PATCH /profile`: the profile's schema, every field optional. */
export function parseProfileOverrides(input: unknown): ProfileOverrides {
  if (input === undefined || input === null)
    throw badRequest('profile overrides are empty: send the fields to change, e.g. {"connections": {"idGraceMs": 30000}}');
  let overrides: ProfileOverrides;
  try {
    overrides = parseOverrides(input);
  } catch (err) {
    if (err instanceof SchemaError) throw badRequest(err.message);
    throw err;
  }
  if (Object.keys(overrides).length === 0)
    throw badRequest('profile overrides are empty: send the fields to change, e.g. {"connections": {"idGraceMs": 30000}}');
  return overrides;
}

const resetSchema = strictObject({
  profile: z.enum(Object.keys(PROFILES) as [string, ...string[]]).optional(),
  overrides: z.unknown().optional(),
  seed: integer().optional(),
  timeScale: z.number().positive().max(1_000).optional(),
  sampleLateness: z.boolean().optional(),
});

const verdictQuerySchema = strictObject({ failOn: once.optional(), format: z.enum(['json', 'markdown'], 'must be "json" or "markdown"').optional() });

/** `GET /verdict?failOn=326,abandoned&format=markdown`: which checks fail it, and JSON (default) or Markdown. */
export function parseVerdictQuery(query: unknown): VerdictQuery & { format: 'json' | 'markdown' } {
  const q = body(verdictQuerySchema, query, 'verdict query');
  let failOn: VerdictQuery['failOn'];
  try {
    failOn = q.failOn === undefined ? undefined : parseFailOn(q.failOn);
  } catch (err) {
    if (err instanceof UsageError) throw badRequest(err.message.replace('--fail-on', 'failOn'));
    throw err;
  }
  return { format: q.format ?? 'json', ...(failOn ? { failOn } : {}) };
}

/** `POST /reset`: optionally another profile (by name, with overrides) and seed. */
export function parseReset(input: unknown): ResetOptions {
  const { overrides, ...rest } = body(resetSchema, input, 'reset body');
  if (overrides === undefined) return rest as ResetOptions;
  try {
    return { ...(rest as ResetOptions), overrides: parseOverrides(overrides, 'reset body "overrides"') };
  } catch (err) {
    if (err instanceof SchemaError) throw badRequest(err.message);
    throw err;
  }
}

/** A body-less POST: nothing but `{}` (or no body at all). */
export function parseEmpty(input: unknown, what: string): void {
  body(strictObject({}), input, what);
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

/** Path parameter of `/faults/:id`. */
export function parseFaultId(raw: unknown): number {
  const s = String(raw);
  if (!/^\d{1,15}$/.test(s)) throw badRequest(`fault id must be a positive integer, got "${s}"`);
  return Number(s);
}
