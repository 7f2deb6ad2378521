import { ScaledClock, type Clock } from '../common/clock.ts';
import { GatewayModel } from './model/gateway.ts';
import { Journal } from './model/journal.ts';
import type { Logger, MarketData } from './model/ports.ts';
import { applyOverrides, DEFAULT_PROFILE, getProfile, type Profile, type ProfileOverrides } from './model/profile.ts';
import { createMarketData } from './market/market-data.ts';
import { TcpGatewayServer } from './server/tcp-server.ts';
import type { PendingLimits } from './server/pending-connections.ts';
import { startControlServer, type ControlServer } from './control/control-server.ts';
import { LocalControl } from './control/local-control.ts';
import { FaultStage } from './faults/stage.ts';
import { RateLimitedLog } from '../common/rate-limited-log.ts';
import { DEFAULT_VERDICT_CONFIG, type VerdictConfig } from './verdict/config.ts';
import type { CheckId } from './verdict/schema.ts';
import type { WrittenVerdict } from './verdict/write.ts';

export interface SimulatorOptions {
  host?: string;
  /** TCP port for API clients; 0 picks a free one. Default 4002 (paper IB Gateway). */
  port?: number;
  /** Port of the HTTP control plane; omit to run without it, 0 to pick a free one. */
  controlPort?: number;
  controlHost?: string;
  /** Bearer token of the control plane (required when `controlHost` is not loopback). */
  controlToken?: string | undefined;
  /** Bounds on API connections that have not logged in (server/pending-connections.ts). */
  pending?: Partial<PendingLimits>;
  profile?: string | Profile;
  overrides?: ProfileOverrides;
  seed?: number;
  /** Real ms per model ms: 0.01 runs the model 100x faster. Ignored when `clock` is given. */
  timeScale?: number;
  /**
   * The model time to start at, epoch ms (default: now). Fixing it makes what a run meets — open
   * or closed markets, which bars exist, when orders can fill — the same whatever the hour the run
   * is started. Ignored when `clock` is given.
   */
  start?: number;
  clock?: Clock;
  /** Replace the bundled contract universe with this file (or extend it, see `extendContracts`). */
  contractsFile?: string;
  extendContracts?: boolean;
  /**
   * Give an unknown US stock symbol a synthetic, clearly marked contract instead of error 200
   * (docs/wire-facts/contracts.md#any-symbol-mode). Default false. Ignored when `market` is given.
   */
  anySymbol?: boolean;
  market?: MarketData;
  logger?: Logger;
  journal?: { enabled?: boolean; capacity?: number; maxBytes?: number };
  /**
   * Judge the clients (simulator/verdict/): with `dir`, `close()` writes verdict.json, verdict.md
   * and verdict.html there. The journal is analysed as it is recorded whenever this is given or
   * the control plane runs (`GET /verdict`).
   */
  verdict?: { dir?: string; config?: VerdictConfig; failOn?: readonly CheckId[] };
}

/** What `close()` leaves behind: the verdict written, when the simulator was asked for one. */
export interface Stopped {
  verdict?: WrittenVerdict;
}

export interface Simulator {
  /** The gateway model (for tests that look inside it). */
  gateway: GatewayModel;
  /** The fault stage in front of the model: TCP clients go through it. */
  faults: FaultStage;
  /** The control facade (what the control plane serves), in process. */
  control: LocalControl;
  tcp: TcpGatewayServer;
  controlServer: ControlServer | undefined;
  host: string;
  port: number;
  controlPort: number | undefined;
  clock: Clock;
  seed: number;
  /**
   * Stop: take the final verdict (if asked for), close the control plane and every connection,
   * then write the verdict's files. Rejects if they cannot be written.
   */
  stop(): Promise<Stopped>;
  /** `stop()`, for callers that want nothing back. */
  close(): Promise<void>;
}

/** Build a gateway model with its market data; no sockets (the in-process and virtual-time entry point). */
export function createGateway(opts: SimulatorOptions & { clock: Clock }): GatewayModel {
  const seed = opts.seed ?? 1;
  const base = typeof opts.profile === 'object' ? opts.profile : getProfile(opts.profile ?? DEFAULT_PROFILE);
  const profile = opts.overrides ? applyOverrides(base, opts.overrides) : base;
  const market =
    opts.market ??
    createMarketData({
      seed,
      anySymbol: opts.anySymbol ?? false,
      ...(opts.contractsFile ? { contractsFile: opts.contractsFile, extend: opts.extendContracts ?? false } : {}),
    });
  return new GatewayModel({
    clock: opts.clock,
    seed,
    profile,
    market,
    ...(opts.logger ? { logger: perSessionLog(opts.logger, opts.clock) } : {}),
    journal: new Journal(
      opts.journal?.capacity,
      opts.journal?.enabled ?? true,
      opts.journal?.maxBytes !== undefined ? { maxBytes: opts.journal.maxBytes } : {},
    ),
  });
}

/**
 * The model's log lines, rate-limited per session on the model clock (common/rate-limited-log.ts):
 * a client flooding bad frames gets a summary line, not one line per frame. Lines that name no
 * session (faults, the gateway itself) pass unlimited.
 */
function perSessionLog(logger: Logger, clock: Clock): Logger {
  return new RateLimitedLog(logger, {
    keyOf: (obj) => {
      const id = (obj as { session?: unknown }).session;
      return typeof id === 'number' ? id : undefined;
    },
    keyField: 'session',
    now: () => clock.now(),
    setTimer: (ms, fn) => clock.setTimer(ms, fn),
  });
}

/** Start a simulator: the model behind a TCP listener, and optionally the control plane. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const clock = opts.clock ?? new ScaledClock(opts.timeScale ?? 1, opts.start ?? Date.now());
  const seed = opts.seed ?? 1;
  const gateway = createGateway({ ...opts, clock, seed });
  const faults = new FaultStage(gateway);
  const tcp = new TcpGatewayServer(faults, {
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 4002,
    ...(opts.pending ? { pending: opts.pending } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const bound = await tcp.listen();
  const judge = opts.verdict !== undefined || opts.controlPort !== undefined;
  const config = opts.verdict?.config ?? DEFAULT_VERDICT_CONFIG;
  const verdictConfig = opts.verdict?.failOn ? { ...config, failOn: [...opts.verdict.failOn] } : config;
  const control = new LocalControl(faults, { apiPort: () => tcp.port, ...(judge ? { verdict: verdictConfig } : {}) });
  let controlServer: ControlServer | undefined;
  try {
    if (opts.controlPort !== undefined) {
      controlServer = await startControlServer({
        control,
        host: opts.controlHost ?? '127.0.0.1',
        port: opts.controlPort,
        token: opts.controlToken,
        ...(opts.logger ? { logger: opts.logger } : {}),
      });
    }
  } catch (err) {
    await tcp.close();
    throw err;
  }
  const stop = async (): Promise<Stopped> => {
    const dir = opts.verdict?.dir;
    const analyser = control.analyser;
    // Loaded only now: the renderers (vega) cost start-up time a simulator without verdicts need not pay.
    const files = dir && analyser ? await import('./verdict/write.ts') : undefined;
    // The verdict is taken at the moment of stopping, before closing drops the connections.
    const taken = files && analyser ? files.snapshot(analyser, { final: true, now: clock.now() }) : undefined;
    control.dispose();
    await controlServer?.close();
    await tcp.close();
    faults.clear();
    gateway.reset();
    return files && taken && dir ? { verdict: await files.writeVerdict(dir, taken) } : {};
  };
  return {
    gateway,
    faults,
    control,
    tcp,
    controlServer,
    host: bound.host,
    port: bound.port,
    controlPort: controlServer?.port,
    clock,
    seed,
    stop,
    async close() {
      await stop();
    },
  };
}
