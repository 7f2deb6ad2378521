/**
 * diff over real TCP: record → replay → diff round trips over the simulator show no difference;
 * a capture with one field changed shows exactly that field; the committed fixture still matches
 * the simulator; the CLI's exit codes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/logger.ts';
import { diffCommand } from '../cli/diff.ts';
import { isFrame, readCapture, type Capture, type FrameRecord } from '../capture/format.ts';
import { startReplay } from '../replay.ts';
import { recordClientIdClash, recordStoqeySession } from '../testing/captures.ts';
import { FIXTURE } from '../testing/record-fixture.ts';
import { runCli } from '../testing/run-cli.ts';
import { diffCapture } from './diff.ts';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibkr-diff-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The capture with one frame's decoded message edited, written next to the others. */
function edited(capture: Capture, type: string, edit: (msg: Record<string, unknown>) => void): Capture {
  const copy = structuredClone(capture);
  const frame = copy.records.find((r): r is FrameRecord => isFrame(r) && r.type === type)!;
  edit(frame.msg!);
  return copy;
}

function write(capture: Capture, file: string): string {
  fs.writeFileSync(file, [capture.header, ...capture.records].map((r) => JSON.stringify(r)).join('\n'));
  return file;
}

describe('diff', () => {
  it('record → replay → diff over the simulator: no differences, against the replay and against a fresh simulator', async () => {
    const file = path.join(tmpDir(), 'session.jsonl');
    await recordStoqeySession(file);
    const capture = readCapture(file);
    const replay = await startReplay({ capture, port: 0, logger: createLogger('test', 'silent') });
    cleanup.push(() => replay.close());

    const againstReplay = await diffCapture(capture, { against: { host: '127.0.0.1', port: replay.port } });
    expect(againstReplay.differences).toEqual([]);
    expect(againstReplay).toMatchObject({ connections: 1, frames: 12 });
    expect(replay.unmatched).toEqual([]);
    const againstSimulator = await diffCapture(capture);
    expect(againstSimulator.target).toBe('simulator (profile instant, seed 7, time scale 1)');
    expect(againstSimulator.differences).toEqual([]);
  });

  it('a recorded 326 on a second connection diffs clean too (connections in their recorded order, the gateway close compared)', async () => {
    const file = path.join(tmpDir(), 'clash.jsonl');
    await recordClientIdClash(file);
    const report = await diffCapture(readCapture(file));
    expect(report.connections).toBe(2);
    expect(report.differences).toEqual([]);
  });

  it('a capture with one field changed shows exactly that field', async () => {
    const fixture = readCapture(FIXTURE);
    const name = edited(fixture, 'CONTRACT_DATA', (m) => (m.longName = 'APPLE COMPUTER INC'));
    const report = await diffCapture(name);
    expect(report.differences).toEqual([
      {
        conn: 1,
        request: 'REQ_CONTRACT_DATA reqId 1 AAPL STK SMART USD',
        message: 'CONTRACT_DATA #1',
        kind: 'field',
        path: 'longName',
        recorded: 'APPLE COMPUTER INC',
        actual: 'APPLE INC',
      },
    ]);

    const bar = edited(fixture, 'HISTORICAL_DATA', (m) => ((m.bars as Array<{ close: number }>)[3]!.close += 0.01));
    const original = (fixture.records.find((r): r is FrameRecord => isFrame(r) && r.type === 'HISTORICAL_DATA')!.msg!.bars as Array<{ close: number }>)[3]!
      .close;
    expect((await diffCapture(bar)).differences).toEqual([
      expect.objectContaining({ message: 'HISTORICAL_DATA #1', kind: 'field', path: 'bars[3].close', recorded: original + 0.01, actual: original }),
    ]);
    // The same edit is not a difference when that field is ignored.
    expect((await diffCapture(bar, { ignore: ['HISTORICAL_DATA.bars.close'] })).differences).toEqual([]);
  });

  it("runs the simulator at the capture's time, so answers that depend on the date match whatever day the diff runs", async () => {
    const fixture = readCapture(FIXTURE);
    const weekLater = Date.parse(fixture.header.startedAt) + 7 * 86_400_000;
    const report = await diffCapture(fixture, { at: weekLater });
    expect(report.differences.map((d) => `${d.message} ${d.path}`)).toEqual(['CONTRACT_DATA #1 tradingHours', 'CONTRACT_DATA #1 liquidHours']);
    expect((await diffCapture(fixture)).differences).toEqual([]);
  });

  it('reports frames the target did not send and frames the recording did not have', async () => {
    const fixture = readCapture(FIXTURE);
    const copy = structuredClone(fixture);
    const end = copy.records.findIndex((r) => isFrame(r) && r.type === 'CONTRACT_DATA_END');
    copy.records.splice(end, 1);
    const extraNotice = structuredClone(copy.records.find((r): r is FrameRecord => isFrame(r) && r.type === 'ERR_MSG')!);
    extraNotice.msg!.message = 'Market data farm connection is OK:usopt';
    copy.records.splice(end, 0, extraNotice);
    const report = await diffCapture(copy, { settleMs: 200 });
    expect(report.differences).toEqual([
      expect.objectContaining({
        request: 'frames without a request id',
        message: 'ERR_MSG 2104 #4',
        kind: 'missing',
        recorded: 'ERR_MSG 2104 (id -1): Market data farm connection is OK:usopt',
      }),
      expect.objectContaining({
        request: 'REQ_CONTRACT_DATA reqId 1 AAPL STK SMART USD',
        message: 'CONTRACT_DATA_END #1',
        kind: 'extra',
        actual: 'CONTRACT_DATA_END',
      }),
    ]);
  });

  it('CLI: the committed fixture matches the simulator (exit 0); an edited one exits 1 with a readable line; --json; 3 unreachable; 2 not a capture', async () => {
    const ok = await runCli(diffCommand(), [FIXTURE]);
    expect(
      ok.code,
      `the simulator no longer answers as recorded in ${FIXTURE}; if that is intended, re-record it with \`npx tsx tools/testing/record-fixture.ts\`:\n${ok.stdout}`,
    ).toBe(0);
    expect(ok.stdout).toMatch(/^no differences: 12 recorded gateway frame\(s\) on 1 connection\(s\) compared; ignored: SERVER_VERSION\.connectionTime, /m);

    const dir = tmpDir();
    const changed = write(
      edited(readCapture(FIXTURE), 'CONTRACT_DATA', (m) => (m.minTick = 0.05)),
      path.join(dir, 'changed.jsonl'),
    );
    const text = await runCli(diffCommand(), [changed]);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')).toEqual([
      `diff of ${changed} against simulator (profile instant, seed 7, time scale 1)`,
      'conn 1',
      '  REQ_CONTRACT_DATA reqId 1 AAPL STK SMART USD',
      '    CONTRACT_DATA #1  minTick: 0.05 → 0.01',
      expect.stringMatching(/^1 difference\(s\) in 1 message\(s\): 12 recorded gateway frame/),
    ]);
    const json = await runCli(diffCommand(), [changed, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      schema: 'ibkr-harness/diff',
      version: 1,
      differences: [{ path: 'minTick', recorded: 0.05, actual: 0.01 }],
    });

    const unreachable = await runCli(diffCommand(), [FIXTURE, '--against', '127.0.0.1:1']);
    expect(unreachable).toMatchObject({ code: 3, stderr: 'error: target unreachable: cannot connect to 127.0.0.1:1: ECONNREFUSED' });

    const notCapture = path.join(dir, 'results.json');
    fs.writeFileSync(notCapture, '{"schema":"ibkr-harness/bench@1"}\n');
    expect(await runCli(diffCommand(), [notCapture])).toMatchObject({
      code: 2,
      stderr: `error: ${notCapture}:1: not an ibkr-harness capture (schema "ibkr-harness/bench@1", expected "ibkr-harness/capture")`,
    });
  });
});
