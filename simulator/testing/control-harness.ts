/**
 * Shared set-up for the control-plane tests: a real simulator on ephemeral ports, raw TWS clients
 * over TCP, and the typed HTTP client; everything started is closed by `closeAll`.
 */
import { contractRequest } from '../protocol/requests.ts';
import type { ServerMessage, ServerMessageOf } from '../protocol/index.ts';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator.ts';
import { WireClient } from './wire-client.ts';
import { ControlClient } from '../control/control-client.ts';

export type ErrMsg = ServerMessageOf<'ERR_MSG'>;

export class Harness {
  private readonly sims: Simulator[] = [];
  private readonly clients: WireClient[] = [];

  async start(opts: SimulatorOptions = {}): Promise<{ sim: Simulator; control: ControlClient; base: string }> {
    const sim = await startSimulator({ port: 0, controlPort: 0, profile: 'instant', seed: 1, ...opts });
    this.sims.push(sim);
    const base = `http://127.0.0.1:${sim.controlPort}`;
    return { sim, control: new ControlClient(base), base };
  }

  async connect(sim: Simulator, clientId: number): Promise<WireClient> {
    const c = await WireClient.ready({ port: sim.port, clientId });
    this.clients.push(c);
    return c;
  }

  /** Connect without waiting for login (for connections expected to be refused). */
  async attempt(sim: Simulator, clientId: number): Promise<WireClient> {
    const c = await WireClient.connect({ port: sim.port, clientId });
    this.clients.push(c);
    return c;
  }

  async closeAll(): Promise<void> {
    for (const c of this.clients.splice(0)) c.destroy();
    for (const s of this.sims.splice(0)) await s.close();
  }
}

export function requestContract(client: WireClient, reqId: number, symbol: string, currency = 'USD'): void {
  client.send(contractRequest(reqId, { symbol, currency }));
}

/** What ends a contract-details request: CONTRACT_DATA_END, or an error carrying its reqId. */
export function contractAnswer(client: WireClient, reqId: number, timeoutMs = 5000): Promise<ServerMessage> {
  return client.next((m) => (m.type === 'CONTRACT_DATA_END' && m.reqId === reqId) || (m.type === 'ERR_MSG' && m.id === reqId), timeoutMs);
}

export function errorCode(code: number): (m: ServerMessage) => boolean {
  return (m) => m.type === 'ERR_MSG' && m.code === code;
}

/** Resolves true if a matching message arrives within `ms`, false otherwise. */
export async function arrivesWithin(client: WireClient, match: (m: ServerMessage) => boolean, ms: number): Promise<boolean> {
  try {
    await client.next(match, ms);
    return true;
  } catch {
    return false;
  }
}

/** The journal and sessions list are updated synchronously, but the TCP bytes take a moment. */
export async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}
