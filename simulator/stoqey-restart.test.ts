/**
 * A gateway restart as an unmodified @stoqey/ib client with a fixed client id lives through it,
 * over real TCP: its connection drops, connections are refused while the gateway is down, and the
 * same id is accepted as soon as the port is back (docs/wire-facts/gateway.md#daily-restart).
 */
import { EventName, IBApi } from '@stoqey/ib';
import { afterEach, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './simulator.ts';

let sim: Simulator | undefined;
const apis: IBApi[] = [];
afterEach(async () => {
  for (const api of apis.splice(0)) api.disconnect();
  await sim?.close();
});

/** Connect with `clientId`; resolves with what happened first: ready (nextValidId), a 326, or a close. */
function attempt(port: number, clientId: number): Promise<'ready' | '326' | 'closed'> {
  const api = new IBApi({ host: '127.0.0.1', port });
  apis.push(api);
  return new Promise((resolve) => {
    api.once(EventName.nextValidId, () => resolve('ready'));
    api.on(EventName.info, (_m: string, code: number) => code === 326 && resolve('326'));
    api.once(EventName.disconnected, () => resolve('closed'));
    api.connect(clientId);
  });
}

it('after a restart, a reconnect with the same fixed id succeeds as soon as the port is back', async () => {
  const DOWN_MS = 1_500;
  // Real time (scale 1): the downtime is short, and the id grace far longer than the test.
  sim = await startSimulator({ port: 0, profile: 'instant', seed: 3, overrides: { connections: { restartDowntimeMs: DOWN_MS, idGraceMs: 60_000 } } });
  expect(await attempt(sim.port, 7)).toBe('ready');
  const dropped = new Promise<void>((r) => apis[0]!.once(EventName.disconnected, () => r()));
  sim.control.apply({ kind: 'restart' });
  // Read after the restart: the gateway's downtime counts from its own reading, taken inside it.
  const backAt = sim.clock.now() + DOWN_MS;
  await dropped;

  // While the gateway is down, the connection is accepted and closed at once, without a reply.
  expect(await attempt(sim.port, 7)).toBe('closed');
  // A timer may fire up to a millisecond before the clock it was set from says it is due.
  while (sim.clock.now() < backAt) await new Promise((r) => setTimeout(r, Math.max(1, backAt - sim!.clock.now())));
  expect(await attempt(sim.port, 7)).toBe('ready');
  expect(sim.gateway.listSessions().map((s) => [s.clientId, s.state])).toEqual([[7, 'ready']]);
});
