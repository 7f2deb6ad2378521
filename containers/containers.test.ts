/**
 * The simulator image under a real Docker engine, through the testcontainers modules: the image is
 * built from this checkout (containers/build-image.sh; on a base made from this machine's node
 * when no registry is reachable), started as IbkrSimulatorContainer and driven with the real
 * @stoqey/ib; then it stands in for a real gateway behind IbGatewayContainer.
 *
 * Needs a Docker engine. Without one the tests skip, saying so; with CI set (.ci/run) they fail
 * instead. Host networking (engines started without a bridge) is used when
 * IBKR_CONTAINERS_HOST_NETWORK=1, as in .ci/run.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EventName, IBApi, SecType, type ContractDetails } from '@stoqey/ib';
import { getContainerRuntimeClient } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, IbGatewayContainer, IbkrSimulatorContainer, type StartedIbkrSimulatorContainer } from './testcontainers.ts';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const IMAGE = 'ibkr-harness/simulator:test';
const hostNetwork = process.env.IBKR_CONTAINERS_HOST_NETWORK === '1';

const engine = await getContainerRuntimeClient().then(
  () => undefined,
  (err: unknown) => (err instanceof Error ? err.message : String(err)),
);
if (engine !== undefined) {
  const why = `no Docker engine reachable (${engine.split('\n')[0]}): start dockerd, or see README "Containers"`;
  if (process.env.CI) throw new Error(`container tests must run in CI, but ${why}`);
  console.warn(`skipping the container tests: ${why}`);
}

/** The base image: IBKR_IMAGE_BASE if given, else one built from this machine's node (no registry needed). */
async function baseImage(): Promise<string> {
  if (process.env.IBKR_IMAGE_BASE) return process.env.IBKR_IMAGE_BASE;
  return (await run(path.join(HERE, 'make-node-base.sh'), [], { timeout: 120_000 })).stdout.trim();
}

/** Resolve with the first contract details @stoqey/ib receives for AAPL over a fresh connection. */
function qualifyAapl(port: number): Promise<ContractDetails> {
  const api = new IBApi({ host: '127.0.0.1', port });
  return new Promise<ContractDetails>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no contract details within 30 s')), 30_000);
    api.once(EventName.nextValidId, () => api.reqContractDetails(1, { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' }));
    api.on(EventName.contractDetails, (_id, details) => {
      clearTimeout(timer);
      resolve(details);
    });
    api.on(EventName.error, (err, code, reqId) => {
      if (reqId === 1) reject(new Error(`error ${code}: ${err.message}`));
    });
    api.connect(71);
  }).finally(() => api.disconnect());
}

/** Docker's health status of a container (the image's HEALTHCHECK: the `wait` probe). */
async function health(id: string): Promise<string> {
  return (await run('docker', ['inspect', '--format', '{{.State.Health.Status}}', id])).stdout.trim();
}

describe.skipIf(engine !== undefined)('the simulator container', { timeout: 240_000 }, () => {
  let sim: StartedIbkrSimulatorContainer | undefined;

  beforeAll(async () => {
    await run(path.join(HERE, 'build-image.sh'), [IMAGE, await baseImage()], { timeout: 600_000 });
  }, 600_000);

  afterAll(async () => {
    await sim?.stop();
    // testcontainers' own lock file (a tool's, like tsx's cache): the run's temp dir must end empty.
    rmSync(path.join(tmpdir(), `testcontainers-node-${process.getuid?.() ?? 0}.lock`), { force: true });
  });

  it('IbkrSimulatorContainer starts once the API answers; @stoqey/ib qualifies AAPL; the control plane and HEALTHCHECK agree', async () => {
    const container = new IbkrSimulatorContainer(IMAGE).withProfile('instant').withSeed(7);
    sim = await (hostNetwork ? container.withHostNetwork() : container).start();
    const details = await qualifyAapl(sim.getApiPort());
    expect(details.contract.conId).toBe(265598);
    expect(await sim.control.health()).toMatchObject({ status: 'ok', profile: 'instant', seed: 7 });
    const user = (await run('docker', ['inspect', '--format', '{{.Config.User}}', sim.getId()])).stdout.trim();
    expect(user).toBe('10001:10001');
    let status = await health(sim.getId());
    for (let i = 0; i < 60 && status !== 'healthy'; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      status = await health(sim.getId());
    }
    expect(status).toBe('healthy');
  });

  it('IbGatewayContainer, with the simulator image standing in for the gateway, starts on API readiness', async () => {
    const apiPort = hostNetwork ? await freePort() : 4002;
    const gateway = new IbGatewayContainer(IMAGE)
      .withCredentials('paper-user', 'not-a-real-password')
      .withApiPort(apiPort)
      .withEnvironment({
        IBKR_SIM_PROFILE: 'instant',
        IBKR_SIM_PORT: String(apiPort),
        ...(hostNetwork ? { IBKR_SIM_HOST: '127.0.0.1' } : {}),
      })
      .withStartupTimeout(120_000);
    const started = await (hostNetwork ? gateway.withHostNetwork() : gateway).start();
    try {
      expect((await qualifyAapl(started.getApiPort())).contract.symbol).toBe('AAPL');
    } finally {
      await started.stop();
    }
  });
});
