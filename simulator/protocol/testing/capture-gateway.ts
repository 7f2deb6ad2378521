/**
 * A tiny raw TCP "gateway" that records what a real client library writes. It answers the v100+
 * handshake and START_API with hand-built bytes (frameBytes), as IB Gateway does: the version
 * reply, then MANAGED_ACCTS and NEXT_VALID_ID, after which clients such as @stoqey/ib start
 * sending requests. Every frame after the handshake is kept as raw bytes. It uses nothing from
 * simulator/protocol, so it can check the codec's reference frames against a real client.
 */
import net from 'node:net';
import { frameBytes } from './reference-frame.ts';

export interface CaptureGatewayOptions {
  /** The server version the handshake reply announces (the client negotiates no further). */
  serverVersion: number;
  connectionTime?: string;
  /** The MANAGED_ACCTS list sent after START_API. */
  accounts?: string;
  /** The order id of the NEXT_VALID_ID sent after START_API. */
  nextValidId?: number;
}

export interface CaptureGateway {
  readonly port: number;
  /** The client's first bytes (`API\0`, length, version text), once received. */
  readonly handshake: Promise<Buffer>;
  /** Every frame the client sent after the handshake, START_API first, length prefix included. */
  readonly frames: Buffer[];
  /** The next frame not yet taken by `next` (rejects after `timeoutMs` wall ms). */
  next(timeoutMs?: number): Promise<Buffer>;
  /** Write raw bytes to the connected client. */
  send(bytes: Buffer): void;
  close(): Promise<void>;
}

/** Starts on 127.0.0.1 on a free port; serves one client connection at a time. */
export async function startCaptureGateway(opts: CaptureGatewayOptions): Promise<CaptureGateway> {
  const frames: Buffer[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  let client: net.Socket | undefined;
  let resolveHandshake!: (b: Buffer) => void;
  const handshake = new Promise<Buffer>((r) => (resolveHandshake = r));

  const server = net.createServer((socket) => {
    client = socket;
    let buffered = Buffer.alloc(0);
    let greeted = false;
    socket.on('error', () => {}); // the client going away is not the capture's business
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const skip = greeted ? 0 : 4; // `API\0` before the first length
        if (buffered.length < skip + 4) return;
        const end = skip + 4 + buffered.readUInt32BE(skip);
        if (buffered.length < end) return;
        const frame = buffered.subarray(0, end);
        buffered = buffered.subarray(end);
        if (!greeted) {
          greeted = true;
          resolveHandshake(frame);
          socket.write(frameBytes([String(opts.serverVersion), opts.connectionTime ?? '20251110 10:15:00 MET']));
          continue;
        }
        if (frames.length === 0) {
          // START_API: log the client in as a gateway does.
          socket.write(frameBytes(['15', '1', opts.accounts ?? 'DU0118471']));
          socket.write(frameBytes(['9', '1', String(opts.nextValidId ?? 1)]));
        }
        frames.push(frame);
        wake?.();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as net.AddressInfo).port,
    handshake,
    frames,
    async next(timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (taken >= frames.length) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no frame from the client within ${timeoutMs} ms (${frames.length} received)`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return frames[taken++]!;
    },
    send(bytes) {
      if (!client) throw new Error('no client is connected');
      client.write(bytes);
    },
    close() {
      client?.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
