/**
 * Masking of account ids and other personal fields in captures, so a capture of a real paper
 * account can be shared and committed. The mapping is stable within one Masker (one capture):
 * the first account seen becomes `…0000001`, the second `…0000002`, keeping the letters and the
 * length of the original (`DU1234567` → `DU0000001`), so masked values still look like what a
 * client expects. The mapping itself is never written anywhere. Rules: docs/captures/README.md#masking.
 */
import type { FrameBody } from './frames.ts';
import { viewOf } from './frames.ts';

/**
 * Field names that hold an account id or another personal value, in any declared message
 * (client or gateway): account, accountName, acctCode … `accounts` is MANAGED_ACCTS's comma list.
 */
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set([
  'account',
  'accounts',
  'accountName',
  'accountCode',
  'acctCode',
  'acctNumber',
  'clearingAccount',
  'faGroup',
  'faProfile',
  'modelCode',
]);

/** Values shorter than this are masked where they are a whole field, never inside other text. */
const MIN_SUBSTRING_LENGTH = 5;

const ACCOUNT_LIKE = /^([A-Za-z]*)(\d+)$/;

export class Masker {
  private readonly masks = new Map<string, string>();
  private readonly originals = new Map<string, string>();
  private count = 0;
  /** Known values long enough to be searched inside text (undefined: rebuild). */
  private pattern: RegExp | undefined;
  /** Known values as JSON strings, to find them as whole fields (undefined: rebuild). */
  private quoted: Set<string> | undefined;

  /** Every value masked so far. */
  get size(): number {
    return this.masks.size;
  }

  /** The mask of one personal value (registered on first sight). Empty values stay empty. */
  maskValue(value: string): string {
    if (value === '') return value;
    const known = this.masks.get(value);
    if (known !== undefined) return known;
    if (this.originals.has(value)) return value; // already a mask
    const n = String(++this.count);
    const m = ACCOUNT_LIKE.exec(value);
    const mask = m ? `${m[1]}${n.padStart(m[2]!.length, '0')}` : `MASKED${n}`;
    this.masks.set(value, mask);
    this.originals.set(mask, value);
    this.pattern = undefined;
    this.quoted = undefined;
    return mask;
  }

  /** Replace every known personal value inside free text (error texts, account values, raw fields). */
  maskText(text: string): string {
    if (this.masks.size === 0 || text === '') return text;
    const whole = this.masks.get(text);
    if (whole !== undefined) return whole;
    this.pattern ??= buildPattern([...this.masks.keys()]);
    return text.replace(this.pattern, (s) => this.masks.get(s) ?? s);
  }

  /** The original of a masked value inside text (for sending a masked capture's requests to a gateway). */
  unmaskText(text: string): string {
    if (this.originals.size === 0 || text === '') return text;
    return text.replace(buildPattern([...this.originals.keys()]), (s) => this.originals.get(s) ?? s);
  }

  /**
   * Mask one frame: personal fields by name (decoded frames, or raw frames of declared messages,
   * decoded leniently to find them), then every known value wherever it appears.
   */
  maskFrame(frame: FrameBody, version: number): FrameBody {
    const view = frame.msg ?? viewOf(frame, version);
    if (view) this.registerPersonal(view);
    if (this.masks.size === 0) return frame;
    // Most frames hold no personal value: one search of their JSON text tells, instead of a walk.
    this.pattern ??= buildPattern([...this.masks.keys()]);
    this.quoted ??= new Set([...this.masks.keys()].map((v) => JSON.stringify(v)));
    const json = JSON.stringify(frame.msg ?? frame.fields ?? null);
    this.pattern.lastIndex = 0;
    if (!this.pattern.test(json) && ![...this.quoted].some((q) => json.includes(q))) return frame;
    if (frame.msg) return { ...frame, msg: this.mapStrings(frame.msg) as Record<string, unknown> };
    if (frame.fields) return { ...frame, fields: frame.fields.map((f) => this.maskText(f)) };
    return frame;
  }

  /** The same frame with masked values put back (the inverse of maskFrame for values this Masker made). */
  unmaskFrame(frame: FrameBody): FrameBody {
    if (this.originals.size === 0) return frame;
    if (frame.msg) return { ...frame, msg: this.mapStrings(frame.msg, (s) => this.unmaskText(s)) as Record<string, unknown> };
    if (frame.fields) return { ...frame, fields: frame.fields.map((f) => this.unmaskText(f)) };
    return frame;
  }

  private registerPersonal(value: unknown): void {
    if (Array.isArray(value)) {
      for (const v of value) this.registerPersonal(v);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string' && PERSONAL_FIELDS.has(key)) {
        for (const part of key === 'accounts' ? v.split(',') : [v]) this.maskValue(part.trim());
      } else if (typeof v === 'object') {
        this.registerPersonal(v);
      }
    }
  }

  private mapStrings(value: unknown, fn: (s: string) => string = (s) => this.maskText(s)): unknown {
    if (typeof value === 'string') return fn(value);
    if (Array.isArray(value)) return value.map((v) => this.mapStrings(v, fn));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.mapStrings(v, fn)]));
    }
    return value;
  }
}

/** One alternation of the values long enough to be searched inside text, longest first (never matches when there are none). */
function buildPattern(values: string[]): RegExp {
  const long = values.filter((v) => v.length >= MIN_SUBSTRING_LENGTH).sort((a, b) => b.length - a.length);
  if (long.length === 0) return /(?!)/g;
  return new RegExp(long.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
}
