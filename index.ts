/**
 * ibkr-harness's public API: `import { startSimulator } from 'ibkr-harness'`.
 *
 * - `startSimulator(options)` starts an IB Gateway simulator (TWS socket protocol) on a TCP port,
 *   optionally with its HTTP control plane; `close()` stops it.
 * - `ControlClient` drives a simulator's control plane from another process (faults, journal,
 *   sessions, reset); `FaultSpec` and the other control types describe what it sends and gets.
 * - The verdict (`ControlClient.verdict()`, `sim --verdict`): `Verdict`, `CHECK_IDS`, `parseVerdict`
 *   for a verdict.json read back, `DEFAULT_VERDICT_CONFIG` for its thresholds.
 * - `waitForGateway(options)` resolves once a gateway's API answers (handshake, START_API,
 *   nextValidId and managedAccounts), the simulator's or a real IB Gateway's; see
 *   docs/wire-facts/readiness.md#port-open-is-not-api-ready.
 * - `createCollector(options)` is the project's own collector on @stoqey/ib; the scenario DSL
 *   (`page`, `task`, `actor`, `at`) and `runScenario` run the incident's designs.
 *
 * Other entry points: `ibkr-harness/vitest` (a vitest globalSetup), `ibkr-harness/jest-global-setup`
 * and `ibkr-harness/jest-global-teardown` (Jest), `ibkr-harness/testcontainers` (the simulator and
 * a real gateway as testcontainers modules; needs the `testcontainers` package). The package ships compiled JS with
 * type declarations (built into dist/ by `npm pack`), so it loads in plain Node ≥ 20.
 */
export { startSimulator, createGateway, type Simulator, type SimulatorOptions } from './simulator/simulator.ts';
export { PROFILES, DEFAULT_PROFILE, getProfile, applyOverrides, type Profile, type ProfileOverrides } from './simulator/model/profile.ts';
export { ControlClient, ControlError } from './simulator/control/control-client.ts';
export type { GatewayControl } from './simulator/control/gateway-control.ts';
export type * from './simulator/control/api-types.ts';
export { FAULT_KINDS, parseFaultSpec, describeFault, type FaultKindName } from './simulator/faults/registry.ts';
export { CHECK_IDS, CHECK_TITLES, VERDICT_SCHEMA, parseVerdict, type CheckId, type Checks, type Verdict } from './simulator/verdict/schema.ts';
export { DEFAULT_VERDICT_CONFIG, type VerdictConfig } from './simulator/verdict/config.ts';
export { PROBE_CLIENT_ID, waitForGateway, type NotReadyCode, type WaitOptions, type WaitResult } from './tools/wait.ts';
export { startRecorder, startReplay, diffCapture, type Recorder, type ReplayServer, type DiffReport } from './tools/index.ts';
export {
  createCollector,
  Collector,
  type CollectorOptions,
  type CollectRequest,
  type CollectOutcome,
  type SymbolResult,
} from './collector/index.ts';
export { page, task, actor, at, ONE_DAY_HOURLY } from './scenarios/dsl.ts';
export { runScenario, type RunOptions } from './scenarios/runner.ts';
export type { Scenario, ActorPlan, ProcessPlan, FaultStep, Expectation } from './scenarios/types.ts';
export { packageVersion } from './common/package-info.ts';
