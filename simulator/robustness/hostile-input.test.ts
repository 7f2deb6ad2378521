/**
 * Deterministic repros of the defects the fuzzers found, one test each, so every defect has a
 * named failing test until it is fixed (see the robustness report for file/line and suggested fixes).
 *
 * The crash repros run the real CLI (`ibkr-harness sim`) in a child process: an exception thrown
 * from a socket callback there has no test runner to catch it, and the process exits. One child
 * serves every test of the file (each checks that it is still alive and serving afterwards, and
 * uses client ids of its own), and memory figures are read from its /proc entry.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeServerFrame, encodeFrame, encodeHandshake, MAX_FRAME_LENGTH, SIM_MAX_VERSION } from '../protocol/index.ts';
import { startSimulator, type Simulator } from '../simulator.ts';
import type { WireClient } from '../testing/wire-client.ts';
import { startChildSimulator, type ChildSimulator } from '../testing/child-simulator.ts';
import { asError, RawClient, SERVER_ID } from '../testing/raw-client.ts';
import { encodeRequest, historyRequest } from '../protocol/requests.ts';

const sims: Simulator[] = [];
const clients: Array<RawClient | WireClient> = [];
let shared: ChildSimulator;
/** Client ids are never reused across the tests of the shared child (no 326 from a previous test's close). */
let nextClientId = 1;

beforeAll(async () => {
  shared = await startChildSimulator();
}, 30_000);

afterAll(async () => {
  await shared?.stop();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sims.splice(0)) await s.close();
});

/** The shared simulator process (it must still be alive: each test checks that it survived). */
async function child(): Promise<ChildSimulator> {
  expect(shared.exit, `the shared simulator process exited earlier: ${shared.stderr.slice(0, 400)}`).toBeUndefined();
  return shared;
}

const clientId = () => nextClientId++;

async function ready(port: number, id: number = clientId()): Promise<RawClient> {
  const c = await RawClient.ready(port, id);
  clients.push(c);
  return c;
}

/** The process survived and still logs clients in. */
async function expectAlive(sim: ChildSimulator): Promise<void> {
  await new Promise((r) => setTimeout(r, 500));
  let answered = false;
  try {
    const probe = await ready(sim.port);
    probe.send({ type: 'REQ_CURRENT_TIME' });
    answered = (await probe.waitFor((f) => f[0] === SERVER_ID.CURRENT_TIME, 3000)) !== undefined;
  } catch {
    // refused or dropped: find out whether the process is gone
  }
  if (!answered)
    await new Promise<void>((r) => {
      if (sim.exit) r();
      else sim.child.once('exit', () => r());
      setTimeout(r, 3000);
    });
  expect(sim.exit, `simulator process died: ${sim.stderr.split('\n').slice(0, 6).join('\n')}`).toBeUndefined();
  expect(answered, 'the simulator no longer answers').toBe(true);
}

const HUGE_INT = '9'.repeat(400); // parses as Infinity

/** Resident and peak resident memory of a process (bytes), from /proc; undefined off Linux. */
function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

describe('connections that have not logged in are bounded (README "Limits")', () => {
  // First in the file, so the peak it reads is this test's (it is also reset where Linux lets us).
  it('40 of them, each sending a 16 MiB length and then the bytes, hold < 50 MB extra RSS in total', async (ctx) => {
    const sim = await child();
    const pid = sim.child.pid!;
    if (!memoryOf(pid)) {
      console.warn('simulator/robustness/hostile-input.test.ts: the RSS check is skipped (no /proc: not Linux)');
      ctx.skip('no /proc: not Linux, no per-process RSS to read');
    }
    // A warm-up login, so that code paths and buffers of a normal session are not counted.
    (await ready(sim.port)).destroy();
    await new Promise((r) => setTimeout(r, 300));
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
    } catch {
      // not permitted here: the peak then also covers start-up, which only makes the check stricter
    }
    const before = memoryOf(pid)!;
    let sampledPeak = before.rss;
    const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, memoryOf(pid)?.rss ?? 0)), 10);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(MAX_FRAME_LENGTH); // the largest length the protocol allows
    const body = Buffer.alloc(MAX_FRAME_LENGTH, 0x41); // one buffer, written to every socket
    const attackers = await Promise.all(Array.from({ length: 40 }, () => RawClient.connect(sim.port)));
    clients.push(...attackers);
    // Half of them after the handshake (where the limit used to be the protocol's 16 MiB), half as the handshake itself.
    for (const [i, c] of attackers.entries()) c.write(Buffer.concat([i % 2 ? encodeHandshake(100, SIM_MAX_VERSION) : Buffer.from('API\0', 'latin1'), length]));
    for (const c of attackers) c.write(body);
    const closed = await Promise.all(attackers.map((c) => c.whenClosed(15_000)));
    await new Promise((r) => setTimeout(r, 300));
    clearInterval(sampler);
    const after = memoryOf(pid)!;
    const peak = Math.max(after.peak, sampledPeak);
    const mb = (n: number) => (n / 1e6).toFixed(1);
    console.log(
      `40 pre-login connections x 16 MiB length: simulator RSS ${mb(before.rss)} -> ${mb(after.rss)} MB, peak ${mb(peak)} MB (+${mb(peak - before.rss)} MB); ` +
        `all closed by the server: ${closed.every(Boolean) && attackers.every((c) => c.closedByPeer)}`,
    );
    expect(closed.every(Boolean)).toBe(true);
    expect(attackers.every((c) => c.closedByPeer)).toBe(true);
    expect(peak - before.rss).toBeLessThan(50e6);
    await expectAlive(sim);
  }, 60_000);
});

describe('integer fields are range-checked', () => {
  it.each([
    ['REQ_MATCHING_SYMBOLS reqId (the reply echoes it)', ['81', HUGE_INT, 'AAPL']],
    ['REQ_HISTORICAL_DATA reqId, message cut short (the 320 error echoes it)', ['20', HUGE_INT]],
    [
      'REQ_CONTRACT_DATA reqId (the reply, from a timer, echoes it)',
      ['9', '8', HUGE_INT, '0', 'AAPL', 'STK', '', '0', '', '', 'SMART', '', 'USD', '', '', '0', '', '', ''],
    ],
  ])(
    'a 400-digit %s does not kill the simulator process',
    async (_what, fields) => {
      const sim = await child();
      const c = await ready(sim.port);
      c.write(encodeFrame(fields));
      await expectAlive(sim);
    },
    30_000,
  );

  it('request ids of 1e21 and more are rejected or echoed as integers, never as "1e+21"', async () => {
    const sim = await startSimulator({ port: 0, profile: 'instant' });
    sims.push(sim);
    const c = await ready(sim.port, 1);
    c.write(encodeFrame(['81', `1${'0'.repeat(21)}`, 'AAPL']));
    c.send({ type: 'REQ_CURRENT_TIME' });
    await c.waitFor((f) => f[0] === SERVER_ID.CURRENT_TIME, 3000);
    for (const fields of c.frames) {
      const body = Buffer.from(`${fields.join('\0')}\0`);
      expect(() => decodeServerFrame(body, SIM_MAX_VERSION), JSON.stringify(fields).slice(0, 120)).not.toThrow();
    }
  });
});

describe('error texts are bounded', () => {
  it('a 3 MB malformed field (whose quoted echo exceeds 16 MiB) does not kill the simulator process', async () => {
    const sim = await child();
    const c = await ready(sim.port);
    c.write(encodeFrame(['8', '1', '\x01'.repeat(3_000_000)])); // REQ_IDS, numIds not an integer
    await expectAlive(sim);
    // And the client is told, in a reply of sane size.
    const err = await c.waitFor((f) => asError(f)?.code === 320, 3000);
    expect(err).toBeDefined();
    expect(asError(err!)!.message.length).toBeLessThan(4096);
  }, 30_000);

  it('an unknown 3 MB message id does not kill the simulator process', async () => {
    const sim = await child();
    const c = await ready(sim.port);
    c.write(encodeFrame(['\x01'.repeat(3_000_000)]));
    await expectAlive(sim);
  }, 30_000);
});

describe('memory held per client is bounded', () => {
  function gc(): () => void {
    const g = (globalThis as { gc?: () => void }).gc;
    if (g) return g;
    v8.setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  }

  it('the journal does not keep megabytes per frame: 40 valid 4 MB requests leave < 64 MB behind', async () => {
    const sim = await startSimulator({ port: 0, profile: 'instant' }); // journal on, as by default
    sims.push(sim);
    const c = await ready(sim.port, 1);
    const collect = gc();
    collect();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 40; i++) {
      c.write(encodeFrame(['81', String(i), 'Q'.repeat(4_000_000)])); // REQ_MATCHING_SYMBOLS, no match
      expect(await c.waitFor((f) => f[0] === '79' && f[1] === String(i), 5000)).toBeDefined();
    }
    c.frames.length = 0;
    collect();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1e6;
    console.log(`journal retention: heap +${grownMb.toFixed(1)} MB after 40 x 4 MB requests`);
    expect(grownMb).toBeLessThan(64);
  }, 60_000);
});

describe('one client cannot freeze the gateway', () => {
  it('a historical request spanning centuries does not block other sessions for seconds', async () => {
    // In its own process, so the stall is measured from outside.
    const sim = await child();
    const attacker = await ready(sim.port);
    const bystander = await ready(sim.port);
    // 9,840 monthly bars are within the 10,000-bar cap, but cost ~300,000 days of session arithmetic.
    attacker.write(encodeRequest(historyRequest(1, { duration: '820 Y', barSize: '1 month', useRTH: 0 })));
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    bystander.send({ type: 'REQ_CURRENT_TIME' });
    expect(await bystander.waitFor((f) => f[0] === SERVER_ID.CURRENT_TIME, 30_000)).toBeDefined();
    const stalledMs = performance.now() - t0;
    console.log(`bystander REQ_CURRENT_TIME round trip behind one "820 Y"/"1 month": ${stalledMs.toFixed(0)} ms`);
    expect(stalledMs).toBeLessThan(1000);
  }, 60_000);
});
