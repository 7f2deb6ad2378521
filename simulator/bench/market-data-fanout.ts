/**
 * Market-data fan-out cost of the gateway model: `clients` API clients × `lines` streaming
 * top-of-book lines, run for `seconds` of model time on a virtual clock, every message encoded to
 * its wire frame as the TCP adapter does (server/frame-cache.ts, one cache for all clients) but not
 * written to a socket. Reported: tick messages
 * per model second and the CPU the model spends per model second (= the share of one core it
 * needs at time scale 1). Baseline in the same run: the same number of quote reads, tick diffs and
 * encodings (through a frame cache of its own) done in a plain loop, without the gateway
 * (sessions, timers, handlers, journal).
 *
 *   npx tsx simulator/bench/market-data-fanout.ts [--clients 32] [--lines 100] [--seconds 20] [--journal on|off] [--json]
 *
 * `--journal off` runs the gateway with its journal ring off (as `sim --journal-size 0`), to show
 * what recording every frame costs.
 *
 * Socket writes, the simulator process's CPU at time scale 1 and delivery latency over TCP:
 * simulator/bench/market-data-fanout-tcp.ts (`npm run bench:fanout` runs both).
 */
import { parseArgs } from 'node:util';
import { VirtualClock } from '../../common/clock.ts';
import { createMarketData } from '../market/market-data.ts';
import { lineFields, ticksBetween } from '../market/top-of-book.ts';
import { SIM_MAX_VERSION } from '../protocol/index.ts';
import { mktDataRequest } from '../protocol/requests.ts';
import { FrameCache } from '../server/frame-cache.ts';
import { InProcessConnection } from '../server/in-process.ts';
import { createGateway } from '../simulator.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '32' },
    lines: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    journal: { type: 'string', default: 'on' },
    json: { type: 'boolean', default: false },
  },
});
if (values.journal !== 'on' && values.journal !== 'off') throw new Error('--journal is on or off');
const clients = Number(values.clients);
const lines = Number(values.lines);
const seconds = Number(values.seconds);
/** Wed 2025-11-12 10:00 New York: regular hours, every US line ticking. */
const OPEN = Date.UTC(2025, 10, 12, 15, 0);
const market = createMarketData({ seed: 1 });
const stocks = market.universe.instruments.filter((i) => i.secType === 'STK');
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

async function gatewayRun(): Promise<{ messages: number; bytes: number; cpuMs: number }> {
  const clock = new VirtualClock(OPEN);
  const gw = createGateway({
    clock,
    seed: 1,
    profile: 'instant',
    market,
    journal: { enabled: values.journal === 'on' },
    overrides: { marketData: { lines: clients * lines } },
  });
  let messages = 0;
  let bytes = 0;
  let counting = false;
  const frames = new FrameCache();
  const conns = Array.from({ length: clients }, (_, i) => {
    const conn = InProcessConnection.open(gw);
    conn.onMessage((msg) => {
      const frame = frames.encode(msg, SIM_MAX_VERSION);
      if (!counting) return;
      messages++;
      bytes += frame.length;
    });
    conn.send({ type: 'START_API', clientId: i + 1, optionalCapabilities: '' });
    return conn;
  });
  await clock.advance(5_000); // logins
  conns.forEach((conn, c) => {
    for (let l = 0; l < lines; l++) {
      const s = stocks[(c * lines + l) % stocks.length]!;
      conn.send(mktDataRequest(l + 1, { conId: s.conId, symbol: '', exchange: 'SMART', currency: '' }));
    }
  });
  await clock.advance(1_000); // first full round
  counting = true;
  const start = process.cpuUsage();
  await clock.advance(seconds * 1000);
  return { messages, bytes, cpuMs: cpuMs(start) };
}

function baselineRun(): { messages: number; cpuMs: number } {
  const books = Array.from({ length: clients * lines }, (_, n) => market.quotes(stocks[n % stocks.length]!));
  const prev = books.map((q) => lineFields(q.quoteAt(OPEN + 6_000), true));
  let messages = 0;
  const frames = new FrameCache();
  const start = process.cpuUsage();
  for (let t = OPEN + 6_250; t <= OPEN + 6_000 + seconds * 1000; t += 250) {
    books.forEach((q, n) => {
      const next = lineFields(q.quoteAt(t), true);
      for (const tick of ticksBetween(prev[n], next, false)) {
        const msg =
          tick.kind === 'price'
            ? ({ type: 'TICK_PRICE', reqId: n, tickType: tick.tickType, price: tick.price, size: tick.size, attrMask: 0 } as const)
            : tick.kind === 'size'
              ? ({ type: 'TICK_SIZE', reqId: n, tickType: tick.tickType, size: tick.size } as const)
              : tick.kind === 'string'
                ? ({ type: 'TICK_STRING', reqId: n, tickType: tick.tickType, value: tick.value } as const)
                : ({ type: 'TICK_GENERIC', reqId: n, tickType: tick.tickType, value: tick.value } as const);
        frames.encode(msg, SIM_MAX_VERSION);
        messages++;
      }
      prev[n] = next;
    });
  }
  return { messages, cpuMs: cpuMs(start) };
}

const gw = await gatewayRun();
const base = baselineRun();
const rows = [
  { target: `gateway model, journal ${values.journal}`, messagesPerModelSecond: gw.messages / seconds, cpuMsPerModelSecond: gw.cpuMs / seconds },
  { target: 'baseline loop', messagesPerModelSecond: base.messages / seconds, cpuMsPerModelSecond: base.cpuMs / seconds },
];
if (values.json) console.log(JSON.stringify({ clients, lines, seconds, rows }));
else {
  console.log(`${clients} clients × ${lines} lines, ${seconds} s of model time (AAPL… at 10:00 New York), every message encoded (frame cache)`);
  console.log('target                      tick msgs / model s   CPU ms / model s   share of one core at scale 1');
  for (const r of rows) {
    console.log(
      `${r.target.padEnd(28)}${r.messagesPerModelSecond.toFixed(0).padStart(19)}${r.cpuMsPerModelSecond.toFixed(1).padStart(19)}${`${(r.cpuMsPerModelSecond / 10).toFixed(1)} %`.padStart(31)}`,
    );
  }
}
