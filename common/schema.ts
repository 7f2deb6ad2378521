/**
 * One zod schema per JSON input gives both its TypeScript type and its validator. These helpers
 * keep every such input to the same rules: objects are strict (an unknown field is refused, never
 * silently dropped — a typo such as `time` for `times` must not do nothing), nothing is coerced,
 * and a refusal names the field by its path and says what would be legal.
 */
import { z } from 'zod';

/** A refused input; `message` names the field path and the legal values. */
export class SchemaError extends Error {
  constructor(
    message: string,
    /** Every problem found, one line each (message holds the first). */
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'SchemaError';
  }
}

/**
 * A strict object whose refusal of an unknown field lists the fields it knows. Use it instead of
 * `z.strictObject` for anything a person writes by hand.
 */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape).join(', ') || 'none';
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field "${(issue.keys as string[])[0]}"; known here: ${known}` : undefined),
  });
}

/** A safe integer; refusals say "must be an integer" whatever was sent instead. */
export const integer = () => z.number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be an integer' : undefined) }).int('must be an integer');

/** A non-negative safe integer (counts, ids, model ms). */
export const count = () => integer().min(0);

/** `a.b[2].c` for an issue path. */
export function pathText(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = input;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** `"a"`, `"a" or "b"`, `one of "a", "b" or "c"`. */
function choices(values: readonly unknown[]): string {
  const q = values.map((v) => JSON.stringify(v));
  if (q.length === 1) return q[0]!;
  const list = `${q.slice(0, -1).join(', ')} or ${q.at(-1)}`;
  return q.length === 2 ? list : `one of ${list}`;
}

const show = (v: unknown) => (v === undefined ? 'nothing' : Array.isArray(v) ? 'a list' : (JSON.stringify(v) ?? String(v)));

/** One readable line for a zod issue: the field's path, what it must be, what it was. */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown, what: string): string {
  const path = issue.path as PropertyKey[];
  const field = pathText(path);
  const subject = field ? `${what} "${field}"` : what;
  const got = show(valueAt(input, path));
  // A message a schema wrote itself says it best; zod's own start with these words.
  if (issue.code !== 'unrecognized_keys' && !/^(Invalid|Too (small|big)|Unrecognized)\b/.test(issue.message)) return `${subject} ${issue.message}, got ${got}`;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = `${field ? `${field}.` : ''}${issue.keys[0]}`;
      const known = /known here: (.*)$/.exec(issue.message)?.[1];
      return `${what} has unknown field "${key}"${known ? `; known here: ${known}` : ''}`;
    }
    case 'invalid_union': {
      // zod reports a bad discriminator with the legal values beside the issue's declared fields.
      if ('discriminator' in issue && 'options' in issue && Array.isArray(issue.options)) {
        return `${what} "${pathText(path)}" must be ${choices(issue.options)}, got ${got}`;
      }
      return `${subject} does not match any allowed shape, got ${got}`;
    }
    case 'invalid_value':
      return `${subject} must be ${choices(issue.values)}, got ${got}`;
    case 'invalid_type': {
      if (path.length === 0 && issue.expected === 'object') return `${what} must be a JSON object`;
      const expected = issue.expected === 'int' ? 'an integer' : issue.expected === 'object' ? 'a JSON object' : `a ${issue.expected}`;
      return `${subject} must be ${expected}, got ${got}`;
    }
    case 'too_small':
      return `${subject} must be ${issue.origin === 'array' ? `a list of at least ${issue.minimum}` : `${issue.inclusive ? '>=' : '>'} ${issue.minimum}`}, got ${got}`;
    case 'too_big':
      return `${subject} must be ${issue.origin === 'array' ? `a list of at most ${issue.maximum}` : `${issue.inclusive ? '<=' : '<'} ${issue.maximum}`}, got ${got}`;
    default:
      return `${subject}: ${issue.message}`;
  }
}

/** Parse `input` with `schema`, or throw a SchemaError naming the first bad field (`what` names the input). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  // An unknown field first: a typo (`time` for `times`) also explains the field then missing.
  const issues = [...r.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const problems = issues.map((i) => describeIssue(i, input, what));
  throw new SchemaError(problems[0]!, problems);
}
