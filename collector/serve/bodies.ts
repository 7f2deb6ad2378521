/**
 * The JSON bodies `serve` accepts, one zod schema each (strict: an unknown field is refused, never
 * dropped; nothing coerced). A refusal is an InvalidInput naming the field, as every other input
 * error of the collector is. Symbol syntax (`TTE:EUR@SBF`) is checked after, by collector/symbols.ts.
 */
import { z } from 'zod';
import { pathText } from '../../common/schema.ts';
import { InvalidInput } from '../symbols.ts';

/** Longest per-request deadline a body may ask for (model ms). */
export const MAX_DEADLINE_MS = 600_000;
/**
 * Shortest (model ms): below a round trip to the gateway a deadline can only fail, and timers of a
 * few nanoseconds once fired before the code waiting on them was set up.
 */
export const MIN_DEADLINE_MS = 100;
/** Most symbols one /collect may ask for; more are refused with 400 (send several requests). */
export const MAX_SYMBOLS = 500;

const DEADLINE = `must be a number of ms between ${MIN_DEADLINE_MS} and ${MAX_DEADLINE_MS}`;
const deadlineMs = z.number().min(MIN_DEADLINE_MS, DEADLINE).max(MAX_DEADLINE_MS, DEADLINE);
/** Longer texts are not symbols (nor lists of at most MAX_SYMBOLS of them); refused before parsing. */
const MAX_TEXT = 64;
const MAX_LIST_TEXT = MAX_SYMBOLS * 40;
const text = z.string().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);
const symbolFields = { symbol: text, currency: text.nullable().optional(), primaryExchange: text.nullable().optional(), secType: text.nullable().optional() };
const symbolList = z
  .array(z.union([text, z.strictObject(symbolFields)]))
  .min(1, 'must not be empty')
  .max(MAX_SYMBOLS, `at most ${MAX_SYMBOLS} symbols per request; send several requests`);

/** `POST /qualify`: one symbol (with optional parts) and an optional deadline. */
export const qualifyBodySchema = z.strictObject({ ...symbolFields, deadlineMs: deadlineMs.optional() });
export type QualifyBody = z.infer<typeof qualifyBodySchema>;

/** `POST /collect`: symbols (a comma-separated string, or a list of strings / symbol objects) and what to collect. */
export const collectBodySchema = z.strictObject({
  symbols: z.union([z.string().max(MAX_LIST_TEXT, `must be at most ${MAX_LIST_TEXT} characters`), symbolList]),
  duration: text,
  barSize: text,
  whatToShow: text.optional(),
  useRTH: z.boolean().optional(),
  deadlineMs: deadlineMs.optional(),
});
export type CollectBody = z.infer<typeof collectBodySchema>;

/** Parse a body, or throw InvalidInput naming the first bad field. */
export function parseBody<S extends z.ZodObject>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidInput('body', 'must be a JSON object (Content-Type: application/json)');
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  // An unknown field first: a typo (`bar` for `barSize`) also explains the field then missing.
  const issue = r.error.issues.find((i) => i.code === 'unrecognized_keys') ?? r.error.issues[0]!;
  const path = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    const known = path.length === 0 ? Object.keys(schema.shape) : Object.keys(symbolFields);
    return fail(pathText([...path, issue.keys[0]!]), `unknown field (expected ${known.join(', ')})`);
  }
  const field = pathText(path) || 'body';
  let v: unknown = body;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  if (v === undefined) return fail(field, 'is required');
  if (issue.code === 'invalid_type') return fail(field, issue.expected === 'boolean' ? 'must be true or false' : `must be a ${issue.expected}`);
  if (issue.code === 'invalid_union') {
    // Of the union's options, the one whose type matched says what is wrong with the value.
    const specific = issue.errors.flat().find((i) => i.code !== 'invalid_type');
    return fail(
      specific ? pathText([...path, ...(specific.path as PropertyKey[])]) || field : field,
      specific?.message ?? 'must be an array of symbols or a comma-separated string',
    );
  }
  return fail(field, issue.message);
}

function fail(field: string, detail: string): never {
  throw new InvalidInput(field, detail);
}
