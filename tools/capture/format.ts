/**
 * The capture format: JSON Lines, a header line, then one record per frame or connection event.
 * Written by `ibkr-harness record`, read by `replay` and `diff`. The format is documented for users
 * in docs/captures/README.md; this file is its one definition.
 */
import fs from 'node:fs';
import { once } from 'node:events';

export const CAPTURE_SCHEMA = 'ibkr-harness/capture';
export const CAPTURE_VERSION = 1;

/** Which side of the connection sent a frame. */
export type Side = 'client' | 'gateway';

/** What the capture was recorded against, when it was an ibkr-harness simulator. */
export interface SimulatorSetup {
  profile: string;
  seed: number;
  /** Real ms per model ms. */
  timeScale: number;
}

export interface CaptureHeader {
  schema: typeof CAPTURE_SCHEMA;
  version: typeof CAPTURE_VERSION;
  /** `ibkr-harness <package version>`. */
  tool: string;
  /** `host:port` of the gateway the proxy forwarded to. */
  upstream: string;
  /** ISO time the recording started. */
  startedAt: string;
  /** Account ids and other personal fields were replaced (docs/captures/README.md#masking). */
  masked: boolean;
  /** Set when the upstream was a simulator started by `record --sim`: `diff` starts the same one. */
  simulator?: SimulatorSetup;
}

/** Fields every record has: the connection (numbered from 1 in accept order) and wall ms since it opened. */
interface RecordBase {
  conn: number;
  t: number;
}

export interface OpenRecord extends RecordBase {
  event: 'open';
  /** Wall ms since the recording started. */
  at: number;
}

export interface CloseRecord extends RecordBase {
  event: 'close';
  /** Who closed first: the client, the gateway, or the proxy (upstream unreachable). */
  by: Side | 'proxy';
  error?: string;
}

/** A direction whose bytes stopped being frames (not an API connection); bytes still flowed. */
export interface UnframedRecord extends RecordBase {
  event: 'unframed';
  from: Side;
  error: string;
}

/** The client's opening `API\0` + version range text (docs/wire-facts/handshake.md#the-clients-opening-bytes). */
export interface HandshakeRecord extends RecordBase {
  from: 'client';
  handshake: string;
}

/**
 * One frame. Exactly one of `msg`, `fields`, `base64` is set:
 * - `msg`: the declared message decoded at the connection's server version; encoding it again
 *   gives the recorded bytes exactly.
 * - `fields`: the frame's fields (field 0 is the message id) when the message is not declared, or
 *   decoding and encoding would not give the same bytes back (`note` says why).
 * - `base64`: the body when it is not valid UTF-8.
 */
export interface FrameRecord extends RecordBase {
  from: Side;
  /** The message name when its id is declared (`SERVER_VERSION` for the handshake reply). */
  type?: string;
  msg?: Record<string, unknown>;
  fields?: string[];
  base64?: string;
  note?: string;
}

export type CaptureRecord = OpenRecord | CloseRecord | UnframedRecord | HandshakeRecord | FrameRecord;

/** A record before its connection number is added. */
export type ConnRecord<R extends CaptureRecord = CaptureRecord> = R extends CaptureRecord ? Omit<R, 'conn'> : never;

export interface Capture {
  header: CaptureHeader;
  records: CaptureRecord[];
}

export const isFrame = (r: CaptureRecord): r is FrameRecord => 'from' in r && !('event' in r) && !('handshake' in r);
export const isHandshake = (r: CaptureRecord): r is HandshakeRecord => 'handshake' in r;

let toolVersion: string | undefined;
/** `ibkr-harness <version>` from the package's own package.json. */
export function toolName(): string {
  toolVersion ??= (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return `ibkr-harness ${toolVersion}`;
}

export function captureHeader(upstream: string, masked: boolean, simulator?: SimulatorSetup, startedAt = new Date()): CaptureHeader {
  return {
    schema: CAPTURE_SCHEMA,
    version: CAPTURE_VERSION,
    tool: toolName(),
    upstream,
    startedAt: startedAt.toISOString(),
    masked,
    ...(simulator ? { simulator } : {}),
  };
}

/** A capture file that cannot be read: names the file, the line and what is wrong. */
export class CaptureError extends Error {
  override readonly name = 'CaptureError';
}

/**
 * Appends records to a capture file, one line each, as they happen. Lines written in one turn of
 * the event loop go to the file in one write, so a recording cut short (a killed proxy) is still a
 * readable capture up to its last complete line, missing at most that turn's records.
 */
export class CaptureWriter {
  private readonly stream: fs.WriteStream;
  private failed: Error | undefined;
  private pending: string[] = [];

  constructor(
    readonly path: string,
    header: CaptureHeader,
  ) {
    this.stream = fs.createWriteStream(path, { flags: 'w' });
    this.stream.on('error', (err) => (this.failed = err));
    this.stream.write(`${JSON.stringify(header)}\n`);
  }

  write(record: CaptureRecord): void {
    if (this.failed) return;
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(`${JSON.stringify(record)}\n`);
  }

  private flush(): void {
    if (this.pending.length === 0 || this.stream.writableEnded) return;
    this.stream.write(this.pending.join(''));
    this.pending = [];
  }

  /** Flush and close; rejects with the write error if the file could not be written. */
  async close(): Promise<void> {
    this.flush();
    if (!this.stream.closed) {
      this.stream.end();
      await once(this.stream, 'close').catch(() => {});
    }
    if (this.failed) throw new CaptureError(`cannot write ${this.path}: ${this.failed.message}`);
  }
}

/** Parse a capture's text. Throws CaptureError naming `source`, the line and the problem. */
export function parseCapture(text: string, source = 'capture'): Capture {
  const lines = text.split('\n');
  const parse = (line: string, n: number): unknown => {
    try {
      return JSON.parse(line);
    } catch (err) {
      throw new CaptureError(`${source}:${n}: not a JSON line (${(err as Error).message})`);
    }
  };
  if (lines[0] === undefined || lines[0].trim() === '') throw new CaptureError(`${source}: empty file; a capture starts with its header line`);
  const header = parse(lines[0], 1) as Partial<CaptureHeader>;
  if (header.schema !== CAPTURE_SCHEMA) {
    throw new CaptureError(`${source}:1: not an ibkr-harness capture (schema ${JSON.stringify(header.schema)}, expected "${CAPTURE_SCHEMA}")`);
  }
  if (header.version !== CAPTURE_VERSION) {
    throw new CaptureError(`${source}:1: capture format version ${header.version} is not supported (this tool reads version ${CAPTURE_VERSION})`);
  }
  const records: CaptureRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const r = parse(line, i + 1) as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || typeof r.conn !== 'number' || typeof r.t !== 'number') {
      throw new CaptureError(`${source}:${i + 1}: a record needs numeric "conn" and "t"`);
    }
    if (!('event' in r) && !('handshake' in r)) {
      if (r.from !== 'client' && r.from !== 'gateway') throw new CaptureError(`${source}:${i + 1}: "from" must be "client" or "gateway"`);
      const forms = [r.msg, r.fields, r.base64].filter((x) => x !== undefined).length;
      if (forms !== 1) throw new CaptureError(`${source}:${i + 1}: a frame needs exactly one of "msg", "fields", "base64"`);
      if (r.msg !== undefined && typeof r.type !== 'string') throw new CaptureError(`${source}:${i + 1}: a decoded frame ("msg") needs its "type"`);
    }
    records.push(r as unknown as CaptureRecord);
  }
  return { header: header as CaptureHeader, records };
}

/** Read and parse a capture file (errors name the file; a missing file is a CaptureError too). */
export function readCapture(path: string): Capture {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    throw new CaptureError(`cannot read capture ${path}: ${(err as Error).message}`);
  }
  return parseCapture(text, path);
}
