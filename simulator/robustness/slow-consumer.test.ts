/**
 * A client that floods requests with big replies and never reads its socket must be dropped once
 * `limits.maxOutboundBytes` are queued for it, the process must not buffer without bound, and
 * everybody else must be served as before.
 */
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../model/session.ts';
import { startSimulator, type Simulator } from '../simulator.ts';
import { WireClient } from '../testing/wire-client.ts';
import { pollUntil, RawClient, SERVER_ID } from '../testing/raw-client.ts';
import { AAPL_CONID, contractRequest, encodeRequest, historyRequest } from '../protocol/requests.ts';

const LIMIT = 256 * 1024;
let sim: Simulator | undefined;
const opened: Array<RawClient | WireClient> = [];

afterEach(async () => {
  for (const c of opened.splice(0)) c.destroy();
  await sim?.close();
  sim = undefined;
});

function gc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Memory the process holds for JS objects and Buffers (socket write queues are Buffers). */
function held(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const MB = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

interface Workload {
  name: string;
  /** Encoded request number i. */
  request(i: number): Buffer;
  /** Requests in flight at the gateway before the flooder sends more. */
  inFlight(sim: Simulator, s: Session): number;
  batch: number;
  /** Messages in one reply (to turn messagesOut into bytes). */
  messagesPerReply: number;
}

const workloads: Workload[] = [
  {
    name: 'REQ_CONTRACT_DATA for AAPL on every exchange (25 CONTRACT_DATA per request)',
    request: (i) => encodeRequest(contractRequest(i, { exchange: '', currency: '' })),
    inFlight: (s) => s.gateway.secdef.depth,
    batch: 100,
    messagesPerReply: 26,
  },
  {
    name: 'REQ_HISTORICAL_DATA, 1,800 one-second bars per request',
    request: (i) =>
      encodeRequest(
        historyRequest(i, { endDateTime: '20251110 15:00:00 US/Eastern', duration: '1800 S', barSize: '1 secs', useRTH: 0, whatToShow: 'MIDPOINT' }),
      ),
    inFlight: (_s, session) => session.openHistory.size,
    batch: 10,
    messagesPerReply: 1,
  },
];

describe('a client that never reads', () => {
  it.each(workloads)(
    'is dropped after maxOutboundBytes; memory stays bounded; the bystander is unaffected — $name',
    async (w) => {
      sim = await startSimulator({ port: 0, profile: 'instant', seed: 3, overrides: { limits: { maxOutboundBytes: LIMIT } } });
      const s = sim;
      const bystander = await WireClient.ready({ port: s.port, clientId: 1 });
      opened.push(bystander);

      // Size of one reply, read normally.
      const probe = await RawClient.ready(s.port, 3);
      opened.push(probe);
      const bytesBefore = probe.bytesIn;
      probe.write(w.request(1));
      await probe.waitFor((f) => f[0] === SERVER_ID.CONTRACT_DATA_END || f[0] === SERVER_ID.HISTORICAL_DATA, 10_000);
      const replyBytes = probe.bytesIn - bytesBefore;
      expect(replyBytes).toBeGreaterThan(20_000);
      probe.destroy();

      const flooder = await RawClient.ready(s.port, 2);
      opened.push(flooder);
      const session = s.gateway.findSessions({ clientId: 2 })[0]!;
      flooder.socket.pause(); // from now on nothing is read

      const collect = gc();
      collect();
      const baseline = held();
      let peak = baseline;
      let sent = 0;
      const deadline = Date.now() + 40_000;
      while (session.isOpen && Date.now() < deadline) {
        if (w.inFlight(s, session) < w.batch) {
          const batch: Buffer[] = [];
          for (let i = 0; i < w.batch; i++) batch.push(w.request(10 + sent++));
          flooder.write(Buffer.concat(batch));
        }
        peak = Math.max(peak, held());
        await new Promise((r) => setTimeout(r, 5));
      }
      const producedBytes = session.messagesOut * (replyBytes / w.messagesPerReply);
      console.log(
        `${w.name}: dropped after ${sent} requests (${session.messagesOut} messages, ~${MB(producedBytes)} produced; one reply ${(replyBytes / 1024).toFixed(0)} KiB); ` +
          `held memory peak +${MB(peak - baseline)}`,
      );

      // Dropped, for the right reason, with nothing of it left in the gateway.
      expect(session.isOpen, `still open after ${sent} requests`).toBe(false);
      expect(session.closeReason).toBe('client not reading');
      expect(producedBytes).toBeGreaterThan(LIMIT);
      // Keep "flooding" a little: a dropped session's input is ignored and costs nothing.
      for (let i = 0; i < 200; i++) flooder.write(w.request(1_000_000 + i));

      // The bystander was never closed and is answered correctly.
      expect(bystander.closed).toBe(false);
      const t0 = performance.now();
      bystander.send(contractRequest(42));
      expect(await bystander.next((m) => m.type === 'CONTRACT_DATA' && m.reqId === 42, 20_000)).toMatchObject({ symbol: 'AAPL', conId: AAPL_CONID });
      await bystander.next((m) => m.type === 'CONTRACT_DATA_END' && m.reqId === 42, 5000);
      console.log(`bystander contract details after the drop: ${(performance.now() - t0).toFixed(0)} ms`);

      // The socket of the dropped client is destroyed after the close-flush grace (2 s) at most.
      expect(await pollUntil(() => s.tcp.connectionCount === 1 && s.gateway.sessionCount === 1, 5000, 20)).toBe(true);
      expect(s.gateway.clientIds.snapshot(s.clock.now())).toEqual({ live: [1], held: [] });

      // Bounded: the server queued at most ~the limit per client, not everything it produced.
      collect();
      const after = held();
      console.log(`held memory after the drop: +${MB(after - baseline)} (peak +${MB(peak - baseline)})`);
      expect(peak - baseline).toBeLessThan(64e6);
      expect(after - baseline).toBeLessThan(32e6);

      // The flooder sees the close once it reads again (everything queued, then FIN or reset).
      flooder.socket.resume();
      expect(await flooder.whenClosed(10_000)).toBe(true);
      expect(bystander.closed).toBe(false);
    },
    90_000,
  );
});
