/**
 * `ibkr-harness diff`: replay the client side of a capture against a target — a gateway on a
 * port, or by default an in-process simulator set up as the capture says — and report the
 * differences per message and per field, as text or as JSON (schema `ibkr-harness/diff`).
 */
import { ScaledClock } from '../../common/clock.ts';
import { DEFAULT_PROFILE } from '../../simulator/model/profile.ts';
import { startSimulator } from '../../simulator/simulator.ts';
import type { Capture, SimulatorSetup } from '../capture/format.ts';
import { Masker } from '../capture/mask.ts';
import { compareCapture, IGNORED_FIELDS, type Difference } from './compare.ts';
import { driveCapture, type DriveOptions, type Target } from './drive.ts';

export { TargetUnreachable } from './drive.ts';

export const DIFF_SCHEMA = 'ibkr-harness/diff';
export const DIFF_VERSION = 1;

export interface DiffOptions extends Omit<DriveOptions, 'masker'> {
  /** A gateway to diff against; default: an in-process simulator. */
  against?: Target;
  /** The in-process simulator's setup; fields not given come from the capture header, then profile lynx-paper, seed 1, time scale 1. */
  simulator?: Partial<SimulatorSetup>;
  /**
   * Epoch ms the in-process simulator's clock starts at. Default: the capture's `startedAt`, so
   * answers that depend on the date (CONTRACT_DATA's trading hours, history ending "now") are the
   * ones the recording got, whatever day the diff runs.
   */
  at?: number;
  /** More fields to ignore (`TYPE` or `TYPE.path`), added to IGNORED_FIELDS. */
  ignore?: readonly string[];
  /** Named in the report. */
  source?: string;
}

export interface DiffReport {
  schema: typeof DIFF_SCHEMA;
  version: typeof DIFF_VERSION;
  capture: string;
  /** `127.0.0.1:4002` or `simulator (profile instant, seed 7, time scale 1)`. */
  target: string;
  ignored: string[];
  connections: number;
  /** Recorded gateway frames compared. */
  frames: number;
  differences: Difference[];
}

/**
 * Diff a capture against a target. Rejects with TargetUnreachable (from drive.ts) when the target
 * cannot be reached, and with the simulator's error when an in-process simulator cannot start
 * (e.g. an unknown profile).
 */
export async function diffCapture(capture: Capture, opts: DiffOptions = {}): Promise<DiffReport> {
  const ignored = [...IGNORED_FIELDS.map((i) => i.field), ...(opts.ignore ?? [])];
  const masker = capture.header.masked ? new Masker() : undefined;
  const drive = { ...opts, ...(masker ? { masker } : {}) };
  let targetLabel: string;
  let targets: Awaited<ReturnType<typeof driveCapture>>;
  if (opts.against) {
    targetLabel = `${opts.against.host}:${opts.against.port}`;
    targets = await driveCapture(capture, opts.against, drive);
  } else {
    const setup: SimulatorSetup = {
      profile: opts.simulator?.profile ?? capture.header.simulator?.profile ?? DEFAULT_PROFILE,
      seed: opts.simulator?.seed ?? capture.header.simulator?.seed ?? 1,
      timeScale: opts.simulator?.timeScale ?? capture.header.simulator?.timeScale ?? 1,
    };
    targetLabel = `simulator (profile ${setup.profile}, seed ${setup.seed}, time scale ${setup.timeScale})`;
    const recordedAt = Date.parse(capture.header.startedAt);
    const origin = opts.at ?? (Number.isFinite(recordedAt) ? recordedAt : Date.now());
    const sim = await startSimulator({ port: 0, profile: setup.profile, seed: setup.seed, clock: new ScaledClock(setup.timeScale, origin) });
    try {
      targets = await driveCapture(capture, { host: '127.0.0.1', port: sim.port }, drive);
    } finally {
      await sim.close();
    }
  }
  const { differences, frames, connections } = compareCapture(capture, targets, ignored);
  return {
    schema: DIFF_SCHEMA,
    version: DIFF_VERSION,
    capture: opts.source ?? 'capture',
    target: targetLabel,
    ignored,
    connections,
    frames,
    differences,
  };
}

const show = (v: unknown) => (v === undefined ? '(absent)' : typeof v === 'string' ? JSON.stringify(v) : String(v));

/** The report as a few readable lines, grouped by connection and request. */
export function formatDiffReport(report: DiffReport): string {
  const lines = [`diff of ${report.capture} against ${report.target}`];
  let conn = -1;
  let request = '';
  for (const d of report.differences) {
    if (d.conn !== conn) {
      conn = d.conn;
      request = '';
      lines.push(`conn ${d.conn}`);
    }
    if (d.request !== request) {
      request = d.request;
      lines.push(`  ${d.request}`);
    }
    switch (d.kind) {
      case 'field':
        lines.push(`    ${d.message}  ${d.path}: ${show(d.recorded)} → ${show(d.actual)}`);
        break;
      case 'missing':
        lines.push(`    ${d.message}  missing: ${show(d.recorded)}`);
        break;
      case 'extra':
        lines.push(`    ${d.message}  extra: ${show(d.actual)}`);
        break;
      default:
        lines.push(`    ${d.message}  recorded ${show(d.recorded)}, now ${show(d.actual)}`);
    }
  }
  const n = report.differences.length;
  const messages = new Set(report.differences.map((d) => `${d.conn}/${d.request}/${d.message}`)).size;
  const compared = `${report.frames} recorded gateway frame(s) on ${report.connections} connection(s) compared; ignored: ${report.ignored.join(', ')}`;
  lines.push(n === 0 ? `no differences: ${compared}` : `${n} difference(s) in ${messages} message(s): ${compared}`);
  return lines.join('\n');
}
