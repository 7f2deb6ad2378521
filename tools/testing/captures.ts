/**
 * Captures recorded for the tests through the real proxy in front of an in-process simulator.
 */
import { encodeClientMessage, encodeHandshake, SIM_MAX_VERSION } from '../../simulator/protocol/index.ts';
import { startSimulator } from '../../simulator/simulator.ts';
import { RawClient } from '../../simulator/testing/raw-client.ts';
import type { SimulatorSetup } from '../capture/format.ts';
import { startRecorder } from '../record.ts';
import { stoqeySession } from './stoqey-session.ts';

export const TEST_SETUP: SimulatorSetup = { profile: 'instant', seed: 7, timeScale: 1 };

/** Record `drive(port)` against a simulator with `setup`, through the proxy, into `out`. */
export async function recordAgainstSimulator(out: string, setup: SimulatorSetup, drive: (port: number) => Promise<unknown>): Promise<void> {
  const sim = await startSimulator({ port: 0, ...setup });
  try {
    const recorder = await startRecorder({ upstream: { host: sim.host, port: sim.port }, port: 0, out, simulator: setup });
    try {
      await drive(recorder.port);
      // The client's close reaches the proxy just after the client has let go of its socket.
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await recorder.close();
    }
  } finally {
    await sim.close();
  }
}

/** @stoqey/ib connects, qualifies AAPL and asks for one day of hourly bars. */
export const recordStoqeySession = (out: string, clientId = 5, setup = TEST_SETUP) =>
  recordAgainstSimulator(out, setup, (port) => stoqeySession(port, clientId));

/** Two connections with client id 1: the second gets 326 and is closed; then the first closes. */
export const recordClientIdClash = (out: string, setup = TEST_SETUP) =>
  recordAgainstSimulator(out, setup, async (port) => {
    const first = await RawClient.ready(port, 1);
    const second = await RawClient.connect(port);
    second.write(
      Buffer.concat([
        encodeHandshake(100, SIM_MAX_VERSION),
        encodeClientMessage({ type: 'START_API', clientId: 1, optionalCapabilities: '' }, SIM_MAX_VERSION),
      ]),
    );
    await second.whenClosed(2000);
    first.end();
    await first.whenClosed(2000);
  });
