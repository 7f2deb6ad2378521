/**
 * The wire tools as a library, for the package's public API: the readiness probe, the recording
 * proxy, the replay server, the capture diff and the capture format. The commands that wrap them
 * are in `tools/cli/`.
 */
export { PROBE_CLIENT_ID, waitForGateway, type NotReadyCode, type WaitOptions, type WaitResult } from './wait.ts';
export { startRecorder, type Recorder, type RecorderOptions } from './record.ts';
export { startReplay, type ReplayOptions, type ReplayServer, type UnmatchedRequest } from './replay.ts';
export { diffCapture, formatDiffReport, TargetUnreachable, DIFF_SCHEMA, DIFF_VERSION, type DiffOptions, type DiffReport } from './diff/diff.ts';
export { IGNORED_FIELDS, type Difference, type DifferenceKind } from './diff/compare.ts';
export {
  CAPTURE_SCHEMA,
  CAPTURE_VERSION,
  CaptureError,
  parseCapture,
  readCapture,
  type Capture,
  type CaptureHeader,
  type CaptureRecord,
  type FrameRecord,
} from './capture/format.ts';
