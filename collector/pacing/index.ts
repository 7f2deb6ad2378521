export { PacingScheduler, type PacingSchedulerOptions, type ReleasePacingSlot } from './scheduler.ts';
export {
  IB_PACING_RULES,
  SMALL_BAR_SIZES,
  earliestAllowed,
  historyHorizonMs,
  impossibleRequest,
  weightOf,
  windowRulesApply,
  type PacedRequest,
  type PacingRules,
  type SentRecord,
} from './rules.ts';
export { pacedRequestFor, type HistoricalRequestSpec } from './keys.ts';
