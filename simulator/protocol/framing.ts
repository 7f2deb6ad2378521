import { escapeAscii7 } from '../../common/ib/text.ts';

/**
 * Byte framing of the TWS socket protocol (v100+): an `API\0` prefix from the client, then
 * length-prefixed frames in both directions. A frame body is a sequence of NUL-terminated fields.
 * Facts: docs/wire-facts/handshake.md#the-clients-opening-bytes, docs/wire-facts/framing.md#length-prefixed-frames,
 * docs/wire-facts/framing.md#nul-terminated-fields, docs/wire-facts/framing.md#splitting-and-coalescing.
 */

/** Largest body the clients accept (16 MiB - 1, docs/wire-facts/framing.md#maximum-frame-size); anything above is rejected before allocating. */
export const MAX_FRAME_LENGTH = 0xffffff;

export const API_PREFIX = Buffer.from('API\0', 'latin1');

/** The byte stream cannot be framed; the connection has to be closed. */
export class FramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FramingError';
  }
}

export interface FrameDecoderOptions {
  /** Expect the 4-byte `API\0` prefix before the first frame (the server side of a connection). */
  expectApiPrefix?: boolean;
  maxLength?: number;
}

/**
 * Incremental frame reader: feed it whatever `data` events deliver — one byte at a time or many
 * frames coalesced — and it yields each complete frame body exactly once, in order.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private needPrefix: boolean;
  /** May be raised after the handshake: the version text is tiny, later frames are not. */
  maxLength: number;

  constructor(opts: FrameDecoderOptions = {}) {
    this.needPrefix = opts.expectApiPrefix ?? false;
    this.maxLength = opts.maxLength ?? MAX_FRAME_LENGTH;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.needPrefix) {
        if (this.buffered < 4) {
          // Reject garbage as soon as it diverges from the prefix, not only after four bytes.
          this.checkPrefix(this.peek(this.buffered));
          break;
        }
        const head = this.take(4);
        this.checkPrefix(head);
        this.needPrefix = false;
        continue;
      }
      if (this.buffered < 4) break;
      const length = this.peek(4).readUInt32BE(0);
      if (length > this.maxLength) {
        throw new FramingError(`frame length ${length} exceeds the ${this.maxLength}-byte limit`);
      }
      if (this.buffered < 4 + length) break;
      this.take(4);
      frames.push(this.take(length));
    }
    return frames;
  }

  private checkPrefix(bytes: Buffer): void {
    if (!API_PREFIX.subarray(0, bytes.length).equals(bytes)) {
      throw new FramingError(`expected the "API\\0" handshake prefix, got ${describeBytes(bytes)}`);
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!.subarray(0, n);
    return Buffer.concat(this.chunks, this.buffered).subarray(0, n);
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}

function describeBytes(bytes: Buffer): string {
  const hex = bytes.subarray(0, 16).toString('hex').replace(/(..)/g, '$1 ').trim();
  return `${JSON.stringify(bytes.subarray(0, 16).toString('latin1'))} (${hex})`;
}

/** Split a frame body into its fields. Every field, the last included, ends with NUL. */
export function splitFields(body: Buffer): string[] {
  if (body.length === 0) throw new FramingError('empty frame: a message needs at least its id field');
  if (body[body.length - 1] !== 0) {
    throw new FramingError('frame body does not end with a NUL field terminator');
  }
  const fields = body.toString('utf8', 0, body.length - 1).split('\0');
  return fields;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the class is every byte above 7-bit ASCII
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Frame a list of fields: length prefix + NUL-terminated fields. With `ascii7`, non-ASCII text is
 * sent as `\uXXXX` escapes (TWS from v153, docs/wire-facts/framing.md#text-encoding-and-ascii7-escapes); the check runs once per frame, not per field.
 */
export function encodeFrame(fields: readonly string[], opts: { ascii7?: boolean } = {}): Buffer {
  let body = `${fields.join('\0')}\0`;
  const ascii = !NON_ASCII.test(body);
  if (!ascii && opts.ascii7) body = escapeAscii7(body);
  const plain = ascii || opts.ascii7 === true;
  const length = plain ? body.length : Buffer.byteLength(body, 'utf8');
  if (length > MAX_FRAME_LENGTH) throw new FramingError(`cannot send a ${length}-byte frame (limit ${MAX_FRAME_LENGTH})`);
  const out = Buffer.allocUnsafe(4 + length);
  out.writeUInt32BE(length, 0);
  out.write(body, 4, plain ? 'latin1' : 'utf8');
  return out;
}

// ---- handshake ----------------------------------------------------------------------------------

export interface VersionRange {
  min: number;
  max: number;
  /** Connect options after the range, e.g. `['+PACEAPI']`. */
  options: string[];
}

const RANGE_RE = /^v(\d{1,6})(?:\.\.(\d{1,6}))?(?: +(.*))?$/;

/** Parse the client's `v<min>..<max> [options]` text. */
export function parseVersionRange(text: string): VersionRange {
  const m = RANGE_RE.exec(text);
  if (!m) throw new FramingError(`bad version range ${JSON.stringify(text.slice(0, 64))}: expected "v<min>..<max>"`);
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  if (max < min) throw new FramingError(`bad version range ${JSON.stringify(text)}: max ${max} is below min ${min}`);
  const options = (m[3] ?? '').split(/\s+/).filter((o) => o.length > 0);
  return { min, max, options };
}

/** The bytes a v100+ client sends first: `API\0` + length + `v<min>..<max>[ options]`. */
export function encodeHandshake(min: number, max: number, options: readonly string[] = []): Buffer {
  const text = (min === max ? `v${min}` : `v${min}..${max}`) + (options.length ? ` ${options.join(' ')}` : '');
  const body = Buffer.from(text, 'latin1');
  const head = Buffer.alloc(8);
  API_PREFIX.copy(head, 0);
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}
