/**
 * Turns the two byte streams of one TWS connection into capture records, whatever the reads look
 * like (one byte at a time or many frames at once): the client's `API\0` handshake, the gateway's
 * version reply, then frames decoded at the negotiated server version.
 * Facts: docs/wire-facts/handshake.md#the-clients-opening-bytes,
 * docs/wire-facts/handshake.md#server-reply-version-and-connection-time,
 * docs/wire-facts/framing.md#splitting-and-coalescing.
 */
import { FrameDecoder, MAX_FRAME_LENGTH } from '../../simulator/protocol/index.ts';
import type { ConnRecord, FrameRecord, HandshakeRecord, Side, UnframedRecord } from './format.ts';
import { describeFrame } from './frames.ts';
import type { Masker } from './mask.ts';

/** The version text is a few bytes; a longer first frame is not a TWS client. */
const HANDSHAKE_MAX_LENGTH = 1024;

export type DecodedRecord = ConnRecord<HandshakeRecord | FrameRecord | UnframedRecord>;

export class ConnectionDecoder {
  /** The negotiated server version, once the gateway's reply was read (0 before). */
  version = 0;
  private readonly client = new FrameDecoder({ expectApiPrefix: true, maxLength: HANDSHAKE_MAX_LENGTH });
  private readonly gateway = new FrameDecoder();
  private clientHandshakeSeen = false;
  private readonly unframed = new Set<Side>();
  /** Client frames read before the version was known (a client may pipeline START_API). */
  private pending: Array<{ body: Buffer; t: number }> = [];

  constructor(
    private readonly emit: (record: DecodedRecord) => void,
    private readonly masker?: Masker,
  ) {}

  /** Bytes from one side, `t` wall ms since the connection opened. Never throws. */
  push(from: Side, chunk: Buffer, t: number): void {
    if (this.unframed.has(from)) return;
    const decoder = from === 'client' ? this.client : this.gateway;
    let frames: Buffer[];
    try {
      frames = decoder.push(chunk);
    } catch (err) {
      this.unframed.add(from);
      this.emit({ t, event: 'unframed', from, error: (err as Error).message });
      return;
    }
    try {
      for (const body of frames) {
        if (from === 'client') this.onClientFrame(body, t);
        else this.onGatewayFrame(body, t);
      }
    } catch (err) {
      // A frame no rule foresaw must not stop the bytes (the proxy forwards them regardless).
      this.unframed.add(from);
      this.emit({ t, event: 'unframed', from, error: `cannot record: ${(err as Error).message}` });
    }
  }

  private onClientFrame(body: Buffer, t: number): void {
    if (!this.clientHandshakeSeen) {
      this.clientHandshakeSeen = true;
      this.client.maxLength = MAX_FRAME_LENGTH;
      this.emit({ t, from: 'client', handshake: body.toString('latin1') });
      return;
    }
    if (this.version === 0) this.pending.push({ body, t });
    else this.emitFrame('client', body, t, false);
  }

  private onGatewayFrame(body: Buffer, t: number): void {
    const first = this.version === 0;
    const frame = this.emitFrame('gateway', body, t, first);
    if (!first) return;
    const version = Number(frame.msg?.serverVersion ?? frame.fields?.[0]);
    // Not a version number: go on decoding at the highest version the codec knows best.
    this.version = Number.isSafeInteger(version) && version > 0 ? version : Number.MAX_SAFE_INTEGER;
    for (const p of this.pending.splice(0)) this.emitFrame('client', p.body, p.t, false);
  }

  private emitFrame(from: Side, body: Buffer, t: number, first: boolean): ConnRecord<FrameRecord> {
    const version = first ? 0 : this.version;
    let frame = describeFrame(from, body, version, first);
    if (this.masker) frame = this.masker.maskFrame(frame, version);
    const record = { t, from, ...frame };
    this.emit(record);
    return record;
  }
}
