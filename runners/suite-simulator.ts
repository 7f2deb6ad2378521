/**
 * One simulator for a whole test suite, for the test-runner helpers (`ibkr-harness/vitest`,
 * `ibkr-harness/jest-global-setup`): started before the first test file, stopped after the last.
 * Tests find it through environment variables, which the runners pass on to their workers:
 *
 * | variable           | value                                   |
 * | ------------------ | --------------------------------------- |
 * | `IBKR_HOST`        | the API host, `127.0.0.1`               |
 * | `IBKR_PORT`        | the API port (a free one by default)    |
 * | `IBKR_CONTROL_URL` | the control plane, `http://127.0.0.1:…` |
 *
 * Options come from the caller, else from `IBKR_SIM_PORT`, `IBKR_SIM_PROFILE`, `IBKR_SIM_SEED`,
 * `IBKR_SIM_TIME_SCALE`, `IBKR_SIM_START` (ISO 8601 with its zone), else the simulator's defaults (a free port, profile `lynx-paper`, seed 1,
 * real time).
 */
import { instantArg } from '../common/cli-args.ts';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/simulator.ts';

/** Where a suite's tests find the simulator: the variables above, by name. */
export interface SuiteSimulatorEnv {
  IBKR_HOST: string;
  IBKR_PORT: string;
  IBKR_CONTROL_URL: string;
}

export interface SuiteSimulator {
  simulator: Simulator;
  env: SuiteSimulatorEnv;
  /** Stop the simulator and remove the variables it set. */
  close(): Promise<void>;
}

/** Read the `IBKR_SIM_*` variables; throws naming the variable when one is not a number (or not a zoned time). */
export function optionsFromEnv(env: NodeJS.ProcessEnv): SimulatorOptions {
  const num = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got "${raw}"`);
    return n;
  };
  const port = num('IBKR_SIM_PORT');
  const seed = num('IBKR_SIM_SEED');
  const timeScale = num('IBKR_SIM_TIME_SCALE');
  const start = env.IBKR_SIM_START ? instantArg('IBKR_SIM_START')(env.IBKR_SIM_START) : undefined;
  return {
    ...(start !== undefined ? { start } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(timeScale !== undefined ? { timeScale } : {}),
    ...(env.IBKR_SIM_PROFILE ? { profile: env.IBKR_SIM_PROFILE } : {}),
  };
}

/**
 * Start a simulator with its control plane (both on free loopback ports unless told otherwise) and
 * export its address into `process.env`. Throws what `startSimulator` throws (a busy port, an
 * unknown profile).
 */
export async function startSuiteSimulator(options: SimulatorOptions = {}): Promise<SuiteSimulator> {
  const opts: SimulatorOptions = { port: 0, controlPort: 0, ...optionsFromEnv(process.env), ...options };
  const simulator = await startSimulator(opts);
  const env: SuiteSimulatorEnv = {
    IBKR_HOST: simulator.host,
    IBKR_PORT: String(simulator.port),
    IBKR_CONTROL_URL: `http://${opts.controlHost ?? '127.0.0.1'}:${simulator.controlPort}`,
  };
  const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return {
    simulator,
    env,
    async close() {
      for (const [k, v] of Object.entries(previous)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await simulator.close();
    },
  };
}
