/**
 * A hand-written transcription helper for the long, many-gated messages (PLACE_ORDER, OPEN_ORDER,
 * COMPLETED_ORDER, EXECUTION_DATA): a reference writer walks the official client's encoder or
 * decoder statement by statement (`if (serverVersion >= 170) send(...)`), and this helper turns
 * each statement into a wire field and into the value the decoder must produce. That gives one
 * reference frame per server version without writing 26 near-identical frames by hand.
 *
 * Independent of the codec on purpose: it imports nothing from simulator/protocol at run time,
 * uses bare version numbers (not the named constants) and knows nothing of the declaration
 * tables. Values are formatted as the codec's conventions say a real client writes them
 * (docs/wire-facts/framing.md#value-encodings): numbers in JavaScript decimal text, booleans 1/0,
 * unset optional numbers as empty fields.
 */
import type { ReferenceFrame } from './reference-frame.ts';

type Src = Readonly<Record<string, unknown>>;

export class FrameWriter {
  readonly fields: string[];
  readonly message: Record<string, unknown> = {};

  constructor(
    id: number | null,
    private readonly src: Src,
    fields?: string[],
  ) {
    this.fields = fields ?? (id === null ? [] : [String(id)]);
  }

  /** A literal field: a version number or a constant slot. Nothing is decoded from it. */
  lit(text: string, on = true): this {
    if (on) this.fields.push(text);
    return this;
  }

  /** Text; absent: ''. */
  s(name: string, on = true): this {
    return this.put(name, on, '', (v) => String(v ?? ''));
  }

  /** Integer or double, always written; absent: 0. */
  n(name: string, on = true): this {
    return this.put(name, on, 0, (v) => String(v ?? 0));
  }

  /** Optional number: empty field when undefined; absent: undefined. */
  o(name: string, on = true): this {
    return this.put(name, on, undefined, (v) => (v === undefined ? '' : String(v)));
  }

  /** Boolean as 1/0; absent: false. */
  b(name: string, on = true): this {
    return this.put(name, on, false, (v) => (v ? '1' : '0'));
  }

  /** A count and then each item, written by `item` into the same fields; absent: []. */
  list(name: string, on: boolean, item: (w: FrameWriter) => void): this {
    if (!on) {
      this.message[name] = [];
      return this;
    }
    const items = (this.src[name] ?? []) as Src[];
    this.fields.push(String(items.length));
    this.message[name] = items.map((it) => {
      const w = new FrameWriter(null, it, this.fields);
      item(w);
      return w.message;
    });
    return this;
  }

  /** The value of a source field, for conditions the client's code tests (`if (order.hedgeType)`). */
  get(name: string): unknown {
    return this.src[name];
  }

  private put(name: string, on: boolean, absent: unknown, format: (v: unknown) => string): this {
    if (!on) {
      this.message[name] = absent;
      return this;
    }
    const v = this.src[name] ?? absent;
    this.fields.push(format(v));
    this.message[name] = typeof absent === 'boolean' ? Boolean(v) : v;
    return this;
  }
}

/** A reference frame from a finished writer. */
export function writtenFrame(side: ReferenceFrame['side'], type: string, version: number, w: FrameWriter, source: string): ReferenceFrame {
  return { side, type, version, fields: w.fields, message: { type, ...w.message }, source };
}
