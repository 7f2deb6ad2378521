/**
 * `ibkr-harness record`: a transparent TCP proxy in front of a gateway that writes every frame of
 * every connection, both ways, to a capture (tools/capture/format.ts, docs/captures/README.md).
 * Bytes are forwarded unchanged and at once; recording reads copies of them on the side, so a frame
 * the recorder cannot decode still reaches its destination.
 */
import net from 'node:net';
import type { Log } from '../common/log.ts';
import { silentLog } from '../common/log.ts';
import { ConnectionDecoder } from './capture/connection-decoder.ts';
import { captureHeader, CaptureWriter, type CaptureRecord, type ConnRecord, type Side, type SimulatorSetup } from './capture/format.ts';
import { Masker } from './capture/mask.ts';

export interface RecorderOptions {
  /** The gateway to forward to. */
  upstream: { host: string; port: number };
  /** Address to listen on for clients (default 127.0.0.1). */
  host?: string;
  /** Port to listen on (0 picks a free one). */
  port: number;
  /** Capture file to write (overwritten). */
  out: string;
  /** Mask account ids and other personal fields (default true; docs/captures/README.md#masking). */
  mask?: boolean;
  /** Noted in the header when the upstream is a simulator, so `diff` can start the same one. */
  simulator?: SimulatorSetup;
  logger?: Log;
}

export interface Recorder {
  host: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Frames recorded so far (both directions, handshakes included). */
  readonly frames: number;
  /** Stop listening, close every connection and finish the file. */
  close(): Promise<void>;
}

/** Wall ms with 0.01 ms resolution. */
const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Start the proxy. Resolves once it listens; rejects if the port cannot be bound or the file
 * cannot be created. An unreachable upstream is not an error here: each client connection is
 * closed and the failure recorded (`event: close, by: proxy`).
 */
export async function startRecorder(opts: RecorderOptions): Promise<Recorder> {
  const logger = opts.logger ?? silentLog;
  const masker = opts.mask === false ? undefined : new Masker();
  const upstreamText = `${opts.upstream.host}:${opts.upstream.port}`;
  const writer = new CaptureWriter(opts.out, captureHeader(upstreamText, masker !== undefined, opts.simulator));
  const started = performance.now();
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let frames = 0;

  const server = net.createServer({ noDelay: true, pauseOnConnect: true }, (client) => {
    const conn = ++connections;
    const opened = performance.now();
    const t = () => round(performance.now() - opened);
    const write = (r: ConnRecord) => {
      if ('from' in r) frames++;
      writer.write({ conn, ...r } as CaptureRecord);
    };
    write({ t: 0, event: 'open', at: round(opened - started) });
    const decoder = new ConnectionDecoder(write, masker);
    const upstream = net.connect({ host: opts.upstream.host, port: opts.upstream.port, noDelay: true });
    sockets.add(client).add(upstream);
    let closed = false;
    const finish = (by: Side | 'proxy', error?: string) => {
      if (closed) return;
      closed = true;
      write({ t: t(), event: 'close', by, ...(error ? { error } : {}) });
      logger.info({ conn, by, error }, 'connection closed');
    };

    let reached = false;
    upstream.once('connect', () => {
      reached = true;
      logger.info({ conn, remote: `${client.remoteAddress}:${client.remotePort}` }, 'connection opened');
      // Record a copy of each chunk, forward the chunk itself with backpressure (pipe).
      client.on('data', (chunk: Buffer) => decoder.push('client', chunk, t()));
      upstream.on('data', (chunk: Buffer) => decoder.push('gateway', chunk, t()));
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    // A FIN from one side is passed on by pipe(); the first side to end or fail closed the connection.
    client.once('end', () => finish('client'));
    upstream.once('end', () => finish('gateway'));
    upstream.once('error', (err) => {
      finish(reached ? 'gateway' : 'proxy', reached ? err.message : `upstream ${upstreamText}: ${err.message}`);
      client.destroy();
    });
    client.once('error', (err) => {
      finish('client', err.message);
      upstream.destroy();
    });
    client.once('close', () => {
      sockets.delete(client);
      finish('client');
      if (!upstream.destroyed) upstream.end();
    });
    upstream.once('close', () => {
      sockets.delete(upstream);
      finish('gateway');
      if (!client.destroyed) client.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err) => {
    await writer.close().catch(() => {});
    throw err;
  });
  const addr = server.address() as net.AddressInfo;
  logger.info({ port: addr.port, upstream: upstreamText, out: opts.out }, 'recording');

  return {
    host: addr.address,
    port: addr.port,
    get connections() {
      return connections;
    },
    get frames() {
      return frames;
    },
    async close() {
      await new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      await writer.close();
    },
  };
}
