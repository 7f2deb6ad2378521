/**
 * testcontainers modules (npm `testcontainers`, ≥ 11; install it beside ibkr-harness):
 *
 * - `IbkrSimulatorContainer`: the simulator image (containers/Dockerfile) with its profile, seed
 *   and time scale; started, it hands out the API port and a ready `ControlClient`.
 * - `IbGatewayContainer`: a real paper IB Gateway (`ghcr.io/gnzsnz/ib-gateway`), credentials from
 *   TWS_USERID / TWS_PASSWORD; its API is reached through the image's relay port 4004 (paper) or
 *   4003 (live), see docs/wire-facts/containers.md#the-gnzsnzib-gateway-image.
 *
 * Both count as started only when the API answers (`ApiReadyWaitStrategy`: the `wait` probe's
 * handshake, START_API, nextValidId and managedAccounts), never on "port open": a real gateway's
 * port opens long before its API answers (docs/wire-facts/readiness.md#port-open-is-not-api-ready).
 *
 * `withHostNetwork()` runs the container in the host's network namespace (for engines started
 * without a bridge, as in this project's CI): the API listens on a free loopback port chosen at
 * start instead of a mapped one.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import {
  AbstractStartedContainer,
  type BoundPorts,
  GenericContainer,
  getContainerRuntimeClient,
  type StartedTestContainer,
  type WaitStrategy,
} from 'testcontainers';
import { ControlClient } from '../simulator/control/control-client.ts';
import { waitForGateway } from '../tools/wait.ts';

/** The tag containers/build-image.sh gives the simulator image by default. */
export const SIMULATOR_IMAGE = 'ibkr-harness/simulator:latest';
/** The real gateway image most docker-compose setups use. */
export const IB_GATEWAY_IMAGE = 'ghcr.io/gnzsnz/ib-gateway:stable';

/** A free TCP port on 127.0.0.1 (for host networking, where nothing maps ports). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The host testcontainers reaches containers on (TESTCONTAINERS_HOST_OVERRIDE, else the engine's). */
async function containerHost(): Promise<string> {
  return (await getContainerRuntimeClient()).info.containerRuntime.host;
}

/**
 * A testcontainers wait strategy that is satisfied once a TWS API answers on the container's
 * `apiPort` (its mapped port, or the port itself under host networking): the `wait` probe with a
 * probe client id. Times out after the startup timeout (wall ms, default 120 000) with the probe's
 * last reason: refused, no handshake reply, not an API port, 326.
 */
export class ApiReadyWaitStrategy implements WaitStrategy {
  private startupTimeoutMs = 120_000;
  private startupTimeoutSet = false;

  constructor(
    private readonly apiPort: number,
    private readonly hostNetwork = false,
  ) {}

  async waitUntilReady(_container: unknown, boundPorts: BoundPorts): Promise<void> {
    const host = await containerHost();
    const port = this.hostNetwork ? this.apiPort : boundPorts.getBinding(this.apiPort);
    const result = await waitForGateway({ host, port, timeoutMs: this.startupTimeoutMs });
    if (!result.ready) throw new Error(`TWS API at ${host}:${port} not ready after ${Math.round(result.elapsedMs)} ms: ${result.reason}`);
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.startupTimeoutMs = startupTimeoutMs;
    this.startupTimeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.startupTimeoutSet;
  }

  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }
}

/** A started container with a TWS API port: where clients connect. */
export class StartedTwsApiContainer extends AbstractStartedContainer {
  constructor(
    started: StartedTestContainer,
    private readonly apiPort: number,
    protected readonly hostNetwork: boolean,
  ) {
    super(started);
  }

  /** The host port clients connect to (the mapped port, or the container's own under host networking). */
  getApiPort(): number {
    return this.hostNetwork ? this.apiPort : this.getMappedPort(this.apiPort);
  }
}

export class StartedIbkrSimulatorContainer extends StartedTwsApiContainer {
  /** A control-plane client for this container (faults, journal, sessions, reset). */
  readonly control: ControlClient;

  constructor(started: StartedTestContainer, apiPort: number, hostNetwork: boolean, controlPort: number, controlToken: string) {
    super(started, apiPort, hostNetwork);
    const port = hostNetwork ? controlPort : started.getMappedPort(controlPort);
    this.control = new ControlClient(`http://${started.getHost()}:${port}`, { token: controlToken });
  }
}

/** The simulator image, configured through its IBKR_SIM_* variables (containers/Dockerfile). */
export class IbkrSimulatorContainer extends GenericContainer {
  private hostNetwork = false;
  private readonly settings: Record<string, string> = {};

  constructor(image = SIMULATOR_IMAGE) {
    super(image);
  }

  /** Gateway behaviour profile: `lynx-paper` (the image's default), `ibkr-paper` or `instant`. */
  withProfile(profile: string): this {
    this.settings.IBKR_SIM_PROFILE = profile;
    return this;
  }

  withSeed(seed: number): this {
    this.settings.IBKR_SIM_SEED = String(seed);
    return this;
  }

  /** Real seconds per model second (0.01 runs the model 100× faster). */
  withTimeScale(timeScale: number): this {
    this.settings.IBKR_SIM_TIME_SCALE = String(timeScale);
    return this;
  }

  /** The model time to start at (default: the container's now), so a suite meets the same market hours whenever it runs. */
  withStart(start: Date): this {
    this.settings.IBKR_SIM_START = start.toISOString();
    return this;
  }

  /** Share the host's network: the simulator listens on free loopback ports picked at start. */
  withHostNetwork(): this {
    this.hostNetwork = true;
    return this;
  }

  override async start(): Promise<StartedIbkrSimulatorContainer> {
    let apiPort = 4002;
    let controlPort = 4010;
    // The control plane is reachable from outside the container only with a bearer token: a fresh
    // random one per container, known to this process alone.
    const controlToken = randomBytes(24).toString('base64url');
    Object.assign(this.settings, { IBKR_SIM_CONTROL_PORT: String(controlPort), IBKR_HARNESS_CONTROL_TOKEN: controlToken });
    if (this.hostNetwork) {
      [apiPort, controlPort] = [await freePort(), await freePort()];
      this.withNetworkMode('host');
      Object.assign(this.settings, {
        IBKR_SIM_HOST: '127.0.0.1',
        IBKR_SIM_CONTROL_HOST: '127.0.0.1',
        IBKR_SIM_PORT: String(apiPort),
        IBKR_SIM_CONTROL_PORT: String(controlPort),
      });
    } else {
      this.withExposedPorts(apiPort, controlPort);
    }
    this.withEnvironment(this.settings).withWaitStrategy(new ApiReadyWaitStrategy(apiPort, this.hostNetwork));
    return new StartedIbkrSimulatorContainer(await super.start(), apiPort, this.hostNetwork, controlPort, controlToken);
  }
}

/**
 * A real IB Gateway in a container (`ghcr.io/gnzsnz/ib-gateway` by default). Credentials come from
 * `withCredentials` or the TWS_USERID / TWS_PASSWORD environment variables; start() throws naming
 * them when neither is set. Paper trading unless `withTradingMode('live')`. The startup timeout
 * defaults to 300 000 wall ms: a gateway logs in for a minute or more.
 */
export class IbGatewayContainer extends GenericContainer {
  private hostNetwork = false;
  private tradingMode: 'paper' | 'live' = 'paper';
  private apiPort: number | undefined;
  private credentials: { user: string; password: string } | undefined;

  constructor(image = IB_GATEWAY_IMAGE) {
    super(image);
    this.withStartupTimeout(300_000);
  }

  withCredentials(user: string, password: string): this {
    this.credentials = { user, password };
    return this;
  }

  withTradingMode(mode: 'paper' | 'live'): this {
    this.tradingMode = mode;
    return this;
  }

  /** The container port of the API: by default the image's relay, 4004 (paper) or 4003 (live). */
  withApiPort(port: number): this {
    this.apiPort = port;
    return this;
  }

  /** Share the host's network (the API port is then the container's own port on the host). */
  withHostNetwork(): this {
    this.hostNetwork = true;
    return this;
  }

  override async start(): Promise<StartedTwsApiContainer> {
    const user = this.credentials?.user ?? process.env.TWS_USERID;
    const password = this.credentials?.password ?? process.env.TWS_PASSWORD;
    if (!user || !password) {
      throw new Error('IbGatewayContainer needs IB credentials: set TWS_USERID and TWS_PASSWORD (a paper account) or call withCredentials(user, password)');
    }
    const apiPort = this.apiPort ?? (this.tradingMode === 'paper' ? 4004 : 4003);
    if (this.hostNetwork) this.withNetworkMode('host');
    else this.withExposedPorts(apiPort);
    this.withEnvironment({ TWS_USERID: user, TWS_PASSWORD: password, TRADING_MODE: this.tradingMode }).withWaitStrategy(
      new ApiReadyWaitStrategy(apiPort, this.hostNetwork),
    );
    return new StartedTwsApiContainer(await super.start(), apiPort, this.hostNetwork);
  }
}
