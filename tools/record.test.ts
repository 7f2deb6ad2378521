/**
 * The recording proxy over real TCP with the real @stoqey/ib: bytes pass unchanged, every frame is
 * recorded decoded with its timing, accounts are masked unless told otherwise, a client that
 * writes one byte at a time is recorded like any other, and the CLI writes a complete capture.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeClientMessage, encodeHandshake, FrameDecoder, SIM_MAX_VERSION } from '../simulator/protocol/index.ts';
import { contractRequest, historyRequest } from '../simulator/protocol/requests.ts';
import { startSimulator, type Simulator } from '../simulator/simulator.ts';
import { isFrame, readCapture, type FrameRecord } from './capture/format.ts';
import { encodeRecordedFrame } from './capture/frames.ts';
import { startRecorder } from './record.ts';
import { HISTORY_END, stoqeySession } from './testing/stoqey-session.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function tmpFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibkr-record-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, name);
}

async function simulator(): Promise<Simulator> {
  const sim = await startSimulator({ port: 0, profile: 'instant', seed: 7 });
  cleanup.push(() => sim.close());
  return sim;
}

const gatewayFrames = (file: string) => readCapture(file).records.filter((r): r is FrameRecord => isFrame(r) && r.from === 'gateway');

describe('record: the transparent proxy', () => {
  it('passes @stoqey/ib through unchanged and records both directions, decoded, with accounts masked', async () => {
    const sim = await simulator();
    const out = tmpFile('capture.jsonl');
    const recorder = await startRecorder({
      upstream: { host: '127.0.0.1', port: sim.port },
      port: 0,
      out,
      simulator: { profile: 'instant', seed: 7, timeScale: 1 },
    });
    const viaProxy = await stoqeySession(recorder.port, 5);
    await new Promise((r) => setTimeout(r, 100));
    await recorder.close();
    const direct = await stoqeySession(sim.port, 6);
    // The client saw exactly what it sees without the proxy (masking is for the file only).
    expect(viaProxy).toEqual(direct);
    expect(viaProxy.accounts).toEqual(['DU0118471']);

    const text = fs.readFileSync(out, 'utf8');
    const capture = readCapture(out);
    expect(capture.header).toMatchObject({ schema: 'ibkr-harness/capture', version: 1, upstream: `127.0.0.1:${sim.port}`, masked: true });
    expect(capture.header.tool).toMatch(/^ibkr-harness \d+\.\d+\.\d+/);
    expect(Date.parse(capture.header.startedAt)).toBeGreaterThan(0);
    const kinds = capture.records.map((r) => ('event' in r ? r.event : 'handshake' in r ? 'handshake' : `${r.from} ${r.type}`));
    expect(kinds).toEqual([
      'open',
      'handshake',
      'gateway SERVER_VERSION',
      'client START_API',
      'gateway MANAGED_ACCTS',
      'gateway NEXT_VALID_ID',
      ...Array(6).fill('gateway ERR_MSG'),
      'client REQ_CONTRACT_DATA',
      'gateway CONTRACT_DATA',
      'gateway CONTRACT_DATA_END',
      'client REQ_HISTORICAL_DATA',
      'gateway HISTORICAL_DATA',
      'close',
    ]);
    expect(capture.records.every((r) => r.conn === 1)).toBe(true);
    const times = capture.records.map((r) => r.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const history = gatewayFrames(out).find((f) => f.type === 'HISTORICAL_DATA')!;
    expect((history.msg!.bars as unknown[]).length).toBe(direct.bars.length);
    expect(text).not.toContain('DU0118471');
    expect(gatewayFrames(out).find((f) => f.type === 'MANAGED_ACCTS')!.msg).toEqual({ accounts: 'DU0000001' });
  });

  it('keeps accounts with mask: false, and the recorded gateway frames are the bytes the client received', async () => {
    const sim = await simulator();
    const out = tmpFile('unmasked.jsonl');
    const recorder = await startRecorder({ upstream: { host: '127.0.0.1', port: sim.port }, port: 0, out, mask: false });
    cleanup.push(() => recorder.close());
    const received: Buffer[] = [];
    const socket = net.connect({ port: recorder.port, noDelay: true });
    socket.on('data', (b: Buffer) => received.push(b));
    await new Promise((r) => socket.once('connect', r));
    const decoder = new FrameDecoder();
    let frames = 0;
    const done = new Promise<void>((resolve) => socket.on('data', (b: Buffer) => (frames += decoder.push(b).length) >= 12 && resolve()));

    // The client splits its frames at every byte: handshake, START_API pipelined before the
    // version reply, a qualification and a history request.
    const bytes = Buffer.concat([
      encodeHandshake(100, SIM_MAX_VERSION),
      encodeClientMessage({ type: 'START_API', clientId: 3, optionalCapabilities: '' }, SIM_MAX_VERSION),
      encodeClientMessage(contractRequest(7), SIM_MAX_VERSION),
      encodeClientMessage(historyRequest(8, { endDateTime: HISTORY_END }), SIM_MAX_VERSION),
    ]);
    for (const byte of bytes) {
      socket.write(Buffer.of(byte));
      await new Promise((r) => setImmediate(r));
    }
    await done;
    socket.end();
    await new Promise((r) => socket.once('close', r));
    await recorder.close();

    const capture = readCapture(out);
    expect(capture.header.masked).toBe(false);
    const client = capture.records.filter((r): r is FrameRecord => isFrame(r) && r.from === 'client');
    expect(client.map((f) => f.type)).toEqual(['START_API', 'REQ_CONTRACT_DATA', 'REQ_HISTORICAL_DATA']);
    expect(client[0]!.msg).toEqual({ clientId: 3, optionalCapabilities: '' });
    expect(client[1]!.msg).toMatchObject({ reqId: 7, symbol: 'AAPL', exchange: 'SMART', currency: 'USD' });
    expect(client[2]!.msg).toMatchObject({ reqId: 8, endDateTime: HISTORY_END, barSize: '1 hour' });
    const gateway = gatewayFrames(out);
    expect(gateway.find((f) => f.type === 'MANAGED_ACCTS')!.msg).toEqual({ accounts: 'DU0118471' });
    expect(Buffer.concat(gateway.map((f) => encodeRecordedFrame(f, 178))).equals(Buffer.concat(received))).toBe(true);
  });

  it('closes a client whose upstream is unreachable and records why', async () => {
    const dead = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => dead.once('listening', r));
    const deadPort = (dead.address() as net.AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const out = tmpFile('refused.jsonl');
    const recorder = await startRecorder({ upstream: { host: '127.0.0.1', port: deadPort }, port: 0, out });
    const socket = net.connect({ port: recorder.port });
    socket.on('error', () => {});
    await new Promise((r) => socket.once('close', r));
    await recorder.close();
    const close = readCapture(out).records.find((r) => 'event' in r && r.event === 'close');
    expect(close).toMatchObject({ event: 'close', by: 'proxy' });
    expect((close as { error: string }).error).toContain(`upstream 127.0.0.1:${deadPort}`);
    expect((close as { error: string }).error).toContain('ECONNREFUSED');
  });

  it('ibkr-harness record --sim writes a complete capture and exits 0 on SIGTERM', async () => {
    const out = tmpFile('cli.jsonl');
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin/ibkr-harness.mjs'), 'record', '--sim', '--profile', 'instant', '--seed', '7', '--port', '0', '--out', out, '--log-level', 'silent'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    cleanup.push(() => child.exitCode === null && child.kill('SIGKILL'));
    let stdout = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.on('data', (b: Buffer) => {
        stdout += b.toString();
        const m = /recording: clients on 127\.0\.0\.1:(\d+) → an in-process simulator \(profile instant, seed 7\), writing .* \(account ids masked\)/.exec(
          stdout,
        );
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`record exited ${code}: ${stdout}`)));
    });
    const session = await stoqeySession(port, 8);
    expect(session.conId).toBe(265598);
    await new Promise((r) => setTimeout(r, 100));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/cli\.jsonl: 1 connection\(s\), 16 frame\(s\)/);
    expect(readCapture(out).header.simulator).toEqual({ profile: 'instant', seed: 7, timeScale: 1 });
  });
});
