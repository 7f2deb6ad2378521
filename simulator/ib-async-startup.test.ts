/**
 * ib_async 2.0.1 cannot be installed here (no PyPI), so its connect sequence is replayed byte for
 * byte as captured against a mock (docs/wire-facts/clients.md#ib_async-startup-requests): the handshake it sends, START_API, and the six
 * requests `IB.connectAsync` waits on. ib_async only becomes ready once every one of them is
 * answered; a missing answer costs the user a multi-second timeout per request.
 */
import net from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { decodeServerFrame, encodeFrame, encodeHandshake, FrameDecoder, type ServerMessage } from './protocol/index.ts';
import { startSimulator, type Simulator } from './simulator.ts';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ port: 0, profile: 'ibkr-paper', seed: 5 });
});
afterEach(() => sim.close());

/** The request frames of ib_async's startup, as its encoder writes them (commas were NULs). */
const STARTUP: ReadonlyArray<[string, string[]]> = [
  ['REQ_POSITIONS', ['61', '1']],
  ['REQ_OPEN_ORDERS', ['5', '1']],
  ['REQ_COMPLETED_ORDERS', ['99', '0']],
  ['REQ_ACCOUNT_DATA', ['6', '2', '1', 'DU0118471']],
  ['REQ_ACCOUNT_UPDATES_MULTI', ['76', '1', '1', 'DU0118471', '', '0']],
  ['REQ_EXECUTIONS', ['7', '3', '2', '0', '', '', '', '', '', '']],
];

it('answers every request of ib_async 2.0.1 connectAsync, at version 178, well under a second', async () => {
  const socket = net.connect({ host: '127.0.0.1', port: sim.port, noDelay: true });
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const decoder = new FrameDecoder();
  const got: Array<{ msg: ServerMessage; at: number }> = [];
  let version = 0;
  socket.on('data', (chunk) => {
    for (const frame of decoder.push(chunk)) {
      const msg = decodeServerFrame(frame, version || 178, version === 0);
      if (msg.type === 'SERVER_VERSION') version = msg.serverVersion;
      got.push({ msg, at: performance.now() });
    }
  });
  const started = performance.now();
  socket.write(encodeHandshake(157, 178));
  socket.write(encodeFrame(['71', '2', '11', '']));
  const until = async (pred: () => boolean) => {
    while (!pred()) await new Promise((r) => setTimeout(r, 2));
  };
  await until(() => got.some((g) => g.msg.type === 'NEXT_VALID_ID'));
  expect(version).toBe(178);
  const accounts = got.find((g) => g.msg.type === 'MANAGED_ACCTS')!.msg as Extract<ServerMessage, { type: 'MANAGED_ACCTS' }>;
  expect(accounts.accounts).toBe('DU0118471');

  for (const [, fields] of STARTUP) socket.write(encodeFrame(fields));
  const ends = ['POSITION_END', 'OPEN_ORDER_END', 'COMPLETED_ORDERS_END', 'ACCT_DOWNLOAD_END', 'ACCOUNT_UPDATE_MULTI_END', 'EXECUTION_DATA_END'];
  await until(() => ends.every((t) => got.some((g) => g.msg.type === t)));
  const ready = performance.now() - started;
  socket.destroy();

  const types = got.map((g) => g.msg.type);
  // The account download carries a value and its time before the end marker, as TWS sends them.
  expect(types.indexOf('ACCT_VALUE')).toBeLessThan(types.indexOf('ACCT_DOWNLOAD_END'));
  expect(types.indexOf('ACCT_UPDATE_TIME')).toBeLessThan(types.indexOf('ACCT_DOWNLOAD_END'));
  expect(got.find((g) => g.msg.type === 'ACCOUNT_UPDATE_MULTI_END')!.msg).toMatchObject({ reqId: 1 });
  expect(got.find((g) => g.msg.type === 'EXECUTION_DATA_END')!.msg).toMatchObject({ reqId: 2 });
  // No error frame other than the farm notices: every request was understood.
  const errors = got.filter((g) => g.msg.type === 'ERR_MSG').map((g) => (g.msg as { code: number }).code);
  expect(errors.every((c) => c >= 2100 && c < 2200)).toBe(true);
  // ibkr-paper logs in in ~0.3 s; everything else is answered at once.
  expect(ready).toBeLessThan(1000);
});
