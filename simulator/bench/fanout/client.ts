/**
 * One raw TCP client of the fan-out benchmark: logs in, opens its streaming lines at a paced rate,
 * and while recording notes when each tick arrived.
 *
 * Arrival is stamped when the socket's 'data' event runs. With `deferParse` a recorded chunk is
 * only stamped and kept; its frames are decoded after recording stops, so one socket's parsing
 * never delays the stamp of the next socket read in the same turn of the event loop (with 32
 * sockets each getting ~400 frames per 250 ms step, decoding as they come delays the last
 * socket's stamp by the decoding of all the others). A frame split over two chunks is stamped with
 * the chunk that completes it, as before.
 */
import net from 'node:net';
import type { Instrument } from '../../market/instrument.ts';
import { encodeClientMessage, encodeHandshake, FrameDecoder, SIM_MAX_VERSION } from '../../protocol/index.ts';
import { mktDataRequest } from '../../protocol/requests.ts';
import { STEP_MS, wallNow } from './servers.ts';

const V = SIM_MAX_VERSION;
/** The messages per second a client may send (IB's 50, with room). docs/wire-facts/pacing.md */
export const REQUESTS_PER_SECOND = 25;
/** Message ids of the tick messages (simulator/protocol/server/market-data.ts). */
const TICK_IDS = new Set(['1', '2', '45', '46']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FanoutClient {
  readonly socket: net.Socket;
  private readonly decoder = new FrameDecoder();
  readonly ready: Promise<void>;
  /** MARKET_DATA_TYPE messages received: lines open. */
  types = 0;
  /** reqId → the line's t0 in this process's wall ms (set before recording). */
  readonly t0 = new Map<number, number>();
  private recording = false;
  /** Chunks read while recording (deferParse), with their arrival instants. */
  private chunks: Buffer[] = [];
  private arrivals: number[] = [];
  ticks = 0;
  errors = 0;
  latencies: number[] = [];

  constructor(
    port: number,
    readonly clientId: number,
    private readonly lines: number,
    private readonly deferParse: boolean,
  ) {
    this.socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    let loggedIn!: () => void;
    this.ready = new Promise((r) => (loggedIn = r));
    this.socket.on('error', () => {});
    this.socket.on('data', (chunk: Buffer) => {
      const arrived = wallNow();
      if (this.recording && this.deferParse) {
        this.chunks.push(chunk);
        this.arrivals.push(arrived);
        return;
      }
      this.parse(chunk, arrived, loggedIn);
    });
    this.socket.write(Buffer.concat([encodeHandshake(100, V), encodeClientMessage({ type: 'START_API', clientId, optionalCapabilities: '' }, V)]));
  }

  private parse(chunk: Buffer, arrived: number, loggedIn?: () => void): void {
    for (const f of this.decoder.push(chunk)) {
      const a = f.indexOf(0);
      const id = f.toString('latin1', 0, a);
      if (id === '9') loggedIn?.();
      if (id === '58') this.types++;
      if (!this.recording) continue;
      if (id === '4') this.errors++;
      if (!TICK_IDS.has(id)) continue;
      const b = f.indexOf(0, a + 1);
      const reqId = Number(f.toString('latin1', b + 1, f.indexOf(0, b + 1)));
      const t0 = this.t0.get(reqId);
      this.ticks++;
      if (t0 === undefined) continue;
      this.latencies.push((arrived - t0) % STEP_MS);
    }
  }

  startRecording(): void {
    this.recording = true;
  }

  /** Stop recording and decode what was kept (deferParse). */
  stopRecording(): void {
    const chunks = this.chunks;
    const arrivals = this.arrivals;
    this.chunks = [];
    this.arrivals = [];
    for (let i = 0; i < chunks.length; i++) this.parse(chunks[i]!, arrivals[i]!);
    this.recording = false;
  }

  /** Forget what was recorded (after a calibration window). */
  reset(): void {
    this.ticks = 0;
    this.errors = 0;
    this.latencies = [];
  }

  /** Open the lines at REQUESTS_PER_SECOND (the message rate limit applies). */
  async openLines(stocks: readonly Instrument[], confirmed: boolean): Promise<void> {
    const { lines } = this;
    for (let l = 0; l < lines; l += REQUESTS_PER_SECOND) {
      const batch: Buffer[] = [];
      for (let i = l; i < Math.min(lines, l + REQUESTS_PER_SECOND); i++) {
        const s = stocks[((this.clientId - 1) * lines + i) % stocks.length]!;
        batch.push(encodeClientMessage(mktDataRequest(i + 1, { conId: s.conId, symbol: '', exchange: 'SMART', currency: '' }), V));
      }
      this.socket.write(Buffer.concat(batch));
      if (l + REQUESTS_PER_SECOND < lines) await sleep(1000);
    }
    // Each open line answers with MARKET_DATA_TYPE first (the bare server does not answer).
    for (let waited = 0; confirmed && this.types < lines; waited += 50) {
      if (waited > 120_000) throw new Error(`client ${this.clientId}: only ${this.types} of ${lines} lines open after 2 minutes`);
      await sleep(50);
    }
  }
}
