/**
 * What a declared message looks like on the wire at one server version, as the list of its
 * statically open fields (data-dependent `when` conditions ignored): used by the completeness
 * check of the reference frames and to pick the frames that hold at a negotiated version.
 */
import type { Field, MessageDef } from '../schema.ts';

/** The field's version gate is open at `v`. */
export const staticallyOpen = (f: Field, v: number): boolean =>
  (f.gate?.since === undefined || v >= f.gate.since) && (f.gate?.before === undefined || v < f.gate.before);

/** The fields on the wire at `v`, as text (constants as `#value`, lists as `name[item]`). */
export function layoutAt(fields: readonly Field[], v: number): string {
  return fields
    .filter((f) => staticallyOpen(f, v))
    .map((f) => (f.kind === 'const' ? `#${f.value}` : f.kind === 'list' ? `${f.name}[${layoutAt(f.item, v)}]` : f.name))
    .join(',');
}

const rangeCache = new WeakMap<MessageDef, Map<string, Array<{ from: number; to: number }>>>();

/** Consecutive server-version ranges in [first, last] over which a message's layout does not change (memoized). */
export function layoutRanges(def: MessageDef, first: number, last: number): Array<{ from: number; to: number }> {
  let byBounds = rangeCache.get(def);
  if (!byBounds) rangeCache.set(def, (byBounds = new Map()));
  const key = `${first}..${last}`;
  let cached = byBounds.get(key);
  if (!cached) byBounds.set(key, (cached = computeRanges(def, first, last)));
  return cached;
}

function computeRanges(def: MessageDef, first: number, last: number): Array<{ from: number; to: number }> {
  const ranges: Array<{ from: number; to: number; layout: string }> = [];
  for (let v = first; v <= last; v++) {
    const layout = layoutAt(def.fields, v);
    const prev = ranges.at(-1);
    if (prev && prev.layout === layout) prev.to = v;
    else ranges.push({ from: v, to: v, layout });
  }
  return ranges.map(({ from, to }) => ({ from, to }));
}

/** A frame written for server version `a` is also the message's wire form at `b`. */
export const sameLayout = (def: MessageDef, a: number, b: number): boolean => layoutAt(def.fields, a) === layoutAt(def.fields, b);
