/**
 * The message-declaration language of the codec.
 *
 * A wire message is a list of NUL-terminated text fields. Each message is declared once, as a
 * table of fields with their types and version gates; `encode` and `decode` in `codec.ts` both walk
 * that table, so the encoder and the decoder can never disagree on a layout. The TypeScript type of
 * a decoded message is inferred from the same table.
 */

/** When a field is on the wire. `since`/`before` are server versions (`before` exclusive). */
export interface Gate {
  since?: number;
  before?: number;
  /** A condition on fields read earlier in the same message (e.g. combo legs only for BAG). */
  when?: (msg: Record<string, unknown>) => boolean;
}

/** The gate of a field that is on the wire from server version `v` on. */
export const since = (v: number): Gate => ({ since: v });

export type ScalarKind = 'int' | 'optInt' | 'double' | 'optDouble' | 'str' | 'bool';

export interface ScalarField<N extends string = string, K extends ScalarKind = ScalarKind> {
  readonly kind: K;
  readonly name: N;
  readonly gate?: Gate;
}

/**
 * A fixed value such as a message's version number, or a field a client fills with a constant
 * (a deprecated or reserved slot): written as given, read and not kept.
 */
export interface ConstField {
  readonly kind: 'const';
  readonly value: string;
  readonly gate?: Gate;
  /** The name error messages use for the field; `version` when not given. */
  readonly name?: string;
}

/** A count followed by that many repetitions of `item`. */
export interface ListField<N extends string = string, I extends readonly Field[] = readonly Field[]> {
  readonly kind: 'list';
  readonly name: N;
  readonly item: I;
  readonly gate?: Gate;
}

export type Field = ScalarField | ConstField | ListField;

export interface MessageDef<T extends string = string, F extends readonly Field[] = readonly Field[]> {
  /** Message id written as field 0; `null` for the handshake reply, which has no id. */
  readonly id: number | null;
  readonly type: T;
  readonly fields: F;
}

// ---- builders ---------------------------------------------------------------------------------

export const int = <const N extends string>(name: N, gate?: Gate): ScalarField<N, 'int'> => ({ kind: 'int', name, gate });
/** An int whose empty field means "unset" (decoded as `undefined`). */
export const optInt = <const N extends string>(name: N, gate?: Gate): ScalarField<N, 'optInt'> => ({ kind: 'optInt', name, gate });
export const double = <const N extends string>(name: N, gate?: Gate): ScalarField<N, 'double'> => ({ kind: 'double', name, gate });
/** A double whose empty field (or IB's Double.MAX_VALUE sentinel) means "unset". */
export const optDouble = <const N extends string>(name: N, gate?: Gate): ScalarField<N, 'optDouble'> => ({ kind: 'optDouble', name, gate });
export const str = <const N extends string>(name: N, gate?: Gate): ScalarField<N, 'str'> => ({ kind: 'str', name, gate });
export const bool = <const N extends string>(name: N, gate?: Gate): ScalarField<N, 'bool'> => ({ kind: 'bool', name, gate });
export const version = (value: number, gate?: Gate): ConstField => ({ kind: 'const', value: String(value), gate });
/**
 * A slot that clients fill with a constant (e.g. PLACE_ORDER's deprecated `sharesAllocation`,
 * always empty): written as `value`, read and not kept.
 */
export const filler = (name: string, value: string, gate?: Gate): ConstField => ({ kind: 'const', value, gate, name });
export const list = <const N extends string, const I extends readonly Field[]>(name: N, item: I, gate?: Gate): ListField<N, I> => ({
  kind: 'list',
  name,
  item,
  gate,
});

export function message<const T extends string, const F extends readonly Field[]>(id: number | null, type: T, fields: F): MessageDef<T, F> {
  return { id, type, fields };
}

// ---- tables ------------------------------------------------------------------------------------

/** Index definitions by id, refusing a table that declares an id twice or under another type name. */
export function indexById<D extends MessageDef>(defs: Record<string, D>): Map<number, D> {
  const map = new Map<number, D>();
  for (const [key, def] of Object.entries(defs)) {
    if (def.type !== key) throw new Error(`message ${key} is declared with type ${def.type}`);
    if (def.id === null) continue;
    const other = map.get(def.id);
    if (other) throw new Error(`message id ${def.id} is declared twice: ${other.type} and ${def.type}`);
    map.set(def.id, def);
  }
  return map;
}

// ---- type inference ---------------------------------------------------------------------------

type ScalarType<K> = K extends 'int' | 'double' ? number : K extends 'optInt' | 'optDouble' ? number | undefined : K extends 'bool' ? boolean : string;

type FieldEntry<F> =
  F extends ScalarField<infer N, infer K>
    ? { [P in N]: ScalarType<K> }
    : F extends ListField<infer N, infer I>
      ? { [P in N]: Array<FieldsObject<I>> }
      : // biome-ignore lint/complexity/noBannedTypes: the empty object type is the identity of the intersection built below
        {};

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type FieldsObject<F extends readonly Field[]> = Simplify<UnionToIntersection<FieldEntry<F[number]>> & {}>;

/** The plain object a message decodes to: `{ type, ...fields }`. */
export type MessageOf<D> = D extends MessageDef<infer T, infer F> ? Simplify<{ type: T } & FieldsObject<F>> : never;

export type MessageUnion<Defs extends Record<string, MessageDef>> = { [K in keyof Defs]: MessageOf<Defs[K]> }[keyof Defs];
