/**
 * What recording costs: contract-details throughput of the simulator reached directly, beside the
 * same load through the recording proxy (masked and unmasked), in one run, interleaved.
 *
 *   npx tsx tools/bench/record-overhead.ts [--duration <s> (3)] [--rounds <n> (3)] [--connections <n> (2)] [--depth <n> (16)]
 *
 * Everything runs in this one process (simulator, proxy, load client), so the figure is the share
 * of one core's work the proxy adds, not a network latency. Per target the round with the median
 * throughput is reported, with the capture's size per request.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { encodeClientMessage, encodeHandshake, FrameDecoder, SIM_MAX_VERSION } from '../../simulator/protocol/index.ts';
import { contractRequest } from '../../simulator/protocol/requests.ts';
import { startSimulator } from '../../simulator/simulator.ts';
import { startRecorder } from '../record.ts';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const durationMs = opt('duration', 3) * 1000;
const rounds = opt('rounds', 3);
const connections = opt('connections', 2);
const depth = opt('depth', 16);
const V = SIM_MAX_VERSION;
const CONTRACT_DATA_END = '52';

/** Keep `depth` requests in flight on each connection for `durationMs`; returns answered requests. */
async function load(port: number): Promise<number> {
  let answered = 0;
  const stopAt = performance.now() + durationMs;
  await Promise.all(
    Array.from(
      { length: connections },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const socket = net.connect({ port, noDelay: true });
          const decoder = new FrameDecoder();
          let reqId = 1;
          let inFlight = 0;
          let started = false;
          const send = () => {
            inFlight++;
            socket.write(encodeClientMessage(contractRequest(reqId++), V));
          };
          socket.on('error', reject);
          socket.on('data', (chunk: Buffer) => {
            for (const frame of decoder.push(chunk)) {
              const id = frame.toString('latin1', 0, frame.indexOf(0));
              if (!started && id === '9') {
                started = true;
                for (let k = 0; k < depth; k++) send();
              } else if (id === CONTRACT_DATA_END) {
                answered++;
                inFlight--;
                if (performance.now() < stopAt) send();
                else if (inFlight === 0) socket.end();
              }
            }
          });
          socket.on('close', () => resolve());
          socket.write(Buffer.concat([encodeHandshake(100, V), encodeClientMessage({ type: 'START_API', clientId: 100 + i, optionalCapabilities: '' }, V)]));
        }),
    ),
  );
  return answered;
}

type Target = 'direct' | 'proxy, masked' | 'proxy, unmasked';
const TARGETS: Target[] = ['direct', 'proxy, masked', 'proxy, unmasked'];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-bench-'));
const results = new Map<Target, Array<{ rps: number; bytesPerRequest: number }>>();
try {
  for (let round = 0; round < rounds; round++) {
    for (const target of TARGETS) {
      const sim = await startSimulator({ port: 0, profile: 'instant', seed: 1, journal: { enabled: false } });
      const out = path.join(dir, `${round}-${target.replace(/\W+/g, '-')}.jsonl`);
      const recorder =
        target === 'direct'
          ? undefined
          : await startRecorder({ upstream: { host: '127.0.0.1', port: sim.port }, port: 0, out, mask: target === 'proxy, masked' });
      const start = performance.now();
      const answered = await load(recorder?.port ?? sim.port);
      const seconds = (performance.now() - start) / 1000;
      await recorder?.close();
      await sim.close();
      const bytes = recorder ? fs.statSync(out).size : 0;
      const list = results.get(target) ?? [];
      list.push({ rps: answered / seconds, bytesPerRequest: answered ? bytes / answered : 0 });
      results.set(target, list);
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

const median = <T>(xs: T[], key: (x: T) => number) => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!;
const direct = median(results.get('direct')!, (r) => r.rps).rps;
console.log(`contract details, ${connections} connections × ${depth} in flight, ${durationMs / 1000} s per run, median of ${rounds} rounds`);
console.log('target            requests/s   of direct   capture bytes/request');
for (const target of TARGETS) {
  const m = median(results.get(target)!, (r) => r.rps);
  console.log(
    `${target.padEnd(17)} ${Math.round(m.rps).toString().padStart(10)}   ${`${Math.round((100 * m.rps) / direct)}%`.padStart(9)}   ${m.bytesPerRequest ? Math.round(m.bytesPerRequest).toString().padStart(21) : '—'.padStart(21)}`,
  );
}
