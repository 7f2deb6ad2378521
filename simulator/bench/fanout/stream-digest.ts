/**
 * Digests of every client's stream, to check a change to the streaming path one for one against
 * an older checkout: run it in both trees and compare the output (identical lines = identical
 * streams). Two checks:
 *  - in process on a virtual clock: each message's model instant and its frame bytes as the TCP
 *    adapter encodes them (server/frame-cache.ts), per client — messages, instants and order;
 *  - over real TCP on a virtual clock: the bytes each socket received, per client.
 * Scenario: 4 clients with market data types 1 (live), 3 (delayed), 4 (delayed-frozen) and 2
 * (frozen), 40 streaming lines each opened in two batches (NASDAQ stocks live, the others
 * delayed-only, so types 1 and 2 get 354 for those), a cancel, a snapshot and a second cancel;
 * 60 s from 10:00 New York and 60 s across the 16:00 close, and 40 s over TCP.
 *
 *   npx tsx simulator/bench/fanout/stream-digest.ts [checkout root, default this one]
 *   # e.g. git archive <old commit> | tar -x -C /tmp/old && ln -s $PWD/node_modules /tmp/old/
 *   #      diff <(npx tsx simulator/bench/fanout/stream-digest.ts) <(npx tsx simulator/bench/fanout/stream-digest.ts /tmp/old)
 *
 * The modules are loaded from the root given, so the older tree runs its own code.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
const ROOT = resolve(process.argv[2] ?? fileURLToPath(new URL('../../..', import.meta.url)));
const { VirtualClock } = await import(`${ROOT}/common/clock.ts`);
const { createMarketData } = await import(`${ROOT}/simulator/market/market-data.ts`);
const P = await import(`${ROOT}/simulator/protocol/index.ts`);
const { mktDataRequest } = await import(`${ROOT}/simulator/protocol/requests.ts`);
const { InProcessConnection } = await import(`${ROOT}/simulator/server/in-process.ts`);
const { FrameCache } = await import(`${ROOT}/simulator/server/frame-cache.ts`);
const { createGateway, startSimulator } = await import(`${ROOT}/simulator/simulator.ts`);
const V = P.SIM_MAX_VERSION;
const OPEN = Date.UTC(2025, 10, 12, 15, 0); // 10:00 New York
const CLOSE_SOON = Date.UTC(2025, 10, 12, 20, 59, 30); // 30 s before the close
const overrides = { marketData: { lines: 400, permissions: { live: ['STK:NASDAQ'], delayed: ['*'] } } };

type Plan = Array<{ at: number; client: number; msg: unknown }>;
function plan(stocks: Array<{ conId: number }>): Plan {
  const p: Plan = [];
  // client 1 live (type 1), 2 delayed (3), 3 delayed-frozen (4), 4 frozen (2); 40 lines each, opened in two batches.
  [1, 3, 4, 2].forEach((type, c) => {
    p.push({ at: 0, client: c, msg: { type: 'REQ_MARKET_DATA_TYPE', marketDataType: type } });
    for (let l = 0; l < 40; l++) {
      const s = stocks[(c * 7 + l) % stocks.length]!;
      p.push({ at: l < 20 ? 10 * c : 1_137 + 10 * c, client: c, msg: mktDataRequest(l + 1, { conId: s.conId, symbol: '', exchange: 'SMART', currency: '' }) });
    }
    p.push({ at: 20_000 + c, client: c, msg: { type: 'CANCEL_MKT_DATA', reqId: 3 } });
    p.push({
      at: 20_500 + c,
      client: c,
      msg: { ...mktDataRequest(3, { conId: stocks[c]!.conId, symbol: '', exchange: 'SMART', currency: '' }), snapshot: true },
    });
    p.push({ at: 30_000 + c, client: c, msg: { type: 'CANCEL_MKT_DATA', reqId: 7 } });
  });
  return p.sort((a, b) => a.at - b.at);
}

async function inProcess(start: number, seconds: number): Promise<string[]> {
  const market = createMarketData({ seed: 1 });
  const stocks = market.universe.instruments.filter((i: { secType: string }) => i.secType === 'STK');
  const clock = new VirtualClock(start);
  const gw = createGateway({ clock, seed: 1, profile: 'ibkr-paper', market, overrides });
  const frames = new FrameCache();
  const lines: string[] = [];
  const conns = Array.from({ length: 4 }, (_, i) => {
    const c = InProcessConnection.open(gw);
    c.onMessage((m: unknown) => lines.push(`${i} ${clock.now()} ${frames.encode(m, V).toString('hex')}`));
    c.send({ type: 'START_API', clientId: i + 1, optionalCapabilities: '' });
    return c;
  });
  await clock.advance(5_000);
  const t0 = clock.now();
  for (const step of plan(stocks)) {
    await clock.advance(t0 + step.at - clock.now());
    conns[step.client]!.send(step.msg);
  }
  await clock.advance(t0 + seconds * 1000 - clock.now());
  return lines;
}

async function overTcp(start: number, seconds: number): Promise<string[]> {
  const clock = new VirtualClock(start);
  const sim = await startSimulator({ port: 0, clock, seed: 1, profile: 'ibkr-paper', overrides });
  const stocks = sim.gateway.market.universe.instruments.filter((i: { secType: string }) => i.secType === 'STK');
  const received: Buffer[][] = [[], [], [], []];
  const sockets = await Promise.all(
    [0, 1, 2, 3].map(
      (i) =>
        new Promise<net.Socket>((resolve) => {
          const s = net.connect({ port: sim.port, host: '127.0.0.1' }, () => resolve(s));
          s.on('data', (b: Buffer) => received[i]!.push(b));
        }),
    ),
  );
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 20));
  };
  sockets.forEach((s, i) => {
    s.write(Buffer.concat([P.encodeHandshake(100, V), P.encodeClientMessage({ type: 'START_API', clientId: i + 1, optionalCapabilities: '' }, V)]));
  });
  await settle();
  await clock.advance(5_000);
  await settle();
  const t0 = clock.now();
  for (const step of plan(stocks)) {
    await clock.advance(t0 + step.at - clock.now());
    sockets[step.client]!.write(P.encodeClientMessage(step.msg, V));
    await settle();
  }
  for (let t = clock.now(); t < t0 + seconds * 1000; t += 250) {
    await clock.advance(250);
    await new Promise((r) => setImmediate(r));
  }
  await settle();
  for (const s of sockets) s.destroy();
  await sim.close();
  // The handshake reply carries the connection time: model time of the virtual clock, so it is stable.
  return received.map((chunks, i) => `${i} ${Buffer.concat(chunks).length} ${createHash('sha256').update(Buffer.concat(chunks)).digest('hex')}`);
}

/**
 * Per client: messages and a digest of its "instant bytes" lines, then the same digest with each
 * instant's messages sorted ("order aside"): when only the first differs between two trees, the
 * streams hold the same messages at the same instants and differ only in their order within an instant.
 */
function digest(name: string, lines: string[]): string[] {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  return [0, 1, 2, 3].flatMap((c) => {
    const mine = lines.filter((l) => l.startsWith(`${c} `));
    const orderAside = [...mine].sort();
    return [
      `${name} client ${c + 1}: ${mine.length} messages, sha256 ${sha(mine.join('\n'))}`,
      `${name} client ${c + 1}: order within an instant aside, sha256 ${sha(orderAside.join('\n'))}`,
    ];
  });
}

const lines = [
  ...digest('in process from 10:00', await inProcess(OPEN, 60)),
  ...digest('in process across the close', await inProcess(CLOSE_SOON, 60)),
  ...(await overTcp(OPEN, 40)).map((l) => `over TCP client ${Number(l.split(' ')[0]) + 1}: ${l.split(' ')[1]} bytes, sha256 ${l.split(' ')[2]}`),
];
console.log(lines.join('\n'));
process.exit(0);
