/**
 * Replay over real TCP: the committed fixture served to the real @stoqey/ib with other request
 * ids, a request the capture does not hold, and a recorded 326 served again.
 */
import { IBApiNext, SecType } from '@stoqey/ib';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../common/logger.ts';
import { RawClient, SERVER_ID } from '../simulator/testing/raw-client.ts';
import { contractRequest } from '../simulator/protocol/requests.ts';
import { encodeClientMessage, encodeHandshake, SIM_MAX_VERSION } from '../simulator/protocol/index.ts';
import { isFrame, readCapture, type FrameRecord } from './capture/format.ts';
import { encodeRecordedFrame, remapRequestIds } from './capture/frames.ts';
import { startReplay, type ReplayServer } from './replay.ts';
import { recordClientIdClash } from './testing/captures.ts';
import { FIXTURE } from './testing/record-fixture.ts';
import { stoqeySession } from './testing/stoqey-session.ts';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function replay(file: string, timing: 'asap' | 'recorded' = 'asap'): Promise<ReplayServer> {
  const server = await startReplay({ capture: readCapture(file), source: path.basename(file), port: 0, timing, logger: createLogger('test', 'silent') });
  cleanup.push(() => server.close());
  return server;
}

/** The bars of the fixture's HISTORICAL_DATA frame. */
function fixtureBars(): Array<{ date: string; close: number }> {
  const frame = readCapture(FIXTURE).records.find((r): r is FrameRecord => isFrame(r) && r.type === 'HISTORICAL_DATA')!;
  return (frame.msg!.bars as Array<{ date: string; close: number }>).map((b) => ({ date: b.date, close: b.close }));
}

describe('replay', () => {
  it('serves the committed fixture to @stoqey/ib using other request ids', async () => {
    const server = await replay(FIXTURE);
    const session = await stoqeySession(server.port, 5, 300);
    expect(session.accounts).toEqual(['DU0000001']);
    expect(session.conId).toBe(265598);
    expect(session.bars.map((b) => ({ date: b.time, close: b.close }))).toEqual(fixtureBars());
    expect(session.errors).toEqual([]);
    expect(server.unmatched).toEqual([]);
  });

  it('answers a request the capture does not hold with 322 on its request id, which ends it in @stoqey/ib, and logs it', async () => {
    const server = await replay(FIXTURE);
    const next = new IBApiNext({ host: '127.0.0.1', port: server.port });
    cleanup.push(() => next.disconnect());
    next.connect(5);
    await expect(next.getContractDetails({ symbol: 'MSFT', secType: SecType.STK, exchange: 'SMART', currency: 'USD' })).rejects.toMatchObject({ code: 322 });
    expect(server.unmatched).toEqual([{ conn: 1, request: expect.stringMatching(/^REQ_CONTRACT_DATA reqId \d+ MSFT STK SMART USD$/) }]);

    const raw = await RawClient.ready(server.port, 6);
    cleanup.push(() => raw.destroy());
    raw.send(contractRequest(77, { symbol: 'TSLA' }));
    const err = await raw.waitFor((f) => f[0] === SERVER_ID.ERR_MSG && f[2] === '77', 2000);
    expect(err!.slice(3, 5)).toEqual([
      '322',
      "Error processing request.-'replay' : cause - REQ_CONTRACT_DATA reqId 77 TSLA STK SMART USD is not in the capture stoqey-aapl-history.jsonl",
    ]);
  });

  it('replays a recorded 326: the second connection with the same client id is refused and closed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibkr-replay-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const out = path.join(dir, 'clash.jsonl');
    await recordClientIdClash(out);

    const server = await replay(out);
    const a = await RawClient.ready(server.port, 1);
    cleanup.push(() => a.destroy());
    expect(a.frames.map((f) => f[0])).toContain(SERVER_ID.MANAGED_ACCTS);
    const b = await RawClient.connect(server.port);
    cleanup.push(() => b.destroy());
    b.write(
      Buffer.concat([
        encodeHandshake(100, SIM_MAX_VERSION),
        encodeClientMessage({ type: 'START_API', clientId: 1, optionalCapabilities: '' }, SIM_MAX_VERSION),
      ]),
    );
    expect(await b.whenClosed(2000)).toBe(true);
    expect(b.closedByPeer).toBe(true);
    expect(b.errors().map((e) => e.code)).toEqual([326]);
    expect(b.frames.some((f) => f[0] === SERVER_ID.NEXT_VALID_ID)).toBe(false);
  });

  it('keeps the recorded delay of an answer with timing "recorded"', async () => {
    const capture = readCapture(FIXTURE);
    const frame = (type: string) => capture.records.find((r): r is FrameRecord => isFrame(r) && r.type === type)!;
    const request = frame('REQ_HISTORICAL_DATA');
    const delay = frame('HISTORICAL_DATA').t - request.t;
    const server = await replay(FIXTURE, 'recorded');
    const client = await RawClient.ready(server.port, 5);
    cleanup.push(() => client.destroy());
    const sent = performance.now();
    client.write(
      encodeRecordedFrame(
        remapRequestIds(request, 178, () => 42),
        178,
      ),
    );
    expect(await client.waitFor((f) => f[0] === SERVER_ID.HISTORICAL_DATA && f[1] === '42', 5000)).toBeDefined();
    // setTimeout may fire up to a millisecond early.
    expect(performance.now() - sent).toBeGreaterThanOrEqual(delay - 1);
  });
});
