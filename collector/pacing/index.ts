export { PacingScheduler, type PacingSchedulerOptions, type ReleasePacingSlot } from './scheduler.ts';
export {
  DEFAULT_PACING_RULES,
  earliestAllowed,
  historyHorizonMs,
  impossibleRequest,
  isPaced,
  weightOf,
  type PacedRequest,
  type PacingRules,
  type SentRecord,
} from './rules.ts';
export { pacedRequest, type HistoricalRequestFields } from '../../common/ib/pacing.ts';
